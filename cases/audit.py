"""The audit trail for coordinators: every recorded change to cases, choices,
role analyses, directions, sessions, votes and outcomes, filterable by user,
kind of object and date, and exportable as CSV.

Votes appear only once their session has closed: while it is open nobody
but the voter may know a vote, and that holds here too.
"""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from . import permissions
from .models import BoardSession, Case, Choice, Direction, Outcome, RoleAnalysis, User, Vote

ENTRIES_PER_PAGE = 50
ACTIONS = {"+": _("aangemaakt"), "~": _("gewijzigd"), "-": _("verwijderd")}


def _text(field: str):
    return Cast(F(field), CharField())


# kind → (label, history queryset builder, object description)
SOURCES = {
    "case": (_("Casus"), lambda: Case.history.all(), lambda: _text("title")),
    "choice": (_("Keuze"), lambda: Choice.history.all(), lambda: _text("title")),
    "roleanalysis": (
        _("Rolanalyse"),
        lambda: RoleAnalysis.history.all(),
        lambda: Concat(
            Value("#"), _text("case_id"), Value(" "), F("counterpart"), output_field=CharField()
        ),
    ),
    "direction": (
        _("Ontwikkelrichting"),
        lambda: Direction.history.all(),
        lambda: Concat(F("code"), Value(" "), F("title"), output_field=CharField()),
    ),
    "session": (_("Sessie"), lambda: BoardSession.history.all(), lambda: _text("title")),
    "vote": (
        _("Stem"),
        # secret until the session closes
        lambda: Vote.history.filter(session__state=BoardSession.State.CLOSED),
        lambda: Concat(
            Value("#"),
            _text("session_id"),
            Value(" "),
            _text("direction_id"),
            Value(" "),
            F("position"),
            output_field=CharField(),
        ),
    ),
    "outcome": (
        _("Besluit"),
        lambda: Outcome.history.all(),
        lambda: Concat(
            Value("#"), _text("session_id"), Value(" "), F("decision"), output_field=CharField()
        ),
    ),
}


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Gebruiker"),
        queryset=User.objects.order_by("username"),
        required=False,
        empty_label=_("Alle gebruikers"),
    )
    kind = forms.ChoiceField(
        label=_("Soort object"),
        choices=[("", _("Alle soorten")), *[(k, v[0]) for k, v in SOURCES.items()]],
        required=False,
    )
    object_id = forms.IntegerField(label=_("Objectnummer"), required=False, min_value=1)
    date_from = forms.DateField(
        label=_("Vanaf"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Tot en met"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Deze datum ligt vóór de begindatum."))
        return data


def audit_entries(filters: dict):
    """One query: the union of the history tables, newest first."""
    parts = []
    for kind, (_label, history, describe) in SOURCES.items():
        if filters.get("kind") and filters["kind"] != kind:
            continue
        qs = history()
        if filters.get("user"):
            qs = qs.filter(history_user=filters["user"])
        if filters.get("object_id"):
            qs = qs.filter(id=filters["object_id"])
        if filters.get("date_from"):
            qs = qs.filter(history_date__date__gte=filters["date_from"])
        if filters.get("date_to"):
            qs = qs.filter(history_date__date__lte=filters["date_to"])
        parts.append(
            qs.order_by()
            .annotate(audit_kind=Value(kind, output_field=CharField()), audit_label=describe())
            .values_list(
                "history_date", "history_type", "history_user_id", "audit_kind", "id", "audit_label"
            )
        )
    if not parts:
        return []
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date")


def _rows(entries) -> list[dict]:
    entries = list(entries)
    users = User.objects.in_bulk({e[2] for e in entries if e[2]})
    return [
        {
            "when": when,
            "action": ACTIONS.get(action, action),
            "user": users.get(user_id),
            "kind": SOURCES[kind][0],
            "object_id": object_id,
            "description": description,
        }
        for when, action, user_id, kind, object_id, description in entries
    ]


def _require_coordinator(request: HttpRequest) -> None:
    if not permissions.is_coordinator(request.user):
        raise PermissionDenied


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    _require_coordinator(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(audit_entries(filters), ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": _rows(page.object_list),
        "query_string": params.urlencode(),
    }
    return render(request, "cases/audit_log.html", context)


class _Echo:
    def write(self, value):
        return value


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered audit trail as CSV (UTF-8 with BOM, so spreadsheets read ë and €)."""
    _require_coordinator(request)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"
        yield writer.writerow(["tijdstip", "actie", "gebruiker", "soort", "objectnummer", "object"])
        entries = audit_entries(filters)
        batch = 2000
        for start in range(
            0, len(entries) if isinstance(entries, list) else entries.count(), batch
        ):
            for row in _rows(entries[start : start + batch]):
                yield writer.writerow(
                    [
                        timezone.localtime(row["when"]).isoformat(timespec="seconds"),
                        row["action"],
                        row["user"].username if row["user"] else "",
                        row["kind"],
                        row["object_id"],
                        row["description"],
                    ]
                )

    stamp = datetime.date.today().isoformat()
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="stackwork-audit-{stamp}.csv"'
    return response
