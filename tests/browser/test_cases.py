"""The case list in a real browser: filters update in place, stay in the URL,
survive a reload and the back button."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Layer
from tests.browser.support import serious_violations
from tests.factories import make_case, make_choice, make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    zuid_holland = make_organisation(name="Provincie Zuid-Holland")
    make_user(username="alice", role="civil_servant", organisation=utrecht)
    twin = make_case(
        organisation=utrecht, title="Digitale tweeling", policy_domain="environment_health"
    )
    make_choice(case=twin, layer=Layer.objects.get(code="algorithms"), sourcing="co_development")
    monitor = make_case(organisation=zuid_holland, title="Logistieke monitor")
    make_choice(case=monitor, layer=Layer.objects.get(code="platforms"), sourcing="off_the_shelf")
    make_choice(case=monitor, layer=Layer.objects.get(code="algorithms"), sourcing="outsourced")
    make_case(organisation=utrecht, title="Concept in de maak", status="draft")


def rows(page):
    return page.locator("#case-results tbody tr")


def test_filters_update_in_place_and_survive_reload_and_back(login, world, live_server):
    page = login("alice")
    page.goto(f"{live_server.url}/cases/")
    expect(rows(page)).to_have_count(3)
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Status").select_option("draft")
    page.wait_for_url(re.compile(r"/cases/\?.*status=draft"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("Concept in de maak")
    expect(page.locator(".result-count")).to_have_text("1 casus gevonden")
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in place, no reload

    page.get_by_label("Status").select_option("")
    page.wait_for_url(re.compile(r"status=&layer=&sourcing=$"))
    expect(rows(page)).to_have_count(3)
    page.get_by_label("Laag", exact=True).select_option("algorithms")
    page.wait_for_url(re.compile(r"layer=algorithms&sourcing=$"))
    expect(rows(page)).to_have_count(2)
    page.get_by_label("Sourcing in die laag").select_option("co_development")
    page.wait_for_url(re.compile(r"layer=algorithms.*sourcing=co_development"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("Digitale tweeling")
    assert page.evaluate("window.stillTheSamePage") is True

    page.reload()
    expect(page.get_by_label("Laag", exact=True)).to_have_value("algorithms")
    expect(page.get_by_label("Sourcing in die laag")).to_have_value("co_development")
    expect(rows(page)).to_have_count(1)

    page.go_back()
    page.wait_for_url(re.compile(r"layer=algorithms&sourcing=$"))
    expect(rows(page)).to_have_count(2)  # layer set, sourcing still "any"
    page.go_back()
    page.wait_for_url(re.compile(r"status=&layer=&sourcing=$"))
    expect(page.get_by_label("Laag", exact=True)).to_have_value("")
    expect(rows(page)).to_have_count(3)


def test_search_as_you_type(login, world, live_server):
    page = login("alice")
    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("Zoeken").press_sequentially("tweeling")
    page.wait_for_url(re.compile(r"search=tweeling"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("Digitale tweeling")


def test_case_list_is_accessible_with_filters_applied(login, world, live_server):
    page = login("alice")
    page.goto(f"{live_server.url}/cases/?status=published&layer=basement")
    assert serious_violations(page) == []
