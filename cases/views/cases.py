"""The cases: the list with its filters, the case page (the stack canvas),
its basics form, its life-cycle steps and its history.

The in-place editing of a case's choices and role analyses is in
``views/choices.py``; it shares the lookups and the canvas context below.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from .. import actions, alignment, idempotency, lifecycle, permissions
from ..concurrency import StaleEdit
from ..forms.cases import CaseFilter, CaseForm, CaseStatusForm
from ..history import case_history
from ..models import Case, Layer, RoleAnalysis
from ._htmx import template_for
from .register import case_registrations

CASES_PER_PAGE = 20

# A create form sent a second time lands on what the first one made.
ALREADY_SENT = gettext_lazy(
    "Dit formulier was al verstuurd; hier is wat toen is aangemaakt. Er is niets dubbel gemaakt."
)


def get_case_for_user(request: HttpRequest, pk: int) -> Case:
    """The case if the user may see it; 404 otherwise (no hint that it exists)."""
    return get_object_or_404(
        Case.objects.visible_to(request.user)
        .select_related("organisation", "created_by", "updated_by")
        .with_parts(),
        pk=pk,
    )


def get_editable_case(request: HttpRequest, pk: int) -> Case:
    """404 for a case the user may not see, 403 for one they may see but not change."""
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )
    if not permissions.can_edit_case(request.user, case):
        raise PermissionDenied(permissions.CANNOT_EDIT_CASE)
    return case


def canvas_context(request: HttpRequest, case: Case) -> dict:
    """What the case page and its in-place fragments share. ``case`` comes
    with its choices and role analyses prefetched."""
    layers = list(Layer.objects.all())
    items = alignment.annotate_parts(case)  # the verdicts on the cards and in completeness
    choices = list(case.choices.all())
    analyses = {ra.counterpart: ra for ra in case.role_analyses.all()}
    can_edit = permissions.can_edit_case(request.user, case)
    progress = case.completeness(layers)
    return {
        "case": case,
        "stack": [
            {"layer": layer, "choices": [c for c in choices if c.layer_id == layer.pk]}
            for layer in reversed(layers)  # platforms on top, infrastructure at the base
        ],
        "grid": [
            {"counterpart": value, "label": label, "analysis": analyses.get(value)}
            for value, label in RoleAnalysis.Counterpart.choices
        ],
        "progress": progress,
        "missing": lifecycle.missing_parts(case, progress),
        "deviations": [item for item in items if item.verdict == alignment.DEVIATES],
        "can_edit": can_edit,
        "status_actions": lifecycle.offered_case_steps(request.user, case),
        "edit_needs_review": can_edit and permissions.edit_needs_review_again(request.user, case),
        "can_delete": can_edit and case.status == Case.Status.DRAFT and case.published_at is None,
    }


@vary_on_headers("HX-Request")
def case_list(request: HttpRequest) -> HttpResponse:
    visible = Case.objects.visible_to(request.user).select_related("organisation")
    # The valid filters apply; a bad one is shown next to its field.
    case_filter = CaseFilter(request.GET or None, queryset=visible, request=request)
    paginator = Paginator(case_filter.qs.order_by("title", "pk"), CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    layers = list(Layer.objects.all())
    page_cases = list(
        Case.objects.filter(pk__in=[case.pk for case in page.object_list])
        .select_related("organisation")
        .prefetch_related("choices__supplier", "role_analyses")
        .order_by("title", "pk")
    )
    alignment.attach(page_cases)
    for case in page_cases:
        case.progress = case.completeness(layers)
    context = {
        "form": case_filter.form,
        "page": page,
        "cases": page_cases,
        "can_create": permissions.can_create_case(request.user),
    }
    return render(request, template_for(request, "cases/cases/case_list.html", "results"), context)


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    context = canvas_context(request, case)
    context.update(case_registrations(request, case))
    return render(request, "cases/cases/case_detail.html", context)


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_case(request.user):
        raise PermissionDenied(_("U mag geen casussen aanmaken."))
    mine = Case.objects.visible_to(request.user)
    token = idempotency.submitted_token(request.POST)
    made = idempotency.earlier(token, user=request.user, kind="case", queryset=mine)
    if request.method == "POST" and made is not None:  # sent twice: the first one counts
        messages.info(request, ALREADY_SENT)
        return redirect(made)
    form = CaseForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            case, created = idempotency.create_once(
                form.form_token,
                user=request.user,
                kind="case",
                create=lambda: actions.do_create_case(form.save(commit=False), by=request.user),
                queryset=mine,
            )
        except actions.CaseConflict as conflict:
            form.add_error("title", conflict.message)
        else:
            if not created:
                messages.info(request, ALREADY_SENT)
                return redirect(case)
            messages.success(
                request,
                _("Casus “%(title)s” is aangemaakt. Leg nu per laag de keuzes vast.")
                % {"title": case.title},
            )
            return redirect(case)
    return render(request, "cases/cases/case_form.html", {"form": form, "case": None})


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_editable_case(request, pk)
    was_published = case.status == Case.Status.PUBLISHED
    form = CaseForm(
        request.POST if request.method == "POST" else None, instance=case, user=request.user
    )
    status = 200
    if form.is_bound and form.is_valid():
        try:
            case = actions.do_update_case(
                form.save(commit=False),
                fields=[name for name in form.fields if name in form._meta.fields],
                by=request.user,
                version=form.version,
            )
        except actions.CaseConflict as conflict:
            form.add_error("title", conflict.message)
        except StaleEdit as stale:  # saved meanwhile by someone else
            form.refuse_stale(stale)
            status = 409
        else:
            messages.success(request, _("De gegevens van de casus zijn opgeslagen."))
            if was_published and case.status == Case.Status.SUBMITTED:
                messages.info(request, lifecycle.CASE_STEPS["review_again"].done)
            return redirect(case)
    context = {
        "form": form,
        "case": case,
        "edit_needs_review": permissions.edit_needs_review_again(request.user, case),
    }
    return render(request, "cases/cases/case_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def case_status_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Take a step of the case's life cycle (submit, publish, send back with a
    remark, archive, reopen). GET asks for confirmation; POST does it."""
    case = get_case_for_user(request, pk)
    step = lifecycle.CASE_STEPS.get(action)
    if step is None or not step.offered:
        raise Http404
    if not step.may(request.user, case):
        raise PermissionDenied(step.forbidden)
    form = CaseStatusForm(
        request.POST if request.method == "POST" else None, remark_required=step.asks_remark
    )
    error = ""
    if form.is_bound and form.is_valid():
        try:
            case, changed = actions.do_case_step(
                case, step.name, by=request.user, remark=form.cleaned_data.get("remark", "")
            )
        except actions.CaseConflict as conflict:
            error = conflict.message
        else:
            if changed:
                messages.success(request, step.done)
            else:
                messages.info(
                    request,
                    _("De casus had deze status al: “%(status)s”.")
                    % {"status": case.get_status_display()},
                )
            return redirect(case)
    items = alignment.annotate_parts(case)
    progress = case.completeness(list(Layer.objects.all()))
    context = {
        "case": case,
        "action": step.name,
        "action_label": step.label,
        "form": form,
        "error": error,
        "progress": progress,
        "missing": lifecycle.missing_parts(case, progress),
        "deviations": [item for item in items if item.verdict == alignment.DEVIATES],
    }
    return render(
        request, "cases/cases/case_status_form.html", context, status=409 if error else 200
    )


@require_http_methods(["GET", "POST"])
def case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft that was never published and that no direction cites can be
    deleted (GET asks, POST deletes); anything else is refused with the
    reason and the way out: archiving (``permissions.case_delete_refusal``)."""
    case = get_editable_case(request, pk)
    error = ""
    if request.method == "POST":
        try:
            actions.do_delete_case(case, by=request.user)
        except actions.CaseConflict as conflict:
            error = conflict.message
        else:
            messages.success(
                request, _("Casus “%(title)s” is verwijderd.") % {"title": case.title}
            )
            return redirect("case_list")
    else:
        error = permissions.case_delete_refusal(case) or ""
    context = {
        "case": case,
        "error": error,
        "can_archive": lifecycle.CASE_STEPS["archive"].may(request.user, case)
        and lifecycle.CASE_STEPS["archive"].starts_from(case.status),
    }
    return render(
        request, "cases/cases/case_confirm_delete.html", context, status=409 if error else 200
    )


def case_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )
    context = {"case": case, "entries": case_history(case)}
    return render(request, "cases/cases/case_history.html", context)
