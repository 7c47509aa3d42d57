"""In the browser: the stack map and the dashboard draw their charts from the
local plotly.js, a click on a square opens the choice, filters redraw in
place, and the direction and stack-map pages pass axe."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Layer, LayerMeaning
from tests.browser.support import serious_violations
from tests.factories import (
    make_case,
    make_choice,
    make_direction,
    make_organisation,
    make_session,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    rivm = make_organisation(name="RIVM", kind="national_agency")
    make_user(username="erik", role="executive", organisation=utrecht)
    layers = {layer.code: layer for layer in Layer.objects.all()}
    monitor = make_case(organisation=utrecht, title="Logistieke monitor", policy_domain="mobility")
    planner = make_case(
        organisation=rivm, title="Groene Baten Planner", policy_domain="environment_health"
    )
    choice = make_choice(
        case=monitor,
        layer=layers["platforms"],
        title="Dashboard in Power BI",
        sourcing="off_the_shelf",
    )
    make_choice(case=monitor, layer=layers["data"], title="Open data", sourcing="shared_government")
    make_choice(
        case=planner,
        layer=layers["algorithms"],
        title="Gezondheidsmodel",
        sourcing="co_development",
        maturity="emerging",
    )
    direction = make_direction(code="R1", title="Voortbouwen op bewezen technologie")
    LayerMeaning.objects.create(
        direction=direction, layer=layers["platforms"], text="Standaardsoftware eerst."
    )
    direction.evidence_cases.set([monitor])
    direction.evidence_choices.set([choice])
    make_session(directions=[direction], state="closed", title="Eerste sessie")
    return {"choice": choice, "direction": direction}


def test_stack_map_draws_links_and_redraws_after_filtering(
    login, world, live_server, console_errors
):
    page = login("erik")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Stackkaart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stackkaart")
    grid = page.locator('[data-chart="stack-map-chart"]')
    expect(grid.locator("svg.main-svg").first).to_be_visible()
    expect(page.locator('[data-chart="layer-shares-chart"] svg.main-svg').first).to_be_visible()
    expect(
        page.get_by_role("table", name="Keuzes per casus en laag, met hun sourcing")
    ).to_be_visible()
    assert serious_violations(page) == []

    # Filter in place: the fragment comes with its figures and is drawn again.
    page.get_by_label("Beleidsdomein").select_option("environment_health")
    page.get_by_role("button", name="Toon").click()
    expect(page.locator("#stack-map-results .result-count")).to_have_text("1 gepubliceerde casus")
    expect(page).to_have_url(re.compile(r"policy_domain=environment_health"))
    expect(page.locator('[data-chart="stack-map-chart"] svg.main-svg').first).to_be_visible()
    expect(page.locator(".stackmap-table")).not_to_contain_text("Logistieke monitor")

    # A click on a square opens the choice.
    page.goto(f"{live_server.url}/stack-map/?policy_domain=mobility")
    points = page.locator('[data-chart="stack-map-chart"] .scatterlayer .point')
    expect(points.first).to_be_visible()
    target = world["choice"].get_absolute_url()
    page.locator('[data-chart="stack-map-chart"]').scroll_into_view_if_needed()
    boxes = [points.nth(i).bounding_box() for i in range(points.count())]
    box = max(boxes, key=lambda b: b["x"])  # platforms is the rightmost column
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    assert console_errors == [], "\n".join(console_errors)


def test_direction_page_is_accessible(login, world, live_server, console_errors):
    page = login("erik")
    page.goto(f"{live_server.url}/directions/")
    page.get_by_role("link", name="Voortbouwen op bewezen technologie").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("R1")
    expect(page.get_by_text("Standaardsoftware eerst.")).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard in Power BI")).to_be_visible()
    assert serious_violations(page) == []
    assert console_errors == [], "\n".join(console_errors)


def test_executive_dashboard_draws_the_stack_summary(login, world, console_errors):
    page = login("erik")
    expect(
        page.get_by_role("heading", name="Waar de provincie staat in haar stack")
    ).to_be_visible()
    expect(page.locator('[data-chart="home-shares-chart"] svg.main-svg').first).to_be_visible()
    expect(
        page.get_by_role("table", name="Aantal en aandeel van de keuzes per laag")
    ).to_be_visible()
    assert serious_violations(page) == []
    assert console_errors == [], "\n".join(console_errors)
