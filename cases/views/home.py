"""The home page, per role, with the work waiting for that person:

- a civil servant: the cases sent back with the coordinator's remark, the
  drafts with what is still missing, a "Nieuwe casus" button, and the
  organisation's cases with their completeness;
- an executive: the open sessions with their deadline and whether the own
  ballot is complete, and the dashboard (the stack summary, the directions);
- a coordinator: the cases waiting for review (oldest first, with their
  completeness), the sessions to prepare and to close, the outcomes whose
  review date is near or past, e-mail that failed, and the dashboard.

Each queue is one query (plus its prefetches), whatever the data size.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .. import alignment, notifications, permissions, results
from ..charts import web as charts
from ..models import BoardSession, Case, Direction, Layer, Outcome

QUEUE_LENGTH = 20


def _own_drafts(user, layers) -> tuple[list[Case], list[Case]]:
    """The organisation's drafts: those sent back (with the remark) and the
    others, each with what is still missing."""
    drafts = list(
        Case.objects.visible_to(user)
        .filter(organisation_id=user.organisation_id, status=Case.Status.DRAFT)
        .prefetch_related("choices__supplier", "role_analyses")
        .order_by("-updated_at", "pk")[: 2 * QUEUE_LENGTH]
    )
    alignment.attach(drafts)  # the unexplained deviations, for all drafts at once
    for case in drafts:
        case.progress = case.completeness(layers)
    return [c for c in drafts if c.was_sent_back], [c for c in drafts if not c.was_sent_back]


def _review_queue(user, layers) -> list[Case]:
    """Cases waiting for review, the longest waiting first."""
    cases = list(
        Case.objects.visible_to(user)
        .filter(status=Case.Status.SUBMITTED)
        .select_related("organisation")
        .prefetch_related("choices__supplier", "role_analyses")
        .order_by(Coalesce("submitted_at", "updated_at"), "pk")[:QUEUE_LENGTH]
    )
    alignment.attach(cases)  # the verdicts of all queued cases at once
    for case in cases:
        case.progress = case.completeness(layers)
        case.missing_count = len(case.progress["missing_layers"]) + len(
            case.progress["missing_roles"]
        )
        # the deviations from adopted directions, explained or not
        case.deviations = [
            item for item in case.alignment_items if item.verdict == alignment.DEVIATES
        ]
    return cases


def _reviews_due(user) -> list[Outcome]:
    """Outcomes whose review date has passed or comes within REVIEW_SOON_DAYS."""
    today = timezone.localdate()
    outcomes = list(
        Outcome.objects.visible_to(user)
        .filter(review_date__lte=today + timedelta(days=settings.REVIEW_SOON_DAYS))
        .select_related("direction", "session")
        .order_by("review_date", "pk")[:QUEUE_LENGTH]
    )
    for outcome in outcomes:
        outcome.overdue = outcome.review_date <= today
    return outcomes


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    layers = list(Layer.objects.all())
    my_cases = []
    context: dict = {}
    if permissions.is_civil_servant(user) and user.organisation_id:
        my_cases = list(
            Case.objects.visible_to(user)
            .filter(organisation_id=user.organisation_id)
            .exclude(status=Case.Status.ARCHIVED)
            .prefetch_related("choices__supplier", "role_analyses")
            .order_by("-updated_at")[:10]
        )
        alignment.attach(my_cases)
        for case in my_cases:
            case.progress = case.completeness(layers)
        context["sent_back"], context["own_drafts"] = _own_drafts(user, layers)
    sessions = BoardSession.objects.visible_to(user)
    dashboard = permissions.is_executive_or_coordinator(user)
    published = Case.objects.visible_to(user).published()
    open_sessions = []
    if dashboard:
        open_sessions = list(
            sessions.filter(state=BoardSession.State.OPEN)
            .annotate(
                agenda_count=Count("agenda_items", distinct=True),
                # only the user's own votes: how far their ballot is
                my_vote_count=Count("votes", filter=Q(votes__executive_id=user.pk), distinct=True),
                # turnout (how many voted, never how) is the one live figure
                voter_count=Count("votes__executive", distinct=True),
            )
            # the soonest deadline first, then those a coordinator closes
            .order_by(F("deadline").asc(nulls_last=True), "date", "pk")
        )
        for session in open_sessions:
            session.ballot_complete = session.my_vote_count >= session.agenda_count
    coordinator = permissions.is_coordinator(user)
    context.update(
        {
            "my_cases": my_cases,
            "can_create_case": permissions.can_create_case(user),
            "open_sessions": open_sessions,
            "draft_sessions": list(sessions.filter(state=BoardSession.State.DRAFT))
            if permissions.can_manage_sessions(user)
            else [],
            "published_count": published.count(),
            "has_role": permissions.has_any_role(user),
            "dashboard": dashboard,
        }
    )
    if coordinator:
        context["review_queue"] = _review_queue(user, layers)
        context["review_count"] = (
            Case.objects.visible_to(user).filter(status=Case.Status.SUBMITTED).count()
        )
        context["reviews_due"] = _reviews_due(user)
        context["failed_mail_count"] = notifications.failed_deliveries().count()
    if dashboard:
        shares = charts.layer_shares_table(results.layer_summary(published), "sourcing")
        context["shares"] = shares
        context["shares_figure"] = charts.layer_shares_figure(shares)
        context["directions"] = list(Direction.objects.visible_to(user))
        context["alignment_trend"] = alignment.dashboard_trend(user)
    return render(request, "cases/home/home.html", context)
