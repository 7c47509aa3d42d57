"""Forms of the case pages: the filters of the case list (shared with the
API), a case's basics, and the remark when a case is sent back."""

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .. import permissions
from ..models import TITLE_IN_USE, Case, Choice, Layer, Organisation
from .integrity import OneTimeTokenMixin, VersionedFormMixin


def _organisations_with_visible_cases(request) -> QuerySet:
    """Offer (and accept) only organisations whose cases this person may see."""
    if request is None:  # the API schema is generated without a request
        return Organisation.objects.all()
    visible = Case.objects.visible_to(request.user)
    return Organisation.objects.filter(pk__in=visible.values("organisation_id"))


class IdFilter(filters.NumberFilter):
    """A record id: a whole number within the database's key range (a larger
    one is a 400 or a message, not a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class PortfolioFilter(filters.FilterSet):
    """Filters every view of the portfolio shares: the case list, the stack
    map. Subclasses list their fields, in form order, in ``Meta.fields``."""

    organisation = filters.ModelChoiceFilter(
        label=_("Organisatie"),
        queryset=_organisations_with_visible_cases,
        empty_label=_("Alle organisaties"),
    )
    policy_domain = filters.ChoiceFilter(
        label=_("Beleidsdomein"), choices=Case.PolicyDomain.choices, empty_label=_("Alle domeinen")
    )

    class Meta:
        model = Case
        fields = ["organisation", "policy_domain"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = {name: self.filters[name] for name in self._meta.fields}


class CaseFilter(PortfolioFilter):
    """The filters of the case list: the page and the API read this one set.

    On the page a bad value is shown next to its field and the valid
    filters still apply; the API answers 400 naming the parameter.
    """

    search = filters.CharFilter(
        label=_("Zoeken"), method="filter_search", max_length=200
    )
    kind = filters.ChoiceFilter(
        label=_("Soort toepassing"), choices=Case.Kind.choices, empty_label=_("Alle soorten")
    )
    status = filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, empty_label=_("Alle statussen")
    )
    layer = filters.ChoiceFilter(
        label=_("Laag"),
        choices=Layer.Code.choices,
        method="filter_by_choices",
        empty_label=_("Alle lagen"),
    )
    sourcing = filters.ChoiceFilter(
        label=_("Sourcing in die laag"),
        choices=Choice.Sourcing.choices,
        method="filter_by_choices",
        empty_label=_("Elke sourcing"),
    )

    class Meta:
        model = Case
        fields = ["search", "organisation", "policy_domain", "kind", "status", "layer", "sourcing"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Every word in the title, the summary or the department."""
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(summary__icontains=term) | Q(department__icontains=term)
            )
        return queryset

    def filter_by_choices(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """"Has a choice in that layer with that sourcing": one EXISTS, no
        duplicates; layer and sourcing together mean one and the same choice."""
        data = self.form.cleaned_data
        if name == "sourcing" and data.get("layer"):
            return queryset  # handled together with the layer
        conditions = {"case": OuterRef("pk")}
        if data.get("layer"):
            conditions["layer__code"] = data["layer"]
        if data.get("sourcing"):
            conditions["sourcing"] = data["sourcing"]
        return queryset.filter(Exists(Choice.objects.filter(**conditions)))
class CaseForm(OneTimeTokenMixin, VersionedFormMixin, forms.ModelForm):
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
                self.add_error("title", TITLE_IN_USE)
        return cleaned


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
