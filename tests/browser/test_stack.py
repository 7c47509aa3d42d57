"""In the browser: the stack page in the main navigation, its charts drawn
from the local plotly.js, headings in order, axe clean; the directions in
three minutes reached from the directions list; the print layout."""

import pytest
from playwright.sync_api import expect

from cases.models import Layer
from tests.browser.support import serious_violations
from tests.factories import make_case, make_choice, make_direction, make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    make_user(username="erik", role="executive", organisation=utrecht)
    layers = {layer.code: layer for layer in Layer.objects.all()}
    monitor = make_case(organisation=utrecht, title="Logistieke monitor")
    make_choice(
        case=monitor,
        layer=layers["platforms"],
        title="Dashboard in Power BI",
        sourcing="off_the_shelf",
    )
    make_choice(case=monitor, layer=layers["data"], title="Open data", sourcing="shared_government")
    direction = make_direction(
        code="R1", title="Voortbouwen op bewezen technologie", status="adopted"
    )
    direction.evidence_cases.set([monitor])
    make_direction(code="R7", title="Samen met medeoverheden")
    return {"monitor": monitor}


def heading_levels(page) -> list[int]:
    return page.eval_on_selector_all(
        "main h1, main h2, main h3, main h4", "els => els.map(e => Number(e.tagName[1]))"
    )


def test_the_stack_page_reads_top_to_bottom_and_passes_axe(
    login, world, live_server, console_errors
):
    page = login("erik")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="De digitale stack"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("De digitale stack")
    layer_headings = page.locator("section.explainer-layer h2")
    expect(layer_headings).to_have_text(
        [
            "1 Harde infrastructuur",
            "2 Datacollectie",
            "3 Algoritmes en modellen",
            "4 Platforms en diensten",
        ]
    )
    for chart in ("stack-sourcing-chart", "stack-maturity-chart"):
        expect(page.locator(f'[data-chart="{chart}"] svg.main-svg').first).to_be_visible()
    levels = heading_levels(page)
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert serious_violations(page) == []
    assert console_errors == []

    # The overview at the top leads to the layer; an example opens the choice.
    page.get_by_role("link", name="Datacollectie 1 keuze").click()
    expect(page).to_have_url(f"{live_server.url}/stack/#layer-data")
    page.locator("#layer-platforms").get_by_role("link", name="Dashboard in Power BI").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Logistieke monitor")


def test_directions_in_three_minutes_from_the_list(login, world, console_errors):
    page = login("erik")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Ontwikkelrichtingen"
    ).click()
    page.get_by_role("link", name="Lees alle richtingen in drie minuten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ontwikkelrichtingen in drie minuten")
    expect(page.locator("main h2")).to_have_text(["Aangenomen", "Voorgesteld"])
    expect(page.get_by_role("link", name="Logistieke monitor")).to_be_visible()
    assert serious_violations(page) == []
    assert console_errors == []


def test_the_print_layout_leaves_out_the_site_and_keeps_the_tables(login, world):
    page = login("erik")
    page.goto(page.url + "stack/")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".chart-figure").first).to_be_hidden()
    expect(page.locator("table.chart-table").first).to_be_visible()
    expect(page.get_by_text("Alle keuzes op de stackkaart")).to_be_hidden()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
