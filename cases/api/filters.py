"""Query-string filters of the list endpoints (django-filter): a bad value is a
400 with the parameter's name, never a silent empty list."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from ..models import Case, Choice, Layer, Organisation, RoleAnalysis


class IdFilter(filters.NumberFilter):
    """A record id: a whole number within the database's key range (a larger
    one is a 400, not a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class CaseFilter(filters.FilterSet):
    organisation = filters.ModelChoiceFilter(queryset=Organisation.objects.all())
    status = filters.ChoiceFilter(choices=Case.Status.choices)
    policy_domain = filters.ChoiceFilter(choices=Case.PolicyDomain.choices)
    kind = filters.ChoiceFilter(choices=Case.Kind.choices)
    layer = filters.ChoiceFilter(
        choices=Layer.Code.choices,
        method="filter_by_choices",
        label=_("Casussen met een keuze in deze laag"),
    )
    sourcing = filters.ChoiceFilter(
        choices=Choice.Sourcing.choices,
        method="filter_by_choices",
        label=_("Casussen met een keuze met deze sourcing (in de gekozen laag)"),
    )

    class Meta:
        model = Case
        fields = ["organisation", "status", "policy_domain", "kind", "layer", "sourcing"]

    def filter_by_choices(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # layer and sourcing together mean: one choice in that layer with that sourcing.
        if name == "sourcing" and self.form.cleaned_data.get("layer"):
            return queryset  # handled together with the layer
        conditions = {"case": OuterRef("pk")}
        if self.form.cleaned_data.get("layer"):
            conditions["layer__code"] = self.form.cleaned_data["layer"]
        if self.form.cleaned_data.get("sourcing"):
            conditions["sourcing"] = self.form.cleaned_data["sourcing"]
        return queryset.filter(Exists(Choice.objects.filter(**conditions)))


class ChoiceFilter(filters.FilterSet):
    # A plain number: whether a case the caller cannot see exists stays unsaid.
    case = IdFilter()
    layer = filters.ChoiceFilter(field_name="layer__code", choices=Layer.Code.choices)
    sourcing = filters.ChoiceFilter(choices=Choice.Sourcing.choices)
    maturity = filters.ChoiceFilter(choices=Choice.Maturity.choices)
    supplier = filters.ModelChoiceFilter(queryset=Organisation.objects.all())

    class Meta:
        model = Choice
        fields = ["case", "layer", "sourcing", "maturity", "supplier"]


class RoleAnalysisFilter(filters.FilterSet):
    case = IdFilter()
    counterpart = filters.ChoiceFilter(choices=RoleAnalysis.Counterpart.choices)

    class Meta:
        model = RoleAnalysis
        fields = ["case", "counterpart"]
