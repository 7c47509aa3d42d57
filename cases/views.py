from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import permissions
from .forms import CaseFilterForm
from .models import BoardSession, Case, Choice, Layer, RoleAnalysis

CASES_PER_PAGE = 20


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers; shows no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _case_parts_prefetch() -> list:
    return [
        Prefetch("choices", queryset=Choice.objects.select_related("layer", "supplier")),
        Prefetch("role_analyses", queryset=RoleAnalysis.objects.prefetch_related("partners")),
    ]


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    layers = list(Layer.objects.all())
    my_cases = []
    if permissions.is_civil_servant(user) and user.organisation_id:
        my_cases = list(
            Case.objects.visible_to(user)
            .filter(organisation_id=user.organisation_id)
            .exclude(status=Case.Status.ARCHIVED)
            .prefetch_related("choices", "role_analyses")
            .order_by("-updated_at")[:10]
        )
        for case in my_cases:
            case.progress = case.completeness(layers)
    # The executive dashboard: open sessions awaiting a vote, the stack-map
    # summary and the directions; coordinators see it too.
    from django.db.models import Count, Q

    from . import charts, results
    from .models import Direction

    sessions = BoardSession.objects.visible_to(user)
    dashboard = permissions.is_executive(user) or permissions.is_coordinator(user)
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
        if permissions.is_coordinator(user)
        else [],
        "published_count": published.count(),
        "has_role": permissions.has_any_role(user),
        "dashboard": dashboard,
    }
    if dashboard:
        stack = results.stack_map(published)
        shares = charts.layer_shares_table(stack["summary"], "sourcing")
        context["shares"] = shares
        context["shares_figure"] = charts.layer_shares_figure(shares)
        context["directions"] = list(Direction.objects.visible_to(user))
    return render(request, "cases/home.html", context)


def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    cases = Case.objects.visible_to(request.user).select_related("organisation")
    if form.is_valid():
        cases = form.filter(cases)
    paginator = Paginator(cases.order_by("title", "pk"), CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    layers = list(Layer.objects.all())
    page_cases = list(
        Case.objects.filter(pk__in=[case.pk for case in page.object_list])
        .select_related("organisation")
        .prefetch_related("choices", "role_analyses")
        .order_by("title", "pk")
    )
    for case in page_cases:
        case.progress = case.completeness(layers)
    context = {
        "form": form,
        "page": page,
        "cases": page_cases,
        "query_string": _query_without_page(request),
    }
    return render(request, "cases/case_list.html", context)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _get_case_for_user(request: HttpRequest, pk: int) -> Case:
    """The case if the user may see it; 404 otherwise (no hint that it exists)."""
    return get_object_or_404(
        Case.objects.visible_to(request.user)
        .select_related("organisation", "created_by", "updated_by")
        .prefetch_related(*_case_parts_prefetch()),
        pk=pk,
    )


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, pk)
    layers = list(Layer.objects.all())
    choices = list(case.choices.all())
    analyses = {ra.counterpart: ra for ra in case.role_analyses.all()}
    stack = [
        {"layer": layer, "choices": [c for c in choices if c.layer_id == layer.pk]}
        for layer in reversed(layers)  # platforms on top, infrastructure at the base
    ]
    grid = [
        {"counterpart": value, "label": label, "analysis": analyses.get(value)}
        for value, label in RoleAnalysis.Counterpart.choices
    ]
    context = {
        "case": case,
        "stack": stack,
        "grid": grid,
        "progress": case.completeness(layers),
        "can_edit": permissions.can_edit_case(request.user, case),
    }
    return render(request, "cases/case_detail.html", context)
