import pytest
from playwright.sync_api import expect

from tests.browser.support import serious_violations
from tests.factories import make_case, make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_world(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    make_user(username="alice", role="civil_servant", organisation=utrecht)
    case = make_case(organisation=utrecht, title="Logistieke monitor", with_parts=True)
    make_case(organisation=utrecht, title="Digitale tweeling", status="draft")
    return case




def test_civil_servant_logs_in_and_browses_in_dutch_and_english(login, demo_world, console_errors):
    page = login("alice")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Casussen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casussen")
    page.get_by_role("link", name="Logistieke monitor").click()
    expect(page.get_by_role("heading", name="Harde infrastructuur")).to_be_visible()
    expect(page.get_by_role("heading", name="Kennisinstellingen")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Hard infrastructure")).to_be_visible()
    assert console_errors == [], "\n".join(console_errors)


def test_case_list_and_home_are_accessible(login, demo_world, live_server):
    page = login("alice")
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/cases/")
    assert serious_violations(page) == []


def test_keyboard_user_can_skip_to_content(login, demo_world):
    page = login("alice")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
