import re

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from . import actions, permissions
from .case_history import case_history
from .forms import CaseFilterForm, CaseForm, CaseStatusForm, ChoiceForm, RoleAnalysisForm
from .models import BoardSession, Case, Choice, Layer, RoleAnalysis

CASES_PER_PAGE = 20

# Ids of the elements an in-place form may replace (htmx sends the target's id).
SLOT_ID = re.compile(r"layer-[a-z_]+-add|choice-\d+|role-[a-z_]+")

STATUS_ACTION_LABELS = {
    "submit": gettext_lazy("Indienen"),
    "publish": gettext_lazy("Publiceren"),
    "send_back": gettext_lazy("Terugsturen"),
    "archive": gettext_lazy("Archiveren"),
    "reopen": gettext_lazy("Terugzetten naar concept"),
}


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers; shows no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _case_parts_prefetch() -> list:
    return [
        Prefetch("choices", queryset=Choice.objects.select_related("layer", "supplier")),
        Prefetch("role_analyses", queryset=RoleAnalysis.objects.prefetch_related("partners")),
    ]


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    layers = list(Layer.objects.all())
    my_cases = []
    if permissions.is_civil_servant(user) and user.organisation_id:
        my_cases = list(
            Case.objects.visible_to(user)
            .filter(organisation_id=user.organisation_id)
            .exclude(status=Case.Status.ARCHIVED)
            .prefetch_related("choices", "role_analyses")
            .order_by("-updated_at")[:10]
        )
        for case in my_cases:
            case.progress = case.completeness(layers)
    # The executive dashboard: open sessions awaiting a vote, the stack-map
    # summary and the directions; coordinators see it too.
    from django.db.models import Count, Q

    from . import charts, results
    from .models import Direction

    sessions = BoardSession.objects.visible_to(user)
    dashboard = permissions.is_executive(user) or permissions.is_coordinator(user)
    published = Case.objects.visible_to(user).published()
    context = {
        "my_cases": my_cases,
        "open_sessions": list(
            sessions.filter(state=BoardSession.State.OPEN)
            .annotate(
                agenda_count=Count("agenda_items", distinct=True),
                # only the user's own votes: how far their ballot is
                my_vote_count=Count("votes", filter=Q(votes__executive_id=user.pk), distinct=True),
            )
            .order_by("date", "pk")
        )
        if dashboard
        else [],
        "draft_sessions": list(sessions.filter(state=BoardSession.State.DRAFT))
        if permissions.is_coordinator(user)
        else [],
        "published_count": published.count(),
        "has_role": permissions.has_any_role(user),
        "dashboard": dashboard,
    }
    if dashboard:
        shares = charts.layer_shares_table(results.layer_summary(published), "sourcing")
        context["shares"] = shares
        context["shares_figure"] = charts.layer_shares_figure(shares)
        context["directions"] = list(Direction.objects.visible_to(user))
    return render(request, "cases/home.html", context)


# --- Helpers ----------------------------------------------------------------


