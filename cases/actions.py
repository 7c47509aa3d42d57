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
from django.utils.translation import ngettext

from . import alignment, audit, notifications, permissions
from .concurrency import claim_version, retry_on_conflict
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
                ngettext(
                    "U heeft nog %(left)d van de %(max)d punten over; %(asked)d punt is te veel.",
                    "U heeft nog %(left)d van de %(max)d punten over; %(asked)d punten is te veel.",
                    points,
                )
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


def do_cast_ballot(*, session: BoardSession, executive, entries: list[dict]) -> list[Vote]:
    """Save several rows of one executive's ballot at once, all or none.

    ``entries`` are dicts of direction, position, points and reason. The
    points are counted over the ballot as it will be, so points may move from
    one direction to another in one save."""
    with transaction.atomic():
        locked = _locked_session(session.pk)
        if locked.state != BoardSession.State.OPEN:
            raise VoteRefused(_("Deze sessie is niet open voor stemmen."), conflict=True)
        current = dict(
            Vote.objects.filter(session=locked, executive=executive).values_list(
                "direction_id", "points"
            )
        )
        asked = {entry["direction"].pk: entry["points"] for entry in entries}
        total = sum(p for d, p in current.items() if d not in asked) + sum(asked.values())
        if total > MAX_POINTS_PER_SESSION:
            raise VoteRefused(
                ngettext(
                    "Uw stembiljet verdeelt %(total)d punt; u heeft er %(max)d.",
                    "Uw stembiljet verdeelt %(total)d punten; u heeft er %(max)d.",
                    total,
                )
                % {"total": total, "max": MAX_POINTS_PER_SESSION},
                field="points",
            )
        # the rows that give points back first, so that each single save fits
        ordered = sorted(entries, key=lambda e: e["points"] - current.get(e["direction"].pk, 0))
        return [do_cast_vote(session=locked, executive=executive, **entry) for entry in ordered]


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
        if step.target == BoardSession.State.OPEN:
            notifications.notify_session_opened(locked)
        if step.target == BoardSession.State.CLOSED:
            alignment.record_snapshot(locked)  # the trend between sessions
    return locked


