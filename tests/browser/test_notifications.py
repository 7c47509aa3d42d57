"""The queues, the notification list and the e-mail settings in a browser:
reachable from the header, accessible (axe), no CSP error."""

import pytest
from playwright.sync_api import expect

from cases.actions import do_case_step
from tests.browser.support import serious_violations
from tests.factories import make_case, make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sent_back_world(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    alice = make_user(username="alice", role="civil_servant", organisation=utrecht)
    cora = make_user(username="cora", role="coordinator", organisation=utrecht)
    case = make_case(organisation=utrecht, title="Logistieke monitor", status="draft", with_parts=True)
    do_case_step(case, "submit", by=alice)
    do_case_step(case, "send_back", by=cora, remark="Vul de datalaag aan.")
    waiting = make_case(organisation=utrecht, title="Digitale tweeling", status="draft", with_parts=True)
    do_case_step(waiting, "submit", by=alice)
    return case


def test_civil_servant_follows_the_unread_notification_to_the_case(
    login, sent_back_world, live_server, console_errors
):
    page = login("alice")
    sent_back = page.get_by_role("region", name="Teruggestuurd: aan u om aan te vullen")
    expect(sent_back).to_contain_text("Vul de datalaag aan.")
    expect(page.get_by_role("link", name="Nieuwe casus")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Meldingen 1 ongelezen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meldingen")
    expect(page.get_by_text("U heeft 1 ongelezen melding.")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Ongelezen: Casus teruggestuurd: Logistieke monitor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logistieke monitor")
    expect(page.get_by_role("link", name="Meldingen", exact=True)).to_be_visible()  # no count

    page.goto(f"{live_server.url}/notifications/settings/")
    assert serious_violations(page) == []
    page.get_by_label("Casus gepubliceerd").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Uw instellingen zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_label("Casus gepubliceerd")).not_to_be_checked()
    assert console_errors == [], "\n".join(console_errors)


def test_coordinators_review_queue_is_accessible(login, sent_back_world, live_server, console_errors):
    page = login("cora")
    queue = page.get_by_role("region", name="Casussen die wachten op beoordeling")
    expect(queue.get_by_role("link", name="Digitale tweeling")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/notifications/failed/")
    expect(page.get_by_text("Alle e-mail is aangekomen.")).to_be_visible()
    assert serious_violations(page) == []
    assert console_errors == [], "\n".join(console_errors)
