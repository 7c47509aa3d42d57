"""The board briefing as PDF: numbers from ``results``, charts as vector
graphics made on the server (matplotlib's SVG backend, no browser), typeset
by WeasyPrint from a Django template, and kept as a record of what was
handed out.

Why matplotlib: it draws SVG in tens of milliseconds per chart inside the
rendering process, needs no Chromium at run time (kaleido would start one per
process and take seconds), and WeasyPrint renders its SVG faithfully.
Every chart's numbers are in a table beside it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import permissions
from .models import BoardSession, Briefing, Case, Choice, LayerMeaning, RoleAnalysis, Vote
from .results import AGREEMENT_DEFINITION, POSITIONS, session_results, stack_map, turnout

logger = logging.getLogger(__name__)

# Tagged PDF claiming PDF/UA-1 (WeasyPrint's pdf_variant); see render_pdf.
PDF_VARIANT = "pdf/ua-1"

# Diverging palette that also reads in grey: lightness rises towards neutral,
# and the oppose side is hatched so it differs from support when printed grey.
POSITION_STYLE = {
    "strongly_oppose": {"color": "#8c2d04", "hatch": "///"},
    "oppose": {"color": "#f4a582", "hatch": "//"},
    "neutral": {"color": "#d9d9d9", "hatch": ""},
    "support": {"color": "#92c5de", "hatch": ""},
    "strongly_support": {"color": "#08519c", "hatch": ""},
}
# Six lightness steps; the two that come close in grey carry a sparse hatch.
SOURCING_STYLE = {
    "in_house": {"color": "#08306b", "hatch": ""},
    "co_development": {"color": "#2171b5", "hatch": ""},
    "shared_government": {"color": "#6baed6", "hatch": ""},
    "open_source": {"color": "#deebf7", "hatch": ""},
    "off_the_shelf": {"color": "#fdae6b", "hatch": "\\\\"},
    "outsourced": {"color": "#a63603", "hatch": "//"},
}
FONT = {"family": "DejaVu Sans", "size": 9}


class BriefingError(Exception):
    """The briefing could not be made or stored; the message says why."""


# --- charts -----------------------------------------------------------------


def _figure(height_rows: int, width: float = 6.3):
    from matplotlib.figure import Figure  # imported on first use: it is heavy

    fig = Figure(figsize=(width, 0.32 * height_rows + 1.0))
    fig.set_layout_engine("constrained")
    return fig


def _svg(fig) -> str:
    import matplotlib

    buffer = io.StringIO()
    # Text stays text (set in DejaVu Sans, which the project ships and the
    # image installs): a fraction of the size of glyph outlines, and faster.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "stackwork"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def distribution_chart(results) -> str:
    """Diverging stacked bars: oppose to the left of zero, support to the
    right, neutral split around zero; one bar per direction."""
    fig = _figure(len(results))
    ax = fig.add_subplot()
    labels = [r.direction.code for r in results][::-1]
    rows = list(reversed(results))
    left_order = ["neutral", "oppose", "strongly_oppose"]
    right_order = ["neutral", "support", "strongly_support"]
    for y, result in enumerate(rows):
        counts = result.counts
        half_neutral = counts["neutral"] / 2
        # to the left, starting at zero
        start = 0.0
        for position in left_order:
            width = half_neutral if position == "neutral" else counts[position]
            if width:
                ax.barh(y, -width, left=-start, **_bar_style(POSITION_STYLE[position]))
            start += width
        start = 0.0
        for position in right_order:
            width = half_neutral if position == "neutral" else counts[position]
            if width:
                ax.barh(y, width, left=start, **_bar_style(POSITION_STYLE[position]))
            start += width
    ax.axvline(0, color="#1a1a1a", linewidth=0.8)
    ax.set_yticks(range(len(labels)), labels, fontdict=FONT)
    ax.set_xlabel(_("Aantal stemmen (tegen ← → voor)"), fontdict=FONT)
    ax.tick_params(labelsize=FONT["size"])
    limit = max([sum(r.counts.values()) for r in results] + [1])
    ax.set_xlim(-limit, limit)
    handles = [
        _legend_patch(POSITION_STYLE[p], Vote.Position(p).label) for p in reversed(POSITIONS)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=7, frameon=False)
    _clean_axes(ax)
    return _svg(fig)


def points_chart(results) -> str:
    ranked = sorted(results, key=lambda r: r.rank, reverse=True)
    fig = _figure(len(ranked))
    ax = fig.add_subplot()
    ax.barh(
        [r.direction.code for r in ranked],
        [r.points for r in ranked],
        color="#08519c",
        edgecolor="#1a1a1a",
        linewidth=0.5,
    )
    for y, result in enumerate(ranked):
        ax.text(result.points, y, f" {result.points}", va="center", fontsize=FONT["size"])
    ax.set_xlabel(_("Prioriteitspunten"), fontdict=FONT)
    ax.tick_params(labelsize=FONT["size"])
    _clean_axes(ax)
    return _svg(fig)


def sourcing_chart(summary) -> str:
    """Per layer the share of each sourcing mode, as 100 % stacked bars."""
    rows = list(reversed(summary))
    fig = _figure(len(rows) + 1)
    ax = fig.add_subplot()
    for y, row in enumerate(rows):
        total = sum(row["sourcing"].values()) or 1
        start = 0.0
        for code, count in row["sourcing"].items():
            share = 100 * count / total
            if share:
                ax.barh(y, share, left=start, **_bar_style(SOURCING_STYLE[code]))
            start += share
    ax.set_yticks(range(len(rows)), [str(row["layer"]) for row in rows], fontdict=FONT)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("Aandeel van de keuzes (%)"), fontdict=FONT)
    ax.tick_params(labelsize=FONT["size"])
    handles = [_legend_patch(SOURCING_STYLE[c], label) for c, label in Choice.Sourcing.choices]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=7, frameon=False)
    _clean_axes(ax)
    return _svg(fig)


def _bar_style(style: dict) -> dict:
    return {
        "color": style["color"],
        "hatch": style["hatch"],
        "edgecolor": "#1a1a1a",
        "linewidth": 0.5,
        "height": 0.6,
    }


def _legend_patch(style: dict, label):
    from matplotlib.patches import Patch

    return Patch(
        facecolor=style["color"],
        hatch=style["hatch"],
        edgecolor="#1a1a1a",
        linewidth=0.5,
        label=str(label),
    )


def _clean_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


# --- content ----------------------------------------------------------------


@dataclass
class Chart:
    uri: str
    alt: str


def briefing_context(session: BoardSession, *, user) -> dict:
    """Everything the briefing shows, read in a fixed number of queries."""
    is_results = session.state == BoardSession.State.CLOSED
    items = list(
        session.agenda_items.select_related("direction")
        .prefetch_related(
            Prefetch("direction__meanings", queryset=LayerMeaning.objects.select_related("layer")),
            Prefetch(
                "direction__evidence_cases", queryset=Case.objects.published().only("pk", "title")
            ),
        )
        .order_by("position")
    )
    published = Case.objects.published()
    stack = stack_map(published)
    cases = list(
        published.select_related("organisation")
        .prefetch_related(
            Prefetch("role_analyses", queryset=RoleAnalysis.objects.prefetch_related("partners"))
        )
        .order_by("title", "pk")
    )
    for case in cases:
        order = list(RoleAnalysis.Counterpart.values)
        case.sorted_analyses = sorted(
            case.role_analyses.all(), key=lambda a: order.index(a.counterpart)
        )
    context = {
        "session": session,
        "is_results": is_results,
        "items": items,
        "stack": stack,
        "cases": cases,
        "sourcing_labels": Choice.Sourcing.choices,
        "sourcing_chart": Chart(
            _data_uri(sourcing_chart(stack["summary"])),
            _(
                "Aandeel van elke vorm van sourcing per laag van de stack; de cijfers staan in de tabel eronder."
            ),
        ),
        "generated_at": timezone.now(),
        "generated_by": user,
        "position_labels": [(p, Vote.Position(p).label) for p in POSITIONS],
        "agreement_definition": AGREEMENT_DEFINITION,
    }
    if is_results:
        results = session_results(session)
        by_direction = {r.direction.pk: r for r in results}
        for item in items:
            result = by_direction[item.direction_id]
            item.result = result
            item.chart = Chart(
                _data_uri(distribution_chart([result])),
                _(
                    "Verdeling van de standpunten over %(code)s; de aantallen staan in de tabel eronder."
                )
                % {"code": item.direction.code},
            )
        context.update(
            {
                "results": results,
                "ranking": sorted(results, key=lambda r: r.rank),
                "turnout": turnout(session),
                "distribution_chart": Chart(
                    _data_uri(distribution_chart(results)),
                    _(
                        "Verdeling van de standpunten per ontwikkelrichting; de aantallen staan in de tabel."
                    ),
                ),
                "points_chart": Chart(
                    _data_uri(points_chart(results)),
                    _(
                        "Prioriteitspunten per ontwikkelrichting, van hoog naar laag; de cijfers staan in de tabel."
                    ),
                ),
            }
        )
    context["content_hash"] = content_hash(context)
    return context


def content_hash(context: dict) -> str:
    """SHA-256 over the figures and texts the briefing reports, so two
    briefings with the same hash say the same thing."""
    data = {
        "session": [
            context["session"].pk,
            context["session"].title,
            str(context["session"].date),
            context["session"].state,
        ],
        "agenda": [
            [
                i.position,
                i.direction.code,
                i.direction.title,
                i.direction.summary,
                [m.text for m in i.direction.meanings.all()],
            ]
            for i in context["items"]
        ],
        "cases": [[c.pk, c.title, c.summary] for c in context["cases"]],
        "stack": [
            [row["layer"].code, row["sourcing"], row["maturity"]]
            for row in context["stack"]["summary"]
        ],
    }
    if context["is_results"]:
        data["results"] = [
            [
                r.direction.code,
                r.counts,
                r.points,
                r.agreement,
                [x["reason"] for x in r.reasons],
                [r.outcome.decision, r.outcome.statement, str(r.outcome.review_date)]
                if r.outcome
                else None,
            ]
            for r in context["results"]
        ]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


# --- rendering and the record -----------------------------------------------


def render_html(session: BoardSession, *, user, language: str) -> tuple[str, dict]:
    with translation.override(language):
        context = briefing_context(session, user=user)
        context["language"] = language
        return render_to_string("cases/briefing/briefing.html", context), context


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(filename=finders.find("css/briefing.css"), font_config=fonts)
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(
        stylesheets=[stylesheet],
        font_config=fonts,
        pdf_variant=PDF_VARIANT,
        uncompressed_pdf=False,
    )


# Rendering takes a second or two of CPU. One render at a time per server
# process keeps that process's other threads answering pages; a request that
# finds the slot taken waits for it, up to RENDER_WAIT seconds.
_render_slot = threading.BoundedSemaphore(1)
RENDER_WAIT = 30


def create_briefing(session: BoardSession, *, user, language: str) -> Briefing:
    """Render the briefing and keep it. Rendering happens before anything is
    written; the file and its record are stored together or not at all."""
    if not _render_slot.acquire(timeout=RENDER_WAIT):
        raise BriefingError(
            _("Er worden nu veel briefings gemaakt. Probeer het over een minuut opnieuw.")
        )
    try:
        html, _context = render_html(session, user=user, language=language)
        pdf = render_pdf(html)
    except Exception as exc:  # a failed render must not leave a half record
        logger.exception("Briefing for session %s could not be rendered", session.pk)
        raise BriefingError(
            _("De briefing kon niet worden gemaakt. Probeer het later opnieuw.")
        ) from exc
    finally:
        _render_slot.release()
    digest = hashlib.sha256(pdf).hexdigest()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    briefing = Briefing(
        session=session,
        session_state=session.state,
        language=language,
        sha256=digest,
        size=len(pdf),
        created_by=user,
    )
    try:
        briefing.file.save(
            f"briefing-sessie-{session.pk}-{stamp}-{digest[:8]}.pdf", ContentFile(pdf), save=False
        )
    except OSError as exc:
        logger.exception("Briefing for session %s could not be stored", session.pk)
        raise BriefingError(
            _(
                "De briefing kon niet worden opgeslagen: de opslag is vol of niet beschikbaar. "
                "Meld dit bij de beheerder."
            )
        ) from exc
    try:
        with transaction.atomic():
            briefing.save()
    except Exception:
        briefing.file.delete(save=False)
        raise
    return briefing


def read_briefing(briefing: Briefing) -> bytes:
    with briefing.file.open("rb") as handle:
        return handle.read()


# --- views ------------------------------------------------------------------


def _session_for_briefing(request: HttpRequest, pk: int) -> BoardSession:
    """Executives and coordinators only (others 403); a session they cannot
    see is not found."""
    user = request.user
    if not (permissions.is_executive(user) or permissions.is_coordinator(user)):
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
        "cases/briefing/briefing_failed.html",
        {"session": session, "message": str(error)},
        status=503,
    )


@require_GET
def briefing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The briefing for the session as it stands: the latest kept briefing of
    this state and language, or a new one when there is none yet."""
    session = _session_for_briefing(request, pk)
    language = translation.get_language()
    briefing = session.briefings.filter(session_state=session.state, language=language).first()
    if briefing is None:
        try:
            briefing = create_briefing(session, user=request.user, language=language)
        except BriefingError as error:
            return _failure(request, session, error)
    return _pdf_response(briefing)


@require_POST
def briefing_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate anew: a new record next to the earlier ones."""
    session = _session_for_briefing(request, pk)
    try:
        briefing = create_briefing(session, user=request.user, language=translation.get_language())
    except BriefingError as error:
        return _failure(request, session, error)
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
        "briefings": list(session.briefings.select_related("created_by")),
    }
    return render(request, "cases/briefing/briefing_list.html", context)
