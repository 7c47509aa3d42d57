"""The briefings of a board session: the PDF as the session stands, a new
one on request, and every kept record exactly as it was handed out."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import idempotency, permissions
from ..briefing import BriefingError, create_briefing, current_briefing, mark_current
from ..models import BoardSession, Briefing


def _session_for_briefing(request: HttpRequest, pk: int) -> BoardSession:
    """Executives and coordinators only (others 403); a session they cannot
    see is not found."""
    user = request.user
    if not permissions.can_read_briefings(user):
        raise PermissionDenied
    return get_object_or_404(BoardSession.objects.visible_to(user), pk=pk)


def _pdf_response(briefing: Briefing) -> FileResponse:
    session = briefing.session
    filename = f"briefing-{slugify_ascii(session.title)}-{briefing.created_at:%Y%m%d-%H%M}.pdf"
    response = FileResponse(
        briefing.file.open("rb"), content_type="application/pdf", filename=filename
    )
    response["X-Content-SHA256"] = briefing.sha256
    response["Cache-Control"] = "private, no-store"
    return response


def slugify_ascii(text: str) -> str:
    return slugify(text)[:60] or "sessie"


def _failure(request: HttpRequest, session: BoardSession, error: BriefingError) -> HttpResponse:
    return render(
        request,
        "cases/briefings/briefing_failed.html",
        {"session": session, "message": str(error)},
        status=503,
    )


@require_GET
def briefing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The briefing for the session as it stands: the kept briefing in this
    language whose data is still the data of now, or a new one when anything
    it shows has changed since (``briefing.current_briefing``)."""
    session = _session_for_briefing(request, pk)
    language = translation.get_language()
    try:
        briefing = current_briefing(session, user=request.user, language=language)
    except BriefingError as error:
        return _failure(request, session, error)
    return _pdf_response(briefing)


@require_POST
def briefing_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate anew: a new record next to the earlier ones. The button
    carries a one-time token: pressed twice, it makes one."""
    session = _session_for_briefing(request, pk)
    token = idempotency.submitted_token(request.POST)
    try:
        briefing, created = idempotency.create_once(
            token,
            user=request.user,
            kind="briefing",
            create=lambda: create_briefing(
                session, user=request.user, language=translation.get_language()
            ),
            queryset=session.briefings.all(),
        )
    except BriefingError as error:
        return _failure(request, session, error)
    if not created:
        return redirect("briefing_list", pk=session.pk)
    messages.success(
        request,
        _("Nieuwe briefing gemaakt (SHA-256 %(hash)s…).") % {"hash": briefing.sha256[:12]},
    )
    return redirect("briefing_list", pk=session.pk)


@require_GET
def briefing_download(request: HttpRequest, pk: int, briefing_id: int) -> HttpResponse:
    """A kept briefing, served exactly as it was handed out."""
    session = _session_for_briefing(request, pk)
    briefing = get_object_or_404(session.briefings, pk=briefing_id)
    return _pdf_response(briefing)


@require_GET
def briefing_list(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for_briefing(request, pk)
    context = {
        "session": session,
        "briefing_token": uuid.uuid4(),
        "briefings": mark_current(
            list(session.briefings.select_related("created_by")), session, user=request.user
        ),
    }
    return render(request, "cases/briefings/briefing_list.html", context)
