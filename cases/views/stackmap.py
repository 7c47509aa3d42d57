"""The stack map: every published case the user may see × the four layers,
coloured by sourcing or maturity, with the per-layer shares and a plain
table of the same data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from .. import results
from ..charts import web as charts
from ..forms.stackmap import StackMapFilter
from ..models import Case
from ._htmx import template_for


@require_GET
@vary_on_headers("HX-Request")
def stack_map(request: HttpRequest) -> HttpResponse:
    published = Case.objects.visible_to(request.user).published()
    stack_filter = StackMapFilter(request.GET or None, queryset=published, request=request)
    stack = results.stack_map(stack_filter.qs)
    dimension = stack_filter.dimension
    shares = charts.layer_shares_table(stack["summary"], dimension)
    context = {
        "form": stack_filter.form,
        "stack": stack,
        "dimension": dimension,
        "shares": shares,
        "shares_figure": charts.layer_shares_figure(shares),
        "map_figure": charts.stack_map_figure(stack, dimension),
    }
    return render(request, template_for(request, "cases/stackmap/stackmap.html", "results"), context)
