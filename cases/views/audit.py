"""The audit trail for coordinators: every recorded change to cases, choices,
role analyses, directions, sessions, votes and outcomes, filterable by user,
kind of object and date, and exportable as CSV (``history.py`` reads it)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .. import permissions
from ..csvsafe import SafeWriter
from ..forms.audit import AuditFilter
from ..history import audit_entries, audit_rows

ENTRIES_PER_PAGE = 50


def _trail_filter(request: HttpRequest) -> AuditFilter:
    if not permissions.can_read_audit_trail(request.user):
        raise PermissionDenied
    trail_filter = AuditFilter(request.GET or None)
    trail_filter.is_valid()  # the valid filters apply; a bad one is shown next to its field
    return trail_filter


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    trail_filter = _trail_filter(request)
    entries = audit_entries(trail_filter, kind=trail_filter.table)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": trail_filter.form, "page": page, "rows": audit_rows(page.object_list)}
    return render(request, "cases/audit/audit_log.html", context)


class _Echo:
    def write(self, value):
        return value


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as CSV (UTF-8 with BOM, so spreadsheets read ë and €)."""
    trail_filter = _trail_filter(request)
    writer = SafeWriter(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        yield writer.writerow(
            ["tijdstip", "actie", "gebruiker", "soort", "objectnummer", "object", "wijzigingen"]
        )
        entries = audit_entries(trail_filter, kind=trail_filter.table)
        batch = 2000
        for start in range(
            0, len(entries) if isinstance(entries, list) else entries.count(), batch
        ):
            for row in audit_rows(entries[start : start + batch]):
                yield writer.writerow(
                    [
                        timezone.localtime(row["when"]).isoformat(timespec="seconds"),
                        row["action"],
                        str(row["user"]) if row["user"] else "",
                        row["kind"],
                        row["object_id"],
                        row["description"],
                        "; ".join(
                            f"{change.label}: {change.old or '–'} → {change.new or '–'}"
                            for change in row["changes"]
                        ),
                    ]
                )

    stamp = datetime.date.today().isoformat()
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stackwork-audit-{stamp}.csv"'
    return response
