"""The Algoritmeregister: a registration per algorithms-layer choice, filled
in place on the case page (htmx, and plain pages without JavaScript), its
preview, and the coordinator's overview with the downloads."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from .. import permissions, register
from ..forms.register import RegistrationForm
from ._htmx import template_for, wants_fragment


def _conflict_message() -> str:
    return _(
        "Iemand anders heeft deze registratie intussen opgeslagen. Hieronder staat uw invoer; "
        "bij de velden staat wat nu is opgeslagen. Sla opnieuw op om uw invoer te bewaren."
    )


def _get(request: HttpRequest, pk: int, choice_pk: int) -> register.Registration:
    """The registration if the user may read it; 404 otherwise."""
    found = register.get_registration(request.user, pk, choice_pk)
    if found is None:
        raise Http404
    return found


def case_registrations(request: HttpRequest, case) -> dict:
    """What the case page shows of its registrations (one query)."""
    return {
        "registrations": register.registrations_for(request.user, case=case),
        "can_edit_registration": permissions.can_edit_registration(request.user, case),
    }


def _card_context(request, registration: register.Registration, **extra) -> dict:
    case = registration.choice.case
    return {
        "case": case,
        "registration": registration,
        "can_edit_registration": permissions.can_edit_registration(request.user, case),
        **extra,
    }


@vary_on_headers("HX-Request")
@require_GET
def registration_detail(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    """The card (htmx), or the page: readiness and the preview as the register shows it."""
    registration = _get(request, pk, choice_pk)
    context = _card_context(
        request,
        registration,
        preview=register.preview(registration.values),
        heading_level=3 if wants_fragment(request) else 2,
    )
    return render(
        request, template_for(request, "cases/register/registration_detail.html", "card"), context
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def registration_edit(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    registration = _get(request, pk, choice_pk)
    case = registration.choice.case
    if not permissions.can_edit_registration(request.user, case):
        raise PermissionDenied(permissions.CANNOT_EDIT_CASE)
    slot = f"registration-{choice_pk}"
    status = 200
    if request.method == "POST":
        form = RegistrationForm(request.POST, registration=registration, auto_id=f"{slot}-%s")
        if form.is_valid():
            try:
                register.do_save_registration(
                    registration.choice,
                    form.values(),
                    version=form.cleaned_data["version"],
                    by=request.user,
                )
            except register.RegistrationConflict:
                registration = _get(request, pk, choice_pk)
                data = request.POST.copy()
                data["version"] = str(registration.version)
                form = RegistrationForm(
                    data,
                    registration=registration,
                    auto_id=f"{slot}-%s",
                )
                form.is_valid()
                form.add_error(None, _conflict_message())
                status = 409
            else:
                saved = _get(request, pk, choice_pk)
                message = (
                    _("Registratie “%(name)s” is opgeslagen en klaar voor het register.")
                    if saved.ready
                    else _("Registratie “%(name)s” is opgeslagen; er ontbreekt nog iets.")
                ) % {"name": saved.values["name"] or saved.choice.title}
                if wants_fragment(request):
                    context = _card_context(
                        request, saved, heading_level=3, focus=True, message=message
                    )
                    return render(request, "cases/register/registration_saved.html", context)
                messages.success(request, message)
                return redirect(f"{case.get_absolute_url()}#{slot}")
        else:
            status = 400 if wants_fragment(request) else 200
    else:
        form = RegistrationForm(registration=registration, auto_id=f"{slot}-%s")
    form.set_autofocus()
    context = _card_context(
        request,
        registration,
        form=form,
        slot=slot,
        form_action=reverse("registration_edit", args=[case.pk, choice_pk]),
        cancel_url=f"{case.get_absolute_url()}#{slot}",
        cancel_get=reverse("registration_detail", args=[case.pk, choice_pk]),
        cancel_select="",
        heading_level=3 if wants_fragment(request) else 1,
    )
    return render(
        request,
        template_for(request, "cases/register/registration_form.html", "form"),
        context,
        status=status,
    )


# --- The coordinator's overview and downloads -----------------------------------


def _require_exporter(request: HttpRequest) -> None:
    if not permissions.can_export_register(request.user):
        raise PermissionDenied(_("Alleen coördinatoren exporteren het algoritmeregister."))


def _include_all(request: HttpRequest) -> bool:
    return request.GET.get("all") in ("1", "true", "ja")


@require_GET
def register_overview(request: HttpRequest) -> HttpResponse:
    _require_exporter(request)
    registrations = register.registrations_for(request.user)
    context = {
        "registrations": registrations,
        "ready_count": sum(1 for item in registrations if item.ready),
        "out_of_date_count": sum(1 for item in registrations if item.out_of_date),
        "standard_version": register.STANDARD_VERSION,
    }
    return render(request, "cases/register/register_overview.html", context)


@require_GET
def register_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """``algoritmeregister.json`` / ``.csv``: the ready records (``?all=1``:
    every registration, with what is missing). Downloading is exporting: the
    ready records are noted, so a later change shows as out of date."""
    _require_exporter(request)
    include_all = _include_all(request)
    registrations = register.registrations_for(request.user)
    if fmt == "json":
        body = json.dumps(
            register.export_rows(registrations, include_all=include_all),
            ensure_ascii=False,
            indent=2,
        )
        content_type = "application/json; charset=utf-8"
    elif fmt == "csv":
        body = "\ufeff" + register.export_csv(registrations, include_all=include_all)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    register.mark_exported(registrations)
    name = "algoritmeregister-alle" if include_all else "algoritmeregister"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
