"""Spreadsheets in and out: cases arrive from the teams' own ODS, XLSX and
CSV files and the portfolio leaves in the same formats.

``run_import`` reads a file and imports it in one transaction, row by row
through the resources of ``resources.py``; with ``commit=False`` (the
preview) it rolls everything back and answers the same report, so the
preview says exactly what the import would do. An import with a single
problem writes nothing. The pages, the API and ``manage.py import_cases``
all call this one function.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.results import RowResult

from .cells import cell_text
from .files import IGNORED_SHEETS, MAX_BYTES, FileProblem, check_size, format_of, read_sheets
from .resources import RESOURCES, ImportContext, complete_role_analyses

__all__ = ["MAX_BYTES", "FileProblem", "ImportReport", "run_import"]

ACTIONS = {
    RowResult.IMPORT_TYPE_NEW: gettext_lazy("nieuw"),
    RowResult.IMPORT_TYPE_UPDATE: gettext_lazy("bijgewerkt"),
    RowResult.IMPORT_TYPE_SKIP: gettext_lazy("overgeslagen"),
    RowResult.IMPORT_TYPE_INVALID: gettext_lazy("fout"),
    RowResult.IMPORT_TYPE_ERROR: gettext_lazy("fout"),
}


@dataclass
class Problem:
    column: str
    message: str


@dataclass
class RowReport:
    number: int  # the row in the file (the header is row 1)
    action: str  # new, update, invalid, error
    label: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTIONS.get(self.action, self.action))


@dataclass
class SheetReport:
    name: str
    rows: list[RowReport] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def problem_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.problems]


@dataclass
class ImportReport:
    filename: str
    committed: bool = False
    problem: str = ""  # the file as a whole could not be read
    sheets: list[SheetReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem and not any(sheet.problem_rows for sheet in self.sheets)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "rows": sum(len(s.rows) for s in self.sheets),
            "new": sum(s.count(RowResult.IMPORT_TYPE_NEW) for s in self.sheets),
            "update": sum(s.count(RowResult.IMPORT_TYPE_UPDATE) for s in self.sheets),
            "problems": sum(len(s.problem_rows) for s in self.sheets),
        }

    def as_dict(self) -> dict:
        return {
            "filename": self.filename,
            "ok": self.ok,
            "committed": self.committed,
            "problem": self.problem,
            "totals": self.totals,
            "sheets": [
                {
                    "name": sheet.name,
                    "rows": [
                        {
                            "row": row.number,
                            "action": row.action,
                            "label": row.label,
                            "problems": [
                                {"column": p.column, "message": p.message} for p in row.problems
                            ],
                        }
                        for row in sheet.rows
                    ],
                }
                for sheet in self.sheets
            ],
        }

    def as_text(self) -> str:
        """The row report for the command line."""
        lines = [self.filename]
        if self.problem:
            return "\n".join([*lines, _("Niet ingelezen: %(problem)s") % {"problem": self.problem}])
        for sheet in self.sheets:
            lines.append(
                _("%(sheet)s: %(rows)d rijen, %(new)d nieuw, %(update)d bijgewerkt, %(bad)d met problemen")
                % {
                    "sheet": sheet.name,
                    "rows": len(sheet.rows),
                    "new": sheet.count(RowResult.IMPORT_TYPE_NEW),
                    "update": sheet.count(RowResult.IMPORT_TYPE_UPDATE),
                    "bad": len(sheet.problem_rows),
                }
            )
            for row in sheet.rows:
                lines.append(f"  {_('rij')} {row.number}: {row.action_label} – {row.label}")
                for problem in row.problems:
                    where = problem.column or _("de rij")
                    lines.append(f"      {where}: {problem.message}")
        if self.committed:
            lines.append(_("Ingelezen."))
        elif self.ok:
            lines.append(_("Geen problemen; er is nog niets opgeslagen."))
        else:
            lines.append(_("Er is niets opgeslagen: los eerst de problemen op."))
        return "\n".join(lines)


def _messages(error) -> list[str]:
    return [str(m) for m in getattr(error, "messages", [error])]


def _sheet_report(sheet_name, resource, sheet, result) -> SheetReport:
    report = SheetReport(name=sheet_name)
    title_column = {"Casussen": "Titel", "Keuzes": "Keuze", "Rolanalyses": "Tegenpartij"}[sheet_name]
    headers = sheet.dataset.headers
    for index, (values, row_result) in enumerate(zip(sheet.dataset, result.rows, strict=False)):
        row = dict(zip(headers, values, strict=False))
        label = cell_text(row.get(title_column))
        if sheet_name != "Casussen":
            label = f"{_('casus')} {cell_text(row.get('Casusnr')) or '?'}: {label}"
        action = row_result.import_type
        problems = []
        if row_result.validation_error is not None:
            for name, errors in row_result.validation_error.update_error_dict({}).items():
                column = "" if name == NON_FIELD_ERRORS else resource.column_of(name)
                for message in errors:
                    problems.extend(Problem(column, text) for text in _messages(message))
        for error in row_result.errors:
            problems.append(Problem("", _("Deze rij kon niet worden opgeslagen: %(error)s") % {"error": error.error}))
        if action == RowResult.IMPORT_TYPE_UPDATE and sheet_name == "Rolanalyses":
            if cell_text(row.get("Casusnr")) in resource.context.new_case_nrs:
                action = RowResult.IMPORT_TYPE_NEW
        report.rows.append(RowReport(sheet.row_numbers[index], action, label, problems))
    for error in result.base_errors:
        report.rows.append(RowReport(0, RowResult.IMPORT_TYPE_ERROR, "", [Problem("", str(error.error))]))
    return report


def _check_sheets(sheets: dict) -> None:
    expected = [resource.sheet_name for resource in RESOURCES]
    unknown = [name for name in sheets if name not in expected and name not in IGNORED_SHEETS]
    if unknown or "Casussen" not in sheets:
        raise FileProblem(
            _(
                "Stackwork leest de bladen %(expected)s; dit bestand heeft %(found)s. "
                "Geef de bladen de namen uit het sjabloon."
            )
            % {
                "expected": ", ".join(f"“{n}”" for n in expected),
                "found": ", ".join(f"“{n}”" for n in sheets) or _("geen bladen"),
            }
        )
    for resource in RESOURCES:
        sheet = sheets.get(resource.sheet_name)
        if sheet is None:
            continue
        missing = [c for c in resource.required_columns if c not in sheet.dataset.headers]
        if missing:
            raise FileProblem(
                _("Op het blad “%(sheet)s” ontbreekt de kolom %(columns)s.")
                % {"sheet": resource.sheet_name, "columns": ", ".join(f"“{c}”" for c in missing)}
            )
    if not len(sheets["Casussen"].dataset):
        raise FileProblem(_("Het blad “Casussen” bevat geen casussen."))


def run_import(data: bytes, filename: str, *, user, organisation=None, commit: bool) -> ImportReport:
    """Read and import the file; with ``commit`` False, or with any problem,
    roll everything back. ``organisation`` is where rows without one go; by
    default the importer's own."""
    report = ImportReport(filename=filename)
    try:
        check_size(len(data))
        sheets = read_sheets(data, format_of(filename))
        _check_sheets(sheets)
    except FileProblem as problem:
        report.problem = problem.message
        return report
    context = ImportContext.for_user(user, organisation or user.organisation)
    with transaction.atomic():
        for resource_class in RESOURCES:
            sheet = sheets.get(resource_class.sheet_name)
            if sheet is None:
                continue
            resource = resource_class(context)
            result = resource.import_data(sheet.dataset, dry_run=False, use_transactions=True)
            report.sheets.append(_sheet_report(resource_class.sheet_name, resource, sheet, result))
        if report.ok:
            complete_role_analyses(context)
        if commit and report.ok:
            report.committed = True
        else:
            transaction.set_rollback(True)
    return report
