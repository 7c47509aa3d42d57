"""Writes that touch several rows and must not be lost or raced: each runs in
one transaction and relies on row locks and database constraints.

Views and the API call these; neither has its own copy of the rules.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import alignment, permissions
from .lifecycle import CASE_STEPS, SESSION_STEPS, Step
from .models import (
    MAX_POINTS_PER_SESSION,
    TITLE_IN_USE,
    AgendaItem,
    BoardSession,
    Case,
    Choice,
    Direction,
    InvalidTransition,
    LayerMeaning,
    Outcome,
    RoleAnalysis,
    Vote,
)


class VoteRefused(Exception):
    """The vote cannot be cast. ``conflict`` is True when the session is not
    open (the API answers 409), False for a bad ballot (400)."""

    def __init__(self, message: str, *, field: str | None = None, conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.field = field
        self.conflict = conflict


def _locked_session(session_id: int) -> BoardSession:
    # Voting and closing take the same row lock, so no vote lands after a close.
    return BoardSession.objects.select_for_update().get(pk=session_id)


def do_cast_vote(
    *,
    session: BoardSession,
    executive,
    direction: Direction,
    position: str,
    points: int,
    reason: str = "",
) -> Vote:
    """Create or replace the executive's vote on one direction (an upsert)."""
    if not permissions.is_executive(executive):
        raise VoteRefused(_("Alleen bestuurders kunnen stemmen."))
    if position not in Vote.Position.values:
        raise VoteRefused(_("Kies een standpunt."), field="position")
    if not isinstance(points, int) or points < 0 or points > MAX_POINTS_PER_SESSION:
        raise VoteRefused(
            _("Geef 0 tot %(max)d punten.") % {"max": MAX_POINTS_PER_SESSION}, field="points"
        )
    with transaction.atomic():
        locked = _locked_session(session.pk)
        if locked.state != BoardSession.State.OPEN:
            raise VoteRefused(_("Deze sessie is niet open voor stemmen."), conflict=True)
        if not locked.agenda_items.filter(direction=direction).exists():
            raise VoteRefused(
                _("Deze ontwikkelrichting staat niet op de agenda van de sessie."),
                field="direction",
            )
        used = (
            Vote.objects.filter(session=locked, executive=executive)
            .exclude(direction=direction)
            .aggregate(total=Sum("points"))["total"]
            or 0
        )
        if used + points > MAX_POINTS_PER_SESSION:
            raise VoteRefused(
                _("U heeft nog %(left)d van de %(max)d punten over; %(asked)d punten is te veel.")
                % {
                    "left": MAX_POINTS_PER_SESSION - used,
                    "max": MAX_POINTS_PER_SESSION,
                    "asked": points,
                },
                field="points",
            )
        vote, _created = Vote.objects.update_or_create(
            session=locked,
            direction=direction,
            executive=executive,
            defaults={"position": position, "points": points, "reason": reason},
        )
    return vote


# --- Board sessions: the state flow, the agenda, the outcomes -----------------


def do_session_step(session: BoardSession, name: str, *, by) -> BoardSession:
    """Open or close a session (``lifecycle.SESSION_STEPS``), under the same
    row lock as voting, so no vote lands after a close."""
    step = SESSION_STEPS[name]
    with transaction.atomic():
        locked = _locked_session(session.pk)
        if not step.may(by, locked):
            raise PermissionDenied(step.forbidden)
        if not step.starts_from(locked.state):
            raise InvalidTransition(str(step.refused))
        problem = step.check(locked) if step.check else None
        if problem:
            raise InvalidTransition(str(problem))
        locked.state = step.target
        if step.target == BoardSession.State.OPEN:
            locked.opened_at = timezone.now()
        elif step.target == BoardSession.State.CLOSED:
            locked.closed_at = timezone.now()
        locked.save()
        if step.target == BoardSession.State.CLOSED:
            alignment.record_snapshot(locked)  # the trend between sessions
    return locked


