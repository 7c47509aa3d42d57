"""The one palette of every chart, on screen (plotly) and on paper (the
briefing's SVG).

Positions run from red (oppose) through grey to blue (support), ColorBrewer's
RdBu. Sourcing and maturity use Okabe-Ito, which stays distinguishable with
the common forms of colour blindness. Each colour has a hatch for the PDF,
so that colours close in lightness still differ when printed in grey; the
screen draws no hatches and every chart has its table beside it.
"""

from __future__ import annotations

from typing import NamedTuple


class Swatch(NamedTuple):
    colour: str
    hatch: str = ""


INK = "#1a1a1a"  # text, outlines, the zero line
GRID = "#e0e0e0"
ACCENT = "#01689b"  # single-series bars (the ranking by points)

POSITIONS = {
    "strongly_oppose": Swatch("#b2182b", "///"),
    "oppose": Swatch("#ef8a62", "//"),
    "neutral": Swatch("#bdbdbd"),
    "support": Swatch("#67a9cf"),
    "strongly_support": Swatch("#2166ac"),
}

SOURCING = {
    "in_house": Swatch("#0072B2"),
    "co_development": Swatch("#009E73", ".."),
    "shared_government": Swatch("#56B4E9"),
    "open_source": Swatch("#E69F00", "\\\\"),
    "off_the_shelf": Swatch("#CC79A7", "xx"),
    "outsourced": Swatch("#D55E00", "//"),
}

MATURITY = {
    "proven": Swatch("#009E73"),
    "emerging": Swatch("#E69F00", "\\\\"),
    "experimental": Swatch("#CC79A7", "xx"),
}


def colours(swatches: dict[str, Swatch]) -> dict[str, str]:
    return {key: swatch.colour for key, swatch in swatches.items()}
