"""The queues on the home pages: what waits for each persona, in the order
they should take it, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.actions import do_case_step, do_record_outcome, do_session_step
from cases.models import Case, Layer
from tests.factories import (
    make_case,
    make_choice,
    make_direction,
    make_session,
    make_vote,
)


def _section(page: str, heading_id: str) -> str:
    """The HTML of the <section> whose heading has this id."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}">(.*?)</section>', page, flags=re.S
    )
    assert match, f"no section {heading_id}"
    return match.group(1)


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def _submitted(*, organisation, title, by, age_days: int, with_parts=False) -> Case:
    """A submitted case (an incomplete one cannot be submitted through the
    life cycle any more, so an incomplete one is made as it would stand)."""
    case = make_case(organisation=organisation, title=title, status="draft", with_parts=with_parts)
    if with_parts:
        do_case_step(case, "submit", by=by)
    else:
        Case.objects.filter(pk=case.pk).update(status=Case.Status.SUBMITTED)
    Case.objects.filter(pk=case.pk).update(
        submitted_at=timezone.now() - timedelta(days=age_days)
    )
    return case


# --- Coordinator -----------------------------------------------------------------


def test_coordinator_sees_cases_waiting_for_review_oldest_first_with_completeness(
    client_for, alice, cora, utrecht
):
    _submitted(organisation=utrecht, title="Nieuw ingediend", by=alice, age_days=1)
    _submitted(organisation=utrecht, title="Lang wachtend", by=alice, age_days=9, with_parts=True)
    _submitted(organisation=utrecht, title="Middel", by=alice, age_days=4)
    make_case(organisation=utrecht, title="Nog concept", status="draft")
    make_case(organisation=utrecht, title="Al gepubliceerd", status="published")

    queue = _section(_home(client_for(cora)), "review-queue")

    titles = re.findall(r'<a href="/cases/\d+/">([^<]+)</a>', queue)
    assert titles == ["Lang wachtend", "Middel", "Nieuw ingediend"]
    rows = queue.split("<tr>")[2:]
    assert "100%" in rows[0] and "ontbreken" not in rows[0]
    assert "0%" in rows[1] and "7 onderdelen ontbreken" in rows[1]


def test_the_review_queue_names_the_deviations_from_adopted_directions(
    client_for, alice, cora, utrecht
):
    from cases.alignment import do_explain
    from cases.models_alignment import GuidanceRule

    r1 = make_direction(code="R1", title="Bewezen technologie", status="adopted")
    GuidanceRule.objects.create(direction=r1, property="maturity", values=["proven"])
    explained = make_case(organisation=utrecht, title="Uitgelegd", status="draft", with_parts=True)
    unexplained = make_case(organisation=utrecht, title="Niet uitgelegd", with_parts=True)
    for case in (explained, unexplained):
        case.choices.filter(layer__code="algorithms").update(maturity="experimental")
    choice = explained.choices.get(layer__code="algorithms")
    do_explain(choice=choice, direction=r1, text="Een proef van drie maanden.", by=alice)
    do_case_step(explained, "submit", by=alice)
    Case.objects.filter(pk=unexplained.pk).update(status=Case.Status.SUBMITTED)
    make_case(organisation=utrecht, title="Volgt", status="submitted", with_parts=True)

    queue = _section(_home(client_for(cora)), "review-queue")
    rows = {re.search(r">([^<]+)</a>", row).group(1): row for row in queue.split("<tr>")[2:]}
    assert "R1" in rows["Uitgelegd"] and "niet uitgelegd" not in rows["Uitgelegd"]
    assert "R1" in rows["Niet uitgelegd"] and "niet uitgelegd" in rows["Niet uitgelegd"]
    assert "R1" not in rows["Volgt"] and "geen" in rows["Volgt"]


def test_coordinator_with_nothing_to_review_is_told_so(client_for, cora):
    queue = _section(_home(client_for(cora)), "review-queue")
    assert "Er wachten geen casussen op beoordeling." in queue


def test_coordinator_sees_sessions_to_prepare_and_to_close(client_for, cora):
    make_session(directions=[make_direction()], state="draft", title="Voorbereiden")
    open_one = make_session(directions=[make_direction()], state="open", title="Te sluiten")
    open_one.deadline = timezone.now() - timedelta(hours=1)
    open_one.save()
    page = _home(client_for(cora))
    assert "Voorbereiden" in _section(page, "draft-sessions")
    to_close = _section(page, "open-sessions")
    assert "Te sluiten" in to_close and "de deadline is verstreken" in to_close
    assert f'href="/sessions/{open_one.pk}/close/"' in to_close
    assert "0 bestuurders hebben gestemd" in to_close


def test_coordinator_sees_outcomes_whose_review_date_is_near_or_past(client_for, cora):
    soon, past, far = make_direction(code="R1"), make_direction(code="R2"), make_direction(code="R3")
    session = make_session(directions=[soon, past, far], state="open")
    session = do_session_step(session, "close", by=cora)
    today = timezone.localdate()
    do_record_outcome(session=session, direction=soon, decision="adopted",
                      review_date=today + timedelta(days=10))
    do_record_outcome(session=session, direction=past, decision="rejected",
                      review_date=today - timedelta(days=2))
    do_record_outcome(session=session, direction=far, decision="adopted",
                      review_date=today + timedelta(days=200))

    due = _section(_home(client_for(cora)), "reviews-due")

    codes = re.findall(r">(R\d) ", due)
    assert codes == ["R2", "R1"]  # the past one first; the far one not yet
    assert due.count("(verstreken)") == 1


