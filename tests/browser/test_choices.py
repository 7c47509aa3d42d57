"""The stack canvas in a real browser: htmx swaps, keyboard use, focus,
confirmation, refusals and accessibility (axe-core)."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import Case, Choice
from tests.browser.support import serious_violations
from tests.factories import make_case, make_choice, make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)

LAYERS_TOP_DOWN = [
    ("platforms", "Platforms en diensten", "Dashboard in de huisstijl"),
    ("algorithms", "Algoritmes en modellen", "Rekenmodel van het RIVM"),
    ("data", "Datacollectie", "Open data van het CBS"),
    ("infrastructure", "Harde infrastructuur", "Hosting in de overheidscloud"),
]
COUNTERPARTS = [
    ("Markt", "Opdrachtgever", "Wij kopen het dashboard in."),
    ("Medeoverheden", "Partner", "Samen met het Rijk."),
    ("Kennisinstellingen", "Partner", "Het RIVM levert het model."),
]


@pytest.fixture
def world(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    zuid_holland = make_organisation(name="Provincie Zuid-Holland")
    make_organisation(name="RIVM", kind="national_agency")
    make_user(username="alice", role="civil_servant", organisation=utrecht)
    make_user(username="bob", role="civil_servant", organisation=zuid_holland)
    make_user(username="cora", role="coordinator", organisation=utrecht)
    published = make_case(organisation=utrecht, title="Logistieke monitor", with_parts=True)
    return {"utrecht": utrecht, "published": published}


def is_focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def settled(locator):
    """Wait until the in-place form is there and htmx has settled the swap
    (htmx moves the focus as it settles; a person cannot type within those
    milliseconds, a test can)."""
    expect(locator.locator("form")).to_have_count(1)
    expect(locator).not_to_have_class(re.compile(r"htmx-(added|settling|swapping)"))


def tab_to(page, locator, limit: int = 250):
    """Press Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_a_civil_servant_records_a_complete_case_with_the_keyboard_only(
    login, world, live_server, console_errors
):
    page = login("alice")
    page.goto(f"{live_server.url}/cases/")

    # The case form
    tab_to(page, page.get_by_role("link", name="Nieuwe casus"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/cases/new/")
    tab_to(page, page.get_by_label("Titel"))
    page.keyboard.type("Digitale tweeling leefomgeving")
    page.keyboard.press("Tab")
    page.keyboard.type("Ruimte")  # department
    page.keyboard.press("Tab")
    page.keyboard.type("Gezonde")  # policy domain, by typing its first letters
    page.keyboard.press("Tab")
    page.keyboard.type("Digital")  # kind
    page.keyboard.press("Tab")
    page.keyboard.type("Rekent het gezondheidseffect van groen door.")
    tab_to(page, page.get_by_role("button", name="Casus aanmaken"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Digitale tweeling leefomgeving")
    expect(page.locator("#completeness")).to_contain_text("0%")

    # A choice in each of the four layers, in place
    for code, layer_name, title in LAYERS_TOP_DOWN:
        tab_to(page, page.get_by_role("link", name=f"Keuze toevoegen in de laag {layer_name}"))
        page.keyboard.press("Enter")
        settled(page.locator(f"#layer-{code}-add"))
        title_field = page.locator(f"#layer-{code}-add-title")
        expect(title_field).to_be_focused()
        page.keyboard.type(title)
        page.keyboard.press("Tab")  # the layer, already right
        page.keyboard.press("Tab")
        page.keyboard.type("Zelf")  # sourcing: Zelf gebouwd
        page.keyboard.press("Tab")
        page.keyboard.type("Bewezen")  # maturity
        tab_to(page, page.locator(f"#layer-{code}-add").get_by_role("button", name="Opslaan"))
        page.keyboard.press("Enter")
        card = page.locator(f"#layer-{code} .choice-card")
        expect(card).to_have_count(1)
        expect(card.get_by_role("heading")).to_have_text(title)
        expect(card).to_contain_text("Zelf gebouwd")
        expect(card).to_be_focused()  # the keyboard user lands on what they made
        expect(page.locator("#canvas-status")).to_contain_text(f"Keuze “{title}” is opgeslagen.")

    # The three role analyses, in place
    for label, role, explanation in COUNTERPARTS:
        tab_to(page, page.get_by_role("link", name=f"Invullen rolanalyse {label}"))
        page.keyboard.press("Enter")
        form = page.locator(".role-card--editing")
        settled(form)
        expect(form.get_by_label("Rol van de provincie")).to_be_focused()
        page.keyboard.type(role)
        page.keyboard.press("Tab")
        page.keyboard.type(explanation)
        tab_to(page, form.get_by_role("button", name="Opslaan"))
        page.keyboard.press("Enter")
        expect(page.locator(".role-card--editing")).to_have_count(0)
        expect(page.get_by_role("region", name=label)).to_contain_text(explanation)

    expect(page.locator("#completeness")).to_contain_text("100%")
    expect(page.locator("#completeness")).to_contain_text("Alle lagen hebben een keuze")

    page.reload()
    for code, _layer_name, title in LAYERS_TOP_DOWN:
        expect(page.locator(f"#layer-{code} .choice-card")).to_contain_text(title)
    for label, _role, explanation in COUNTERPARTS:
        expect(page.get_by_role("region", name=label)).to_contain_text(explanation)
    expect(page.locator("#completeness")).to_contain_text("100%")
    case = Case.objects.get(title="Digitale tweeling leefomgeving")
    assert case.organisation.name == "Provincie Utrecht"
    assert case.choices.count() == 4
    assert console_errors == [], "\n".join(console_errors)


def test_a_validation_error_appears_next_to_the_field_and_the_text_stays(login, world, live_server):
    case = make_case(organisation=world["utrecht"], title="Nieuwe monitor", status="draft")
    page = login("alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Keuze toevoegen in de laag Datacollectie").click()
    settled(page.locator("#layer-data-add"))
    slot = page.locator("#layer-data-add")
    slot.get_by_label("Gekozen oplossing").fill("Wat ik al had getypt")
    slot.get_by_label("Sourcing").select_option("open_source")
    slot.get_by_role("button", name="Opslaan").click()

    error = page.locator("#layer-data-add-title_error")
    expect(error).to_have_text("Dit veld is vereist.")
    title = slot.get_by_label("Keuze (korte titel)")
    expect(title).to_be_focused()
    expect(title).to_have_attribute("aria-invalid", "true")
    assert "layer-data-add-title_error" in title.get_attribute("aria-describedby")
    expect(slot.get_by_label("Gekozen oplossing")).to_have_value("Wat ik al had getypt")
    expect(slot.get_by_label("Sourcing")).to_have_value("open_source")
    expect(page.locator("#layer-data-add-maturity_error")).to_have_text("Dit veld is vereist.")
    assert not Choice.objects.filter(case=case).exists()

    # fixing it saves it, with the text that was kept
    title.fill("Open data")
    slot.get_by_label("Volwassenheid").select_option("proven")
    slot.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#layer-data .choice-card")).to_contain_text("Wat ik al had getypt")


def test_slow_saves_show_the_indicator_and_a_double_click_makes_one_choice(
    login, world, live_server
):
    case = make_case(organisation=world["utrecht"], title="Trage verbinding", status="draft")
    page = login("alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Keuze toevoegen in de laag Datacollectie").click()
    settled(page.locator("#layer-data-add"))
    slot = page.locator("#layer-data-add")
    slot.get_by_label("Keuze (korte titel)").fill("Eén keer")
    slot.get_by_label("Sourcing").select_option("in_house")
    slot.get_by_label("Volwassenheid").select_option("proven")

    def slow(route):
        page.wait_for_timeout(1200)
        route.continue_()

    page.route(re.compile(r".*/choices/new/.*"), slow)
    button = slot.get_by_role("button", name="Opslaan")
    button.click()
    expect(slot.locator(".htmx-indicator")).to_have_css("opacity", "1")
    expect(button).to_be_disabled()  # no second submit while the first is on its way
    expect(page.locator("#layer-data .choice-card")).to_have_count(1)
    assert Choice.objects.filter(case=case, title="Eén keer").count() == 1


def test_delete_asks_first_in_place_and_cancel_keeps_the_choice(login, world, live_server):
    case = make_case(organisation=world["utrecht"], title="Opruimen", status="draft")
    make_choice(case=case, title="Overbodige keuze")
    page = login("alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")

    page.get_by_role("link", name="Verwijderen Overbodige keuze").click()
    question = page.get_by_role("heading", name="Keuze “Overbodige keuze” verwijderen?")
    expect(question).to_be_focused()
    page.get_by_role("link", name="Nee, bewaren").click()
    expect(page.locator("#layer-data .choice-card")).to_contain_text("Overbodige keuze")

    page.get_by_role("link", name="Verwijderen Overbodige keuze").click()
    page.get_by_role("button", name="Ja, verwijderen").click()
    note = page.locator(".choice-removed")
    expect(note).to_have_text("Keuze “Overbodige keuze” is verwijderd.")
    expect(note).to_be_focused()
    expect(page.locator("#layer-data .choice-card")).to_have_count(0)
    expect(page.locator("#completeness")).to_contain_text(
        "Nog geen keuze in de laag “Datacollectie”"
    )
    assert not Choice.objects.filter(case=case).exists()


def test_editing_a_choice_deleted_in_another_tab_loses_nothing(login, world, live_server):
    case = make_case(organisation=world["utrecht"], title="Twee tabbladen", status="draft")
    choice = make_choice(case=case, title="Gedeelde keuze")
    page = login("alice")
    url = f"{live_server.url}{case.get_absolute_url()}"
    page.goto(url)
    page.get_by_role("link", name="Bewerken Gedeelde keuze").click()
    settled(page.locator(f"#choice-{choice.pk}"))
    page.locator(f"#choice-{choice.pk}").get_by_label("Gekozen oplossing").fill("Mijn nieuwe tekst")

    other = page.context.new_page()
    other.goto(url)
    other.get_by_role("link", name="Verwijderen Gedeelde keuze").click()
    other.get_by_role("button", name="Ja, verwijderen").click()
    expect(other.locator(".choice-removed")).to_be_visible()
    other.close()

    page.locator(f"#choice-{choice.pk}").get_by_role("button", name="Opslaan").click()
    slot = page.locator(f"#choice-{choice.pk}")
    expect(slot).to_contain_text("intussen verwijderd")
    expect(slot.get_by_label("Gekozen oplossing")).to_have_value("Mijn nieuwe tekst")
    slot.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#layer-data .choice-card")).to_contain_text("Mijn nieuwe tekst")
    assert Choice.objects.get(case=case).chosen == "Mijn nieuwe tekst"


def test_a_civil_servant_of_another_province_sees_no_controls_and_a_post_is_refused(
    login, world, live_server
):
    case = world["published"]
    page = login("bob")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logistieke monitor")
    expect(page.get_by_role("link", name=re.compile("Keuze toevoegen"))).to_have_count(0)
    expect(
        page.get_by_role("link", name=re.compile("^(Bewerken|Verwijderen|Invullen)"))
    ).to_have_count(0)
    expect(page.get_by_role("link", name="Gegevens bewerken")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("Indienen|Archiveren"))).to_have_count(0)

    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    before = Choice.objects.filter(case=case).count()
    response = page.request.post(
        f"{live_server.url}/cases/{case.pk}/choices/new/?layer=data",
        form={"title": "Ingebroken", "layer": "data", "sourcing": "in_house", "maturity": "proven"},
        headers={"X-CSRFToken": csrf},
    )
    assert response.status == 403
    response = page.request.post(
        f"{live_server.url}/cases/{case.pk}/roles/market/edit/",
        form={"role": "none", "explanation": "Weg ermee"},
        headers={"X-CSRFToken": csrf},
    )
    assert response.status == 403
    assert Choice.objects.filter(case=case).count() == before
    assert case.role_analyses.get(counterpart="market").explanation == "Toelichting."


def test_submit_then_a_coordinator_publishes(login, world, live_server, page):
    case = make_case(
        organisation=world["utrecht"], title="Klaar voor publicatie", status="draft", with_parts=True
    )
    login("alice")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("button", name="Indienen").click()
    expect(page.locator(".messages")).to_contain_text("is ingediend")
    expect(page.locator("#case-status")).to_contain_text("Ingediend")
    page.get_by_role("button", name="Uitloggen").click()

    login("cora")
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    page.get_by_role("link", name="Terugsturen…").click()
    page.get_by_role("button", name="Terugsturen").click()
    expect(page.locator("#id_remark_error")).to_have_text("Dit veld is vereist.")
    page.get_by_role("link", name="Annuleren").click()
    page.get_by_role("button", name="Publiceren").click()
    expect(page.locator("#case-status")).to_contain_text("Gepubliceerd")
    case.refresh_from_db()
    assert case.status == "published"


def test_case_form_case_page_and_history_are_accessible(login, world, live_server):
    page = login("alice")
    page.goto(f"{live_server.url}/cases/new/")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Casus aanmaken").click()  # with errors shown
    expect(page.locator(".error-summary")).to_be_visible()
    assert serious_violations(page) == []

    case = world["published"]
    page.goto(f"{live_server.url}{case.get_absolute_url()}")
    assert serious_violations(page) == []
    # with the in-place forms open, one showing errors
    page.get_by_role("link", name="Keuze toevoegen in de laag Datacollectie").click()
    settled(page.locator("#layer-data-add"))
    page.locator("#layer-data-add").get_by_role("button", name="Opslaan").click()
    expect(page.locator("#layer-data-add-title_error")).to_be_visible()
    page.get_by_role("link", name="Bewerken rolanalyse Markt").click()
    expect(page.locator(".role-card--editing")).to_be_visible()
    assert serious_violations(page) == []

    page.goto(f"{live_server.url}/cases/{case.pk}/history/")
    assert serious_violations(page) == []
