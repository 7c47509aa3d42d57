"""Comply or explain: the portfolio view (how far the province follows its
adopted directions), the hint on the stack canvas while a choice is being
recorded, the explanation of a deviation, and a direction's rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import alignment, permissions
from ..forms.alignment import ExplanationForm, GuidanceRuleForm
from ..models import Choice, Direction, Layer, Organisation, RoleAnalysis
from ..models_alignment import GuidanceRule
from .cases import get_case_for_user, get_editable_case


def _require_role(request: HttpRequest) -> None:
    if not permissions.has_any_role(request.user):
        raise PermissionDenied(_("Uw account heeft nog geen rol in Stackwork."))


def portfolio_figure(rows: list[dict]) -> dict:
    """Stacked horizontal bars: per direction the four figures."""
    labels = [row["direction"].code for row in rows]
    colours = {
        "follows": "#1b6e3a",
        "deviates_explained": "#b35900",
        "deviates_unexplained": "#a4142b",
        "not_applicable": "#6b7280",
    }
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": str(alignment.BUCKET_LABELS[bucket]),
            "y": labels,
            "x": [row["totals"][bucket] for row in rows],
            "marker": {"color": colours[bucket]},
            "hovertemplate": "%{y}: %{x}<extra>"
            + str(alignment.BUCKET_LABELS[bucket])
            + "</extra>",
        }
        for bucket in alignment.BUCKETS
    ]
    return {
        "data": data,
        "layout": {
            "barmode": "stack",
            "height": 120 + 40 * len(rows),
            "margin": {"l": 60, "r": 30, "t": 10, "b": 40, "pad": 4},
            "yaxis": {"autorange": "reversed", "type": "category"},
            "xaxis": {"title": {"text": _("Aantal keuzes en rolanalyses")}, "rangemode": "tozero"},
            "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
        },
    }


@require_GET
def portfolio(request: HttpRequest) -> HttpResponse:
    """Per adopted direction with rules: follows, deviates with and without an
    explanation, not applicable; per layer and organisation; the deviations
    linked. Only what the viewer may see counts."""
    _require_role(request)
    guidance = alignment.guidance_in_force()
    rows = alignment.portfolio(alignment.portfolio_cases(request.user), guidance)
    series = alignment.trend(request.user)
    for row in rows:
        row["trend"] = series.get(row["direction"].pk, [])
    context = {
        "rows": rows,
        "buckets": [(name, alignment.BUCKET_LABELS[name]) for name in alignment.BUCKETS],
        "figure": portfolio_figure(rows) if rows else None,
        "words_only": list(
            Direction.objects.filter(status=Direction.Status.ADOPTED, rules__isnull=True)
        ),
    }
    return render(request, "cases/alignment/portfolio.html", context)


# --- The hint on the canvas, and the explanation of a deviation --------------


def _unsaved_choice(case, data, existing: Choice | None) -> Choice:
    """A choice built from the form as typed so far, to judge before saving."""
    choice = Choice(case=case, pk=existing.pk if existing else None)
    layer = Layer.objects.filter(code=data.get("layer", "")).first()
    choice.layer_id = layer.pk if layer else (existing.layer_id if existing else None)
    choice.maturity = data.get("maturity", "")
    choice.sourcing = data.get("sourcing", "")
    supplier_id = data.get("supplier", "")
    supplier = (
        Organisation.objects.filter(pk=supplier_id).first()
        if supplier_id.isascii() and supplier_id.isdigit() and len(supplier_id) < 12
        else None
    )
    choice.supplier = supplier
    return choice


def hint_context(case, data, existing: Choice | None, errors: dict | None = None) -> dict:
    """What the hint in the choice form shows: per direction this choice would
    deviate from, why, and a field for the explanation (what was typed kept)."""
    choice = _unsaved_choice(case, data or {}, existing)
    explanations = alignment.explanations_for([case.pk]) if existing else {}
    items = alignment.deviations_of(choice, alignment.guidance_in_force(), explanations)
    for item in items:
        if data is not None and item.field_name in data:
            item.explanation = data.get(item.field_name, "")
        item.error = (errors or {}).get(item.direction.code, "")
    return {"hint_items": items, "hint_prefix": f"hint-{existing.pk if existing else 'new'}"}


def explanation_texts(data) -> dict[str, str]:
    """The explanations typed in a choice form: ``{direction code: text}``."""
    return {
        name.removeprefix("explanation-"): value
        for name, value in data.items()
        if name.startswith("explanation-")
    }


@require_POST
def choice_hint(request: HttpRequest, pk: int) -> HttpResponse:
    """The verdict of the choice as typed so far (htmx, before saving)."""
    case = get_editable_case(request, pk)
    existing = None
    choice_id = request.POST.get("choice_id", "")
    if choice_id.isascii() and choice_id.isdigit() and len(choice_id) < 12:
        existing = Choice.objects.filter(pk=choice_id, case=case).first()
    context = {"case": case, **hint_context(case, request.POST, existing)}
    return render(request, "cases/alignment/hint.html", context)


def _subject(case, *, choice_pk=None, counterpart=None):
    if choice_pk is not None:
        return get_object_or_404(
            Choice.objects.select_related("layer", "supplier"), pk=choice_pk, case=case
        )
    return get_object_or_404(RoleAnalysis, case=case, counterpart=counterpart)


@require_http_methods(["GET", "POST"])
def explain(
    request: HttpRequest,
    pk: int,
    code: str,
    choice_pk: int | None = None,
    counterpart: str | None = None,
) -> HttpResponse:
    """Explain why a choice (or role analysis) deviates from a direction."""
    case = get_case_for_user(request, pk)
    if not permissions.can_edit_case(request.user, case):
        raise PermissionDenied(permissions.CANNOT_EDIT_CASE)
    subject = _subject(case, choice_pk=choice_pk, counterpart=counterpart)
    direction = get_object_or_404(Direction.objects.visible_to(request.user), code=code)
    alignment.annotate_parts(case)
    parts = case.choices.all() if choice_pk is not None else case.role_analyses.all()
    item = next(
        (
            i
            for part in parts
            if part.pk == subject.pk
            for i in part.alignment
            if i.direction.pk == direction.pk
        ),
        None,
    )
    if item is None or item.verdict != alignment.DEVIATES:
        messages.info(
            request,
            _("Dit wijkt niet af van %(code)s; er valt niets uit te leggen.") % {"code": code},
        )
        return redirect(f"{case.get_absolute_url()}#{_anchor(subject)}")
    form = ExplanationForm(request.POST or None, initial={"text": item.explanation})
    error = ""
    if request.method == "POST" and form.is_valid():
        target = {"choice": subject} if choice_pk is not None else {"analysis": subject}
        try:
            alignment.do_explain(
                direction=direction, text=form.cleaned_data["text"], by=request.user, **target
            )
        except alignment.ExplanationRefused as refusal:
            error = refusal.message
        else:
            messages.success(request, _("De uitleg bij %(code)s is opgeslagen.") % {"code": code})
            return redirect(f"{case.get_absolute_url()}#{_anchor(subject)}")
    context = {"case": case, "item": item, "form": form, "error": error, "direction": direction}
    return render(request, "cases/alignment/explain.html", context, status=409 if error else 200)


def _anchor(subject) -> str:
    if isinstance(subject, Choice):
        return f"choice-{subject.pk}"
    return f"role-{subject.counterpart}"


# --- A direction's rules (coordinators) ------------------------------------------


def _direction_for_rules(request: HttpRequest, code: str) -> Direction:
    direction = get_object_or_404(Direction.objects.visible_to(request.user), code=code)
    if not permissions.can_edit_directions(request.user):
        raise PermissionDenied(_("Alleen coördinatoren stellen richtlijnen op."))
    return direction


@require_http_methods(["GET", "POST"])
def rule_form(request: HttpRequest, code: str, rule_id: int | None = None) -> HttpResponse:
    direction = _direction_for_rules(request, code)
    rule = (
        get_object_or_404(GuidanceRule, pk=rule_id, direction=direction)
        if rule_id is not None
        else GuidanceRule(direction=direction)
    )
    form = GuidanceRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            alignment.do_save_rule(form.save(commit=False))
        except ValidationError as invalid:
            form.add_error(None, invalid)
        else:
            messages.success(
                request, _("De richtlijn bij %(code)s is opgeslagen.") % {"code": code}
            )
            return redirect("direction_detail", code=direction.code)
    context = {"direction": direction, "form": form, "rule": rule if rule.pk else None}
    return render(request, "cases/alignment/rule_form.html", context)


@require_http_methods(["GET", "POST"])
def rule_delete(request: HttpRequest, code: str, rule_id: int) -> HttpResponse:
    direction = _direction_for_rules(request, code)
    rule = GuidanceRule.objects.filter(pk=rule_id, direction=direction).first()
    if rule is None:
        if request.method == "POST":
            messages.info(request, _("Deze richtlijn was al verwijderd."))
            return redirect("direction_detail", code=direction.code)
        raise Http404
    if request.method == "POST":
        alignment.do_delete_rule(rule)
        messages.success(request, _("De richtlijn is verwijderd."))
        return redirect("direction_detail", code=direction.code)
    return render(
        request, "cases/alignment/rule_delete.html", {"direction": direction, "rule": rule}
    )
