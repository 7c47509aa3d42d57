"""The stack canvas edited in place: a case's choices per layer and its
role analyses, each as a card that turns into its form and back (htmx), and
as plain pages without JavaScript."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from .. import actions, alignment, idempotency, permissions
from ..concurrency import StaleEdit
from ..forms.choices import ChoiceForm, RoleAnalysisForm
from ..models import Case, Choice, Layer, RoleAnalysis
from ._htmx import template_for, wants_fragment
from .alignment import explanation_texts, hint_context
from .cases import canvas_context, get_case_for_user, get_editable_case

SAVED = _lazy("Keuze “%(title)s” is opgeslagen.")

# Ids of the elements an in-place form may replace (htmx sends the target's id).
SLOT_ID = re.compile(r"layer-[a-z_]+-add|choice-\d+|role-[a-z_]+")


def _slot_id(request: HttpRequest, default: str) -> str:
    """The id of the element an in-place form takes the place of."""
    target = request.htmx.target if request.htmx else None
    if target and SLOT_ID.fullmatch(target):
        return target
    return default


# --- Choices, in place on the stack canvas ----------------------------------


def _layer_code(value: str | None) -> str | None:
    return value if value in Layer.Code.values else None


def _get_choice(case: Case, choice_pk: int) -> Choice | None:
    """The choice of this case; None when it was deleted (its history says it
    belonged to this case); 404 when it never did."""
    choice = Choice.objects.select_related("layer", "supplier").filter(pk=choice_pk, case=case)
    found = choice.first()
    if found is not None:
        return found
    if Choice.history.filter(id=choice_pk, case_id=case.pk).exists():
        return None
    raise Http404


def _choice_form_context(
    request, case, form, *, slot, choice=None, start_layer=None, hint_errors=None
) -> dict:
    if choice is not None:
        action = reverse("choice_edit", args=[case.pk, choice.pk])
        cancel_url = f"{case.get_absolute_url()}#choice-{choice.pk}"
        cancel_get = reverse("choice_detail", args=[case.pk, choice.pk])
        cancel_select = ""
    else:
        action = reverse("choice_create", args=[case.pk])
        if start_layer:
            action += f"?layer={start_layer}"
        cancel_url = case.get_absolute_url() + (f"#layer-{start_layer}" if start_layer else "")
        # Cancelling takes the slot as the case page has it: the add button
        # (or nothing, for a slot that held a choice deleted meanwhile).
        cancel_get = case.get_absolute_url()
        cancel_select = f"#{slot}"
    return {
        "case": case,
        "choice": choice,
        "form": form,
        "slot": slot,
        "form_action": action,
        "cancel_url": cancel_url,
        "cancel_get": cancel_get,
        "cancel_select": cancel_select,
        "heading_level": 4 if wants_fragment(request) else 2,
        # the directions the choice as typed deviates from (comply or explain)
        **hint_context(case, _form_data(form), choice, hint_errors),
    }


def _form_data(form):
    if form.is_bound:
        return form.data
    values = {name: form[name].value() for name in ("layer", "sourcing", "maturity", "supplier")}
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _choice_saved(request, case_pk: int, choice: Choice, *, in_place: bool, add_layer, message):
    """The htmx answer after a save: the card (in place, or added to its
    layer), and the completeness, status and confirmation refreshed."""
    case = get_case_for_user(request, case_pk)
    context = canvas_context(request, case)
    context.update(
        {
            "choice": next(c for c in case.choices.all() if c.pk == choice.pk),
            "in_place": in_place,
            "add_layer": add_layer,
            "message": message,
            "focus": True,
        }
    )
    return render(request, "cases/choices/choice_saved.html", context)


@vary_on_headers("HX-Request")
def choice_detail(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk)
    choice = _get_choice(case, choice_pk)
    if choice is None:
        return _choice_gone(request, case, choice_pk)
    alignment.annotate_parts(case)
    context = {
        "case": case,
        "choice": next((c for c in case.choices.all() if c.pk == choice.pk), choice),
        "can_edit": permissions.can_edit_case(request.user, case),
    }
    return render(
        request, template_for(request, "cases/choices/choice_detail.html", "card"), context
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def choice_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_editable_case(request, pk)
    start_layer = _layer_code(request.GET.get("layer"))
    slot = _slot_id(request, f"layer-{start_layer}-add" if start_layer else "choice-new")
    if request.method == "POST":
        form = ChoiceForm(request.POST, instance=Choice(case=case), auto_id=f"{slot}-%s")
        texts = explanation_texts(request.POST)
        hint_errors = alignment.validate_texts(texts)
        token = idempotency.submitted_token(request.POST)
        own = Choice.objects.filter(case=case)
        made = idempotency.earlier(token, user=request.user, kind="choice", queryset=own)
        if made is not None or (form.is_valid() and not hint_errors):
            # made by an earlier post of this form, by an identical choice
            # already there (``do_create_choice``), or now
            choice, created = made, False
            if made is None:
                outcome = {}

                def create():
                    outcome["choice"], outcome["created"] = actions.do_create_choice(
                        form.save(commit=False), by=request.user
                    )
                    alignment.do_save_explanations(
                        choice=outcome["choice"], texts=texts, by=request.user
                    )
                    return outcome["choice"]

                choice, _first = idempotency.create_once(
                    form.form_token, user=request.user, kind="choice", create=create, queryset=own
                )
                created = outcome.get("created", False)
            message = (
                SAVED
                if created
                else _("Keuze “%(title)s” was al opgeslagen; er is geen tweede gemaakt.")
            ) % {"title": choice.title}
            if wants_fragment(request):
                add_slot = re.fullmatch(r"layer-([a-z_]+)-add", slot)
                add_layer = None
                if add_slot:
                    add_layer = Layer.objects.filter(code=add_slot.group(1)).first()
                return _choice_saved(
                    request, case.pk, choice, in_place=False, add_layer=add_layer, message=message
                )
            messages.success(request, message)
            return redirect(f"{case.get_absolute_url()}#choice-{choice.pk}")
    else:
        form, hint_errors = ChoiceForm(initial={"layer": start_layer}, auto_id=f"{slot}-%s"), {}
    form.set_autofocus()
    context = _choice_form_context(
        request, case, form, slot=slot, start_layer=start_layer, hint_errors=hint_errors
    )
    return render(request, template_for(request, "cases/choices/choice_form.html", "form"), context)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def choice_edit(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    case = get_editable_case(request, pk)
    choice = _get_choice(case, choice_pk)
    if choice is None:
        return _choice_gone(request, case, choice_pk, data=request.POST or None)
    slot = f"choice-{choice.pk}"
    old_layer_id = choice.layer_id
    status = 200
    if request.method == "POST":
        form = ChoiceForm(request.POST, instance=choice, auto_id=f"{slot}-%s")
        texts = explanation_texts(request.POST)
        hint_errors = alignment.validate_texts(texts)
        if form.is_valid() and not hint_errors:
            try:
                choice = actions.do_update_choice(
                    form.save(commit=False), by=request.user, version=form.version
                )
            except actions.ChoiceGone:
                return _choice_gone(request, case, choice_pk, data=request.POST)
            except StaleEdit as stale:  # saved meanwhile, perhaps in another tab
                form.refuse_stale(stale)
                return _choice_form(
                    request, case, form, slot=slot, choice=choice, status=409,
                    hint_errors=hint_errors,
                )
            alignment.do_save_explanations(choice=choice, texts=texts, by=request.user)
            message = SAVED % {"title": choice.title}
            if wants_fragment(request):
                return _choice_saved(
                    request,
                    case.pk,
                    choice,
                    in_place=choice.layer_id == old_layer_id,
                    add_layer=None,
                    message=message,
                )
            messages.success(request, message)
            return redirect(f"{case.get_absolute_url()}#choice-{choice.pk}")
    else:
        form, hint_errors = ChoiceForm(instance=choice, auto_id=f"{slot}-%s"), {}
    return _choice_form(
        request, case, form, slot=slot, choice=choice, status=status, hint_errors=hint_errors
    )


def _choice_form(request, case, form, *, slot, choice, status=200, hint_errors=None):
    form.set_autofocus()
    context = _choice_form_context(
        request, case, form, slot=slot, choice=choice, hint_errors=hint_errors
    )
    return render(
        request,
        template_for(request, "cases/choices/choice_form.html", "form"),
        context,
        status=status,
    )


def _choice_gone(request: HttpRequest, case: Case, choice_pk: int, *, data=None) -> HttpResponse:
    """410 Gone: the choice was deleted, perhaps in another tab. When the
    person was editing it, what they typed comes back in a form that saves it
    as a new choice, so nothing is lost."""
    slot = f"choice-{choice_pk}"
    form = None
    context = {"case": case, "slot": slot, "choice_pk": choice_pk}
    if data is not None and permissions.can_edit_case(request.user, case):
        initial = {name: data.get(name, "") for name in ChoiceForm._meta.fields}
        form = ChoiceForm(initial=initial, auto_id=f"{slot}-%s")
        form.set_autofocus()
        context.update(
            _choice_form_context(
                request, case, form, slot=slot, start_layer=_layer_code(data.get("layer"))
            )
        )
    context["form"] = form
    return render(
        request,
        template_for(request, "cases/choices/choice_gone.html", "gone"),
        context,
        status=410,
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def choice_delete(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    """GET asks for confirmation (a fragment in place of the card, or a page);
    POST deletes. Deleting what is already gone is a success, not an error."""
    case = get_editable_case(request, pk)
    choice = _get_choice(case, choice_pk)
    deleted, refusal = False, ""
    if request.method == "POST" and choice is not None:
        try:
            deleted = actions.do_delete_choice(choice, by=request.user)
        except actions.CaseConflict as conflict:  # cited as evidence
            refusal = conflict.message
    if (request.method == "POST" or choice is None) and not refusal:
        message = (
            _("Keuze “%(title)s” is verwijderd.") % {"title": choice.title}
            if deleted
            else _("Deze keuze was al verwijderd.")
        )
        if wants_fragment(request):
            context = canvas_context(request, get_case_for_user(request, case.pk))
            context.update({"removed_message": message, "choice_pk": choice_pk})
            return render(request, "cases/choices/choice_deleted.html", context)
        messages.success(request, message)
        return redirect(case)
    context = {
        "case": case,
        "choice": choice,
        "heading_level": 4 if wants_fragment(request) else 1,
        "refusal": refusal or permissions.choice_delete_refusal(choice),
    }
    return render(
        request,
        template_for(request, "cases/choices/choice_confirm_delete.html", "confirm"),
        context,
        status=409 if refusal else 200,
    )


# --- Role analyses, in place in the grid -----------------------------------------


def _counterpart_label(counterpart: str) -> str:
    if counterpart not in RoleAnalysis.Counterpart.values:
        raise Http404
    return RoleAnalysis.Counterpart(counterpart).label


def _get_role_analysis(case: Case, counterpart: str) -> RoleAnalysis:
    analyses = RoleAnalysis.objects.filter(case=case, counterpart=counterpart)
    analysis = analyses.prefetch_related("partners").first()
    if analysis is None:  # a case made before role analyses came with it
        actions.do_create_role_analyses(case)
        analysis = analyses.prefetch_related("partners").get()
    return analysis


def _role_cell(analysis: RoleAnalysis, label: str) -> dict:
    return {"counterpart": analysis.counterpart, "label": label, "analysis": analysis}


@vary_on_headers("HX-Request")
def roleanalysis_detail(request: HttpRequest, pk: int, counterpart: str) -> HttpResponse:
    case = get_case_for_user(request, pk)
    label = _counterpart_label(counterpart)
    alignment.annotate_parts(case)
    analysis = next((ra for ra in case.role_analyses.all() if ra.counterpart == counterpart), None)
    context = {
        "case": case,
        "cell": {"counterpart": counterpart, "label": label, "analysis": analysis},
        "can_edit": permissions.can_edit_case(request.user, case),
    }
    return render(
        request, template_for(request, "cases/choices/roleanalysis_detail.html", "card"), context
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def roleanalysis_edit(request: HttpRequest, pk: int, counterpart: str) -> HttpResponse:
    case = get_editable_case(request, pk)
    label = _counterpart_label(counterpart)
    analysis = _get_role_analysis(case, counterpart)
    slot = f"role-{counterpart}"
    status = 200
    if request.method == "POST":
        form = RoleAnalysisForm(request.POST, instance=analysis, auto_id=f"{slot}-%s")
        if form.is_valid():
            try:
                analysis = actions.do_update_role_analysis(
                    form.save(commit=False),
                    partners=form.cleaned_data["partners"],
                    by=request.user,
                    version=form.version,
                )
            except StaleEdit as stale:  # saved meanwhile by someone else
                form.refuse_stale(stale)
                status = 409
        if form.is_valid() and status == 200:
            message = _("Rolanalyse “%(counterpart)s” is opgeslagen.") % {"counterpart": label}
            if wants_fragment(request):
                context = canvas_context(request, get_case_for_user(request, case.pk))
                context.update(
                    {
                        "cell": next(c for c in context["grid"] if c["counterpart"] == counterpart),
                        "message": message,
                        "focus": True,
                    }
                )
                return render(request, "cases/choices/roleanalysis_saved.html", context)
            messages.success(request, message)
            return redirect(f"{case.get_absolute_url()}#role-{counterpart}")
    else:
        form = RoleAnalysisForm(instance=analysis, auto_id=f"{slot}-%s")
    form.set_autofocus()
    context = {
        "case": case,
        "cell": _role_cell(analysis, label),
        "form": form,
        "slot": slot,
        "form_action": reverse("roleanalysis_edit", args=[case.pk, counterpart]),
        "cancel_url": f"{case.get_absolute_url()}#role-{counterpart}",
        "cancel_get": reverse("roleanalysis_detail", args=[case.pk, counterpart]),
        "heading_level": 3 if wants_fragment(request) else 2,
    }
    return render(
        request,
        template_for(request, "cases/choices/roleanalysis_form.html", "form"),
        context,
        status=status,
    )
