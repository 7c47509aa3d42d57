"""The filters of the audit trail (django-filter): they apply alike to every
history table the trail is the union of."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from ..history import SOURCES
from ..models import Case, User
from .cases import IdFilter


class _AuditFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Deze datum ligt vóór de begindatum."))
        return data


class AuditFilter(filters.FilterSet):
    user = filters.ModelChoiceFilter(
        label=_("Gebruiker"),
        field_name="history_user",
        queryset=User.objects.order_by("username"),
        empty_label=_("Alle gebruikers"),
    )
    kind = filters.ChoiceFilter(
        label=_("Soort object"),
        choices=[(kind, source[0]) for kind, source in SOURCES.items()],
        empty_label=_("Alle soorten"),
        method="one_table",
    )
    object_id = IdFilter(label=_("Objectnummer"), field_name="id")
    date_from = filters.DateFilter(
        label=_("Vanaf"),
        field_name="history_date__date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = filters.DateFilter(
        label=_("Tot en met"),
        field_name="history_date__date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        form = _AuditFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        # The filters name only the fields every history table has.
        super().__init__(data, queryset if queryset is not None else Case.history.none(), **kwargs)

    def one_table(self, queryset, name, value):
        return queryset  # which tables to read is ``history.audit_entries``'s choice

    @property
    def table(self) -> str:
        """The one kind of object asked for, or "" for all."""
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.form.cleaned_data.get("kind", "")
