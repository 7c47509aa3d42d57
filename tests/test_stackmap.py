"""The stack map: published cases × layers, its filters, its numbers and its
query budget; and the executive dashboard on the home page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import results
from cases.models import Case, Choice, Layer
from tests.factories import (
    make_case,
    make_choice,
    make_direction,
    make_organisation,
    make_session,
    make_vote,
)


@pytest.fixture
def stack(utrecht, zuid_holland):
    layers = {layer.code: layer for layer in Layer.objects.all()}
    monitor = make_case(organisation=utrecht, title="Logistieke monitor", policy_domain="mobility")
    twin = make_case(organisation=zuid_holland, title="Digitale tweeling", policy_domain="housing")
    make_case(organisation=utrecht, title="Schets in concept", status="draft")
    make_choice(
        case=monitor, layer=layers["data"], title="Open data NDW", sourcing="shared_government"
    )
    make_choice(case=monitor, layer=layers["platforms"], title="Power BI", sourcing="off_the_shelf")
    make_choice(
        case=twin,
        layer=layers["data"],
        title="Eigen sensoren",
        sourcing="in_house",
        maturity="experimental",
    )
    make_choice(
        case=twin,
        layer=layers["algorithms"],
        title="Groene Baten",
        sourcing="co_development",
        maturity="emerging",
    )
    return {"monitor": monitor, "twin": twin}


def test_stack_map_shows_published_cases_with_choices_linked(client_for, cora, stack):
    response = client_for(cora).get("/stack-map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 gepubliceerde casussen" in html
    assert "Logistieke monitor" in html and "Digitale tweeling" in html
    assert "Schets in concept" not in html  # only published cases, also for a coordinator
    for choice in Choice.objects.filter(case__status="published"):
        assert f'<a href="{choice.get_absolute_url()}">{choice.title}</a>' in html
    assert "Gedeeld met medeoverheden" in html
    assert 'data-chart="stack-map-chart" data-chart-links role="img"' in html


def test_filters_by_organisation_and_domain(client_for, erik, stack, zuid_holland):
    client = client_for(erik)
    html = client.get(f"/stack-map/?organisation={zuid_holland.pk}").content.decode()
    assert "Digitale tweeling" in html and "Logistieke monitor" not in html
    html = client.get("/stack-map/?policy_domain=mobility").content.decode()
    assert "Logistieke monitor" in html and "Digitale tweeling" not in html


def test_maturity_is_the_alternative_view(client_for, erik, stack):
    html = client_for(erik).get("/stack-map/?view=maturity").content.decode()
    assert "Volwassenheid per laag" in html
    assert "Experimenteel" in html and "In opkomst" in html


def test_bad_filters_give_a_message_not_an_error(client_for, erik, stack):
    response = client_for(erik).get("/stack-map/?organisation=abc&policy_domain=moon&view=x")
    assert response.status_code == 200
    html = response.content.decode()
    assert "form-field__error" in html
    assert "Logistieke monitor" in html  # the unfiltered map is still there


def test_htmx_gets_only_the_results(client_for, erik, stack):
    response = client_for(erik).get("/stack-map/?policy_domain=housing", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="stack-map-results">')
    assert "<html" not in html and "Digitale tweeling" in html
    assert 'id="stack-map-chart"' in html  # the figure data travels with the fragment


def test_nobody_without_a_role_sees_cases_on_the_map(client_for, olga, stack):
    html = client_for(olga).get("/stack-map/").content.decode()
    assert "0 gepubliceerde casussen" in html and "Logistieke monitor" not in html


def test_stack_map_numbers(stack):
    numbers = results.stack_map(Case.objects.published())
    assert [row["case"].title for row in numbers["rows"]] == [
        "Digitale tweeling",
        "Logistieke monitor",
    ]
    data = next(row for row in numbers["summary"] if row["layer"].code == "data")
    assert data["sourcing"]["in_house"] == 1 and data["sourcing"]["shared_government"] == 1
    assert data["maturity"] == {"proven": 1, "emerging": 0, "experimental": 1}
    assert results.shares(data["maturity"]) == {
        "proven": 50.0,
        "emerging": 0.0,
        "experimental": 50.0,
    }
    assert results.shares({"a": 0}) == {"a": 0.0}


def _published_cases(count, organisation):
    """Many published cases with a choice in every layer, in four queries."""
    cases = Case.objects.bulk_create(
        [
            Case(
                organisation=organisation,
                title=f"Bulkcasus {organisation.pk}-{i}",
                status="published",
                policy_domain="mobility",
                kind="dashboard",
                summary="Samenvatting.",
            )
            for i in range(count)
        ]
    )
    sourcing = Choice.Sourcing.values
    Choice.objects.bulk_create(
        [
            Choice(
                case=case,
                layer=layer,
                title=f"Keuze {case.pk}-{layer.code}",
                sourcing=sourcing[(case.pk + layer.position) % len(sourcing)],
                maturity="proven",
            )
            for case in cases
            for layer in Layer.objects.all()
        ]
    )


def test_stack_map_runs_the_same_queries_for_6_and_300_cases(client_for, erik):
    client = client_for(erik)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _published_cases(6, make_organisation(name="Klein"))
    small = [count("/stack-map/"), count("/stack-map/?view=maturity"), count("/")]
    _published_cases(294, make_organisation(name="Groot"))
    html = client.get("/stack-map/").content.decode()
    assert "300 gepubliceerde casussen" in html
    assert [count("/stack-map/"), count("/stack-map/?view=maturity"), count("/")] == small
    assert small[0] <= 12


# The executive dashboard (home)


def test_executive_home_is_the_dashboard(client_for, erik, stack):
    direction = make_direction(code="R1", title="Bewezen technologie", status="adopted")
    other = make_direction(code="R2", title="Kennisinstellingen")
    session = make_session(directions=[direction, other], title="Sessie in juni")
    make_vote(session=session, direction=direction, executive=erik)
    html = client_for(erik).get("/").content.decode()
    assert "Sessies die op uw stem wachten" in html
    assert "U heeft op 1 van de 2 richtingen gestemd." in html
    assert f'href="/sessions/{session.pk}/ballot/"' in html
    assert "Waar de provincie staat in haar stack" in html
    assert 'data-chart="home-shares-chart"' in html
    assert "Aantal en aandeel van de keuzes per laag" in html
    assert "R1 Bewezen technologie" in html and "Aangenomen" in html
    assert "/static/vendor/plotly/plotly-basic.min.js" in html


def test_civil_servant_home_keeps_my_cases_without_the_dashboard(client_for, alice, stack):
    html = client_for(alice).get("/").content.decode()
    assert "Casussen van mijn organisatie" in html and "Logistieke monitor" in html
    assert "Waar de provincie staat in haar stack" not in html
    assert "plotly" not in html


def test_coordinator_home_lists_sessions_to_prepare(client_for, cora, stack):
    draft = make_session(directions=[make_direction()], state="draft", title="Volgende sessie")
    html = client_for(cora).get("/").content.decode()
    assert f'<a href="/sessions/{draft.pk}/">Volgende sessie</a>' in html
    assert "Waar de provincie staat in haar stack" in html