def do_save_session(session: BoardSession, *, agenda: list[Direction] | None, by) -> BoardSession:
    """Save a session's title, date and description and, while it is in
    preparation, its agenda in the given order. Once it is open the votes
    refer to the agenda, so it stays as it is."""
    with transaction.atomic():
        if session.pk is not None:
            locked = _locked_session(session.pk)
            if agenda is not None and locked.state != BoardSession.State.DRAFT:
                raise InvalidTransition(_("De agenda ligt vast zodra de sessie geopend is."))
            session.state = locked.state  # the state moves only through do_session_step
        else:
            session.state = BoardSession.State.DRAFT
            session.created_by = by
        session.save()
        if agenda is not None:
            session.agenda_items.all().delete()
            AgendaItem.objects.bulk_create(
                [
                    AgendaItem(session=session, direction=direction, position=position)
                    for position, direction in enumerate(agenda, start=1)
                ]
            )
    return session


def do_record_outcome(
    *,
    session: BoardSession,
    direction: Direction,
    decision: str,
    statement: str = "",
    review_date=None,
    by=None,
) -> Outcome:
    """Record the board's decision on a direction; the direction's status
    follows the decision (an amended direction is adopted as amended)."""
    with transaction.atomic():
        locked = _locked_session(session.pk)
        if locked.state != BoardSession.State.CLOSED:
            raise InvalidTransition(_("Besluiten worden vastgelegd nadat de sessie is gesloten."))
        if not locked.agenda_items.filter(direction=direction).exists():
            raise InvalidTransition(
                _("Deze ontwikkelrichting stond niet op de agenda van de sessie.")
            )
        outcome, _created = Outcome.objects.update_or_create(
            session=locked,
            direction=direction,
            defaults={
                "decision": decision,
                "statement": statement,
                "review_date": review_date,
                "recorded_by": by,
            },
        )
        target = Outcome.DIRECTION_STATUS[decision]
        current = Direction.objects.select_for_update().get(pk=direction.pk)
        if current.status != target:
            current.status = target
            current.save(update_fields=["status", "updated_at"])
        direction.status = target
        # adopting (or rejecting) a direction puts its rules in (or out of) force
        alignment.prune_explanations(direction_ids=[direction.pk])
    return outcome


# --- Directions -------------------------------------------------------------


def do_save_direction(
    direction: Direction,
    *,
    meanings: dict,
    evidence_cases=None,
    evidence_choices=None,
) -> Direction:
    """Save a direction with what it means per layer (``{layer: text}``; an
    empty text removes the meaning) and its evidence, all or nothing. The
    status is not written here: it follows the board's outcomes."""
    with transaction.atomic():
        if direction.pk is not None:
            current = Direction.objects.select_for_update().get(pk=direction.pk)
            direction.status = current.status
        direction.save()
        if evidence_cases is not None:
            direction.evidence_cases.set(evidence_cases)
        if evidence_choices is not None:
            direction.evidence_choices.set(evidence_choices)
        for layer, text in meanings.items():
            text = text.strip()
            if text:
                LayerMeaning.objects.update_or_create(
                    direction=direction, layer=layer, defaults={"text": text}
                )
            else:
                LayerMeaning.objects.filter(direction=direction, layer=layer).delete()
    return direction


def do_create_role_analyses(case) -> None:
    """Every case has exactly one role analysis per counterpart, empty at first."""
    RoleAnalysis.objects.bulk_create(
        [RoleAnalysis(case=case, counterpart=c) for c in RoleAnalysis.Counterpart.values],
        ignore_conflicts=True,
    )


# --- Cases, their choices and role analyses (the stack canvas) -------------


