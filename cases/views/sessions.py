"""Board sessions: the list, a session with its agenda and live turnout,
the coordinator's form and the open/close steps, the executive's ballot, and
after the close the results and the outcomes.

Votes are secret while a session is open: executives see their own ballot
and the overall turnout, coordinators the turnout per direction, nobody the
distribution (``results.session_results`` refuses an open session).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import actions, idempotency, lifecycle, permissions, reminders, results
from ..briefing import mark_current
from ..charts import web as charts
from ..concurrency import StaleEdit
from ..forms.sessions import BallotForm, OutcomeForm, SessionForm
from ..models import MAX_POINTS_PER_SESSION, BoardSession, Direction, InvalidTransition, Vote
from ._htmx import wants_fragment
from .cases import ALREADY_SENT


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _get_session_for_user(request: HttpRequest, pk: int) -> BoardSession:
    """The session if the user may see it (no drafts for executives, only
    closed ones for civil servants); 404 otherwise."""
    return get_object_or_404(BoardSession.objects.visible_to(request.user), pk=pk)


def _agenda(session: BoardSession) -> list:
    return list(session.agenda_items.select_related("direction").order_by("position"))


@require_GET
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
    return render(request, "cases/sessions/session_list.html", context)


@require_GET
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
    if wants_fragment(request):
        return render(request, "cases/sessions/session_detail.html#turnout", context)
    if permissions.can_read_briefings(user):
        # the briefings handed out for this session (views/briefings.py)
        context["briefings"] = mark_current(
            list(session.briefings.select_related("created_by")), session, user=user
        )
        context["can_brief"] = True
        context["briefing_token"] = uuid.uuid4()  # the "make again" button's one-time token
    return render(request, "cases/sessions/session_detail.html", context)


def _turnout_context(session: BoardSession, user, agenda: list) -> dict:
    """The figures a user may see: overall turnout for everyone with access,
    the count per direction as ``permissions.can_see_turnout_per_direction`` says."""
    if session.state == BoardSession.State.DRAFT:
        return {"turnout": None, "turnout_rows": None}
    numbers = results.turnout(session)
    rows = None
    if permissions.can_see_turnout_per_direction(user, session):
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
    return _session_form(request, BoardSession())


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_user(request, pk)
    _require(permissions.can_manage_sessions(request.user))
    return _session_form(request, session)


def _session_form(request: HttpRequest, session: BoardSession) -> HttpResponse:
    is_new = session.pk is None
    visible = BoardSession.objects.visible_to(request.user)
    if is_new and request.method == "POST":
        token = idempotency.submitted_token(request.POST)
        made = idempotency.earlier(token, user=request.user, kind="session", queryset=visible)
        if made is not None:  # sent twice: the first one counts
            messages.info(request, ALREADY_SENT)
            return redirect("session_detail", pk=made.pk)
    directions = list(Direction.objects.visible_to(request.user))
    form = SessionForm(request.POST or None, instance=session, directions=directions)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            session, created = idempotency.create_once(
                form.form_token if is_new else None,
                user=request.user,
                kind="session",
                create=lambda: actions.do_save_session(
                    form.save(commit=False),
                    agenda=None if form.agenda_locked else form.agenda(),
                    by=request.user,
                    version=form.version,
                ),
                queryset=visible,
            )
        except InvalidTransition as refusal:  # opened meanwhile, in another tab
            form.add_error(None, " ".join(refusal.messages))
        except StaleEdit as stale:  # saved meanwhile by someone else
            form.refuse_stale(stale)
            status = 409
        else:
            if "deadline" in form.changed_data:
                reminders.schedule_deadline(session)
            if created:
                messages.success(
                    request, _("De sessie “%(title)s” is opgeslagen.") % {"title": session}
                )
            else:
                messages.info(request, ALREADY_SENT)
            return redirect("session_detail", pk=session.pk)
    context = {"form": form, "session": session, "is_new": is_new}
    return render(request, "cases/sessions/session_form.html", context, status=status)


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
    step = lifecycle.SESSION_STEPS[action]
    _require(step.may(request.user, session))
    error = ""
    if request.method == "POST":
        try:
            actions.do_session_step(session, action, by=request.user)
        except InvalidTransition as refusal:
            error = " ".join(refusal.messages)
            session.refresh_from_db()
        else:
            messages.success(request, step.done)
            if step.target == BoardSession.State.CLOSED:
                return redirect("session_results", pk=session.pk)
            return redirect("session_detail", pk=session.pk)
    context = {
        "session": session,
        "action": action,
        "step": step,
        "agenda": _agenda(session),
        "error": error,
        **_turnout_context(session, request.user, []),
    }
    return render(request, "cases/sessions/session_confirm.html", context, status=409 if error else 200)


# The ballot


def _ballot_rows(session: BoardSession, user, bound: BallotForm | None = None, data=None) -> dict:
    """One row per agenda direction with its form: ``bound`` for one row that
    was posted, ``data`` for the whole posted ballot."""
    votes = {
        vote.direction_id: vote for vote in Vote.objects.filter(session=session, executive=user)
    }
    rows = []
    for item in _agenda(session):
        vote = votes.get(item.direction_id)
        if bound is not None and bound.direction.pk == item.direction_id:
            form = bound
        elif data is not None:
            form = BallotForm(data, direction=item.direction)
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


@require_http_methods(["GET", "POST"])
def session_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """The ballot; a POST saves every row filled in, all or nothing."""
    session = _get_session_for_user(request, pk)
    _require(permissions.is_executive(request.user))
    context = {"session": session, "max_points": MAX_POINTS_PER_SESSION}
    if request.method == "GET":
        return render(
            request,
            "cases/sessions/session_ballot.html",
            {**context, **_ballot_rows(session, request.user)},
        )
    ballot = _ballot_rows(session, request.user, data=request.POST)
    entries, errors = [], []
    for row in ballot["rows"]:
        form = row["form"]
        if row["vote"] is None and form.is_untouched():
            # not voted on and nothing typed: stays unvoted, shown empty
            row["form"] = BallotForm(direction=row["direction"])
        elif form.is_valid():
            entries.append({"direction": row["direction"], **form.cleaned_data})
    invalid = any(row["form"].is_bound and row["form"].errors for row in ballot["rows"])
    if not invalid and entries:
        try:
            actions.do_cast_ballot(session=session, executive=request.user, entries=entries)
        except actions.VoteRefused as refusal:
            errors.append(refusal.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Uw stembiljet is opgeslagen: %(count)d richting.",
                    "Uw stembiljet is opgeslagen: %(count)d richtingen.",
                    len(entries),
                )
                % {"count": len(entries)},
            )
            row = request.POST.get("row", "")
            codes = {r["direction"].code for r in ballot["rows"]}
            anchor = f"#ballot-{row}" if row in codes else ""
            return redirect(reverse("session_ballot", args=[session.pk]) + anchor)
    elif not invalid:
        messages.info(request, _("U heeft nog geen richting ingevuld; er is niets opgeslagen."))
        return redirect("session_ballot", session.pk)
    session.refresh_from_db()  # it may have closed meanwhile
    context.update(ballot, rows_editable=True, ballot_errors=errors)
    return render(request, "cases/sessions/session_ballot.html", context)


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
        return render(request, "cases/sessions/session_ballot.html", context)
    ballot = _ballot_rows(session, request.user, bound=form)
    row = next(r for r in ballot["rows"] if r["direction"].pk == direction.pk)
    context = {
        "session": session,
        "max_points": MAX_POINTS_PER_SESSION,
        "row": {**row, "saved": saved is not None},
        "points_left": ballot["points_left"],
        "out_of_band": True,
    }
    return render(request, "cases/sessions/session_ballot.html#ballot-row", context)


# Results and outcomes


@require_GET
def session_results(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_user(request, pk)
    if not session.is_closed:
        # Secret until the close, for coordinators too: only the turnout is live.
        return render(request, "cases/sessions/session_results.html", {"session": session}, status=403)
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
    return render(request, "cases/sessions/session_results.html", context)


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


@require_GET
def session_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_user(request, pk)
    _require(permissions.can_manage_sessions(request.user))
    if not session.is_closed:
        return render(request, "cases/sessions/session_outcomes.html", {"session": session}, status=409)
    context = {"session": session, "rows": _outcome_rows(session)}
    return render(request, "cases/sessions/session_outcomes.html", context)


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
        return render(request, "cases/sessions/session_outcomes.html", {"session": session}, status=409)
    rows = _outcome_rows(session, bound=form)
    if request.htmx:
        row = next(r for r in rows if r["direction"].pk == item.direction_id)
        context = {"session": session, "row": {**row, "saved": saved is not None}}
        return render(request, "cases/sessions/session_outcomes.html#outcome-row", context)
    return render(request, "cases/sessions/session_outcomes.html", {"session": session, "rows": rows})
