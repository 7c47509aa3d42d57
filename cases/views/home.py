"""The home page, per role: a civil servant's own cases and their
completeness; for executives and coordinators the dashboard (open sessions
to vote in, the stack summary, the directions) and, for coordinators, the
sessions to prepare."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import alignment, permissions, results
from ..charts import web as charts
from ..models import BoardSession, Case, Direction, Layer


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    layers = list(Layer.objects.all())
    my_cases = []
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
    sessions = BoardSession.objects.visible_to(user)
    dashboard = permissions.is_executive_or_coordinator(user)
    published = Case.objects.visible_to(user).published()
    context = {
        "my_cases": my_cases,
        "open_sessions": list(
            sessions.filter(state=BoardSession.State.OPEN)
            .annotate(
                agenda_count=Count("agenda_items", distinct=True),
                # only the user's own votes: how far their ballot is
                my_vote_count=Count("votes", filter=Q(votes__executive_id=user.pk), distinct=True),
            )
            .order_by("date", "pk")
        )
        if dashboard
        else [],
        "draft_sessions": list(sessions.filter(state=BoardSession.State.DRAFT))
        if permissions.can_manage_sessions(user)
        else [],
        "published_count": published.count(),
        "has_role": permissions.has_any_role(user),
        "dashboard": dashboard,
    }
    if dashboard:
        shares = charts.layer_shares_table(results.layer_summary(published), "sourcing")
        context["shares"] = shares
        context["shares_figure"] = charts.layer_shares_figure(shares)
        context["directions"] = list(Direction.objects.visible_to(user))
        context["alignment_trend"] = alignment.dashboard_trend(user)
    return render(request, "cases/home/home.html", context)
