"""What leaves Stackwork as a spreadsheet: the portfolio (cases, choices,
role analyses) a user may see, a closed session's results, and the empty
template with the code lists as validation lists."""

from __future__ import annotations

import io

import tablib
from django.db.models import Prefetch
from django.utils import translation

from ..models import Case, Choice, Layer, RoleAnalysis
from ..results import POSITIONS, session_results
from .cells import CodeWidget, dutch_label
from .files import write_book
from .resources import CaseResource, ChoiceResource, ImportContext, RoleAnalysisResource

TEMPLATE_ROWS = 1000  # rows of the template that carry the validation lists


def _titled(dataset: tablib.Dataset, title: str) -> tablib.Dataset:
    dataset.title = title
    return dataset


def portfolio_datasets(cases) -> list[tablib.Dataset]:
    """The three sheets for these cases (already limited to what the user may see)."""
    context = ImportContext(user=None, organisation=None)
    case_ids = cases.values("pk")
    with translation.override("nl"):
        return [
            _titled(
                CaseResource(context).export(cases.select_related("organisation").order_by("pk")),
                CaseResource.sheet_name,
            ),
            _titled(
                ChoiceResource(context).export(
                    Choice.objects.filter(case__in=case_ids)
                    .select_related("layer", "supplier")
                    .order_by("case_id", "layer__position", "pk")
                ),
                ChoiceResource.sheet_name,
            ),
            _titled(
                RoleAnalysisResource(context).export(
                    # A list: import-export pages a prefetching queryset, a
                    # query per page; this is two queries whatever the size.
                    list(
                        RoleAnalysis.objects.filter(case__in=case_ids)
                        .prefetch_related(Prefetch("partners"))
                        .order_by("case_id", "pk")
                    )
                ),
                RoleAnalysisResource.sheet_name,
            ),
        ]


def export_portfolio(cases, fmt: str) -> bytes:
    return write_book(portfolio_datasets(cases), fmt)


def results_dataset(session) -> tablib.Dataset:
    """A closed session's results, one row per direction in ranking order.
    ``session_results`` refuses an open session (PermissionError)."""
    results = sorted(session_results(session), key=lambda r: r.rank)
    with translation.override("nl"):
        from ..models import Vote

        position_labels = [dutch_label(Vote.Position(p).label) for p in POSITIONS]
        dataset = tablib.Dataset(
            headers=[
                "Rang",
                "Code",
                "Ontwikkelrichting",
                *position_labels,
                "Stemmers",
                "Punten",
                "Gemiddelde",
                "Overeenstemming",
                "Besluit",
                "Toelichting bij het besluit",
            ]
        )
        for result in results:
            outcome = result.outcome
            dataset.append(
                [
                    result.rank,
                    result.direction.code,
                    result.direction.title,
                    *[result.counts.get(p, 0) for p in POSITIONS],
                    result.voters,
                    result.points,
                    result.mean if result.mean is not None else "",
                    result.agreement if result.agreement is not None else "",
                    outcome.get_decision_display() if outcome else "",
                    outcome.statement if outcome else "",
                ]
            )
    dataset.title = "Uitslag"
    return dataset


def export_results(session, fmt: str) -> bytes:
    return write_book([results_dataset(session)], fmt)


# --- The template ------------------------------------------------------------


def code_lists() -> dict[str, list[str]]:
    """The validation lists of the template, by the column they apply to."""
    with translation.override("nl"):
        return {
            "Laag": [layer.name for layer in Layer.objects.all()],
            "Beleidsdomein": CodeWidget(Case.PolicyDomain.choices).labels(),
            "Soort toepassing": CodeWidget(Case.Kind.choices).labels(),
            "Sourcing": CodeWidget(Choice.Sourcing.choices).labels(),
            "Volwassenheid": CodeWidget(Choice.Maturity.choices).labels(),
            "Besloten door": CodeWidget(Choice.DecidedBy.choices).labels(),
            "Tegenpartij": CodeWidget(RoleAnalysis.Counterpart.choices).labels(),
            "Rol van de provincie": CodeWidget(RoleAnalysis.Role.choices).labels(),
        }


def _template_datasets() -> list[tablib.Dataset]:
    context = ImportContext(user=None, organisation=None)
    datasets = []
    for resource_class in (CaseResource, ChoiceResource, RoleAnalysisResource):
        headers = [
            f.column_name
            for f in resource_class(context).get_export_fields()
            if not f.readonly
        ]
        datasets.append(_titled(tablib.Dataset(headers=headers), resource_class.sheet_name))
    lists = code_lists()
    longest = max(len(values) for values in lists.values())
    lijsten = tablib.Dataset(headers=list(lists))
    for index in range(longest):
        lijsten.append([values[index] if index < len(values) else "" for values in lists.values()])
    datasets.append(_titled(lijsten, "Lijsten"))
    return datasets


def template_file(fmt: str) -> bytes:
    """The empty template; in ODS and XLSX the coded columns offer their list."""
    datasets = _template_datasets()
    if fmt == "csv":
        return write_book(datasets[:3], fmt)
    data = write_book(datasets, fmt)
    lists = code_lists()
    ranges = {
        column: f"$Lijsten.${_letter(i)}$2:${_letter(i)}${len(values) + 1}"
        for i, (column, values) in enumerate(lists.items())
    }
    if fmt == "xlsx":
        return _xlsx_validations(data, datasets[:3], ranges)
    return _ods_validations(data, datasets[:3], ranges)


def _letter(index: int) -> str:
    from .files import column_letter

    return column_letter(index)


def _xlsx_validations(data: bytes, datasets, ranges) -> bytes:
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for dataset in datasets:
        sheet = workbook[dataset.title]
        for index, header in enumerate(dataset.headers):
            if header in ranges:
                formula = ranges[header].replace("$Lijsten.", "Lijsten!")
                validation = DataValidation(type="list", formula1=formula, allow_blank=True)
                letter = _letter(index)
                validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
                sheet.add_data_validation(validation)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _ods_validations(data: bytes, datasets, ranges) -> bytes:
    from odf import opendocument
    from odf.table import ContentValidation, ContentValidations, Table, TableCell, TableRow

    document = opendocument.load(io.BytesIO(data))
    validations = ContentValidations()
    tables = {t.getAttribute("name"): t for t in document.spreadsheet.getElementsByType(Table)}
    for dataset in datasets:
        row = TableRow(numberrowsrepeated=TEMPLATE_ROWS)
        for index, header in enumerate(dataset.headers):
            if header in ranges:
                name = f"lijst-{dataset.title}-{index}"
                validations.addElement(
                    ContentValidation(
                        name=name,
                        condition=f"of:cell-content-is-in-list([{ranges[header]}])",
                        allowemptycell="true",
                        displaylist="unsorted",
                        basecelladdress=f"${dataset.title}.${_letter(index)}$2",
                    )
                )
                row.addElement(TableCell(contentvalidationname=name))
            else:
                row.addElement(TableCell())
        tables[dataset.title].addElement(row)
    document.spreadsheet.insertBefore(validations, document.spreadsheet.firstChild)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()