def _wants_fragment(request: HttpRequest) -> bool:
    """An htmx request gets the fragment; a history restore (back button
    after a cache miss) needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _template(request: HttpRequest, name: str, partial: str) -> str:
    return f"{name}#{partial}" if _wants_fragment(request) else name


def _slot_id(request: HttpRequest, default: str) -> str:
    """The id of the element an in-place form takes the place of."""
    target = request.htmx.target if request.htmx else None
    if target and SLOT_ID.fullmatch(target):
        return target
    return default


def _get_case_for_user(request: HttpRequest, pk: int) -> Case:
    """The case if the user may see it; 404 otherwise (no hint that it exists)."""
    return get_object_or_404(
        Case.objects.visible_to(request.user)
        .select_related("organisation", "created_by", "updated_by")
        .prefetch_related(*_case_parts_prefetch()),
        pk=pk,
    )


def _get_editable_case(request: HttpRequest, pk: int) -> Case:
    """404 for a case the user may not see, 403 for one they may see but not change."""
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )
    if not permissions.can_edit_case(request.user, case):
        raise PermissionDenied(_("U mag deze casus niet wijzigen."))
    return case


def _status_actions(user, case: Case) -> list[dict]:
    """The status buttons this user sees on this case now."""
    return [
        {"action": action, "label": STATUS_ACTION_LABELS[action]}
        for action, (sources, _target) in actions.CASE_ACTIONS.items()
        if case.status in sources and permissions.may_take_case_action(user, case, action)
    ]


def _canvas_context(request: HttpRequest, case: Case) -> dict:
    """What the case page and its in-place fragments share. ``case`` comes
    with its choices and role analyses prefetched."""
    layers = list(Layer.objects.all())
    choices = list(case.choices.all())
    analyses = {ra.counterpart: ra for ra in case.role_analyses.all()}
    can_edit = permissions.can_edit_case(request.user, case)
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
        "progress": case.completeness(layers),
        "can_edit": can_edit,
        "status_actions": _status_actions(request.user, case),
        "edit_needs_review": can_edit and permissions.edit_needs_review_again(request.user, case),
    }


# --- Case list, page, form, status and history --------------------------------


@vary_on_headers("HX-Request")
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None, user=request.user)
    cases = Case.objects.visible_to(request.user).select_related("organisation")
    if form.is_bound:
        form.is_valid()  # the valid filters apply; a bad one is shown next to its field
        cases = form.filter(cases)
    paginator = Paginator(cases.order_by("title", "pk"), CASES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    layers = list(Layer.objects.all())
    page_cases = list(
        Case.objects.filter(pk__in=[case.pk for case in page.object_list])
        .select_related("organisation")
        .prefetch_related("choices", "role_analyses")
        .order_by("title", "pk")
    )
    for case in page_cases:
        case.progress = case.completeness(layers)
    context = {
        "form": form,
        "page": page,
        "cases": page_cases,
        "query_string": _query_without_page(request),
        "can_create": permissions.can_create_case(request.user),
    }
    return render(request, _template(request, "cases/case_list.html", "results"), context)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case_for_user(request, pk)
    return render(request, "cases/case_detail.html", _canvas_context(request, case))


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_case(request.user):
        raise PermissionDenied(_("U mag geen casussen aanmaken."))
    form = CaseForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            case = actions.do_create_case(form.save(commit=False), by=request.user)
        except actions.CaseConflict as conflict:
            form.add_error("title", conflict.message)
        else:
            messages.success(
                request,
                _("Casus “%(title)s” is aangemaakt. Leg nu per laag de keuzes vast.")
                % {"title": case.title},
            )
            return redirect(case)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_editable_case(request, pk)
    was_published = case.status == Case.Status.PUBLISHED
    form = CaseForm(
        request.POST if request.method == "POST" else None, instance=case, user=request.user
    )
    if form.is_bound and form.is_valid():
        try:
            case = actions.do_update_case(
                form.save(commit=False), fields=list(form.fields), by=request.user
            )
        except actions.CaseConflict as conflict:
            form.add_error("title", conflict.message)
        else:
            messages.success(request, _("De gegevens van de casus zijn opgeslagen."))
            if was_published and case.status == Case.Status.SUBMITTED:
                messages.info(request, _review_again_message())
            return redirect(case)
    context = {
        "form": form,
        "case": case,
        "edit_needs_review": permissions.edit_needs_review_again(request.user, case),
    }
    return render(request, "cases/case_form.html", context)


def _review_again_message() -> str:
    return _(
        "De casus staat weer op “Ingediend”: een coördinator bekijkt de wijziging "
        "voordat hij opnieuw gepubliceerd wordt."
    )


@require_http_methods(["GET", "POST"])
def case_status_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, publish, send back (with a remark), archive or reopen a case.
    GET asks for confirmation; POST does it."""
    case = _get_case_for_user(request, pk)
    if action not in actions.CASE_ACTIONS:
        raise Http404
    if not permissions.may_take_case_action(request.user, case, action):
        raise PermissionDenied(_("U mag dit niet doen met deze casus."))
    form = CaseStatusForm(
        request.POST if request.method == "POST" else None,
        remark_required=action == "send_back",
    )
    error = ""
    if form.is_bound and form.is_valid():
        try:
            case, changed = actions.do_change_case_status(
                case, action, by=request.user, remark=form.cleaned_data.get("remark", "")
            )
        except actions.CaseConflict as conflict:
            error = conflict.message
        else:
            if changed:
                messages.success(request, _status_done_message(action))
            else:
                messages.info(
                    request,
                    _("De casus had deze status al: “%(status)s”.")
                    % {"status": case.get_status_display()},
                )
            return redirect(case)
    context = {
        "case": case,
        "action": action,
        "action_label": STATUS_ACTION_LABELS[action],
        "form": form,
        "error": error,
        "progress": case.completeness(list(Layer.objects.all())),
    }
    return render(request, "cases/case_status_form.html", context, status=409 if error else 200)


