"""The filters of the stack map: the portfolio's, plus what the colours show."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from .cases import PortfolioFilter

DIMENSIONS = [("sourcing", _("Sourcing")), ("maturity", _("Volwassenheid"))]


class StackMapFilter(PortfolioFilter):
    view = filters.ChoiceFilter(
        label=_("Kleur naar"), choices=DIMENSIONS, method="colour_only", empty_label=None
    )

    class Meta(PortfolioFilter.Meta):
        fields = ["organisation", "policy_domain", "view"]

    def colour_only(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # the colours change, not the cases

    @property
    def dimension(self) -> str:
        if self.is_valid() and self.form.cleaned_data.get("view"):
            return self.form.cleaned_data["view"]
        return "sourcing"
