"""Pages where executives weigh development directions: the directions, the
stack map, board sessions with their ballot, results and outcomes.

Votes are secret while a session is open: executives see their own ballot
and the overall turnout, coordinators the turnout per direction, nobody the
distribution (``results.session_results`` refuses an open session).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from . import actions, charts, permissions, results
from .decision_forms import (
    BallotForm,
    DirectionForm,
    OutcomeForm,
    SessionForm,
    StackMapFilterForm,
)
from .models import (
    MAX_POINTS_PER_SESSION,
    BoardSession,
    Case,
    Direction,
    InvalidTransition,
    Layer,
    LayerMeaning,
    Vote,
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _get_direction_for_user(request: HttpRequest, code: str) -> Direction:
    """The direction if the user may see it; 404 otherwise."""
    return get_object_or_404(Direction.objects.visible_to(request.user), code=code)


def _get_session_for_user(request: HttpRequest, pk: int) -> BoardSession:
    """The session if the user may see it (no drafts for executives, only
    closed ones for civil servants); 404 otherwise."""
    return get_object_or_404(BoardSession.objects.visible_to(request.user), pk=pk)


def _wants_fragment(request: HttpRequest) -> bool:
    """htmx gets the fragment; a history restore (back button) the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _agenda(session: BoardSession) -> list:
    return list(session.agenda_items.select_related("direction").order_by("position"))


# Directions


@require_http_methods(["GET"])
def direction_list(request: HttpRequest) -> HttpResponse:
    context = {
        "directions": list(Direction.objects.visible_to(request.user)),
        "can_edit": permissions.can_edit_directions(request.user),
    }
    return render(request, "cases/direction_list.html", context)


@require_http_methods(["GET"])
def direction_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    direction = get_object_or_404(
        Direction.objects.visible_to(user).prefetch_related(
            Prefetch("meanings", queryset=LayerMeaning.objects.select_related("layer"))
        ),
        code=code,
    )
    layers = list(Layer.objects.all())
    meanings = {meaning.layer_id: meaning.text for meaning in direction.meanings.all()}
    history = results.direction_history(direction, BoardSession.objects.visible_to(user))
    context = {
        "direction": direction,
        "meanings": [{"layer": layer, "text": meanings.get(layer.pk, "")} for layer in layers],
        "evidence_cases": list(
            direction.evidence_cases.visible_to(user)
            .select_related("organisation")
            .order_by("title", "pk")
        ),
        "evidence_choices": list(
            direction.evidence_choices.visible_to(user)
            .select_related("case", "layer")
            .order_by("case__title", "layer__position", "pk")
        ),
        "history": history,
        "positions": Vote.Position.choices,
        "latest": next((record for record in history if record.outcome), None),
        "can_edit": permissions.can_edit_directions(user),
    }
    return render(request, "cases/direction_detail.html", context)


@require_http_methods(["GET", "POST"])
def direction_create(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_edit_directions(request.user))
    return _direction_form(request, Direction())


@require_http_methods(["GET", "POST"])
def direction_edit(request: HttpRequest, code: str) -> HttpResponse:
    direction = _get_direction_for_user(request, code)
    _require(permissions.can_edit_directions(request.user))
    return _direction_form(request, direction)


def _direction_form(request: HttpRequest, direction: Direction) -> HttpResponse:
    layers = list(Layer.objects.all())
    is_new = direction.pk is None
    code = direction.code  # the form writes the typed code onto the instance
    form = DirectionForm(request.POST or None, instance=direction, user=request.user, layers=layers)
    if request.method == "POST" and form.is_valid():
        direction = form.save()
        messages.success(
            request, _("Ontwikkelrichting %(code)s is opgeslagen.") % {"code": direction.code}
        )
        return redirect("direction_detail", code=direction.code)
    context = {"form": form, "code": code, "is_new": is_new}
    return render(request, "cases/direction_form.html", context)


# Stack map


@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def stack_map(request: HttpRequest) -> HttpResponse:
    published = Case.objects.visible_to(request.user).published()
    form = StackMapFilterForm(request.GET or None, cases=published)
    stack = results.stack_map(form.filter(published))
    dimension = form.dimension
    shares = charts.layer_shares_table(stack["summary"], dimension)
    context = {
        "form": form,
        "stack": stack,
        "dimension": dimension,
        "shares": shares,
        "shares_figure": charts.layer_shares_figure(shares),
        "map_figure": charts.stack_map_figure(stack, dimension),
    }
    template = "cases/stackmap.html#results" if _wants_fragment(request) else "cases/stackmap.html"
    return render(request, template, context)


# Board sessions