# --- Civil servant -----------------------------------------------------------------


def test_civil_servant_sees_cases_sent_back_with_the_remark_and_drafts_with_what_is_missing(
    client_for, alice, bob, cora, utrecht, zuid_holland
):
    returned = make_case(organisation=utrecht, title="Terug", status="draft", with_parts=True)
    do_case_step(returned, "submit", by=alice)
    do_case_step(returned, "send_back", by=cora, remark="De datalaag ontbreekt nog.")
    draft = make_case(organisation=utrecht, title="Half af", status="draft")
    make_choice(case=draft, layer=Layer.objects.get(code="data"))
    make_case(organisation=zuid_holland, title="Van Zuid-Holland", status="draft")

    page = _home(client_for(alice))

    sent_back = _section(page, "sent-back")
    assert "Terug" in sent_back and "De datalaag ontbreekt nog." in sent_back
    assert "Teruggestuurd" in sent_back
    drafts = _section(page, "own-drafts")
    assert "Half af" in drafts and "Terug" not in drafts
    assert "14% volledig" in drafts  # 1 of 4 layers and 3 role analyses
    assert "een keuze in de laag “Harde infrastructuur”" in drafts
    assert "een keuze in de laag “Datacollectie”" not in drafts
    assert "de rolanalyse “Markt”" in drafts
    assert "Van Zuid-Holland" not in page
    assert '<a class="button button--primary" href="/cases/new/">Nieuwe casus</a>' in page
    # Bob, of another province, sees none of Utrecht's work
    bob_page = _home(client_for(bob))
    assert "Terug" not in bob_page and "Half af" not in bob_page
    assert "Van Zuid-Holland" in _section(bob_page, "own-drafts")


def test_the_sent_back_mark_goes_once_the_case_is_submitted_again(client_for, alice, cora, utrecht):
    case = make_case(organisation=utrecht, title="Terug", status="draft", with_parts=True)
    do_case_step(case, "submit", by=alice)
    do_case_step(case, "send_back", by=cora, remark="Aanvullen.")
    do_case_step(case, "submit", by=alice)
    page = _home(client_for(alice))
    assert 'aria-labelledby="sent-back"' not in page
    listing = client_for(cora).get("/cases/").content.decode()
    assert "Teruggestuurd" not in listing


def test_the_case_list_marks_a_case_sent_back(client_for, alice, cora, utrecht):
    case = make_case(organisation=utrecht, title="Terug", status="draft", with_parts=True)
    do_case_step(case, "submit", by=alice)
    do_case_step(case, "send_back", by=cora, remark="Aanvullen.")
    listing = client_for(alice).get("/cases/").content.decode()
    assert "Teruggestuurd" in listing


def test_others_have_no_new_case_button_and_no_review_queue(client_for, erik, olga):
    for persona in (erik, olga):
        page = _home(client_for(persona))
        assert "/cases/new/" not in page
        assert 'aria-labelledby="review-queue"' not in page
        assert 'aria-labelledby="sent-back"' not in page


# --- Executive -----------------------------------------------------------------------


def test_executive_sees_open_sessions_with_deadline_and_whether_the_ballot_is_complete(
    client_for, erik
):
    first, second = make_direction(code="R1"), make_direction(code="R2")
    done = make_session(directions=[first], state="open", title="Klaar")
    todo = make_session(directions=[first, second], state="open", title="Nog doen")
    todo.deadline = timezone.make_aware(timezone.datetime(2026, 12, 20, 17, 0))
    todo.save()
    make_session(directions=[first], state="draft", title="Nog niet open")
    make_vote(session=done, direction=first, executive=erik)
    make_vote(session=todo, direction=first, executive=erik)

    sessions = _section(_home(client_for(erik)), "open-sessions")

    cards = sessions.split('<li class="ballot-row">')[1:]
    assert "Nog doen" in cards[0] and "Klaar" in cards[1]  # the deadline first
    assert "Sluit op 20 december 2026 17:00" in cards[0]
    assert "Uw stembiljet is nog niet compleet" in cards[0]
    assert "U heeft op 1 van de 2 richtingen gestemd." in cards[0]
    assert "Uw stembiljet is compleet" in cards[1]
    assert "Geen deadline" in cards[1]
    assert "Nog niet open" not in sessions
    assert "/close/" not in sessions  # closing is the coordinator's


# --- Queries -------------------------------------------------------------------------


def _count(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_home_queues_run_a_fixed_number_of_queries(client_for, alice, cora, erik, utrecht):
    def add(n):
        for i in range(n):
            _submitted(organisation=utrecht, title=None, by=alice, age_days=i % 5)
            make_case(organisation=utrecht, status="draft", with_parts=bool(i % 2))
            direction = make_direction()
            session = make_session(directions=[direction], state="open")
            make_vote(session=session, direction=direction, executive=erik)
            make_session(directions=[direction], state="draft")

    add(2)
    closed = do_session_step(make_session(directions=[make_direction()], state="open"), "close",
                             by=cora)
    do_record_outcome(session=closed, direction=closed.directions.first(), decision="adopted",
                      review_date=timezone.localdate())
    counts = {name: _count(client_for(p)) for name, p in (("a", alice), ("c", cora), ("e", erik))}
    add(12)
    for name, persona in (("a", alice), ("c", cora), ("e", erik)):
        assert _count(client_for(persona)) == counts[name], name
