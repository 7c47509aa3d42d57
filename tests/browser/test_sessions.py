"""In the browser: an executive fills the ballot with the keyboard, the
coordinator closes the session, everyone sees the results drawn."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import serious_violations
from tests.factories import make_coordinator, make_direction, make_session, make_user, make_vote

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def board(stack_basics):
    make_user(username="erik", role="executive")
    make_user(username="cora", role="coordinator")
    other = make_user(username="bestuurder2", role="executive")
    directions = [
        make_direction(code="R1", title="Voortbouwen op bewezen technologie"),
        make_direction(code="R2", title="Samenwerken met kennisinstellingen"),
    ]
    session = make_session(directions=directions, title="Sessie digitale stack")
    make_vote(
        session=session,
        direction=directions[0],
        executive=other,
        position="oppose",
        points=2,
        reason="Te weinig ruimte voor vernieuwing.",
    )
    return session




def logout(page):
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/login/"))


def test_executive_fills_the_ballot_with_the_keyboard_and_coordinator_closes(
    login, board, live_server, console_errors
):
    page = login("erik")
    page.get_by_role("link", name="Naar uw stembiljet").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw stembiljet")
    budget = page.locator("#points-left")
    expect(budget).to_contain_text("U heeft nog 10 van de 10 prioriteitspunten")
    assert serious_violations(page) == []

    # R1: keyboard only. Focus the first position, arrow to "Voor", tab on.
    row = page.locator("#ballot-R1")
    row.get_by_label("Sterk voor").focus()
    page.keyboard.press("ArrowDown")
    expect(row.get_by_label("Voor", exact=True)).to_be_checked()
    page.keyboard.press("Tab")
    expect(row.get_by_label("Prioriteitspunten")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    # the points left follow the typing, before anything is saved
    expect(budget).to_contain_text("U heeft nog 7 van de 10 prioriteitspunten")
    page.keyboard.press("Tab")
    page.keyboard.type("Bewezen techniek geeft rust.")
    page.keyboard.press("Tab")
    expect(row.get_by_role("button", name="Stem op R1 opslaan")).to_be_focused()
    page.keyboard.press("Enter")
    row = page.locator("#ballot-R1")
    expect(row.get_by_role("status")).to_contain_text("Uw stem op R1 is opgeslagen")
    expect(budget).to_contain_text("U heeft nog 7 van de 10 prioriteitspunten")
    # the keyboard user stays where they were
    expect(row.get_by_role("button", name="Stem op R1 opslaan")).to_be_focused()
    assert page.url.endswith(f"/sessions/{board.pk}/ballot/")  # saved in place

    # R2: more points than are left; the message sits next to the field, the input stays.
    row2 = page.locator("#ballot-R2")
    row2.get_by_label("Sterk voor").focus()
    page.keyboard.press("Space")
    row2.get_by_label("Prioriteitspunten").fill("8")
    row2.get_by_label("Prioriteitspunten").press("Enter")
    expect(page.locator("#points-over")).to_be_visible()
    expect(page.locator("#ballot-R2 .form-field__error")).to_contain_text(
        "U heeft nog 7 van de 10 punten over; 8 punten is te veel."
    )
    expect(page.locator("#ballot-R2").get_by_label("Prioriteitspunten")).to_have_value("8")
    expect(budget).to_contain_text("U heeft nog 0 van de 10")
    expect(page.locator("#points-over")).to_be_visible()
    page.locator("#ballot-R2").get_by_label("Prioriteitspunten").fill("7")
    expect(page.locator("#points-over")).to_be_hidden()
    page.locator("#ballot-R2").get_by_role("button", name="Stem op R2 opslaan").click()
    expect(page.locator("#ballot-R2").get_by_role("status")).to_contain_text("opgeslagen")
    expect(budget).to_contain_text("U heeft nog 0 van de 10")
    assert console_errors == [], "\n".join(console_errors)

    # The coordinator closes the session after confirming.
    logout(page)
    login("cora")
    page.goto(f"{live_server.url}/sessions/{board.pk}/")
    expect(page.locator("#turnout")).to_contain_text("2 van de 2 bestuurders hebben gestemd.")
    page.get_by_role("link", name="Sessie sluiten").click()
    page.get_by_role("button", name="Ja, sluit de sessie").click()
    page.wait_for_url(re.compile(rf"/sessions/{board.pk}/results/$"))

    # The results: charts drawn as SVG, each with its table, and the reasons.
    for chart in ("distribution-chart", "ranking-chart"):
        expect(page.locator(f'[data-chart="{chart}"] svg.main-svg').first).to_be_visible()
    expect(
        page.get_by_role("img", name=re.compile("Divergerend gestapeld staafdiagram"))
    ).to_be_visible()
    expect(
        page.get_by_role("table", name="Aantal stemmen per standpunt, met de overeenstemming")
    ).to_be_visible()
    expect(page.get_by_role("table", name="Rangorde naar prioriteitspunten")).to_be_visible()
    expect(page.get_by_text("Bewezen techniek geeft rust.")).to_be_visible()
    expect(page.get_by_text("Te weinig ruimte voor vernieuwing.")).to_be_visible()
    expect(page.get_by_text("De overeenstemming is 1 min de spreiding")).to_be_visible()
    assert serious_violations(page) == []
    assert console_errors == [], "\n".join(console_errors)


def test_a_vote_after_the_close_shows_a_message_in_place(login, board, live_server):
    from cases import actions

    page = login("erik")
    page.goto(f"{live_server.url}/sessions/{board.pk}/ballot/")
    actions.do_session_step(board, "close", by=make_coordinator())  # closed while the ballot is on screen
    row = page.locator("#ballot-R1")
    row.get_by_label("Neutraal").check()
    row.get_by_role("button", name="Stem op R1 opslaan").click()
    expect(page.locator("#ballot-R1")).to_contain_text("Deze sessie is niet open voor stemmen.")
    expect(page.locator("#ballot-R1").get_by_label("Neutraal")).to_be_checked()


def test_the_whole_ballot_is_saved_at_once_and_leaving_with_unsaved_input_asks_first(
    login, board, live_server, console_errors
):
    page = login("erik")
    page.goto(f"{live_server.url}/sessions/{board.pk}/ballot/")
    budget = page.locator("#points-left")
    r1, r2 = page.locator("#ballot-R1"), page.locator("#ballot-R2")
    r1.get_by_label("Voor", exact=True).check()
    r1.get_by_label("Prioriteitspunten").fill("4")
    r2.get_by_label("Sterk tegen").check()
    r2.get_by_label("Prioriteitspunten").fill("5")
    r2.get_by_label("Motivering (optioneel)").fill("Nog niet rijp.")
    expect(budget).to_contain_text("U heeft nog 1 van de 10 prioriteitspunten")

    # Leaving with unsaved input asks first; staying keeps every field.
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Meer over R1").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(f"/sessions/{board.pk}/ballot/")
    expect(r2.get_by_label("Motivering (optioneel)")).to_have_value("Nog niet rijp.")

    # One save for all directions; afterwards leaving asks nothing.
    page.get_by_role("button", name="Mijn stembiljet opslaan").click()
    expect(page.get_by_text("Uw stembiljet is opgeslagen: 2 richtingen.")).to_be_visible()
    votes = dict(
        board.votes.filter(executive__username="erik").values_list("direction__code", "points")
    )
    assert votes == {"R1": 4, "R2": 5}
    expect(budget).to_contain_text("U heeft nog 1 van de 10 prioriteitspunten")
    page.on("dialog", lambda dialog: dialogs.append(dialog.type) or dialog.dismiss())
    page.get_by_role("link", name="Meer over R1").click()
    page.wait_for_url(re.compile(r"/directions/R1/$"))
    assert dialogs == ["beforeunload"]
    assert serious_violations(page) == []
    assert console_errors == [], "\n".join(console_errors)
