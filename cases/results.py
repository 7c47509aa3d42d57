"""The numbers of a board session: turnout while it is open, the full results
after it closes. One place computes them; the web charts, the API and the PDF
briefing all read these functions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from .models import AgendaItem, BoardSession, Choice, Layer, Outcome, Role, User, Vote

POSITIONS = list(Vote.Position.values)  # strongly_support … strongly_oppose
MAX_SPREAD = 2.0  # the largest standard deviation on the -2 … +2 scale

# The agreement index in one sentence, for the results page and the briefing.
AGREEMENT_DEFINITION = _(
    "De overeenstemming is 1 min de spreiding (standaardafwijking) van de standpunten, "
    "gescoord van −2 (sterk tegen) tot +2 (sterk voor), gedeeld door de grootst mogelijke "
    "spreiding 2: 1 als iedereen hetzelfde standpunt inneemt, 0 als het bestuur gelijk "
    "verdeeld is over de twee uitersten."
)


def agreement_index(counts: dict[str, int]) -> float | None:
    """1 minus the standard deviation of the positions (scored -2 … +2)
    divided by its largest possible value 2: 1 when everyone takes the same
    position, 0 when the board is split evenly between the two extremes.
    None when nobody voted."""
    total = sum(counts.values())
    if total == 0:
        return None
    scores = Vote.SCORES
    mean = sum(scores[p] * n for p, n in counts.items()) / total
    variance = sum(n * (scores[p] - mean) ** 2 for p, n in counts.items()) / total
    return round(1 - math.sqrt(variance) / MAX_SPREAD, 3)


def mean_score(counts: dict[str, int]) -> float | None:
    total = sum(counts.values())
    if total == 0:
        return None
    return round(sum(Vote.SCORES[p] * n for p, n in counts.items()) / total, 2)


@dataclass
class DirectionResult:
    direction: object
    position: int
    counts: dict[str, int]
    points: int
    voters: int
    agreement: float | None
    mean: float | None
    reasons: list[dict] = field(default_factory=list)
    outcome: Outcome | None = None
    rank: int = 0

    @property
    def ordered_counts(self) -> list[int]:
        """Counts in the order of POSITIONS (strongly support … strongly oppose)."""
        return [self.counts[p] for p in POSITIONS]

    @property
    def as_list(self) -> list[DirectionResult]:
        return [self]


def turnout(session: BoardSession) -> dict:
    """How many executives have voted (on at least one direction), and per
    direction how many votes there are. The only live figure of an open session."""
    eligible = (
        User.objects.filter(groups__name=Role.EXECUTIVE, is_active=True).distinct().count()
    )
    voted = session.votes.values("executive").distinct().count()
    per_direction = dict(
        session.votes.values_list("direction_id")
        .annotate(n=Count("pk"))
        .values_list("direction_id", "n")
    )
    return {"eligible": eligible, "voted": voted, "per_direction": per_direction}


def session_results(session: BoardSession) -> list[DirectionResult]:
    """Per agenda direction: count of each position, points, agreement, reasons,
    outcome; ranked by points. Only for closed sessions: while a session is
    open the distribution is secret, also to the caller of this function."""
    if session.state != BoardSession.State.CLOSED:
        raise PermissionError("Results are secret until the session is closed.")
    items = list(session.agenda_items.select_related("direction").order_by("position"))
    counts = {item.direction_id: dict.fromkeys(POSITIONS, 0) for item in items}
    for direction_id, position, n in (
        session.votes.values_list("direction_id", "position")
        .annotate(n=Count("pk"))
        .values_list("direction_id", "position", "n")
    ):
        counts.setdefault(direction_id, dict.fromkeys(POSITIONS, 0))[position] = n
    points = dict(
        session.votes.values_list("direction_id")
        .annotate(total=Sum("points"))
        .values_list("direction_id", "total")
    )
    reasons: dict[int, list[dict]] = {}
    for direction_id, position, reason in (
        session.votes.exclude(reason="")
        .order_by("direction_id", "pk")
        .values_list("direction_id", "position", "reason")
    ):
        reasons.setdefault(direction_id, []).append(
            {
                "position": position,
                "position_label": Vote.Position(position).label,
                "reason": reason,
            }
        )
    outcomes = {o.direction_id: o for o in session.outcomes.all()}
    results = [
        DirectionResult(
            direction=item.direction,
            position=item.position,
            counts=counts[item.direction_id],
            points=points.get(item.direction_id) or 0,
            voters=sum(counts[item.direction_id].values()),
            agreement=agreement_index(counts[item.direction_id]),
            mean=mean_score(counts[item.direction_id]),
            reasons=reasons.get(item.direction_id, []),
            outcome=outcomes.get(item.direction_id),
        )
        for item in items
    ]
    for rank, result in enumerate(sorted(results, key=lambda r: (-r.points, r.position)), start=1):
        result.rank = rank
    return results


def stack_map(cases) -> dict:
    """All given cases × the four layers: per cell the choices with their
    sourcing and maturity; per layer the count of each sourcing and maturity.

    Three queries whatever the number of cases (cases, layers, choices). The
    stack-map page, its chart and the PDF briefing all read this.
    """
    layers = list(Layer.objects.all())
    cases = list(cases.select_related("organisation").order_by("title", "pk"))
    cells: dict[tuple[int, int], list] = {}
    summary = {
        layer.pk: {
            "sourcing": dict.fromkeys(Choice.Sourcing.values, 0),
            "maturity": dict.fromkeys(Choice.Maturity.values, 0),
        }
        for layer in layers
    }
    choices = Choice.objects.filter(case__in=[c.pk for c in cases]).order_by(
        "layer__position", "pk"
    )
    by_pk = {case.pk: case for case in cases}
    for choice in choices.only("pk", "case_id", "layer_id", "title", "sourcing", "maturity"):
        choice.case = by_pk[choice.case_id]  # so get_absolute_url() needs no query
        cells.setdefault((choice.case_id, choice.layer_id), []).append(choice)
        summary[choice.layer_id]["sourcing"][choice.sourcing] += 1
        summary[choice.layer_id]["maturity"][choice.maturity] += 1
    rows = [
        {"case": case, "cells": [cells.get((case.pk, layer.pk), []) for layer in layers]}
        for case in cases
    ]
    return {
        "layers": layers,
        "rows": rows,
        "summary": [{"layer": layer, **summary[layer.pk]} for layer in layers],
    }


def layer_summary(cases) -> list[dict]:
    """Per layer the count of each sourcing and maturity over the given cases,
    counted in SQL: the same numbers as ``stack_map(cases)["summary"]``
    without loading every choice (for pages that show only the summary)."""
    layers = list(Layer.objects.all())
    summary = {
        layer.pk: {
            "sourcing": dict.fromkeys(Choice.Sourcing.values, 0),
            "maturity": dict.fromkeys(Choice.Maturity.values, 0),
        }
        for layer in layers
    }
    choices = Choice.objects.filter(case__in=cases.values("pk")).order_by()
    for column in ("sourcing", "maturity"):
        for layer_id, value, n in (
            choices.values_list("layer_id", column)
            .annotate(n=Count("pk"))
            .values_list("layer_id", column, "n")
        ):
            summary[layer_id][column][value] = n
    return [{"layer": layer, **summary[layer.pk]} for layer in layers]


def shares(counts: dict[str, int]) -> dict[str, float]:
    """Each count as a percentage of their total (one decimal); zeros when empty."""
    total = sum(counts.values())
    return {key: round(100 * n / total, 1) if total else 0.0 for key, n in counts.items()}


@dataclass
class SessionRecord:
    """One session's numbers on one direction; counts only once it has closed."""

    session: BoardSession
    counts: dict[str, int] | None = None
    points: int = 0
    voters: int = 0
    agreement: float | None = None
    mean: float | None = None
    outcome: Outcome | None = None

    @property
    def ordered_counts(self) -> list[int] | None:
        """Counts in the order of POSITIONS; None while the votes are secret."""
        return None if self.counts is None else [self.counts[p] for p in POSITIONS]


