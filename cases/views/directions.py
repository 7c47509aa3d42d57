"""Development directions: the list, a direction with its evidence, what it
means per layer and its voting history, and the coordinator's form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import actions, alignment, idempotency, permissions, results
from ..concurrency import StaleEdit
from ..forms.directions import DirectionForm
from ..models import BoardSession, Direction, Layer, LayerMeaning, Vote
from .cases import ALREADY_SENT


def _get_direction_for_user(request: HttpRequest, code: str) -> Direction:
    """The direction if the user may see it; 404 otherwise."""
    return get_object_or_404(Direction.objects.visible_to(request.user), code=code)


@require_GET
def direction_list(request: HttpRequest) -> HttpResponse:
    context = {
        "directions": list(Direction.objects.visible_to(request.user)),
        "can_edit": permissions.can_edit_directions(request.user),
    }
    return render(request, "cases/directions/direction_list.html", context)


@require_GET
def direction_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    direction = get_object_or_404(
        Direction.objects.visible_to(user).prefetch_related(
            Prefetch("meanings", queryset=LayerMeaning.objects.select_related("layer"))
        ),
        code=code,
    )
    layers = list(Layer.objects.all())
    meanings = {meaning.layer_id: meaning.text for meaning in direction.meanings.all()}
    history = results.direction_history(direction, BoardSession.objects.visible_to(user))
    context = {
        "direction": direction,
        "meanings": [{"layer": layer, "text": meanings.get(layer.pk, "")} for layer in layers],
        "evidence_cases": list(
            direction.evidence_cases.visible_to(user)
            .select_related("organisation")
            .order_by("title", "pk")
        ),
        "evidence_choices": list(
            direction.evidence_choices.visible_to(user)
            .select_related("case", "layer")
            .order_by("case__title", "layer__position", "pk")
        ),
        "history": history,
        "positions": Vote.Position.choices,
        "latest": next((record for record in history if record.outcome), None),
        "can_edit": permissions.can_edit_directions(user),
        "rules": list(direction.rules.select_related("layer")),
        "alignment_trend": alignment.trend(user, [direction]).get(direction.pk, []),
    }
    return render(request, "cases/directions/direction_detail.html", context)


@require_http_methods(["GET", "POST"])
def direction_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_directions(request.user):
        raise PermissionDenied
    return _direction_form(request, Direction())


@require_http_methods(["GET", "POST"])
def direction_edit(request: HttpRequest, code: str) -> HttpResponse:
    direction = _get_direction_for_user(request, code)
    if not permissions.can_edit_directions(request.user):
        raise PermissionDenied
    return _direction_form(request, direction)


def _direction_form(request: HttpRequest, direction: Direction) -> HttpResponse:
    layers = list(Layer.objects.all())
    is_new = direction.pk is None
    visible = Direction.objects.visible_to(request.user)
    if is_new and request.method == "POST":
        token = idempotency.submitted_token(request.POST)
        made = idempotency.earlier(token, user=request.user, kind="direction", queryset=visible)
        if made is not None:  # sent twice: the first one counts
            messages.info(request, ALREADY_SENT)
            return redirect("direction_detail", code=made.code)
    code = direction.code  # the form writes the typed code onto the instance
    form = DirectionForm(request.POST or None, instance=direction, user=request.user, layers=layers)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            direction, _created = idempotency.create_once(
                form.form_token if is_new else None,
                user=request.user,
                kind="direction",
                create=lambda: actions.do_save_direction(
                    form.save(commit=False),
                    meanings=form.meanings(),
                    evidence_cases=form.cleaned_data["evidence_cases"],
                    evidence_choices=form.cleaned_data["evidence_choices"],
                    by=request.user,
                    version=form.version,
                ),
                queryset=visible,
            )
        except StaleEdit as stale:  # saved meanwhile by someone else
            form.refuse_stale(stale)
            status = 409
        else:
            messages.success(
                request, _("Ontwikkelrichting %(code)s is opgeslagen.") % {"code": direction.code}
            )
            return redirect("direction_detail", code=direction.code)
    context = {"form": form, "code": code, "is_new": is_new}
    return render(request, "cases/directions/direction_form.html", context, status=status)
