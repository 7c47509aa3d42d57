"""The form of a development direction, with what it means per layer."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from ..models import Case, Choice, Direction
from .integrity import IdsField, OneTimeTokenMixin, VersionedFormMixin


class ChoiceEvidenceField(IdsField):
    def label_from_instance(self, obj: Choice) -> str:
        return f"{obj.case.title} – {obj.layer.display_name}: {obj.title}"


class DirectionForm(OneTimeTokenMixin, VersionedFormMixin, forms.ModelForm):
    """A direction with what it means per layer (one text field per layer)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=10,
        help_text=_("Kort en uniek, bijvoorbeeld R8. Letters, cijfers, - en _."),
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_-]+$", _("Gebruik alleen letters, cijfers, - en _ in de code.")
            )
        ],
    )
    evidence_choices = ChoiceEvidenceField(
        label=_("Onderbouwende keuzes"),
        queryset=Choice.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Houd Ctrl (of Cmd) ingedrukt om meer keuzes te selecteren."),
    )

    class Meta:
        model = Direction
        fields = ["code", "title", "summary", "explanation", "evidence_cases", "evidence_choices"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 6}),
            "evidence_cases": forms.SelectMultiple(attrs={"size": 8}),
        }
        field_classes = {"evidence_cases": IdsField}
        help_texts = {
            "evidence_cases": _("Houd Ctrl (of Cmd) ingedrukt om meer casussen te selecteren."),
        }

    def __init__(self, *args, user, layers, **kwargs):
        super().__init__(*args, **kwargs)
        self.layers = layers
        self.fields["evidence_cases"].queryset = (
            Case.objects.visible_to(user).select_related("organisation").order_by("title", "pk")
        )
        self.fields["evidence_choices"].queryset = (
            Choice.objects.visible_to(user)
            .select_related("case", "layer")
            .order_by("case__title", "layer__position", "pk")
        )
        meanings = {}
        if self.instance.pk:
            meanings = {m.layer_id: m.text for m in self.instance.meanings.all()}
        for layer in layers:
            self.fields[self.meaning_field(layer)] = forms.CharField(
                label=_("Betekenis voor de laag “%(layer)s”") % {"layer": layer.display_name},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=meanings.get(layer.pk, ""),
            )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code.lower() == "new":  # /directions/new/ is the page for a new direction
            raise forms.ValidationError(_("Deze code is gereserveerd; kies een andere."))
        return code

    @staticmethod
    def meaning_field(layer) -> str:
        return f"meaning_{layer.code}"

    def meaning_fields(self) -> list:
        return [self[self.meaning_field(layer)] for layer in self.layers]

    def main_fields(self) -> list:
        return [self[name] for name in ("code", "title", "summary", "explanation")]

    def evidence_fields(self) -> list:
        return [self["evidence_cases"], self["evidence_choices"]]

    def meanings(self) -> dict:
        """{layer: text} as typed; ``actions.do_save_direction`` writes them."""
        return {layer: self.cleaned_data[self.meaning_field(layer)] for layer in self.layers}
