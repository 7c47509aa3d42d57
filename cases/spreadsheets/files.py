"""Files in and out: which format, the size limit, the checks that refuse a
file before any row is read (empty, a renamed sheet, a CSV in another
encoding or separator, a formula, merged cells), reading the sheets with
tablib and writing them, formulas neutralised, in every format.

A CSV holds one table, so a portfolio in CSV has the three sheets one under
the other, each row marked in the first column ``Blad`` with its sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

import tablib
from defusedxml import ElementTree  # a file from outside: no entity expansion
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from tablib.formats._ods import ODSFormat

from .cells import neutralise

MAX_BYTES = 10 * 1024 * 1024
FORMATS = {
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
SHEET_COLUMN = "Blad"
# Sheets a portfolio file may hold besides the three that are read.
IGNORED_SHEETS = ("Lijsten", "Toelichting")


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    name: str
    dataset: tablib.Dataset
    row_numbers: list[int] = field(default_factory=list)  # the file's row of each data row
    kept: list[int] = field(default_factory=list)  # which of the rows read were not empty


def format_of(filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise FileProblem(
            _("Stackwork leest .ods-, .xlsx- en .csv-bestanden; “%(name)s” is geen van die.")
            % {"name": filename}
        )
    return extension


def check_size(size: int) -> None:
    """Refuse a file over the limit before reading a byte of it."""
    if size > MAX_BYTES:
        raise FileProblem(
            _("Het bestand is %(size)s; Stackwork leest bestanden tot %(max)s. Splits het in delen.")
            % {"size": filesizeformat(size), "max": filesizeformat(MAX_BYTES)}
        )


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _is_empty(values) -> bool:
    return all(value is None or str(value).strip() == "" for value in values)


def _sheet(name: str, headers, rows, first_row_number: int = 2) -> Sheet:
    headers = [str(h).strip() if h is not None else "" for h in (headers or [])]
    dataset = tablib.Dataset(headers=headers)
    numbers, kept = [], []
    for offset, values in enumerate(rows):
        values = list(values)[: len(headers)]
        if _is_empty(values):
            continue
        values += [None] * (len(headers) - len(values))
        dataset.append(values)
        numbers.append(first_row_number + offset)
        kept.append(offset)
    return Sheet(name=name, dataset=dataset, row_numbers=numbers, kept=kept)


# --- Reading -----------------------------------------------------------------


TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _t(name: str) -> str:
    return f"{{{TABLE_NS}}}{name}"


OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _o(name: str) -> str:
    return f"{{{OFFICE_NS}}}{name}"


def _paragraph_text(element) -> str:
    parts = [element.text or ""]
    for child in element:
        name = child.tag.rsplit("}", 1)[-1]
        if name == "s":
            parts.append(" " * int(child.get(f"{{{TEXT_NS}}}c", "1")))
        elif name == "tab":
            parts.append("\t")
        elif name == "line-break":
            parts.append("\n")
        else:
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


class _ODSReader(ODSFormat):
    """tablib's ODS format, read with ElementTree instead of odfpy's DOM:
    five times faster on a large file, and right where tablib's reader goes
    wrong on the files LibreOffice writes — it reads only the first
    paragraph and span of a cell (a line break or two spaces, ``<text:s/>``,
    lost the rest) and drops repeated empty cells (shifting every later
    value one column to the left). Each data row keeps its row number."""

    @classmethod
    def import_book(cls, dbook, in_stream, headers=True):
        dbook.wipe()
        with zipfile.ZipFile(in_stream) as archive:
            root = ElementTree.fromstring(archive.read("content.xml"))
        for sheet in root.iter(_t("table")):
            dataset = tablib.Dataset()
            cls.import_sheet(dataset, sheet, headers)
            dbook.add_sheet(dataset)

    @classmethod
    def import_sheet(cls, dset, sheet, headers=True, skip_lines=0):
        dset.title = sheet.get(_t("name"), "")
        dset.row_numbers = []
        width, number = None, 0
        for row in sheet.iter(_t("table-row")):
            number += 1
            values = []
            for cell in row:
                if cell.tag not in (_t("table-cell"), _t("covered-table-cell")):
                    continue
                repeat = int(cell.get(_t("number-columns-repeated"), "1"))
                values.extend([cls.read_cell(cell)] * min(repeat, width or 1024))
            while values and values[-1] in ("", None):
                values.pop()
            if width is None:
                if values:
                    dset.headers, width = values, len(values)
                continue
            number += int(row.get(_t("number-rows-repeated"), "1")) - 1
            if values:
                dset.append((values + [""] * width)[:width])
                dset.row_numbers.append(number)

    @classmethod
    def read_cell(cls, cell, value_type=None):
        value_type = cell.get(_o("value-type"))
        if value_type in ("float", "percentage", "currency"):
            return float(cell.get(_o("value"), "0"))
        if value_type == "boolean":
            return cell.get(_o("boolean-value")) == "true"
        if value_type == "date" and cell.get(_o("date-value")):
            value = cell.get(_o("date-value"))
            return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
        return "\n".join(_paragraph_text(p) for p in cell.findall(f"{{{TEXT_NS}}}p"))


def read_sheets(data: bytes, fmt: str) -> dict[str, Sheet]:
    """The sheets of the file by name, without their empty rows."""
    if not data.strip():
        raise FileProblem(_("Het bestand is leeg."))
    if fmt == "csv":
        return _read_csv(data)
    if fmt == "xlsx":
        _check_xlsx_cells(data)
    else:
        _check_ods_cells(data)
    book = tablib.Databook()
    try:
        if fmt == "ods":
            _ODSReader.import_book(book, io.BytesIO(data))
        else:
            book.load(data, format=fmt)
    except Exception as error:  # a damaged or mislabelled file, whatever the reader says
        raise FileProblem(
            _("Dit bestand is geen leesbaar %(format)s-bestand.") % {"format": fmt.upper()}
        ) from error
    sheets = {}
    for dataset in book.sheets():
        rows = list(dataset) if dataset.headers else []
        sheet = _sheet(dataset.title, dataset.headers, rows)
        if hasattr(dataset, "row_numbers"):  # ODS: rows counted as they stand in the file
            sheet.row_numbers = [dataset.row_numbers[i] for i in sheet.kept]
        sheets[dataset.title] = sheet
    return sheets


def _read_csv(data: bytes) -> dict[str, Sheet]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            _(
                "Dit CSV-bestand is niet in UTF-8 opgeslagen (waarschijnlijk Windows-1252, "
                "zoals Excel dat standaard doet). Kies bij Opslaan als: “CSV UTF-8 (door "
                "komma's gescheiden)”, of gebruik .xlsx of .ods."
            )
        ) from None
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    if header.count(";") > header.count(","):
        raise FileProblem(
            _(
                "De kolommen van dit CSV-bestand zijn gescheiden door puntkomma's; Stackwork "
                "leest komma's. Kies bij Opslaan als: “CSV UTF-8 (door komma's gescheiden)”, "
                "of gebruik .xlsx of .ods."
            )
        )
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception as error:
        raise FileProblem(_("Dit CSV-bestand is niet te lezen.")) from error
    headers = [str(h).strip() for h in dataset.headers or []]
    if SHEET_COLUMN not in headers:
        raise FileProblem(
            _("De eerste kolom van een CSV-bestand heet “%(column)s”: het blad van elke rij.")
            % {"column": SHEET_COLUMN}
        )
    where = headers.index(SHEET_COLUMN)
    parts: dict[str, tuple[list, list]] = {}
    for offset, values in enumerate(dataset, start=2):
        if _is_empty(values):
            continue
        for column, value in enumerate(values):
            if isinstance(value, str) and value.startswith("="):
                raise _formula_problem(_("het bestand"), f"{column_letter(column)}{offset}")
        name = str(values[where] or "").strip()
        rows, numbers = parts.setdefault(name, ([], []))
        rows.append(values)
        numbers.append(offset)
    sheets = {}
    for name, (rows, numbers) in parts.items():
        sheet = _sheet(name, headers, rows)
        sheet.row_numbers = numbers
        sheets[name] = sheet
    return sheets


def _formula_problem(sheet: str, cell: str) -> FileProblem:
    return FileProblem(
        _(
            "Cel %(cell)s op %(sheet)s bevat een formule. Stackwork leest alleen waarden: "
            "vervang de formule door haar uitkomst (kopiëren, plakken als waarde)."
        )
        % {"cell": cell, "sheet": sheet}
    )


def _merged_problem(sheet: str, cells: str) -> FileProblem:
    return FileProblem(
        _(
            "Op %(sheet)s zijn cellen samengevoegd (%(cells)s). Maak de samenvoeging "
            "ongedaan, zodat elke rij in elke kolom een eigen waarde heeft."
        )
        % {"cells": cells, "sheet": sheet}
    )


def _sheet_label(name: str) -> str:
    return _("blad “%(name)s”") % {"name": name}


def _check_xlsx_cells(data: bytes) -> None:
    """Formulas and merged cells, found in the sheets' XML first (fast), then
    located with openpyxl for the message."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            suspicious = any(
                re.search(rb"<(?:\w+:)?(?:f|mergeCell)[\s>/]", archive.read(name))
                for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
    except zipfile.BadZipFile:
        raise FileProblem(_("Dit bestand is geen leesbaar XLSX-bestand.")) from None
    if not suspicious:
        return
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    for sheet in workbook.worksheets:
        if sheet.merged_cells.ranges:
            cells = ", ".join(str(r) for r in list(sheet.merged_cells.ranges)[:3])
            raise _merged_problem(_sheet_label(sheet.title), cells)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    raise _formula_problem(_sheet_label(sheet.title), cell.coordinate)