def _status_done_message(action: str) -> str:
    return {
        "submit": _("De casus is ingediend. Een coördinator beoordeelt hem."),
        "publish": _("De casus is gepubliceerd."),
        "send_back": _("De casus is met uw opmerking teruggestuurd naar de indiener."),
        "archive": _("De casus is gearchiveerd."),
        "reopen": _("De casus is teruggezet naar concept."),
    }[action]


def case_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("organisation"), pk=pk
    )
    return render(request, "cases/case_history.html", {"case": case, "entries": case_history(case)})


# --- Choices, in place on the stack canvas -------------------------------------


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


def _choice_form_context(request, case, form, *, slot, choice=None, start_layer=None) -> dict:
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
        "heading_level": 4 if _wants_fragment(request) else 2,
    }


def _choice_saved(request, case_pk: int, choice: Choice, *, in_place: bool, add_layer, message):
    """The htmx answer after a save: the card (in place, or added to its
    layer), and the completeness, status and confirmation refreshed."""
    case = _get_case_for_user(request, case_pk)
    context = _canvas_context(request, case)
    context.update(
        {
            "choice": Choice.objects.select_related("layer", "supplier").get(pk=choice.pk),
            "in_place": in_place,
            "add_layer": add_layer,
            "message": message,
            "focus": True,
        }
    )
    return render(request, "cases/choice_saved.html", context)


