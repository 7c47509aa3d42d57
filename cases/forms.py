from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import Case, Choice, Layer, Organisation, RoleAnalysis


class CaseFilterForm(forms.Form):
    """Filters of the case list; every GET parameter goes through here."""

    q = forms.CharField(label=_("Zoeken"), required=False, max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.filter(cases__isnull=False).distinct(),
        required=False,
        empty_label=_("Alle organisaties"),
    )
    policy_domain = forms.ChoiceField(
        label=_("Beleidsdomein"),
        choices=[("", _("Alle domeinen")), *Case.PolicyDomain.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle statussen")), *Case.Status.choices],
        required=False,
    )
    layer = forms.ModelChoiceField(
        label=_("Laag"),
        queryset=Layer.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Alle lagen"),
    )
    sourcing = forms.ChoiceField(
        label=_("Sourcing in die laag"),
        choices=[("", _("Elke sourcing")), *Choice.Sourcing.choices],
        required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Offer only organisations whose cases this person may see.
            visible = Case.objects.visible_to(user)
            self.fields["organisation"].queryset = Organisation.objects.filter(
                pk__in=visible.values("organisation_id")
            )

    def filter(self, cases: QuerySet) -> QuerySet:
        """Apply the filters that are valid; a bad one is reported next to
        its field and left out, the others still apply."""
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            term = data["q"]
            cases = cases.filter(
                Q(title__icontains=term)
                | Q(summary__icontains=term)
                | Q(department__icontains=term)
            )
        if data.get("organisation"):
            cases = cases.filter(organisation=data["organisation"])
        if data.get("policy_domain"):
            cases = cases.filter(policy_domain=data["policy_domain"])
        if data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("layer") or data.get("sourcing"):
            # "Has a choice in that layer with that sourcing": one EXISTS, no duplicates.
            choices = Choice.objects.filter(case=OuterRef("pk"))
            if data.get("layer"):
                choices = choices.filter(layer=data["layer"])
            if data.get("sourcing"):
                choices = choices.filter(sourcing=data["sourcing"])
            cases = cases.filter(Exists(choices))
        return cases


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


class CaseForm(forms.ModelForm):
    """A case's basics. A civil servant records cases of their own
    organisation; a coordinator may pick any organisation."""

    class Meta:
        model = Case
        fields = [
            "title",
            "organisation",
            "department",
            "policy_domain",
            "kind",
            "summary",
            "goal",
            "contact",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "goal": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _("Wat doet de toepassing, voor wie, en met welke gegevens?"),
            "contact": _("Een team of functie; geen privégegevens."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy_domain"].choices = [
            ("", _("Kies een beleidsdomein")),
            *Case.PolicyDomain.choices,
        ]
        self.fields["kind"].choices = [("", _("Kies een soort")), *Case.Kind.choices]
        if permissions.is_coordinator(user):
            self.fields["organisation"].queryset = Organisation.objects.order_by("name")
            self.fields["organisation"].empty_label = _("Kies een organisatie")
        else:
            del self.fields["organisation"]
            if self.instance.organisation_id is None:
                self.instance.organisation_id = user.organisation_id

    def clean(self):
        cleaned = super().clean()
        title = cleaned.get("title")
        organisation = cleaned.get("organisation") if "organisation" in self.fields else None
        organisation_id = organisation.pk if organisation else self.instance.organisation_id
        if title and organisation_id:
            taken = Case.objects.filter(organisation_id=organisation_id, title=title).exclude(
                pk=self.instance.pk
            )
            if taken.exists():
                # An error on the field keeps Django from adding its own
                # generic message for the same unique constraint.
                self.add_error("title", _("Deze organisatie heeft al een casus met deze titel."))
        return cleaned


class ChoiceForm(FocusFirstFieldMixin, forms.ModelForm):
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


class RoleAnalysisForm(FocusFirstFieldMixin, forms.ModelForm):
    """The province's role towards one counterpart. Saving it means filling
    it in, so the role and its explanation are required here."""

    class Meta:
        model = RoleAnalysis
        fields = ["role", "explanation", "pros", "cons", "partners"]
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


class CaseStatusForm(forms.Form):
    """The remark a coordinator gives when sending a case back."""

    remark = forms.CharField(
        label=_("Opmerking voor de indiener"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=_("Wat moet er nog gebeuren voordat de casus gepubliceerd kan worden?"),
    )

    def __init__(self, *args, remark_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remark"].required = remark_required
        if not remark_required:
            del self.fields["remark"]
