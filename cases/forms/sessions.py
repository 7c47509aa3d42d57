"""Forms of the board sessions: a session with its agenda, a row of the
ballot, the outcome on one direction."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import MAX_POINTS_PER_SESSION, BoardSession, Direction, Outcome, Vote
from .integrity import OneTimeTokenMixin, VersionedFormMixin


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class SessionForm(OneTimeTokenMixin, VersionedFormMixin, forms.ModelForm):
    """A board session with its ordered agenda: a place number per direction.

    The agenda can change only while the session is in preparation; once it
    is open the votes refer to it.
    """

    class Meta:
        model = BoardSession
        fields = ["title", "date", "description", "deadline", "anonymous"]
        widgets = {
            "date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "deadline": DateTimeInput(),
        }
        help_texts = {
            "deadline": _(
                "Optioneel. Op dit moment sluit de sessie vanzelf, net als bij sluiten met de "
                "hand. Bestuurders die nog niet op alles gestemd hebben krijgen vooraf een "
                "herinnering."
            )
        }
        error_messages = {
            "deadline": {"invalid": _("Geef een geldige datum en tijd, bijvoorbeeld 2027-06-01 17:00.")}
        }

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
        # Anonymity is chosen before the first vote and then holds.
        self.fields["anonymous"].disabled = locked
        if self.instance.pk is not None and self.instance.state == BoardSession.State.CLOSED:
            self.fields["deadline"].disabled = True

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        changed = "deadline" in self.changed_data
        if deadline is not None and changed and deadline <= timezone.now():
            raise forms.ValidationError(_("Kies een moment in de toekomst."))
        return deadline

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

    def is_untouched(self) -> bool:
        """Bound, and nothing given: no position, no points, no reason."""
        value = self.data.get
        return (
            not value(self.add_prefix("position"))
            and value(self.add_prefix("points"), "").strip() in ("", "0")
            and not value(self.add_prefix("reason"), "").strip()
        )


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