def _check_ods_cells(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
    except (zipfile.BadZipFile, KeyError):
        raise FileProblem(_("Dit bestand is geen leesbaar ODS-bestand.")) from None
    if not re.search(rb"table:formula=|number-(?:columns|rows)-spanned=", content):
        return
    table_name, row, column = "", 0, 0
    for event, element in ElementTree.iterparse(io.BytesIO(content), events=("start", "end")):
        tag = element.tag
        if event == "start" and tag == _t("table"):
            table_name, row = element.get(_t("name"), ""), 0
        elif event == "start" and tag == _t("table-row"):
            column = 0
        elif event == "end" and tag == _t("table-row"):
            row += int(element.get(_t("number-rows-repeated"), "1"))
        elif event == "start" and tag in (_t("table-cell"), _t("covered-table-cell")):
            cell = f"{column_letter(column)}{row + 1}"
            if element.get(_t("formula")):
                raise _formula_problem(_sheet_label(table_name), cell)
            spans = (
                int(element.get(_t("number-columns-spanned"), "1")),
                int(element.get(_t("number-rows-spanned"), "1")),
            )
            if max(spans) > 1:
                raise _merged_problem(_sheet_label(table_name), cell)
            column += int(element.get(_t("number-columns-repeated"), "1"))


# --- Writing -----------------------------------------------------------------


def _neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    safe = tablib.Dataset(headers=[neutralise(h) for h in dataset.headers or []])
    safe.title = dataset.title
    for row in dataset:
        safe.append([neutralise(value) for value in row])
    return safe


def write_book(datasets: list[tablib.Dataset], fmt: str) -> bytes:
    """The sheets as one file; every text that a spreadsheet would take for a
    formula is neutralised first."""
    datasets = [_neutralised(d) for d in datasets]
    if fmt == "csv":
        if len(datasets) == 1:
            combined = datasets[0]
        else:
            headers = [SHEET_COLUMN]
            for dataset in datasets:
                headers += [h for h in dataset.headers if h not in headers]
            combined = tablib.Dataset(headers=headers)
            for dataset in datasets:
                for values in dataset.dict:
                    combined.append(
                        [dataset.title] + [values.get(h, "") for h in headers[1:]]
                    )
        # With a BOM, Excel opens UTF-8 as UTF-8.
        return ("\ufeff" + combined.export("csv")).encode("utf-8")
    book = tablib.Databook(datasets)
    return book.export(fmt)
