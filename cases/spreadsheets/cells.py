"""Cells in and out: formula neutralising and the widgets that turn a cell
into a value of the domain (by its code or its Dutch label) and back.

A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read as a formula by spreadsheet programs (CSV injection, OWASP).
Every text Stackwork writes into a file goes through ``neutralise``, which
puts an apostrophe before it; reading takes that apostrophe off again, so a
file goes round unchanged.
"""

from __future__ import annotations

import datetime as dt
import numbers

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from ..csvsafe import FORMULA_STARTS
from ..csvsafe import safe_cell as neutralise  # noqa: F401  (the one rule for every export)

NEUTRALISER = "'"


def unneutralise(value: str) -> str:
    if value.startswith(NEUTRALISER) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def cell_text(value) -> str:
    """A cell as text: a whole number read as 12.0 is "12", a date ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, numbers.Number):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return unneutralise(str(value).strip())


def dutch_label(label) -> str:
    with translation.override("nl"):
        return str(label)


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> str:
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return neutralise("" if value is None else str(value))


class CodeWidget(widgets.Widget):
    """A code list (sourcing, maturity, roles…): the cell holds the Dutch
    label (as the template's validation list offers it) or the code."""

    def __init__(self, choices, *, required: bool = True):
        self.choices = list(choices)
        self.required = required
        self.lookup = {}
        for code, label in self.choices:
            self.lookup[code.lower()] = code
            self.lookup[dutch_label(label).lower()] = code
            with translation.override("en"):
                self.lookup.setdefault(str(label).lower(), code)

    def labels(self) -> list[str]:
        return [dutch_label(label) for _code, label in self.choices]

    def clean(self, value, row=None, **kwargs) -> str:
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_("Vul dit in; kies uit: %(list)s.") % {"list": self._list()})
            return ""
        try:
            return self.lookup[text.lower()]
        except KeyError:
            raise ValueError(
                _("Onbekende waarde “%(value)s”; kies uit: %(list)s.")
                % {"value": text, "list": self._list()}
            ) from None

    def _list(self) -> str:
        return ", ".join(self.labels())

    def render(self, value, obj=None, **kwargs) -> str:
        for code, label in self.choices:
            if code == value:
                return dutch_label(label)
        return value or ""


class NamedWidget(widgets.Widget):
    """An organisation or a layer by its name (or a layer by its code); the
    rows are read once per import, not once per cell."""

    def __init__(self, rows: dict, *, required: bool, unknown, render_attr: str = "name"):
        self.rows = rows  # lower-cased name → object
        self.required = required
        self.unknown = unknown
        self.render_attr = render_attr

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.required:
                raise ValueError(_("Vul dit in."))
            return None
        found = self.rows.get(text.lower())
        if found is None:
            raise ValueError(str(self.unknown) % {"value": text})
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return neutralise(getattr(value, self.render_attr, "") if value else "")


class NamesWidget(NamedWidget, widgets.ManyToManyWidget):
    """Several organisations in one cell, separated by semicolons."""

    SEPARATOR = ";"

    def clean(self, value, row=None, **kwargs) -> list:
        names = [name.strip() for name in cell_text(value).split(self.SEPARATOR)]
        found, unknown = [], []
        for name in filter(None, names):
            organisation = self.rows.get(name.lower())
            (found if organisation else unknown).append(organisation or name)
        if unknown:
            raise ValueError(str(self.unknown) % {"value": "; ".join(unknown)})
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        if value is None:
            return ""
        return neutralise(f"{self.SEPARATOR} ".join(o.name for o in value.all()))


class DateWidget(widgets.DateWidget):
    """ISO dates (2024-05-31) and Dutch ones (31-05-2024)."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d")
        self.formats = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%dT%H:%M:%S")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str) and value.strip():
            try:
                return super().clean(value.strip(), row=row, **kwargs)
            except ValueError:
                raise ValueError(
                    _("Geen datum: “%(value)s”; schrijf bijvoorbeeld 2024-05-31.")
                    % {"value": value}
                ) from None
        return super().clean(value or None, row=row, **kwargs)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""