class CaseConflict(Exception):
    """The write collides with the case as it is now (a title already in use,
    a status that does not allow the step). The message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ChoiceGone(Exception):
    """The choice was deleted meanwhile, for instance in another tab."""


# What makes two choices the same choice (for the double-submit check).
CHOICE_CONTENT_FIELDS = (
    "layer_id",
    "title",
    "context",
    "options_considered",
    "chosen",
    "sourcing",
    "maturity",
    "supplier_id",
    "pros",
    "cons",
    "rationale",
    "decided_by",
    "decided_on",
)


def _locked_case(case_id: int) -> Case:
    # Every write to a case's parts takes its row lock first, so deletes,
    # edits and the double-submit check of one case run one after another.
    return Case.objects.select_for_update().get(pk=case_id)


def _apply_case_step(locked: Case, step: Step, *, by, remark: str = "") -> None:
    locked.status = step.target
    locked.review_remark = remark if step.asks_remark else ""
    locked.updated_by = by
    locked.save()


def _touch_case(locked: Case, *, by) -> None:
    """A part of the case changed: note who, and send a published case back
    to review when its editor is not a coordinator."""
    review_again = CASE_STEPS["review_again"]
    if review_again.may(by, locked):
        _apply_case_step(locked, review_again, by=by)
    else:
        # update() on purpose: no history record that says only "touched".
        Case.objects.filter(pk=locked.pk).update(updated_by=by, updated_at=timezone.now())


def do_create_case(case: Case, *, by) -> Case:
    """Save a new case with its three empty role analyses."""
    case.created_by = by
    case.updated_by = by
    case.status = Case.Status.DRAFT
    try:
        with transaction.atomic():
            case.save()
            do_create_role_analyses(case)
    except IntegrityError:
        # A form sent twice, or a colleague just used the same title.
        case.pk = None
        raise CaseConflict(str(TITLE_IN_USE)) from None
    return case


def do_update_case(case: Case, *, fields: list[str], by) -> Case:
    """Write the given fields of ``case`` onto the current row. The status is
    not one of them: it moves only through ``do_change_case_status``, or back
    to 'submitted' when a published case is edited."""
    try:
        with transaction.atomic():
            locked = _locked_case(case.pk)
            for name in fields:
                setattr(locked, name, getattr(case, name))
            locked.updated_by = by
            review_again = CASE_STEPS["review_again"]
            if review_again.may(by, locked):
                _apply_case_step(locked, review_again, by=by)
            else:
                locked.save()
    except IntegrityError:
        raise CaseConflict(str(TITLE_IN_USE)) from None
    return locked


def do_case_step(case: Case, name: str, *, by, remark: str = "") -> tuple[Case, bool]:
    """Take a step of the case's life cycle (``lifecycle.CASE_STEPS``).
    Returns the case and whether it changed: a case already where the step
    leads (a button pressed twice) is left as it is."""
    step = CASE_STEPS[name]
    with transaction.atomic():
        locked = _locked_case(case.pk)
        if not step.may(by, locked):
            raise PermissionDenied(step.forbidden)
        if locked.status == step.target:
            return locked, False
        if not step.starts_from(locked.status):
            raise CaseConflict(str(step.refused) % {"status": locked.get_status_display()})
        problem = step.check(locked) if step.check else None
        if problem:
            raise CaseConflict(str(problem))
        _apply_case_step(locked, step, by=by, remark=remark)
    return locked, True


def do_create_choice(choice: Choice, *, by) -> tuple[Choice, bool]:
    """Save a new choice, unless the very same choice is already there: a form
    sent twice (a double click, a resent post) must not make two. Returns the
    choice and whether it was created."""
    with transaction.atomic():
        locked = _locked_case(choice.case_id)
        same = {name: getattr(choice, name) for name in CHOICE_CONTENT_FIELDS}
        twin = Choice.objects.filter(case_id=locked.pk, **same).order_by("pk").first()
        if twin is not None:
            return twin, False
        choice.save()
        _touch_case(locked, by=by)
    return choice, True


def do_update_choice(choice: Choice, *, by) -> Choice:
    """Save an edited choice; raises ChoiceGone when it was deleted meanwhile
    (a plain save would quietly bring it back)."""
    with transaction.atomic():
        locked = _locked_case(choice.case_id)
        if not Choice.objects.filter(pk=choice.pk).exists():
            raise ChoiceGone
        choice.save(force_update=True)
        alignment.prune_explanations(case_ids=[locked.pk])
        _touch_case(locked, by=by)
    return choice


def do_delete_choice(choice: Choice, *, by) -> bool:
    """Delete a choice; False when it was already gone (deleted twice)."""
    with transaction.atomic():
        locked = _locked_case(choice.case_id)
        deleted, _per_model = Choice.objects.filter(pk=choice.pk, case_id=locked.pk).delete()
        if deleted:
            _touch_case(locked, by=by)
    return bool(deleted)


def do_update_role_analysis(analysis: RoleAnalysis, *, partners, by) -> RoleAnalysis:
    """Save one role analysis and its partner organisations together."""
    with transaction.atomic():
        locked = _locked_case(analysis.case_id)
        analysis.save()
        analysis.partners.set(partners)
        alignment.prune_explanations(case_ids=[locked.pk])
        _touch_case(locked, by=by)
    return analysis