@require_http_methods(["GET"])
def session_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    sessions = BoardSession.objects.visible_to(user).annotate(
        agenda_count=Count("agenda_items", distinct=True),
        # The user's own votes only: how many directions they have voted on.
        my_vote_count=Count("votes", filter=Q(votes__executive_id=user.pk), distinct=True),
    )
    context = {
        "sessions": list(sessions),
        "can_manage": permissions.can_manage_sessions(user),
    }
    return render(request, "cases/session_list.html", context)


@require_http_methods(["GET"])
@vary_on_headers("HX-Request")
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    session = _get_session_for_user(request, pk)
    agenda = _agenda(session)
    context = {
        "session": session,
        "agenda": agenda,
        "can_manage": permissions.can_manage_sessions(user),
        "can_vote": permissions.can_vote(user, session),
        **_turnout_context(session, user, agenda),
    }
    if permissions.is_executive(user) and not session.is_closed:
        context["my_vote_count"] = Vote.objects.filter(session=session, executive=user).count()
    if _wants_fragment(request):
        return render(request, "cases/session_detail.html#turnout", context)
    if permissions.is_executive(user) or permissions.is_coordinator(user):
        # the briefings handed out for this session (cases/briefing.py)
        context["briefings"] = list(session.briefings.select_related("created_by"))
        context["can_brief"] = True
    return render(request, "cases/session_detail.html", context)


def _turnout_context(session: BoardSession, user, agenda: list) -> dict:
    """The live figures a user may see: overall turnout for everyone with
    access, the count per direction for coordinators only."""
    if session.state == BoardSession.State.DRAFT:
        return {"turnout": None, "turnout_rows": None}
    numbers = results.turnout(session)
    rows = None
    if permissions.can_see_turnout_per_direction(user) or session.is_closed:
        rows = [
            {
                "direction": item.direction,
                "votes": numbers["per_direction"].get(item.direction_id, 0),
            }
            for item in agenda
        ]
    return {
        "turnout": {"eligible": numbers["eligible"], "voted": numbers["voted"]},
        "turnout_rows": rows,
    }


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_manage_sessions(request.user))
    return _session_form(request, BoardSession(created_by=request.user))


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_user(request, pk)
    _require(permissions.can_manage_sessions(request.user))
    return _session_form(request, session)


def _session_form(request: HttpRequest, session: BoardSession) -> HttpResponse:
    is_new = session.pk is None
    directions = list(Direction.objects.editable_by(request.user))
    form = SessionForm(request.POST or None, instance=session, directions=directions)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("De sessie “%(title)s” is opgeslagen.") % {"title": session})
        return redirect("session_detail", pk=session.pk)
    context = {"form": form, "session": session, "is_new": is_new}
    return render(request, "cases/session_form.html", context)


@require_http_methods(["GET", "POST"])
def session_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_transition(request, pk, "open")


@require_http_methods(["GET", "POST"])
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_transition(request, pk, "close")


def _session_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET asks for confirmation, POST opens or closes the session (under the
    same row lock as voting, so no vote lands after a close)."""
    session = _get_session_for_user(request, pk)
    _require(permissions.can_manage_sessions(request.user))
    error = ""
    if request.method == "POST":
        try:
            if action == "open":
                actions.do_open_session(session, by=request.user)
                messages.success(request, _("De sessie is geopend: bestuurders kunnen stemmen."))
                return redirect("session_detail", pk=session.pk)
            actions.do_close_session(session, by=request.user)
            messages.success(request, _("De sessie is gesloten; de uitslag is nu zichtbaar."))
            return redirect("session_results", pk=session.pk)
        except InvalidTransition as refusal:
            error = " ".join(refusal.messages)
            session.refresh_from_db()
    context = {
        "session": session,
        "action": action,
        "agenda": _agenda(session),
        "error": error,
        **_turnout_context(session, request.user, []),
    }
    return render(request, "cases/session_confirm.html", context, status=409 if error else 200)


# The ballot


def _ballot_rows(session: BoardSession, user, bound: BallotForm | None = None) -> dict:
    votes = {
        vote.direction_id: vote for vote in Vote.objects.filter(session=session, executive=user)
    }
    rows = []
    for item in _agenda(session):
        vote = votes.get(item.direction_id)
        if bound is not None and bound.direction.pk == item.direction_id:
            form = bound
        else:
            initial = (
                {"position": vote.position, "points": vote.points, "reason": vote.reason}
                if vote
                else None
            )
            form = BallotForm(direction=item.direction, initial=initial)
        rows.append({"item": item, "direction": item.direction, "vote": vote, "form": form})
    used = sum(vote.points for vote in votes.values())
    return {"rows": rows, "points_left": MAX_POINTS_PER_SESSION - used}


@require_http_methods(["GET"])
def session_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_user(request, pk)
    _require(permissions.is_executive(request.user))
    context = {
        "session": session,
        "max_points": MAX_POINTS_PER_SESSION,
        **_ballot_rows(session, request.user),
    }
    return render(request, "cases/session_ballot.html", context)


@require_POST
def session_vote(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Save one row of the ballot. With htmx the row comes back in place,
    with its confirmation or its errors, and the points left out of band."""
    session = _get_session_for_user(request, pk)
    _require(permissions.is_executive(request.user))
    item = get_object_or_404(session.agenda_items.select_related("direction"), direction__code=code)
    direction = item.direction
    form = BallotForm(request.POST, direction=direction)
    saved = None
    if form.is_valid():
        try:
            saved = actions.do_cast_vote(
                session=session,
                executive=request.user,
                direction=direction,
                position=form.cleaned_data["position"],
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
            )
        except actions.VoteRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
    if not request.htmx:
        if saved:
            messages.success(
                request, _("Uw stem op %(code)s is opgeslagen.") % {"code": direction.code}
            )
            return redirect(reverse("session_ballot", args=[session.pk]) + f"#ballot-{code}")
        session.refresh_from_db()  # it may have closed meanwhile
        context = {
            "session": session,
            "max_points": MAX_POINTS_PER_SESSION,
            "rows_editable": True,  # show the typed values with their errors
            **_ballot_rows(session, request.user, bound=form),
        }
        return render(request, "cases/session_ballot.html", context)
    ballot = _ballot_rows(session, request.user, bound=form)
    row = next(r for r in ballot["rows"] if r["direction"].pk == direction.pk)
    context = {
        "session": session,
        "max_points": MAX_POINTS_PER_SESSION,
        "row": {**row, "saved": saved is not None},
        "points_left": ballot["points_left"],
        "out_of_band": True,
    }
    return render(request, "cases/session_ballot.html#ballot-row", context)


