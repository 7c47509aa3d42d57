"""Spreadsheets: the import (upload → preview row by row → confirm), the
template, and the exports of the portfolio and of a closed session's
results as ODS, XLSX and CSV.

Between the preview and the confirmation the file is kept in the media
storage (shared by every app container) under a random name that is
remembered in the importer's session; the confirmation imports exactly the
file that was checked.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from import_export.tmp_storages import MediaStorage

from .. import permissions
from ..forms.cases import CaseFilter
from ..forms.spreadsheets import ConfirmForm, ImportForm
from ..models import BoardSession, Case, Organisation
from ..spreadsheets import MAX_BYTES, ImportReport, run_import
from ..spreadsheets.exports import export_portfolio, export_results, template_file
from ..spreadsheets.files import FORMATS
from ._htmx import wants_fragment

SESSION_KEY = "spreadsheet_import"
TOO_LARGE = 413


def _require_importer(request: HttpRequest) -> None:
    if not permissions.can_import_cases(request.user):
        raise PermissionDenied(_("U mag geen casussen importeren."))


def _file_response(data: bytes, fmt: str, stem: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def _storage(token: str | None = None) -> MediaStorage:
    return MediaStorage(name=token, MEDIA_FOLDER="imports")


def _announced_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a file and see the preview; nothing is written yet."""
    _require_importer(request)
    if request.method == "POST" and _announced_size(request) > MAX_BYTES + 65536:
        # Refused on its announced size, before the body is read.
        report = ImportReport(
            filename="",
            problem=_("Het bestand is groter dan 10 MB; Stackwork leest bestanden tot 10 MB. Splits het in delen."),
        )
        context = {"form": ImportForm(user=request.user), "report": report}
        if wants_fragment(request):
            return render(request, "cases/spreadsheets/import.html#report", context)
        return render(request, "cases/spreadsheets/import.html", context, status=TOO_LARGE)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
    )
    context = {"form": form, "report": None}
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        organisation = form.cleaned_data.get("organisation")
        report = run_import(data, upload.name, user=request.user, organisation=organisation, commit=False)
        context["report"] = report
        if report.ok:
            storage = _storage()
            storage.save(data)
            request.session[SESSION_KEY] = {
                "token": storage.name,
                "filename": upload.name,
                "organisation": organisation.pk if organisation else None,
                "at": timezone.now().isoformat(),
            }
            context["confirm"] = ConfirmForm(initial={"token": storage.name})
    status = 400 if context["report"] is not None and not context["report"].ok else 200
    if form.is_bound and not form.is_valid():
        status = 400
    if wants_fragment(request):
        # htmx swaps only a 2xx answer; the report itself says what is wrong.
        if not form.is_valid():
            context["report"] = _form_report(form)
        return render(request, "cases/spreadsheets/import.html#report", context)
    return render(request, "cases/spreadsheets/import.html", context, status=status)


def _form_report(form: ImportForm) -> ImportReport:
    upload = form.files.get("file")
    messages_ = [str(m) for errors in form.errors.values() for m in errors]
    return ImportReport(filename=getattr(upload, "name", ""), problem=" ".join(messages_))


@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the checked file, all or nothing."""
    _require_importer(request)
    form = ConfirmForm(request.POST)
    pending = request.session.get(SESSION_KEY) or {}
    if not form.is_valid() or form.cleaned_data["token"] != pending.get("token"):
        messages.error(request, _("Dit bestand is niet (meer) klaar om in te lezen. Laad het opnieuw."))
        return redirect("spreadsheet_import")
    storage = _storage(pending["token"])
    try:
        data = storage.read()
    except FileNotFoundError:
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("Dit bestand is niet (meer) klaar om in te lezen. Laad het opnieuw."))
        return redirect("spreadsheet_import")
    organisation = Organisation.objects.filter(pk=pending.get("organisation")).first()
    report = run_import(data, pending["filename"], user=request.user, organisation=organisation, commit=True)
    if not report.committed:
        # Something changed since the preview (a colleague used a title): show why.
        return render(request, "cases/spreadsheets/import.html", {"form": ImportForm(user=request.user), "report": report}, status=409)
    storage.remove()
    request.session.pop(SESSION_KEY, None)
    totals = report.totals
    messages.success(
        request,
        _("“%(name)s” is ingelezen: %(new)d nieuw, %(update)d bijgewerkt.")
        % {"name": report.filename, "new": totals["new"], "update": totals["update"]},
    )
    return redirect(reverse("case_list") + "?status=draft")


@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    return _file_response(template_file(fmt), fmt, "stackwork-sjabloon")


@require_GET
def portfolio_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The cases the user may see, with the case list's filters (the valid ones)."""
    if fmt not in FORMATS:
        raise Http404
    if not permissions.has_any_role(request.user):
        raise PermissionDenied
    visible = Case.objects.visible_to(request.user)
    case_filter = CaseFilter(request.GET or None, queryset=visible, request=request)
    return _file_response(export_portfolio(case_filter.qs, fmt), fmt, "stackwork-portefeuille")


@require_GET
def results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    session = get_object_or_404(BoardSession.objects.visible_to(request.user), pk=pk)
    if not session.is_closed:
        raise PermissionDenied(_("De uitslag blijft geheim tot de sessie gesloten is."))
    return _file_response(export_results(session, fmt), fmt, f"stackwork-uitslag-{session.pk}")
