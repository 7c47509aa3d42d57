"""Charts for the PDF briefing: vector graphics drawn on the server by
matplotlib's SVG backend, no browser.

Why matplotlib: it draws SVG in tens of milliseconds per chart inside the
rendering process, needs no Chromium at run time (kaleido would start one per
process and take seconds), and WeasyPrint renders its SVG faithfully.
Every chart's numbers are in a table beside it in the briefing.
"""

from __future__ import annotations

import base64
import io

from django.utils.translation import gettext as _

from ..models import Choice, Vote
from ..results import POSITIONS
from . import palette

FONT = {"family": "DejaVu Sans", "size": 9}


def _figure(height_rows: int, width: float = 6.3):
    from matplotlib.figure import Figure  # imported on first use: it is heavy

    fig = Figure(figsize=(width, 0.32 * height_rows + 1.0))
    fig.set_layout_engine("constrained")
    return fig


def _svg(fig) -> str:
    import matplotlib

    buffer = io.StringIO()
    # Text stays text (set in DejaVu Sans, which the project ships and the
    # image installs): a fraction of the size of glyph outlines, and faster.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "stackwork"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def distribution_chart(results) -> str:
    """Diverging stacked bars: oppose to the left of zero, support to the
    right, neutral split around zero; one bar per direction."""
    fig = _figure(len(results))
    ax = fig.add_subplot()
    labels = [r.direction.code for r in results][::-1]
    rows = list(reversed(results))
    left_order = ["neutral", "oppose", "strongly_oppose"]
    right_order = ["neutral", "support", "strongly_support"]
    for y, result in enumerate(rows):
        counts = result.counts
        half_neutral = counts["neutral"] / 2
        # to the left, starting at zero
        start = 0.0
        for position in left_order:
            width = half_neutral if position == "neutral" else counts[position]
            if width:
                ax.barh(y, -width, left=-start, **_bar_style(palette.POSITIONS[position]))
            start += width
        start = 0.0
        for position in right_order:
            width = half_neutral if position == "neutral" else counts[position]
            if width:
                ax.barh(y, width, left=start, **_bar_style(palette.POSITIONS[position]))
            start += width
    ax.axvline(0, color=palette.INK, linewidth=0.8)
    ax.set_yticks(range(len(labels)), labels, fontdict=FONT)
    ax.set_xlabel(_("Aantal stemmen (tegen ← → voor)"), fontdict=FONT)
    ax.tick_params(labelsize=FONT["size"])
    limit = max([sum(r.counts.values()) for r in results] + [1])
    ax.set_xlim(-limit, limit)
    handles = [
        _legend_patch(palette.POSITIONS[p], Vote.Position(p).label) for p in reversed(POSITIONS)
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=7, frameon=False)
    _clean_axes(ax)
    return _svg(fig)


def points_chart(results) -> str:
    ranked = sorted(results, key=lambda r: r.rank, reverse=True)
    fig = _figure(len(ranked))
    ax = fig.add_subplot()
    ax.barh(
        [r.direction.code for r in ranked],
        [r.points for r in ranked],
        color=palette.ACCENT,
        edgecolor=palette.INK,
        linewidth=0.5,
    )
    for y, result in enumerate(ranked):
        ax.text(result.points, y, f" {result.points}", va="center", fontsize=FONT["size"])
    ax.set_xlabel(_("Prioriteitspunten"), fontdict=FONT)
    ax.tick_params(labelsize=FONT["size"])
    _clean_axes(ax)
    return _svg(fig)


def sourcing_chart(summary) -> str:
    """Per layer the share of each sourcing mode, as 100 % stacked bars."""
    rows = list(reversed(summary))
    fig = _figure(len(rows) + 1)
    ax = fig.add_subplot()
    for y, row in enumerate(rows):
        total = sum(row["sourcing"].values()) or 1
        start = 0.0
        for code, count in row["sourcing"].items():
            share = 100 * count / total
            if share:
                ax.barh(y, share, left=start, **_bar_style(palette.SOURCING[code]))
            start += share
    ax.set_yticks(range(len(rows)), [str(row["layer"]) for row in rows], fontdict=FONT)
    ax.set_xlim(0, 100)
    ax.set_xlabel(_("Aandeel van de keuzes (%)"), fontdict=FONT)
    ax.tick_params(labelsize=FONT["size"])
    handles = [_legend_patch(palette.SOURCING[c], label) for c, label in Choice.Sourcing.choices]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=7, frameon=False)
    _clean_axes(ax)
    return _svg(fig)


def _bar_style(swatch: palette.Swatch) -> dict:
    return {
        "color": swatch.colour,
        "hatch": swatch.hatch,
        "edgecolor": palette.INK,
        "linewidth": 0.5,
        "height": 0.6,
    }


def _legend_patch(swatch: palette.Swatch, label):
    from matplotlib.patches import Patch

    return Patch(
        facecolor=swatch.colour,
        hatch=swatch.hatch,
        edgecolor=palette.INK,
        linewidth=0.5,
        label=str(label),
    )


def _clean_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
