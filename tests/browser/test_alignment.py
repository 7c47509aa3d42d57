"""Comply or explain in a real browser: the hint on the stack canvas while
a choice is recorded under an adopted direction, before saving; the
explanation field it brings; the portfolio view; accessibility (axe-core)."""

import pytest
from playwright.sync_api import expect

from cases.models import Choice, Layer
from cases.models_alignment import DeviationExplanation, GuidanceRule
from tests.browser.support import serious_violations
from tests.factories import make_case, make_direction, make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    make_user(username="alice", role="civil_servant", organisation=utrecht)
    make_user(username="cora", role="coordinator", organisation=utrecht)
    r1 = make_direction(code="R1", title="Voortbouwen op bewezen technologie", status="adopted")
    GuidanceRule.objects.create(direction=r1, property="maturity", values=["proven"])
    draft = make_case(organisation=utrecht, title="Proef met beeldherkenning", status="draft")
    return {"utrecht": utrecht, "r1": r1, "draft": draft}


def test_an_experimental_choice_under_r1_shows_the_hint_before_saving(login, world, live_server):
    case = world["draft"]
    page = login("alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Keuze toevoegen in de laag Algoritmes en modellen").click()
    slot = page.locator("#layer-algorithms-add")
    expect(slot.locator("form")).to_have_count(1)
    slot.get_by_label("Keuze (korte titel)").fill("Zelflerend model")
    slot.get_by_label("Sourcing").select_option("in_house")
    hint = slot.locator(".alignment-hints")
    expect(hint).to_have_text("")
    slot.get_by_label("Volwassenheid").select_option("experimental")

    # before saving: the verdict and a field for the explanation, in place
    expect(hint).to_contain_text("R1 vraagt volwassenheid “Bewezen”; hier is het “Experimenteel”.")
    explanation = slot.get_by_label("Uitleg bij de afwijking van R1")
    expect(explanation).to_be_visible()
    assert not Choice.objects.filter(case=case).exists()
    assert serious_violations(page) == []

    # proven technology: the hint goes away again
    slot.get_by_label("Volwassenheid").select_option("proven")
    expect(hint).to_have_text("")
    slot.get_by_label("Volwassenheid").select_option("experimental")
    explanation = slot.get_by_label("Uitleg bij de afwijking van R1")
    explanation.fill("Een proef van een jaar, daarna evaluatie.")
    slot.get_by_role("button", name="Opslaan").click()

    card = page.locator("#layer-algorithms .choice-card")
    expect(card).to_contain_text("R1: Wijkt af, met uitleg")
    expect(card).to_contain_text("Een proef van een jaar, daarna evaluatie.")
    choice = Choice.objects.get(case=case)
    assert DeviationExplanation.objects.get(choice=choice).text.startswith("Een proef")
    assert serious_violations(page) == []


def test_an_unexplained_deviation_is_on_the_checklist(login, world, live_server):
    case = world["draft"]
    Choice.objects.create(
        case=case,
        layer=Layer.objects.get(code="platforms"),
        title="Nieuwe 3D-viewer",
        sourcing="in_house",
        maturity="emerging",
    )
    page = login("alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    checklist = page.locator("#completeness")
    expect(checklist).to_contain_text("“Nieuwe 3D-viewer” wijkt af van R1 zonder uitleg")
    page.get_by_role("link", name="Leg uit waarom (R1, Nieuwe 3D-viewer)").click()
    page.get_by_label("Uitleg").fill("De viewer is nieuw, het platform niet.")
    page.get_by_role("button", name="Uitleg opslaan").click()
    expect(page.locator(".messages")).to_contain_text("De uitleg bij R1 is opgeslagen.")
    expect(page.locator("#completeness")).not_to_contain_text("zonder uitleg")
    assert serious_violations(page) == []


def test_the_portfolio_view_is_accessible(login, world, live_server):
    Choice.objects.create(
        case=world["draft"],
        layer=Layer.objects.get(code="data"),
        title="Open data",
        sourcing="open_source",
        maturity="proven",
    )
    page = login("cora")
    page.goto(f"{live_server.url}/alignment/")
    expect(page.get_by_role("heading", name="Naleving van de ontwikkelrichtingen")).to_be_visible()
    chart = page.locator('[data-chart="alignment-chart"]')
    expect(chart.locator("svg.main-svg").first).to_be_visible()
    assert serious_violations(page) == []
