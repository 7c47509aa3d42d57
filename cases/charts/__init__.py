"""Charts: ``web`` shapes plotly figures for the browser, ``pdf`` draws SVG for
the briefing; both take their colours from ``palette``."""