def direction_history(direction, sessions) -> list[SessionRecord]:
    """The voting history of one direction over the given sessions (pass the
    sessions the viewer may see), newest first. Open and draft sessions are
    listed without numbers: their votes are secret. Three queries."""
    items = list(
        AgendaItem.objects.filter(direction=direction, session__in=sessions)
        .select_related("session")
        .order_by("-session__date", "-session__pk")
    )
    closed = [item.session_id for item in items if item.session.is_closed]
    counts: dict[int, dict[str, int]] = {pk: dict.fromkeys(POSITIONS, 0) for pk in closed}
    points: dict[int, int] = dict.fromkeys(closed, 0)
    for session_id, position, n, total in (
        Vote.objects.filter(
            direction=direction, session_id__in=closed, session__state=BoardSession.State.CLOSED
        )
        .values_list("session_id", "position")
        .annotate(n=Count("pk"), total=Sum("points"))
        .values_list("session_id", "position", "n", "total")
        .order_by()
    ):
        counts[session_id][position] = n
        points[session_id] += total or 0
    outcomes = {
        o.session_id: o for o in Outcome.objects.filter(direction=direction, session_id__in=closed)
    }
    records = []
    for item in items:
        record = SessionRecord(session=item.session)
        if item.session_id in counts:
            record.counts = counts[item.session_id]
            record.points = points[item.session_id]
            record.voters = sum(record.counts.values())
            record.agreement = agreement_index(record.counts)
            record.mean = mean_score(record.counts)
            record.outcome = outcomes.get(item.session_id)
        records.append(record)
    return records
