"""Figure data for the interactive charts in the browser.

Each function takes numbers computed in ``results`` and only shapes them into
a plotly figure (a dict of ``data`` and ``layout``). Pages hand the figure to
the browser with ``json_script``; ``static/js/charts.js`` draws it with the
locally served plotly.js. The same numbers go into a table beside each chart;
the colours are the briefing's (``palette``).
"""

from __future__ import annotations

import html
import math

from django.utils.translation import gettext as _

from ..models import Choice, Vote
from ..results import POSITIONS, shares
from . import palette

FONT = {
    "family": "DejaVu Sans, Segoe UI, Roboto, Arial, sans-serif",
    "size": 14,
    "color": palette.INK,
}

POSITION_COLOURS = palette.colours(palette.POSITIONS)
SOURCING_COLOURS = palette.colours(palette.SOURCING)
MATURITY_COLOURS = palette.colours(palette.MATURITY)

DIMENSIONS = {
    "sourcing": (Choice.Sourcing, SOURCING_COLOURS),
    "maturity": (Choice.Maturity, MATURITY_COLOURS),
}

ROW_HEIGHT = 28  # pixels per bar or grid row


def _label(text) -> str:
    """Text as plotly shows it: plotly reads labels, names and hover text as
    a little HTML (``<a href>``, ``<b>``, ``<br>``), so every text that comes
    from the data is escaped; plotly turns the entities back into characters."""
    return html.escape(str(text), quote=False)


def _layout(*, height: int, **extra) -> dict:
    return {
        "height": height,
        "margin": {"l": 10, "r": 30, "t": 10, "b": 40, "pad": 4},
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": FONT, "bgcolor": "#ffffff"},
        # above the plot, clear of the axis title below it
        "legend": {
            "orientation": "h",
            "x": 0,
            "y": 1.02,
            "yanchor": "bottom",
            "traceorder": "normal",
        },
        **extra,
    }


def _symmetric_ticks(limit: int) -> tuple[list[int], list[str]]:
    """Ticks from -limit to +limit labelled with their absolute value."""
    step = max(1, math.ceil(limit / 5))
    values = [v for v in range(-limit, limit + 1) if v % step == 0]
    return values, [str(abs(v)) for v in values]


def distribution_figure(results) -> dict:
    """Diverging stacked bars: per direction the opposing votes to the left of
    zero, the supporting ones to the right, neutral split over the middle."""
    codes = [_label(r.direction.code) for r in results]
    titles = [_label(r.direction.title) for r in results]
    labels = {value: _label(label) for value, label in Vote.Position.choices}
    data = []
    # Relative stacking fills outwards in trace order: the milder positions
    # first so that they sit next to zero.
    order = ["neutral", "oppose", "support", "strongly_oppose", "strongly_support"]
    legend_rank = {position: rank for rank, position in enumerate(reversed(POSITIONS), start=1)}
    for position in order:
        counts = [r.counts[position] for r in results]
        sides = (
            [(-0.5, True), (0.5, False)]
            if position == "neutral"
            else [(-1 if position in ("oppose", "strongly_oppose") else 1, True)]
        )
        for factor, show in sides:
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": labels[position],
                    "legendgroup": position,
                    "legendrank": legend_rank[position],
                    "showlegend": show,
                    "y": codes,
                    "x": [factor * n for n in counts],
                    "customdata": [[n, title] for n, title in zip(counts, titles, strict=True)],
                    "hovertemplate": "%{y} %{customdata[1]}<br>"
                    + labels[position]
                    + ": %{customdata[0]}<extra></extra>",
                    "marker": {"color": POSITION_COLOURS[position]},
                }
            )
    limit = max([r.voters for r in results] + [1])
    tickvals, ticktext = _symmetric_ticks(limit)
    return {
        "data": data,
        "layout": _layout(
            height=120 + ROW_HEIGHT * 1.6 * len(results),
            barmode="relative",
            bargap=0.3,
            xaxis={
                "range": [-limit - 0.5, limit + 0.5],
                "tickvals": tickvals,
                "ticktext": ticktext,
                "zeroline": True,
                "zerolinecolor": palette.INK,
                "zerolinewidth": 2,
                "gridcolor": palette.GRID,
                "title": {"text": _("← tegen · aantal stemmen · voor →")},
                "fixedrange": True,
            },
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        ),
    }


