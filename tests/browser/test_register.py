"""The Algoritmeregister on the case page in a real browser: a missing
required field filled in place turns the registration ready; axe is clean."""

import re

import pytest
from playwright.sync_api import expect

from cases import register
from cases.models import Layer, User
from tests.browser.support import serious_violations
from tests.factories import make_case, make_choice, make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    alice = make_user(username="alice", role="civil_servant", organisation=utrecht)
    make_user(username="cora", role="coordinator", organisation=utrecht)
    case = make_case(organisation=utrecht, title="Logistieke monitor", with_parts=True)
    choice = make_choice(
        case=case, layer=Layer.objects.get(code="algorithms"), title="Trendanalyse"
    )
    register.do_save_registration(
        choice,
        {"description_short": "Telt cijfers op tot trends.", "publication_category": "Overige algoritmes"},
        version=None,
        by=User.objects.get(username="cora"),
    )
    assert register.get_registration(alice, case.pk, choice.pk).missing == ["contact_email"]
    return {"case": case, "choice": choice}


def test_filling_the_missing_field_in_place_makes_the_registration_ready(
    login, world, live_server, console_errors
):
    case, choice = world["case"], world["choice"]
    page = login("alice")
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.evaluate("window.stillTheSamePage = true")
    card = page.locator(f"#registration-{choice.pk}")
    expect(card).to_contain_text("Nog niet klaar voor het register")
    expect(card).to_contain_text("Contactgegevens: Verplicht voor het register")
    assert serious_violations(page) == []

    card.get_by_role("link", name=re.compile("Aanvullen")).click()
    form = page.locator(f"#registration-{choice.pk} form")
    expect(form).to_have_count(1)
    expect(page.locator(f"#registration-{choice.pk}")).not_to_have_class(
        re.compile(r"htmx-(added|settling|swapping)")
    )
    contact = form.get_by_label("Contactgegevens")
    expect(contact).to_have_accessible_description(re.compile("Verplicht voor het register"))
    assert serious_violations(page) == []

    contact.fill("info@utrecht.example")
    form.get_by_role("button", name="Opslaan").click()
    expect(form).to_have_count(0)
    card = page.locator(f"#registration-{choice.pk}")
    expect(card).to_contain_text("Klaar voor het register")
    expect(card).not_to_contain_text("Contactgegevens: Verplicht")
    expect(page.locator("#canvas-status")).to_contain_text("klaar voor het register")
    assert page.evaluate("window.stillTheSamePage") is True  # in place, no reload
    assert register.get_registration(
        User.objects.get(username="alice"), case.pk, choice.pk
    ).ready
    assert serious_violations(page) == []
    assert console_errors == []


def test_the_preview_and_the_register_page_are_accessible(login, world, live_server):
    case, choice = world["case"], world["choice"]
    page = login("cora")
    page.goto(f"{live_server.url}/cases/{case.pk}/register/{choice.pk}/")
    expect(page.get_by_role("heading", name="Voorbeeld zoals het register het toont")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/algoritmeregister/")
    expect(page.get_by_role("heading", name="Registraties")).to_be_visible()
    assert serious_violations(page) == []
