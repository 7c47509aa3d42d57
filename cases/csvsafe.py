"""Cells that a spreadsheet will not run as a formula.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read as a formula by Excel, LibreOffice and Google Sheets (CSV
injection, OWASP). Such text gets a leading apostrophe, which the spreadsheet
shows as plain text; numbers stay numbers. Every export (CSV, spreadsheet)
writes its cells through ``safe_cell`` or ``SafeWriter``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

# the fullwidth forms too: some spreadsheets normalise them to the ASCII ones
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should read it: text that would start a
    formula gets a leading apostrophe; numbers, dates and None pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]


class SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell."""

    def __init__(self, target, **options):
        self._writer = csv.writer(target, **options)

    def writerow(self, values: Iterable[Any]):
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]):
        return self._writer.writerows(safe_row(row) for row in rows)