def ranking_figure(results) -> dict:
    """Horizontal bars of the priority points, highest first."""
    ranked = sorted(results, key=lambda r: r.rank)
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Prioriteitspunten"),
                "y": [_label(r.direction.code) for r in ranked],
                "x": [r.points for r in ranked],
                "text": [str(r.points) for r in ranked],
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": [_label(r.direction.title) for r in ranked],
                "hovertemplate": "%{y} %{customdata}: %{x}<extra></extra>",
                "marker": {"color": palette.ACCENT},
            }
        ],
        "layout": _layout(
            height=80 + ROW_HEIGHT * 1.4 * len(ranked),
            showlegend=False,
            xaxis={
                "title": {"text": _("Prioriteitspunten")},
                "rangemode": "tozero",
                "gridcolor": palette.GRID,
                "fixedrange": True,
            },
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        ),
    }


def layer_shares_table(summary, dimension: str = "sourcing") -> dict:
    """The per-layer counts of ``results.stack_map`` with their shares, in the
    shape both the chart and its table read: columns and one row per layer."""
    kind, _colours = DIMENSIONS[dimension]
    rows = []
    for row in summary:
        counts = row[dimension]
        percentages = shares(counts)
        rows.append(
            {
                "layer": row["layer"],
                "total": sum(counts.values()),
                "cells": [
                    {"value": value, "count": counts[value], "share": percentages[value]}
                    for value in kind.values
                ],
            }
        )
    return {"columns": list(kind.choices), "rows": rows, "dimension": dimension}


def layer_shares_figure(table: dict) -> dict:
    """Stacked 100 % bars: per layer the share of each sourcing (or maturity)."""
    kind, colours = DIMENSIONS[table["dimension"]]
    layer_names = [_label(row["layer"].display_name) for row in table["rows"]]
    data = []
    for index, (value, label) in enumerate(table["columns"]):
        cells = [row["cells"][index] for row in table["rows"]]
        label = _label(label)
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": label,
                "y": layer_names,
                "x": [cell["share"] for cell in cells],
                "customdata": [cell["count"] for cell in cells],
                "hovertemplate": "%{y}<br>"
                + label
                + ": %{x:.1f}% (%{customdata})<extra></extra>",
                "marker": {"color": colours[value]},
            }
        )
    return {
        "data": data,
        "layout": _layout(
            height=160 + ROW_HEIGHT * 1.6 * len(layer_names),
            barmode="stack",
            xaxis={
                "range": [0, 100],
                "ticksuffix": "%",
                "gridcolor": palette.GRID,
                "fixedrange": True,
            },
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
        ),
    }


def stack_map_figure(stack: dict, dimension: str = "sourcing") -> dict:
    """A grid of cases (rows) × layers (columns) with one square per choice,
    coloured by sourcing or maturity; a click opens the choice (customdata)."""
    kind, colours = DIMENSIONS[dimension]
    labels = {value: _label(label) for value, label in kind.choices}
    layers, rows = stack["layers"], stack["rows"]
    points: dict[str, dict[str, list]] = {
        value: {"x": [], "y": [], "customdata": [], "text": []} for value in kind.values
    }
    for y, row in enumerate(rows):
        for x, choices in enumerate(row["cells"]):
            spread = 0.7 / max(len(choices), 1)
            for i, choice in enumerate(choices):
                value = getattr(choice, dimension)
                trace = points[value]
                trace["x"].append(round(x + (i - (len(choices) - 1) / 2) * spread, 3))
                trace["y"].append(y)
                trace["customdata"].append(choice.get_absolute_url())
                trace["text"].append(
                    f"{_label(row['case'].title)}<br>"
                    f"{_label(layers[x].display_name)}: {_label(choice.title)}"
                )
    data = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": labels[value],
            "marker": {
                "symbol": "square",
                "size": 16,
                "color": colours[value],
                "line": {"width": 1, "color": palette.INK},
            },
            "hovertemplate": "%{text}<br>" + labels[value] + "<extra></extra>",
            **trace,
        }
        for value, trace in points.items()
        if trace["x"]
    ]
    return {
        "data": data,
        "layout": _layout(
            height=150 + ROW_HEIGHT * len(rows),
            margin={"l": 10, "r": 10, "t": 40, "b": 10, "pad": 4},
            # below the grid: the layer names take the top
            legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top"},
            hovermode="closest",
            xaxis={
                "tickvals": list(range(len(layers))),
                "ticktext": [_label(layer.display_name) for layer in layers],
                "range": [-0.5, len(layers) - 0.5],
                "side": "top",
                "showgrid": False,
                "zeroline": False,
                "fixedrange": True,
            },
            yaxis={
                "tickvals": list(range(len(rows))),
                "ticktext": [_label(_short(row["case"].title)) for row in rows],
                "range": [len(rows) - 0.5, -0.5],
                "automargin": True,
                "gridcolor": "#eeeeee",
                "zeroline": False,
                "fixedrange": True,
            },
        ),
    }


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
