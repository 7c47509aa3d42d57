"""The case list: filters and search, in place with htmx and kept in the URL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Layer
from tests.factories import make_case, make_choice, make_organisation

# Personas are also looked up by name (request.getfixturevalue), which pytest-django
# cannot see when it orders tests: say here that every test needs the database.
pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true", "HX-Target": "case-results"}


@pytest.fixture
def cases(utrecht, zuid_holland):
    data = Layer.objects.get(code="data")
    platforms = Layer.objects.get(code="platforms")
    twin = make_case(
        organisation=utrecht,
        title="Digitale tweeling",
        policy_domain="environment_health",
        kind="digital_twin",
        summary="Groene Baten in 3D.",
    )
    make_choice(case=twin, layer=data, sourcing="co_development")
    monitor = make_case(organisation=zuid_holland, title="Logistieke monitor")
    make_choice(case=monitor, layer=platforms, sourcing="co_development")
    make_choice(case=monitor, layer=data, sourcing="off_the_shelf")
    make_case(organisation=zuid_holland, title="Stikstofmodel", policy_domain="nature")
    make_case(organisation=utrecht, title="Eigen concept", status="draft")
    make_case(organisation=zuid_holland, title="Concept elders", status="draft")
    return twin


def titles_in(html: str) -> set[str]:
    known = {
        "Digitale tweeling",
        "Logistieke monitor",
        "Stikstofmodel",
        "Eigen concept",
        "Concept elders",
    }
    return {title for title in known if f">{title}</a>" in html}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Digitale tweeling", "Logistieke monitor", "Stikstofmodel", "Eigen concept"}),
        ("status=draft", {"Eigen concept"}),
        ("policy_domain=nature", {"Stikstofmodel"}),
        ("search=groene+baten", {"Digitale tweeling"}),
        ("layer=data&sourcing=co_development", {"Digitale tweeling"}),
        ("layer=platforms&sourcing=co_development", {"Logistieke monitor"}),
        ("sourcing=co_development", {"Digitale tweeling", "Logistieke monitor"}),
        ("layer=data", {"Digitale tweeling", "Logistieke monitor"}),
        ("layer=infrastructure", set()),
    ],
)
def test_filters(client_for, alice, cases, query, expected):
    response = client_for(alice).get(f"/cases/?{query}")
    assert response.status_code == 200
    assert titles_in(response.text) == expected


def test_filter_on_organisation(client_for, alice, cases, zuid_holland):
    response = client_for(alice).get(f"/cases/?organisation={zuid_holland.pk}")
    assert titles_in(response.text) == {"Logistieke monitor", "Stikstofmodel"}


def test_a_case_with_two_matching_choices_is_listed_once(client_for, alice, cases):
    make_choice(case=cases, layer=Layer.objects.get(code="data"), sourcing="co_development")
    response = client_for(alice).get("/cases/?sourcing=co_development")
    assert response.text.count(">Digitale tweeling</a>") == 1
    assert "2 casussen gevonden" in response.text


def test_htmx_gets_only_the_results(client_for, alice, cases):
    response = client_for(alice).get("/cases/?status=published", headers=HX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<section id="case-results"')
    assert "<html" not in html and 'name="status"' not in html
    assert titles_in(html) == {"Digitale tweeling", "Logistieke monitor", "Stikstofmodel"}
    assert "HX-Request" in response["Vary"]


def test_back_button_after_a_cache_miss_gets_the_whole_page(client_for, alice, cases):
    response = client_for(alice).get(
        "/cases/?status=draft", headers={**HX, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text
    assert '<option value="draft" selected>' in response.text


def test_the_form_updates_the_list_in_place_and_keeps_the_filters_in_the_url(
    client_for, alice, cases
):
    html = client_for(alice).get("/cases/?layer=data&sourcing=off_the_shelf").text
    assert 'hx-get="/cases/"' in html and 'hx-push-url="true"' in html
    assert 'hx-target="#case-results"' in html
    assert 'action="/cases/"' in html and 'method="get"' in html  # works without JavaScript
    assert '<option value="data" selected>' in html
    assert '<option value="off_the_shelf" selected>' in html
    assert titles_in(html) == {"Logistieke monitor"}


def test_a_bad_filter_is_reported_and_the_others_still_apply(client_for, alice, cases):
    response = client_for(alice).get("/cases/?layer=basement&policy_domain=nature")
    assert response.status_code == 200
    assert 'id="id_layer_error"' in response.text
    assert titles_in(response.text) == {"Stikstofmodel"}


def test_bad_input_is_never_an_error(client_for, alice, cases):
    client = client_for(alice)
    for query in ("organisation=abc", "page=-1", "page=99999", "search=" + "x" * 500, "status=x"):
        assert client.get(f"/cases/?{query}").status_code == 200


def test_pagination_keeps_the_filters(client_for, alice, utrecht):
    for i in range(25):
        make_case(organisation=utrecht, title=f"Casus {i:02d}", policy_domain="water")
    make_case(organisation=utrecht, title="Ander domein")
    client = client_for(alice)
    first = client.get("/cases/?policy_domain=water")
    assert "Pagina 1 van 2" in first.text
    assert 'href="?policy_domain=water&amp;page=2"' in first.text
    assert 'hx-get="?policy_domain=water&amp;page=2"' in first.text
    second = client.get("/cases/?policy_domain=water&page=2", headers=HX)
    assert "Casus 24" in second.text and "Ander domein" not in second.text


def test_only_cases_the_person_may_see(client_for, bob, erik, cases):
    assert titles_in(client_for(bob).get("/cases/").text) == {
        "Digitale tweeling",
        "Logistieke monitor",
        "Stikstofmodel",
        "Concept elders",
    }
    assert "Eigen concept" not in client_for(erik).get("/cases/?status=draft").text


def test_new_case_button_only_for_who_may_create(client_for, alice, erik, cases):
    assert 'href="/cases/new/"' in client_for(alice).get("/cases/").text
    assert 'href="/cases/new/"' not in client_for(erik).get("/cases/").text


def test_completeness_percentage_per_case(client_for, alice, utrecht):
    make_case(organisation=utrecht, title="Half", with_parts=False)
    make_case(organisation=utrecht, title="Heel", with_parts=True)
    html = client_for(alice).get("/cases/").text
    assert '<td class="number">100%</td>' in html and '<td class="number">0%</td>' in html


def test_list_runs_the_same_queries_for_5_and_200_cases(client_for, alice, utrecht, zuid_holland):
    client = client_for(alice)
    for _ in range(5):
        make_case(organisation=utrecht, with_parts=True)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/cases/", "/cases/?layer=data&sourcing=in_house&search=Casus", "/cases/?page=2"]
    small = [count(url) for url in urls]
    for i in range(195):
        make_case(organisation=utrecht if i % 2 else zuid_holland, with_parts=True)
    assert [count(url) for url in urls] == small
    htmx = {"HTTP_HX_REQUEST": "true"}
    with CaptureQueriesContext(connection) as ctx:
        client.get("/cases/?layer=data", **htmx)
    assert len(ctx.captured_queries) <= small[0]


def test_organisation_filter_offers_only_organisations_with_visible_cases(client_for, bob):
    hidden = make_organisation(name="Alleen concepten")
    make_case(organisation=hidden, status="draft")
    shown = make_organisation(name="Met publicatie")
    make_case(organisation=shown)
    html = client_for(bob).get("/cases/").text
    assert f'<option value="{shown.pk}">Met publicatie</option>' in html
    assert "Alleen concepten" not in html