def do_save_session(
    session: BoardSession, *, agenda: list[Direction] | None, by, version: int | None = None
) -> BoardSession:
    """Save a session's title, date and description and, while it is in
    preparation, its agenda in the given order. Once it is open the votes
    refer to the agenda, so it stays as it is. ``version``: the one the form
    was made from (StaleEdit when the session changed since)."""
    with transaction.atomic():
        if session.pk is not None:
            locked = _locked_session(session.pk)
            claim_version(session, version)
            if agenda is not None and locked.state != BoardSession.State.DRAFT:
                raise InvalidTransition(_("De agenda ligt vast zodra de sessie geopend is."))
            session.state = locked.state  # the state moves only through do_session_step
            session.opened_at, session.closed_at = locked.opened_at, locked.closed_at
            if locked.state != BoardSession.State.DRAFT:
                session.anonymous = locked.anonymous  # chosen before the first vote
        else:
            session.state = BoardSession.State.DRAFT
            session.created_by = by
        before = (
            [str(item.direction) for item in session.agenda_items.select_related("direction")]
            if session.pk is not None and agenda is not None
            else []
        )
        session.save()
        if agenda is not None and [str(d) for d in agenda] != before:
            audit.record(
                audit.Kind.AGENDA,
                "agenda_changed",
                by=by,
                obj=session,
                changes=[{"field": "agenda", "old": before, "new": [str(d) for d in agenda]}],
            )
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
    by=None,
    version: int | None = None,
) -> Direction:
    """Save a direction with what it means per layer (``{layer: text}``; an
    empty text removes the meaning) and its evidence, all or nothing. The
    status is not written here: it follows the board's outcomes.

    The cases cited (themselves or through a choice) are locked first, in
    the order every write to a case takes (case rows before anything else),
    so a case deleted meanwhile drops out instead of failing the save."""
    with transaction.atomic():
        if evidence_cases is not None or evidence_choices is not None:
            case_ids = {case.pk for case in evidence_cases or []} | {
                choice.case_id for choice in evidence_choices or []
            }
            alive = set(
                Case.objects.select_for_update()
                .filter(pk__in=case_ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if evidence_cases is not None:
                evidence_cases = [case for case in evidence_cases if case.pk in alive]
            if evidence_choices is not None:
                evidence_choices = [c for c in evidence_choices if c.case_id in alive]
        if direction.pk is not None:
            current = Direction.objects.select_for_update().get(pk=direction.pk)
            claim_version(direction, version)
            direction.status = current.status
        is_new = direction.pk is None
        old = {
            name: sorted(str(o) for o in getattr(direction, name).all())
            for name in ("evidence_cases", "evidence_choices")
        } if not is_new else {"evidence_cases": [], "evidence_choices": []}
        direction.save()
        if evidence_cases is not None:
            direction.evidence_cases.set(evidence_cases)
        if evidence_choices is not None:
            direction.evidence_choices.set(evidence_choices)
        changes = [
            {"field": name, "old": old[name], "new": new}
            for name, given in (
                ("evidence_cases", evidence_cases),
                ("evidence_choices", evidence_choices),
            )
            if given is not None and (new := sorted(str(o) for o in given)) != old[name]
        ]
        if changes:
            audit.record(
                audit.Kind.EVIDENCE, "evidence_changed", by=by, obj=direction, changes=changes
            )
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
    if step.target == Case.Status.PUBLISHED and locked.published_at is None:
        # Once published, always readable: archiving keeps it so, deleting stops.
        locked.published_at = timezone.now()
    locked.review_remark = remark if step.asks_remark else ""
    locked.updated_by = by
    if step.target == Case.Status.SUBMITTED:
        locked.submitted_at = timezone.now()
    locked.save()
    # In the same transaction: the event is kept even when no mail goes out.
    notifications.notify_case_step(locked, step.name, by=by, remark=remark)


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


def do_update_case(case: Case, *, fields: list[str], by, version: int | None = None) -> Case:
    """Write the given fields of ``case`` onto the current row. The status is
    not one of them: it moves only through ``do_change_case_status``, or back
    to 'submitted' when a published case is edited. ``version``: the one the
    edit was made from (StaleEdit when the case changed since)."""
    try:
        with transaction.atomic():
            locked = _locked_case(case.pk)
            claim_version(locked, version)
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


def do_update_choice(choice: Choice, *, by, version: int | None = None) -> Choice:
    """Save an edited choice; raises ChoiceGone when it was deleted meanwhile
    (a plain save would quietly bring it back), StaleEdit when it changed
    since ``version``."""
    with transaction.atomic():
        locked = _locked_case(choice.case_id)
        try:
            claim_version(choice, version)
        except Choice.DoesNotExist:
            raise ChoiceGone from None
        choice.save(force_update=True)
        alignment.prune_explanations(case_ids=[locked.pk])
        _touch_case(locked, by=by)
    return choice


@retry_on_conflict
def do_delete_choice(choice: Choice, *, by) -> bool:
    """Delete a choice; False when it was already gone (deleted twice, or
    with its case). A choice cited as evidence stays (CaseConflict)."""
    with transaction.atomic():
        try:
            locked = _locked_case(choice.case_id)
        except Case.DoesNotExist:
            return False
        refusal = permissions.choice_delete_refusal(choice)
        if refusal:
            raise CaseConflict(refusal)
        deleted, _per_model = Choice.objects.filter(pk=choice.pk, case_id=locked.pk).delete()
        if deleted:
            _touch_case(locked, by=by)
    return bool(deleted)


def do_update_role_analysis(
    analysis: RoleAnalysis, *, partners, by, version: int | None = None
) -> RoleAnalysis:
    """Save one role analysis and its partner organisations together
    (StaleEdit when it changed since ``version``)."""
    with transaction.atomic():
        locked = _locked_case(analysis.case_id)
        claim_version(analysis, version)
        analysis.save()
        analysis.partners.set(partners)
        alignment.prune_explanations(case_ids=[locked.pk])
        _touch_case(locked, by=by)
    return analysis


@retry_on_conflict
def do_delete_case(case: Case, *, by) -> bool:
    """Delete a draft that was never published and is nobody's evidence
    (``permissions.case_delete_refusal``; otherwise CaseConflict with the
    reason). The case row is locked first, as in every write to a case and
    its parts, so deleting a case and its choices at once cannot deadlock.
    False when it was already gone."""
    with transaction.atomic():
        try:
            locked = _locked_case(case.pk)
        except Case.DoesNotExist:
            return False
        if not permissions.can_edit_case(by, locked):
            raise PermissionDenied(permissions.CANNOT_EDIT_CASE)
        refusal = permissions.case_delete_refusal(locked)
        if refusal:
            raise CaseConflict(refusal)
        locked.delete()
    return True
