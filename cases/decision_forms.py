"""Forms of the decision pages: directions, board sessions, the ballot,
outcomes and the stack-map filters."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .forms import CaseFilterForm
from .models import (
    MAX_POINTS_PER_SESSION,
    AgendaItem,
    BoardSession,
    Case,
    Choice,
    Direction,
    LayerMeaning,
    Organisation,
    Outcome,
    Vote,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ChoiceEvidenceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Choice) -> str:
        return f"{obj.case.title} – {obj.layer.display_name}: {obj.title}"


class DirectionForm(forms.ModelForm):
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

    @transaction.atomic
    def save(self, commit: bool = True) -> Direction:
        direction = super().save(commit=True)
        for layer in self.layers:
            text = self.cleaned_data[self.meaning_field(layer)].strip()
            if text:
                LayerMeaning.objects.update_or_create(
                    direction=direction, layer=layer, defaults={"text": text}
                )
            else:
                LayerMeaning.objects.filter(direction=direction, layer=layer).delete()
        return direction


class SessionForm(forms.ModelForm):
    """A board session with its ordered agenda: a place number per direction.

    The agenda can change only while the session is in preparation; once it
    is open the votes refer to it.
    """

    class Meta:
        model = BoardSession
        fields = ["title", "date", "description"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, directions: list[Direction], **kwargs):
        super().__init__(*args, **kwargs)
        self.directions = directions
        current = {}
        if self.instance.pk:
            current = {
                item.direction_id: item.position for item in self.instance.agenda_items.all()
            }
        locked = self.instance.pk is not None and self.instance.state != BoardSession.State.DRAFT
        for direction in directions:
            self.fields[self.agenda_field(direction)] = forms.IntegerField(
                label=_("Plaats van %(code)s op de agenda") % {"code": direction.code},
                required=False,
                min_value=1,
                max_value=999,
                initial=current.get(direction.pk),
                disabled=locked,
                error_messages={
                    "invalid": _("Geef een heel getal."),
                    "min_value": _("Geef een plaats vanaf 1."),
                    "max_value": _("Geef een plaats tot en met 999."),
                },
                widget=forms.NumberInput(attrs={"class": "input--short"}),
            )
        self.agenda_locked = locked

    @staticmethod
    def agenda_field(direction: Direction) -> str:
        return f"agenda_{direction.pk}"

    def agenda_rows(self) -> list[dict]:
        return [
            {"direction": direction, "field": self[self.agenda_field(direction)]}
            for direction in self.directions
        ]

    def clean(self):
        cleaned = super().clean()
        seen: dict[int, str] = {}
        for direction in self.directions:
            name = self.agenda_field(direction)
            place = cleaned.get(name)
            if place is None:
                continue
            if place in seen:
                self.add_error(
                    name,
                    _("Plaats %(place)d is al gegeven aan %(code)s.")
                    % {"place": place, "code": seen[place]},
                )
            else:
                seen[place] = direction.code
        return cleaned

    def agenda(self) -> list[Direction]:
        """The chosen directions in agenda order."""
        places = [
            (self.cleaned_data[self.agenda_field(d)], d.code, d)
            for d in self.directions
            if self.cleaned_data.get(self.agenda_field(d)) is not None
        ]
        return [direction for _place, _code, direction in sorted(places, key=lambda p: p[:2])]

    @transaction.atomic
    def save(self, commit: bool = True) -> BoardSession:
        session = super().save(commit=True)
        if not self.agenda_locked:
            session.agenda_items.all().delete()
            AgendaItem.objects.bulk_create(
                [
                    AgendaItem(session=session, direction=direction, position=position)
                    for position, direction in enumerate(self.agenda(), start=1)
                ]
            )
        return session


class BallotForm(forms.Form):
    """One row of the ballot: the executive's vote on one direction."""

    position = forms.ChoiceField(
        choices=Vote.Position.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een standpunt."),
            "invalid_choice": _("Kies een van de vijf standpunten."),
        },
    )
    points = forms.IntegerField(
        label=_("Prioriteitspunten"),
        min_value=0,
        max_value=MAX_POINTS_PER_SESSION,
        initial=0,
        error_messages={
            "required": _("Geef een aantal punten (0 mag ook)."),
            "invalid": _("Geef een heel getal."),
            "min_value": _("Geef 0 of meer punten."),
        },
        widget=forms.NumberInput(attrs={"class": "input--short"}),
    )
    reason = forms.CharField(
        label=_("Motivering (optioneel)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, direction: Direction, **kwargs):
        kwargs.setdefault("prefix", f"d{direction.pk}")
        super().__init__(*args, **kwargs)
        self.direction = direction
        self.fields["position"].label = _("Uw standpunt over %(code)s") % {"code": direction.code}
        # interpolated here, per request, so that they come out in the user's language
        points = self.fields["points"]
        points.help_text = _("0 tot %(max)d; samen over alle richtingen hoogstens %(max)d.") % {
            "max": MAX_POINTS_PER_SESSION
        }
        points.error_messages["max_value"] = _("Geef hoogstens %(max)d punten.") % {
            "max": MAX_POINTS_PER_SESSION
        }


class OutcomeForm(forms.Form):
    """The board's decision on one direction after the session closed."""

    decision = forms.ChoiceField(
        label=_("Besluit"),
        choices=[("", _("Kies een besluit")), *Outcome.Decision.choices],
        error_messages={
            "required": _("Kies een besluit."),
            "invalid_choice": _("Kies een van de besluiten uit de lijst."),
        },
    )
    statement = forms.CharField(
        label=_("Toelichting bij het besluit"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = forms.DateField(
        label=_("Evaluatiedatum"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("Geef een geldige datum, bijvoorbeeld 2027-06-01.")},
    )

    def __init__(self, *args, direction: Direction, **kwargs):
        kwargs.setdefault("prefix", f"o{direction.pk}")
        super().__init__(*args, **kwargs)
        self.direction = direction
        self.fields["decision"].label = _("Besluit over %(code)s") % {"code": direction.code}


class StackMapFilterForm(forms.Form):
    """Filters of the stack map; every GET parameter goes through here."""

    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alle organisaties"),
    )
    policy_domain = CaseFilterForm.base_fields["policy_domain"]
    view = forms.ChoiceField(
        label=_("Kleur naar"),
        choices=[("sourcing", _("Sourcing")), ("maturity", _("Volwassenheid"))],
        required=False,
        initial="sourcing",
    )

    def __init__(self, *args, cases: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=cases.values("organisation_id")
        ).order_by("name")

    def filter(self, cases: QuerySet) -> QuerySet:
        if not self.is_valid():
            return cases
        if self.cleaned_data.get("organisation"):
            cases = cases.filter(organisation=self.cleaned_data["organisation"])
        if self.cleaned_data.get("policy_domain"):
            cases = cases.filter(policy_domain=self.cleaned_data["policy_domain"])
        return cases

    @property
    def dimension(self) -> str:
        if self.is_valid() and self.cleaned_data.get("view"):
            return self.cleaned_data["view"]
        return "sourcing"
