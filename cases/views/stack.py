"""The stack explained ("De digitale stack"): the four layers with the
province's own numbers, the directions in three minutes, and the
coordinator's form for the layers' explanations. The numbers are
``cases.explainer``'s; the stack *map* is ``views/stackmap.py``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import explainer, permissions
from ..charts import web as charts
from ..forms.stack import LayerTextForm
from ..models import Case, Direction, Layer


@require_GET
def stack(request: HttpRequest) -> HttpResponse:
    user = request.user
    published = Case.objects.visible_to(user).published()
    story = explainer.stack_story(published)
    summary = [
        {"layer": s.layer, "sourcing": s.sourcing, "maturity": s.maturity} for s in story["layers"]
    ]
    sourcing = charts.layer_shares_table(summary, "sourcing")
    maturity = charts.layer_shares_table(summary, "maturity")
    context = {
        "layers": story["layers"],
        "counterparts": story["counterparts"],
        "case_count": published.count(),
        "choice_count": sum(s.choices for s in story["layers"]),
        "adopted": list(
            Direction.objects.visible_to(user)
            .filter(status=Direction.Status.ADOPTED)
            .order_by("code")
        ),
        "sourcing": sourcing,
        "sourcing_figure": charts.layer_shares_figure(sourcing),
        "maturity": maturity,
        "maturity_figure": charts.layer_shares_figure(maturity),
        "can_edit_layers": permissions.can_edit_layer_texts(user),
    }
    return render(request, "cases/stack/stack.html", context)


@require_GET
def directions_reading(request: HttpRequest) -> HttpResponse:
    """Every direction the user may see in a few sentences, adopted first."""
    user = request.user
    briefs = explainer.directions_in_brief(
        Direction.objects.visible_to(user), Case.objects.visible_to(user)
    )
    return render(request, "cases/stack/directions_reading.html", {"briefs": briefs})


@require_http_methods(["GET", "POST"])
def layer_edit(request: HttpRequest, code: str) -> HttpResponse:
    if not permissions.can_edit_layer_texts(request.user):
        raise PermissionDenied
    layer = get_object_or_404(Layer, code=code)
    form = LayerTextForm(request.POST or None, instance=layer)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, _("De uitleg van %(layer)s is opgeslagen.") % {"layer": layer.name}
        )
        return redirect(f"{reverse('stack')}#layer-{layer.code}")
    return render(request, "cases/stack/layer_form.html", {"form": form, "layer": layer})

