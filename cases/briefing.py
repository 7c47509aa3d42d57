"""The board briefing: what it shows (numbers from ``results``, charts from
``charts.pdf``), its content hash, the PDF typeset by WeasyPrint from a Django
template, and the record of what was handed out.

The pages that list, make and download briefings are ``views/briefings.py``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit, explainer
from .charts import pdf
from .models import (
    BoardSession,
    Briefing,
    Case,
    Choice,
    Direction,
    LayerMeaning,
    RoleAnalysis,
    Vote,
)
from .results import AGREEMENT_DEFINITION, POSITIONS, session_results, stack_map, turnout

logger = logging.getLogger(__name__)

# Tagged PDF claiming PDF/UA-1 (WeasyPrint's pdf_variant); see render_pdf.
PDF_VARIANT = "pdf/ua-1"


class BriefingError(Exception):
    """The briefing could not be made or stored; the message says why."""


@dataclass
class Chart:
    uri: str
    alt: str


def briefing_context(session: BoardSession, *, user, with_charts: bool = True) -> dict:
    """Everything the briefing shows, read in a fixed number of queries;
    without the charts when only its ``content_hash`` is wanted."""
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
        # the only live figure; an agenda briefing shows it too
        "turnout": turnout(session),
        "generated_at": timezone.now(),
        "generated_by": user,
        "position_labels": [(p, Vote.Position(p).label) for p in POSITIONS],
        "agreement_definition": AGREEMENT_DEFINITION,
    }
    if not is_results:
        context["guide"] = reading_guide(published, Direction.objects.visible_to(user))
    if with_charts:
        context["sourcing_chart"] = Chart(
            pdf.data_uri(pdf.sourcing_chart(stack["summary"])),
            _(
                "Aandeel van elke vorm van sourcing per laag van de stack; de cijfers staan in de tabel eronder."
            ),
        )
    if is_results:
        results = session_results(session)
        by_direction = {r.direction.pk: r for r in results}
        for item in items:
            item.result = by_direction[item.direction_id]
        context.update(
            {"results": results, "ranking": sorted(results, key=lambda r: r.rank)}
        )
    if is_results and with_charts:
        for item in items:
            result = item.result
            item.chart = Chart(
                pdf.data_uri(pdf.distribution_chart([result])),
                _(
                    "Verdeling van de standpunten over %(code)s; de aantallen staan in de tabel eronder."
                )
                % {"code": item.direction.code},
            )
        context.update(
            {
                "distribution_chart": Chart(
                    pdf.data_uri(pdf.distribution_chart(results)),
                    _(
                        "Verdeling van de standpunten per ontwikkelrichting; de aantallen staan in de tabel."
                    ),
                ),
                "points_chart": Chart(
                    pdf.data_uri(pdf.points_chart(results)),
                    _(
                        "Prioriteitspunten per ontwikkelrichting, van hoog naar laag; de cijfers staan in de tabel."
                    ),
                ),
            }
        )
    context["content_hash"] = content_hash(context)
    return context


def reading_guide(cases, directions) -> dict:
    """The reading guide (Leeswijzer) that opens the agenda briefing: the
    stack page and the directions in three minutes, on one page."""
    story = explainer.stack_story(cases)
    return {
        "layers": story["layers"],
        "counterparts": story["counterparts"],
        "directions": explainer.directions_in_brief(directions, cases),
    }


def content_hash(context: dict) -> str:
    """SHA-256 over every figure and text the briefing reports (in codes, so
    alike in every language): two briefings with the same hash say the same
    thing, and any change to what it shows gives a new hash, so the next
    download is a new record (``current_briefing``)."""
    session = context["session"]
    data = {
        "session": [session.pk, session.title, str(session.date), session.state, session.description],
        "agenda": [
            [
                i.position,
                i.direction.code,
                i.direction.title,
                i.direction.summary,
                i.direction.explanation,
                [[m.layer.code, m.text] for m in i.direction.meanings.all()],
                [[c.pk, c.title] for c in i.direction.evidence_cases.all()],
            ]
            for i in context["items"]
        ],
        "cases": [
            [
                c.pk,
                c.title,
                c.summary,
                c.organisation.name,
                c.policy_domain,
                c.kind,
                c.is_illustrative,
                [[a.counterpart, a.role, a.explanation] for a in c.sorted_analyses],
            ]
            for c in context["cases"]
        ],
        "stack": [
            [row["layer"].code, row["layer"].name, row["sourcing"], row["maturity"]]
            for row in context["stack"]["summary"]
        ],
        "stack_rows": [
            [row["case"].pk, [[choice.sourcing for choice in cell] for cell in row["cells"]]]
            for row in context["stack"]["rows"]
        ],
        "turnout": [context["turnout"]["voted"], context["turnout"]["eligible"]],
    }
    if "guide" in context:
        guide = context["guide"]
        data["guide"] = {
            "layers": [
                [s.layer.code, s.layer.display_description, s.choices, s.sourcing, s.maturity]
                for s in guide["layers"]
            ],
            "counterparts": [
                [c.counterpart, [(r.value, r.count) for r in c.roles]]
                for c in guide["counterparts"]
            ],
            "directions": [
                [b.direction.code, b.direction.status, b.asks] for b in guide["directions"]
            ],
        }
    if context["is_results"]:
        data["results"] = [
            [
                r.direction.code,
                r.rank,
                r.counts,
                r.points,
                r.voters,
                r.agreement,
                [[x.get("position"), x["reason"]] for x in r.reasons],
                [r.outcome.decision, r.outcome.statement, str(r.outcome.review_date)]
                if r.outcome
                else None,
            ]
            for r in context["results"]
        ]
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def render_html(session: BoardSession, *, user, language: str) -> tuple[str, dict]:
    with translation.override(language):
        context = briefing_context(session, user=user)
        context["language"] = language
        return render_to_string("cases/briefings/briefing.html", context), context


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
        html, context = render_html(session, user=user, language=language)
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
        content_hash=context["content_hash"],
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
            audit.record(
                audit.Kind.BRIEFING,
                "generated",
                by=user,
                obj=session,
                changes=[{"field": "file", "old": "", "new": f"{digest[:12]} ({language})"}],
            )
    except Exception:
        briefing.file.delete(save=False)
        raise
    return briefing


def data_hash(session: BoardSession, *, user) -> str:
    """The content hash of the briefing the session's data would give now."""
    return briefing_context(session, user=user, with_charts=False)["content_hash"]


def current_briefing(session: BoardSession, *, user, language: str) -> Briefing:
    """The kept briefing that shows the data as it is now, in this language;
    a new one when the data changed since (an outcome, a vote, a text): the
    older records stay, superseded."""
    digest = data_hash(session, user=user)
    kept = session.briefings.filter(language=language, content_hash=digest).first()
    return kept or create_briefing(session, user=user, language=language)


def mark_current(briefings: list[Briefing], session: BoardSession, *, user) -> list[Briefing]:
    """Set ``is_current`` on each record: whether it still shows the data as it is."""
    if briefings:
        digest = data_hash(session, user=user)
        for record in briefings:
            record.is_current = record.content_hash == digest
    return briefings
