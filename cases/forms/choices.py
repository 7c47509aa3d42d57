"""Forms of the stack canvas: a choice in a layer and a role analysis,
both edited in place."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Choice, Layer, Organisation, RoleAnalysis
from .integrity import IdsField, OneTimeTokenMixin, VersionedFormMixin


class FocusFirstFieldMixin:
    """In-place forms arrive by htmx: the first field with an error (or else
    the first field) gets ``autofocus``, which htmx honours after the swap, so
    a keyboard user lands where they have to type."""

    def set_autofocus(self) -> None:
        names = list(self.fields)
        if not names:
            return
        first = next((name for name in names if name in self.errors), names[0])
        self.fields[first].widget.attrs["autofocus"] = True


class ChoiceForm(FocusFirstFieldMixin, OneTimeTokenMixin, VersionedFormMixin, forms.ModelForm):
    """One choice in one layer, shaped like an architecture decision record."""

    layer = forms.ModelChoiceField(
        label=_("Laag"),
        queryset=Layer.objects.all(),
        to_field_name="code",
        empty_label=None,
    )

    class Meta:
        model = Choice
        fields = [
            "title",
            "layer",
            "sourcing",
            "maturity",
            "supplier",
            "chosen",
            "context",
            "options_considered",
            "pros",
            "cons",
            "rationale",
            "decided_by",
            "decided_on",
        ]
        widgets = {
            "chosen": forms.Textarea(attrs={"rows": 3}),
            "context": forms.Textarea(attrs={"rows": 3}),
            "options_considered": forms.Textarea(attrs={"rows": 3}),
            "pros": forms.Textarea(attrs={"rows": 3}),
            "cons": forms.Textarea(attrs={"rows": 3}),
            "rationale": forms.Textarea(attrs={"rows": 3}),
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"title": _("Keuze (korte titel)")}
        help_texts = {
            "title": _("Bijvoorbeeld: “Hosting bij een overheidscloud”."),
            "chosen": _("Wat is er gekozen?"),
        }

    def __init__(self, *args, **kwargs):
        given = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        if self.instance.layer_id and "layer" not in given:
            # The field speaks layer codes; the instance holds a layer id.
            self.initial["layer"] = self.instance.layer.code
        self.fields["sourcing"].choices = [("", _("Kies de sourcing")), *Choice.Sourcing.choices]
        self.fields["maturity"].choices = [
            ("", _("Kies de volwassenheid")),
            *Choice.Maturity.choices,
        ]
        self.fields["supplier"].queryset = Organisation.objects.order_by("name")
        self.fields["supplier"].empty_label = _("Geen of onbekend")
        self.fields["decided_by"].choices = [("", _("Onbekend")), *Choice.DecidedBy.choices]


class RoleAnalysisForm(FocusFirstFieldMixin, VersionedFormMixin, forms.ModelForm):
    """The province's role towards one counterpart. Saving it means filling
    it in, so the role and its explanation are required here."""

    class Meta:
        model = RoleAnalysis
        fields = ["role", "explanation", "pros", "cons", "partners"]
        field_classes = {"partners": IdsField}
        widgets = {
            "explanation": forms.Textarea(attrs={"rows": 3}),
            "pros": forms.Textarea(attrs={"rows": 2}),
            "cons": forms.Textarea(attrs={"rows": 2}),
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].required = True
        self.fields["role"].choices = [("", _("Kies een rol")), *RoleAnalysis.Role.choices]
        self.fields["explanation"].required = True
        self.fields["partners"].queryset = Organisation.objects.order_by("name")
