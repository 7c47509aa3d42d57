"""Query-string filters of the list endpoints (django-filter): a bad value is a
400 with the parameter's name, never a silent empty list. The cases' filters
are the case list's own (``forms.cases.CaseFilter``)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from ..forms.cases import IdFilter
from ..models import Choice, Layer, Organisation, RoleAnalysis


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