# Results and outcomes


@require_http_methods(["GET"])
def session_results(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_user(request, pk)
    if not session.is_closed:
        # Secret until the close, for coordinators too: only the turnout is live.
        return render(request, "cases/session_results.html", {"session": session}, status=403)
    numbers = results.session_results(session)
    context = {
        "session": session,
        "results": numbers,
        "ranking": sorted(numbers, key=lambda r: r.rank),
        "positions": Vote.Position.choices,
        "turnout": results.turnout(session),
        "agreement_definition": results.AGREEMENT_DEFINITION,
        "distribution_figure": charts.distribution_figure(numbers),
        "ranking_figure": charts.ranking_figure(numbers),
        "can_manage": permissions.can_manage_sessions(request.user),
    }
    return render(request, "cases/session_results.html", context)


def _outcome_rows(session: BoardSession, bound: OutcomeForm | None = None) -> list[dict]:
    rows = []
    for result in results.session_results(session):
        if bound is not None and bound.direction.pk == result.direction.pk:
            form = bound
        else:
            outcome = result.outcome
            initial = (
                {
                    "decision": outcome.decision,
                    "statement": outcome.statement,
                    "review_date": outcome.review_date,
                }
                if outcome
                else None
            )
            form = OutcomeForm(direction=result.direction, initial=initial)
        rows.append({"result": result, "direction": result.direction, "form": form})
    return rows


@require_http_methods(["GET"])
def session_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_user(request, pk)
    _require(permissions.can_manage_sessions(request.user))
    if not session.is_closed:
        return render(request, "cases/session_outcomes.html", {"session": session}, status=409)
    context = {"session": session, "rows": _outcome_rows(session)}
    return render(request, "cases/session_outcomes.html", context)


@require_POST
def session_outcome(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Record the decision on one direction; the direction's status follows."""
    session = _get_session_for_user(request, pk)
    _require(permissions.can_manage_sessions(request.user))
    item = get_object_or_404(session.agenda_items.select_related("direction"), direction__code=code)
    form = OutcomeForm(request.POST, direction=item.direction)
    saved = None
    if form.is_valid():
        try:
            saved = actions.do_record_outcome(
                session=session,
                direction=item.direction,
                by=request.user,
                **form.cleaned_data,
            )
        except InvalidTransition as refusal:
            form.add_error(None, " ".join(refusal.messages))
    if saved and not request.htmx:
        messages.success(
            request, _("Het besluit over %(code)s is vastgelegd.") % {"code": item.direction.code}
        )
        return redirect(reverse("session_outcomes", args=[session.pk]) + f"#outcome-{code}")
    if not session.is_closed:
        return render(request, "cases/session_outcomes.html", {"session": session}, status=409)
    rows = _outcome_rows(session, bound=form)
    if request.htmx:
        row = next(r for r in rows if r["direction"].pk == item.direction_id)
        context = {"session": session, "row": {**row, "saved": saved is not None}}
        return render(request, "cases/session_outcomes.html#outcome-row", context)
    return render(request, "cases/session_outcomes.html", {"session": session, "rows": rows})
