"""Writes that touch several rows and must not be lost or raced: each runs in
one transaction and relies on row locks and database constraints.

Views and the API call these; neither has its own copy of the rules.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from . import permissions
from .models import (
    MAX_POINTS_PER_SESSION,
    BoardSession,
    Direction,
    InvalidTransition,
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


def do_open_session(session: BoardSession, *, by) -> BoardSession:
    with transaction.atomic():
        locked = _locked_session(session.pk)
        locked.open(by=by)
    return locked


def do_close_session(session: BoardSession, *, by) -> BoardSession:
    with transaction.atomic():
        locked = _locked_session(session.pk)
        locked.close(by=by)
    return locked


def do_record_outcome(
    *,
    session: BoardSession,
    direction: Direction,
    decision: str,
    statement: str = "",
    review_date=None,
    by=None,
) -> Outcome:
    """Record the board's decision on a direction; the direction's status follows."""
    if session.state != BoardSession.State.CLOSED:
        raise InvalidTransition(_("Besluiten worden vastgelegd nadat de sessie is gesloten."))
    with transaction.atomic():
        if not session.agenda_items.filter(direction=direction).exists():
            raise InvalidTransition(
                _("Deze ontwikkelrichting stond niet op de agenda van de sessie.")
            )
        outcome, _created = Outcome.objects.update_or_create(
            session=session,
            direction=direction,
            defaults={
                "decision": decision,
                "statement": statement,
                "review_date": review_date,
                "recorded_by": by,
            },
        )
    return outcome


def do_create_role_analyses(case) -> None:
    """Every case has exactly one role analysis per counterpart, empty at first."""
    RoleAnalysis.objects.bulk_create(
        [RoleAnalysis(case=case, counterpart=c) for c in RoleAnalysis.Counterpart.values],
        ignore_conflicts=True,
    )
