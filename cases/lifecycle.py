"""The life cycles of a case and of a board session, one table each.

A step says where it may start, where it leads, who may take it, the label
of its button and what the user is told once it is done (or why it is
refused). The case page, the session pages, the API and the admin read these
tables; ``actions.do_case_step`` and ``actions.do_session_step`` carry a step
out under the row lock. Nothing else writes ``Case.status`` or
``BoardSession.state``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import BoardSession, Case


@dataclass(frozen=True)
class Step:
    name: str
    sources: tuple[str, ...]
    target: str
    may: Callable[[Any, Any], bool]  # (user, object) -> may this user take it?
    label: Promise
    done: Promise
    refused: Promise  # when the object's status does not allow the step
    forbidden: Promise  # when this person may not take it
    asks_remark: bool = False
    # False: not a button; the system takes the step (a published case edited).
    offered: bool = True
    # A condition on the object beyond its status: the reason it fails, or None.
    check: Callable[[Any], Promise | None] | None = None

    def starts_from(self, status: str) -> bool:
        return status in self.sources


_CASE_REFUSED = _("Dat kan niet bij een casus met status “%(status)s”.")


def missing_parts(case: Case, progress: dict | None = None) -> list[str]:
    """What a case still lacks before it is complete, one line each: the
    checklist of the case page and the reason a submit is refused."""
    progress = progress or case.completeness()
    lines = [
        _("Nog geen keuze in de laag “%(layer)s”") % {"layer": layer.display_name}
        for layer in progress["missing_layers"]
    ]
    lines += [
        _("Rolanalyse “%(label)s” is nog leeg") % {"label": label}
        for _value, label in progress["missing_roles"]
    ]
    lines += [
        _("“%(title)s” wijkt af van %(code)s zonder uitleg")
        % {"title": item.subject_title, "code": item.direction.code}
        for item in progress["unexplained"]
    ]
    return [str(line) for line in lines]


def _is_complete(case: Case) -> str | None:
    """Only a complete case can be submitted (every layer, every role analysis,
    every deviation explained); the refusal says what is missing."""
    progress = case.completeness()
    if progress["complete"]:
        return None
    return str(
        _("De casus is nog niet volledig (%(percent)d%%). Nog nodig: %(missing)s.")
        % {"percent": progress["percent"], "missing": "; ".join(missing_parts(case, progress))}
    )


_CASE_FORBIDDEN = _("U mag dit niet doen met deze casus.")
_SESSION_FORBIDDEN = _("Alleen coördinatoren openen en sluiten sessies.")

CASE_STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "submit",
            (Case.Status.DRAFT,),
            Case.Status.SUBMITTED,
            permissions.can_edit_case,
            _("Indienen"),
            _("De casus is ingediend. Een coördinator beoordeelt hem."),
            _CASE_REFUSED,
            _CASE_FORBIDDEN,
            check=_is_complete,
        ),
        Step(
            "publish",
            (Case.Status.SUBMITTED,),
            Case.Status.PUBLISHED,
            permissions.can_review_cases,
            _("Publiceren"),
            _("De casus is gepubliceerd."),
            _CASE_REFUSED,
            _CASE_FORBIDDEN,
        ),
        Step(
            "send_back",
            (Case.Status.SUBMITTED,),
            Case.Status.DRAFT,
            permissions.can_review_cases,
            _("Terugsturen"),
            _("De casus is met uw opmerking teruggestuurd naar de indiener."),
            _CASE_REFUSED,
            _CASE_FORBIDDEN,
            asks_remark=True,
        ),
        Step(
            "archive",
            (Case.Status.DRAFT, Case.Status.SUBMITTED, Case.Status.PUBLISHED),
            Case.Status.ARCHIVED,
            permissions.can_review_cases,
            _("Archiveren"),
            _("De casus is gearchiveerd."),
            _CASE_REFUSED,
            _CASE_FORBIDDEN,
        ),
        Step(
            "reopen",
            (Case.Status.ARCHIVED,),
            Case.Status.DRAFT,
            permissions.can_review_cases,
            _("Terugzetten naar concept"),
            _("De casus is teruggezet naar concept."),
            _CASE_REFUSED,
            _CASE_FORBIDDEN,
        ),
        Step(
            "review_again",
            (Case.Status.PUBLISHED,),
            Case.Status.SUBMITTED,
            permissions.edit_needs_review_again,
            _("Opnieuw ter beoordeling"),
            _(
                "De casus staat weer op “Ingediend”: een coördinator bekijkt de wijziging "
                "voordat hij opnieuw gepubliceerd wordt."
            ),
            _CASE_REFUSED,
            _CASE_FORBIDDEN,
            offered=False,
        ),
    )
}


def _ready_to_open(session: BoardSession) -> Promise | None:
    if not session.agenda_items.exists():
        return _("Zet eerst ontwikkelrichtingen op de agenda.")
    if session.deadline_passed:
        return _("De deadline van deze sessie is al verstreken; kies eerst een nieuwe.")
    return None


SESSION_STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step(
            "open",
            (BoardSession.State.DRAFT,),
            BoardSession.State.OPEN,
            permissions.can_manage_sessions,
            _("Openen voor stemmen"),
            _("De sessie is geopend: bestuurders kunnen stemmen."),
            _("Alleen een sessie in voorbereiding kan worden geopend."),
            _SESSION_FORBIDDEN,
            check=_ready_to_open,
        ),
        Step(
            "close",
            (BoardSession.State.OPEN,),
            BoardSession.State.CLOSED,
            permissions.can_manage_sessions,
            _("Sluiten"),
            _("De sessie is gesloten; de uitslag is nu zichtbaar."),
            _("Alleen een open sessie kan worden gesloten."),
            _SESSION_FORBIDDEN,
        ),
        Step(
            "close_at_deadline",
            (BoardSession.State.OPEN,),
            BoardSession.State.CLOSED,
            permissions.deadline_has_passed,
            _("Sluiten op de deadline"),
            _("De sessie is op haar deadline gesloten."),
            _("Alleen een open sessie kan worden gesloten."),
            _("De deadline van deze sessie is nog niet verstreken."),
            offered=False,
        ),
    )
}


def offered_case_steps(user, case: Case) -> list[Step]:
    """The status buttons this user sees on this case now."""
    return [
        step
        for step in CASE_STEPS.values()
        if step.offered and step.starts_from(case.status) and step.may(user, case)
    ]


def case_step_names() -> list[str]:
    """The steps a person (or an API client) can ask for."""
    return [name for name, step in CASE_STEPS.items() if step.offered]
