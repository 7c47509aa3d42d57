"""Forms of comply or explain: a direction's guidance rule, and the
explanation of a deviation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..alignment import MAX_EXPLANATION
from ..models import Layer, RoleAnalysis
from ..models_alignment import GuidanceRule


def _all_values() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every value a rule can name, grouped by property (a value code may
    occur under several properties: ``value`` is ``property:code``)."""
    groups = []
    for prop, label in GuidanceRule.Property.choices:
        groups.append(
            (label, [(f"{prop}:{code}", name) for code, name in GuidanceRule.value_choices(prop)])
        )
    return groups


class GuidanceRuleForm(forms.ModelForm):
    """A rule: a layer (or all), a property and the values that follow the
    direction; or a counterpart and the roles that follow it."""

    layer = forms.ModelChoiceField(
        label=_("Laag"),
        queryset=Layer.objects.all(),
        required=False,
        empty_label=_("Alle lagen"),
        help_text=_("Niet bij een regel over een rol."),
    )
    values = forms.MultipleChoiceField(
        label=_("Waarden die de richting volgen"),
        choices=_all_values,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kies waarden van de gekozen eigenschap."),
        required=False,  # the rule itself says that it needs one (GuidanceRule.clean)
    )

    class Meta:
        model = GuidanceRule
        fields = ["layer", "property", "counterpart"]
        help_texts = {"counterpart": _("Alleen bij een regel over een rol.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["property"].choices = [
            ("", _("Kies een eigenschap")),
            *GuidanceRule.Property.choices,
        ]
        self.fields["counterpart"].choices = [("", _("Geen")), *RoleAnalysis.Counterpart.choices]
        if self.instance.pk:
            self.initial["values"] = [f"{self.instance.property}:{v}" for v in self.instance.values]

    def clean(self):
        data = super().clean()
        prop = data.get("property")
        chosen = data.get("values") or []
        wrong = [value for value in chosen if not value.startswith(f"{prop}:")]
        if prop and wrong:
            labels = dict(
                (code, name) for _group, options in _all_values() for code, name in options
            )
            self.add_error(
                "values",
                _("Deze waarden horen niet bij de gekozen eigenschap: %(values)s.")
                % {"values": ", ".join(str(labels[value]) for value in wrong)},
            )
        self.instance.values = [
            value.split(":", 1)[1] for value in chosen if value.startswith(f"{prop}:")
        ]
        return data


class ExplanationForm(forms.Form):
    text = forms.CharField(
        label=_("Uitleg"),
        max_length=MAX_EXPLANATION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Waarom volgt deze keuze de ontwikkelrichting niet? (pas toe of leg uit)"),
        error_messages={
            "required": _("Leg uit waarom deze keuze afwijkt; een lege uitleg telt niet."),
        },
    )