@vary_on_headers("HX-Request")
def choice_detail(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    case = _get_case_for_user(request, pk)
    choice = _get_choice(case, choice_pk)
    if choice is None:
        return _choice_gone(request, case, choice_pk)
    context = {
        "case": case,
        "choice": choice,
        "can_edit": permissions.can_edit_case(request.user, case),
    }
    return render(request, _template(request, "cases/choice_detail.html", "card"), context)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def choice_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_editable_case(request, pk)
    start_layer = _layer_code(request.GET.get("layer"))
    slot = _slot_id(request, f"layer-{start_layer}-add" if start_layer else "choice-new")
    if request.method == "POST":
        form = ChoiceForm(request.POST, instance=Choice(case=case), auto_id=f"{slot}-%s")
        if form.is_valid():
            choice, created = actions.do_create_choice(form.save(commit=False), by=request.user)
            message = (
                _("Keuze “%(title)s” is opgeslagen.")
                if created
                else _("Keuze “%(title)s” was al opgeslagen; er is geen tweede gemaakt.")
            ) % {"title": choice.title}
            if _wants_fragment(request):
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
        form = ChoiceForm(initial={"layer": start_layer}, auto_id=f"{slot}-%s")
    form.set_autofocus()
    context = _choice_form_context(request, case, form, slot=slot, start_layer=start_layer)
    return render(request, _template(request, "cases/choice_form.html", "form"), context)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def choice_edit(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    case = _get_editable_case(request, pk)
    choice = _get_choice(case, choice_pk)
    if choice is None:
        return _choice_gone(request, case, choice_pk, data=request.POST or None)
    slot = f"choice-{choice.pk}"
    old_layer_id = choice.layer_id
    if request.method == "POST":
        form = ChoiceForm(request.POST, instance=choice, auto_id=f"{slot}-%s")
        if form.is_valid():
            try:
                choice = actions.do_update_choice(form.save(commit=False), by=request.user)
            except actions.ChoiceGone:
                return _choice_gone(request, case, choice_pk, data=request.POST)
            message = _("Keuze “%(title)s” is opgeslagen.") % {"title": choice.title}
            if _wants_fragment(request):
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
        form = ChoiceForm(instance=choice, auto_id=f"{slot}-%s")
    form.set_autofocus()
    context = _choice_form_context(request, case, form, slot=slot, choice=choice)
    return render(request, _template(request, "cases/choice_form.html", "form"), context)


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
        request, _template(request, "cases/choice_gone.html", "gone"), context, status=410
    )


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def choice_delete(request: HttpRequest, pk: int, choice_pk: int) -> HttpResponse:
    """GET asks for confirmation (a fragment in place of the card, or a page);
    POST deletes. Deleting what is already gone is a success, not an error."""
    case = _get_editable_case(request, pk)
    choice = _get_choice(case, choice_pk)
    if request.method == "POST" or choice is None:
        deleted = choice is not None and actions.do_delete_choice(choice, by=request.user)
        message = (
            _("Keuze “%(title)s” is verwijderd.") % {"title": choice.title}
            if deleted
            else _("Deze keuze was al verwijderd.")
        )
        if _wants_fragment(request):
            context = _canvas_context(request, _get_case_for_user(request, case.pk))
            context.update({"removed_message": message, "choice_pk": choice_pk})
            return render(request, "cases/choice_deleted.html", context)
        messages.success(request, message)
        return redirect(case)
    context = {
        "case": case,
        "choice": choice,
        "heading_level": 4 if _wants_fragment(request) else 1,
    }
    return render(
        request, _template(request, "cases/choice_confirm_delete.html", "confirm"), context
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
    case = _get_case_for_user(request, pk)
    label = _counterpart_label(counterpart)
    analysis = next((ra for ra in case.role_analyses.all() if ra.counterpart == counterpart), None)
    context = {
        "case": case,
        "cell": {"counterpart": counterpart, "label": label, "analysis": analysis},
        "can_edit": permissions.can_edit_case(request.user, case),
    }
    return render(request, _template(request, "cases/roleanalysis_detail.html", "card"), context)


@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def roleanalysis_edit(request: HttpRequest, pk: int, counterpart: str) -> HttpResponse:
    case = _get_editable_case(request, pk)
    label = _counterpart_label(counterpart)
    analysis = _get_role_analysis(case, counterpart)
    slot = f"role-{counterpart}"
    if request.method == "POST":
        form = RoleAnalysisForm(request.POST, instance=analysis, auto_id=f"{slot}-%s")
        if form.is_valid():
            analysis = actions.do_update_role_analysis(
                form.save(commit=False), partners=form.cleaned_data["partners"], by=request.user
            )
            message = _("Rolanalyse “%(counterpart)s” is opgeslagen.") % {"counterpart": label}
            if _wants_fragment(request):
                context = _canvas_context(request, _get_case_for_user(request, case.pk))
                context.update(
                    {
                        "cell": next(c for c in context["grid"] if c["counterpart"] == counterpart),
                        "message": message,
                        "focus": True,
                    }
                )
                return render(request, "cases/roleanalysis_saved.html", context)
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
        "heading_level": 3 if _wants_fragment(request) else 2,
    }
    return render(request, _template(request, "cases/roleanalysis_form.html", "form"), context)
