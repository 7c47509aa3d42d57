from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Case, Organisation


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

    def filter(self, cases: QuerySet) -> QuerySet:
        data = self.cleaned_data
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
        return cases
