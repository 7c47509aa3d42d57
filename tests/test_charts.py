"""Figure data for plotly: shaped from the results, carried by json_script,
drawn by a static script from the vendored plotly.js."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from cases import actions, results
from cases.charts import web as charts
from cases.models import Case
from cases.results import DirectionResult
from tests.factories import (
    make_case,
    make_choice,
    make_coordinator,
    make_direction,
    make_session,
    make_user,
    make_vote,
)

POSITIONS = ["strongly_support", "support", "neutral", "oppose", "strongly_oppose"]


def result(code, counts, points=0, rank=1):
    full = dict.fromkeys(POSITIONS, 0) | counts
    return DirectionResult(
        direction=type("D", (), {"code": code, "title": f"Titel {code}"})(),
        position=1,
        counts=full,
        points=points,
        voters=sum(full.values()),
        agreement=results.agreement_index(full),
        mean=results.mean_score(full),
        rank=rank,
    )


def traces_by_name(figure):
    grouped = {}
    for trace in figure["data"]:
        grouped.setdefault(trace["name"], []).append(trace)
    return grouped


def test_distribution_diverges_oppose_left_support_right_neutral_split():
    figure = charts.distribution_figure(
        [
            result(
                "R1",
                {
                    "strongly_support": 2,
                    "support": 1,
                    "neutral": 2,
                    "oppose": 3,
                    "strongly_oppose": 1,
                },
            )
        ]
    )
    traces = traces_by_name(figure)
    assert traces["Sterk voor"][0]["x"] == [2]
    assert traces["Voor"][0]["x"] == [1]
    assert traces["Tegen"][0]["x"] == [-3]
    assert traces["Sterk tegen"][0]["x"] == [-1]
    assert sorted(t["x"][0] for t in traces["Neutraal"]) == [-1.0, 1.0]
    assert [t["showlegend"] for t in traces["Neutraal"]].count(True) == 1
    assert all(t["customdata"][0][0] == 2 for t in traces["Neutraal"])  # hover shows the real count
    assert figure["layout"]["barmode"] == "relative"
    # the legend reads from strongly oppose (left) to strongly support (right)
    ranks = {name: group[0]["legendrank"] for name, group in traces.items()}
    assert sorted(ranks, key=ranks.get) == [
        "Sterk tegen",
        "Tegen",
        "Neutraal",
        "Voor",
        "Sterk voor",
    ]
    # the axis is symmetric and labelled with absolute counts
    axis = figure["layout"]["xaxis"]
    assert axis["range"] == [-9.5, 9.5]
    assert all(
        int(text) == abs(value)
        for value, text in zip(axis["tickvals"], axis["ticktext"], strict=True)
    )


def test_ranking_is_ordered_by_rank():
    figure = charts.ranking_figure(
        [result("R1", {}, points=3, rank=2), result("R2", {}, points=8, rank=1)]
    )
    [trace] = figure["data"]
    assert (trace["y"], trace["x"]) == (["R2", "R1"], [8, 3])


def test_layer_shares_table_and_figure_carry_the_same_numbers(utrecht):
    case = make_case(organisation=utrecht)
    make_choice(case=case, sourcing="in_house")
    make_choice(case=case, sourcing="in_house")
    make_choice(case=case, sourcing="open_source")
    stack = results.stack_map(Case.objects.all())
    table = charts.layer_shares_table(stack["summary"], "sourcing")
    data_row = next(row for row in table["rows"] if row["layer"].code == "data")
    shares = {cell["value"]: (cell["count"], cell["share"]) for cell in data_row["cells"]}
    assert shares["in_house"] == (2, 66.7) and shares["open_source"] == (1, 33.3)
    assert data_row["total"] == 3
    figure = charts.layer_shares_figure(table)
    in_house = next(t for t in figure["data"] if t["name"] == "Zelf gebouwd")
    data_index = [row["layer"].code for row in table["rows"]].index("data")
    assert in_house["x"][data_index] == 66.7 and in_house["customdata"][data_index] == 2


def test_stack_map_figure_links_each_square_to_its_choice(utrecht):
    case = make_case(organisation=utrecht, title="Monitor")
    first = make_choice(case=case, sourcing="in_house", maturity="emerging")
    second = make_choice(case=case, sourcing="outsourced", maturity="emerging")
    stack = results.stack_map(Case.objects.all())
    figure = charts.stack_map_figure(stack, "sourcing")
    urls = sorted(url for trace in figure["data"] for url in trace["customdata"])
    assert urls == sorted([first.get_absolute_url(), second.get_absolute_url()])
    xs = sorted(x for trace in figure["data"] for x in trace["x"])
    assert xs[0] < 1 < xs[1]  # two choices side by side in the data column (index 1)
    by_maturity = charts.stack_map_figure(stack, "maturity")
    assert [t["name"] for t in by_maturity["data"]] == ["In opkomst"]


def test_the_vendored_plotly_has_its_licence_and_version():
    vendor = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"
    assert (vendor / "plotly-basic.min.js").stat().st_size > 1_000_000
    assert (
        "MIT" in (vendor / "LICENSE").read_text()
        or "Permission is hereby granted" in (vendor / "LICENSE").read_text()
    )
    assert "4.1.1" in (vendor / "VERSION").read_text()


@pytest.fixture
def closed_session(utrecht):
    directions = [make_direction(code="R1"), make_direction(code="R2")]
    session = make_session(directions=directions)
    voter = make_user(role="executive", organisation=utrecht)
    make_vote(
        session=session, direction=directions[0], executive=voter, position="oppose", points=4
    )
    return actions.do_session_step(session, "close", by=make_coordinator())


@pytest.mark.parametrize("screen", ["results", "stack-map", "home"])
def test_pages_carry_figures_as_json_and_no_inline_script(
    client_for, erik, closed_session, utrecht, screen
):
    make_choice(case=make_case(organisation=utrecht))
    url = {
        "results": f"/sessions/{closed_session.pk}/results/",
        "stack-map": "/stack-map/",
        "home": "/",
    }[screen]
    response = client_for(erik).get(url)
    html = response.content.decode()
    charts_on_page = re.findall(
        r'<div class="chart" data-chart="([^"]+)"[^>]*role="img" aria-label="([^"]+)"', html
    )
    assert charts_on_page
    for chart_id, label in charts_on_page:
        match = re.search(
            rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S
        )
        figure = json.loads(match.group(1))
        assert figure["data"] and figure["layout"]
        assert "tabel" in label  # the accessible name points to the table with the numbers
    # every script is either JSON data or a file from our own static folder
    for tag in re.findall(r"<script[^>]*>", html):
        assert 'type="application/json"' in tag or re.search(r'src="/static/', tag), tag
    assert '<script src="/static/vendor/plotly/plotly-basic.min.js" defer>' in html
    assert "style=" not in html
    assert "cdn" not in html.lower()


def test_the_results_figure_carries_the_counts(client_for, erik, closed_session):
    html = client_for(erik).get(f"/sessions/{closed_session.pk}/results/").content.decode()
    match = re.search(
        r'<script id="distribution-chart" type="application/json">(.*?)</script>', html, re.S
    )
    figure = json.loads(match.group(1))
    oppose = next(t for t in figure["data"] if t["name"] == "Tegen")
    assert oppose["y"] == ["R1", "R2"] and oppose["x"] == [-1, 0]
