"""The life cycles (``cases.lifecycle``): one table each for a case and a
session, read by every door: the pages, the API and the admin."""

import pytest
from django.core.exceptions import PermissionDenied

from cases import lifecycle
from cases.actions import CaseConflict, do_case_step, do_session_step
from cases.models import BoardSession, Case, InvalidTransition
from tests.api_support import token_client
from tests.factories import make_case, make_direction, make_session

API = "/api/v1"


@pytest.mark.parametrize(
    ("start", "step"),
    [("draft", "publish"), ("archived", "publish"), ("published", "send_back"), ("submitted", "reopen")],
)
def test_illegal_case_steps_are_refused(utrecht, cora, start, step):
    case = make_case(organisation=utrecht, status=start)
    with pytest.raises(CaseConflict):
        do_case_step(case, step, by=cora)
    case.refresh_from_db()
    assert case.status == start


def test_case_life_cycle(utrecht, alice, cora):
    case = make_case(organisation=utrecht, status="draft", with_parts=True)
    do_case_step(case, "submit", by=alice)
    case, _changed = do_case_step(case, "send_back", by=cora, remark="Vul de datalaag aan.")
    assert (case.status, case.review_remark) == ("draft", "Vul de datalaag aan.")
    do_case_step(case, "submit", by=alice)
    do_case_step(case, "publish", by=cora)
    do_case_step(case, "archive", by=cora)
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVED
    assert case.review_remark == ""
    assert case.history.count() >= 6


def test_session_transitions(cora):
    session = make_session(directions=[], state="draft")
    with pytest.raises(InvalidTransition):
        do_session_step(session, "open", by=cora)  # empty agenda
    session = make_session(directions=[make_direction()], state="draft")
    with pytest.raises(InvalidTransition):
        do_session_step(session, "close", by=cora)
    do_session_step(session, "open", by=cora)
    session = do_session_step(session, "close", by=cora)
    assert session.state == BoardSession.State.CLOSED and session.closed_at
    with pytest.raises(InvalidTransition):
        do_session_step(session, "open", by=cora)


def test_every_step_in_the_table_leads_where_it_says_and_starts_only_where_it_may(
    utrecht, alice, cora
):
    for step in lifecycle.CASE_STEPS.values():
        for status in Case.Status.values:
            # complete, so that the check of a step (only a complete case is submitted) holds
            case = make_case(organisation=utrecht, status=status, with_parts=True)
            user = cora if step.may(cora, case) else alice
            if status == step.target:
                continue  # already there: nothing to do (a button pressed twice)
            if step.starts_from(status) and step.may(user, case):
                case, changed = do_case_step(case, step.name, by=user)
                assert changed and case.status == step.target, (step.name, status)
            else:
                with pytest.raises((CaseConflict, PermissionDenied)):
                    do_case_step(case, step.name, by=user)
                case.refresh_from_db()
                assert case.status == status, (step.name, status)


def test_who_may_take_a_step_is_the_tables_rule(utrecht, alice, bob, erik, cora):
    draft = make_case(organisation=utrecht, status="draft", with_parts=True)
    with pytest.raises(PermissionDenied):
        do_case_step(draft, "submit", by=bob)  # another province
    with pytest.raises(PermissionDenied):
        do_case_step(draft, "submit", by=erik)
    do_case_step(draft, "submit", by=alice)
    with pytest.raises(PermissionDenied):
        do_case_step(draft, "publish", by=alice)  # a civil servant does not publish
    session = make_session(directions=[make_direction()], state="draft")
    with pytest.raises(PermissionDenied):
        do_session_step(session, "open", by=erik)
    session.refresh_from_db()
    assert session.state == "draft"


def test_the_buttons_on_the_case_page_are_the_steps_offered(client_for, utrecht, alice, cora):
    draft = make_case(organisation=utrecht, status="draft")
    assert [s.name for s in lifecycle.offered_case_steps(alice, draft)] == ["submit"]
    assert [s.name for s in lifecycle.offered_case_steps(cora, draft)] == ["submit", "archive"]
    page = client_for(alice).get(draft.get_absolute_url()).text
    assert f'action="/cases/{draft.pk}/status/submit/"' in page
    assert "/status/archive/" not in page
    # the automatic step (a published case edited) is no button and no URL
    assert client_for(cora).get(f"/cases/{draft.pk}/status/review_again/").status_code == 404


def test_the_api_offers_the_same_steps(utrecht, alice):
    draft = make_case(organisation=utrecht, status="draft", with_parts=True)
    client = token_client(alice)
    response = client.post(f"{API}/cases/{draft.pk}/status/", {"action": "review_again"}, format="json")
    assert response.status_code == 400 and "action" in response.json()
    response = client.post(f"{API}/cases/{draft.pk}/status/", {"action": "submit"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_the_admin_moves_a_session_only_through_the_table(client_for, cora):
    cora.is_superuser = True  # the admin itself needs model permissions
    cora.save()
    session = make_session(directions=[make_direction()], state="draft", title="Admin-sessie")
    client = client_for(cora)
    # the state field is read-only: posting it changes nothing
    form = client.get(f"/admin/cases/boardsession/{session.pk}/change/").text
    assert 'name="state"' not in form
    # the admin action runs the step, with its timestamps
    response = client.post(
        "/admin/cases/boardsession/",
        {"action": "step_open", "_selected_action": [session.pk]},
        follow=True,
    )
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.state == BoardSession.State.OPEN and session.opened_at
    # a step the state does not allow is refused with the table's message
    response = client.post(
        "/admin/cases/boardsession/",
        {"action": "step_open", "_selected_action": [session.pk]},
        follow=True,
    )
    assert "Alleen een sessie in voorbereiding kan worden geopend." in response.text
