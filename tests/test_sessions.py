"""Board sessions: preparing, opening and closing them, the results page and
recording outcomes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.models import AgendaItem, BoardSession, Direction, Outcome
from tests.factories import (
    make_coordinator,
    make_direction,
    make_executives,
    make_session,
    make_user,
    make_vote,
)


@pytest.fixture
def directions(db):
    return [make_direction(code=f"R{i}", title=f"Richting {i}") for i in (1, 2, 3)]


def session_data(directions, places, **fields):
    data = {"title": "Najaarssessie", "date": "2026-11-20", "description": "Over de koers."}
    data.update(fields)
    for direction, place in zip(directions, places, strict=True):
        data[f"agenda_{direction.pk}"] = "" if place is None else str(place)
    return data


# The list


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("cora", ["Concept", "Gesloten", "Open"]),
        ("erik", ["Gesloten", "Open"]),
        ("alice", ["Gesloten"]),
        ("olga", []),
    ],
)
def test_session_list_per_role(request, client_for, directions, persona, visible):
    for title, state in (("Concept", "draft"), ("Open", "open"), ("Gesloten", "closed")):
        make_session(directions=directions, state=state, title=title)
    html = client_for(request.getfixturevalue(persona)).get("/sessions/").content.decode()
    shown = sorted(t for t in ("Concept", "Gesloten", "Open") if f">{t}</a>" in html)
    assert shown == visible
    assert ("Nieuwe sessie" in html) == (persona == "cora")


# Creating and editing


def test_coordinator_creates_a_session_with_an_ordered_agenda(client_for, cora, directions):
    response = client_for(cora).post("/sessions/new/", session_data(directions, [2, None, 1]))
    session = BoardSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    assert (session.title, str(session.date), session.state) == (
        "Najaarssessie",
        "2026-11-20",
        "draft",
    )
    assert session.created_by == cora
    assert [(i.position, i.direction.code) for i in session.agenda_items.all()] == [
        (1, "R3"),
        (2, "R1"),
    ]


def test_session_form_errors_are_shown_and_typed_values_kept(client_for, cora, directions):
    data = session_data(directions, [1, 1, "x"], title="", date="morgen")
    response = client_for(cora).post("/sessions/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dit veld is vereist." in html
    assert 'value="morgen"' in html
    assert "Plaats 1 is al gegeven aan R1." in html
    assert "Geef een heel getal." in html
    assert 'value="Over de koers."' in html or "Over de koers.</textarea>" in html
    assert not BoardSession.objects.exists()


def test_editing_a_draft_reorders_the_agenda(client_for, cora, directions):
    session = make_session(directions=directions, state="draft")
    client_for(cora).post(f"/sessions/{session.pk}/edit/", session_data(directions, [3, 2, None]))
    assert [i.direction.code for i in session.agenda_items.all()] == ["R2", "R1"]


def test_the_agenda_of_an_open_session_is_locked(client_for, cora, directions):
    session = make_session(directions=directions[:2])
    response = client_for(cora).post(
        f"/sessions/{session.pk}/edit/", session_data(directions, [None, None, 1], title="Nieuw")
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.title == "Nieuw"
    assert [i.direction.code for i in session.agenda_items.all()] == ["R1", "R2"]


@pytest.mark.parametrize("persona", ["erik", "alice", "olga"])
def test_only_coordinators_create_and_edit_sessions(request, client_for, directions, persona):
    session = make_session(directions=directions, state="closed", title="Oud")
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/sessions/new/").status_code == 403
    assert client.post("/sessions/new/", session_data(directions, [1, 2, 3])).status_code == 403
    expected = 404 if persona == "olga" else 403  # olga may not even see the session
    assert client.post(f"/sessions/{session.pk}/edit/", {"title": "X"}).status_code == expected
    assert BoardSession.objects.get().title == "Oud"


# Opening and closing


def test_coordinator_opens_after_confirming(client_for, cora, directions):
    session = make_session(directions=directions, state="draft")
    client = client_for(cora)
    confirm = client.get(f"/sessions/{session.pk}/open/")
    assert confirm.status_code == 200
    assert "Ja, open de sessie" in confirm.content.decode()
    session.refresh_from_db()
    assert session.state == "draft"  # a GET changes nothing
    response = client.post(f"/sessions/{session.pk}/open/")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == "open" and session.opened_at is not None


def test_opening_without_agenda_or_twice_is_refused_with_a_message(client_for, cora):
    empty = make_session(directions=[], state="draft")
    response = client_for(cora).post(f"/sessions/{empty.pk}/open/")
    assert response.status_code == 409
    assert "Zet eerst ontwikkelrichtingen op de agenda." in response.content.decode()
    empty.refresh_from_db()
    assert empty.state == "draft"
    already = make_session(directions=[make_direction()], state="open")
    response = client_for(cora).post(f"/sessions/{already.pk}/open/")
    assert response.status_code == 409
    assert "Alleen een sessie in voorbereiding kan worden geopend." in response.content.decode()


def test_coordinator_closes_and_lands_on_the_results(client_for, cora, erik, directions):
    session = make_session(directions=directions)
    make_vote(session=session, direction=directions[0], executive=erik)
    client = client_for(cora)
    confirm = client.get(f"/sessions/{session.pk}/close/").content.decode()
    assert "1 van de 1 bestuurders hebben gestemd." in confirm
    response = client.post(f"/sessions/{session.pk}/close/")
    assert (
        response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/results/"
    )
    session.refresh_from_db()
    assert session.state == "closed"
    assert client.post(f"/sessions/{session.pk}/close/").status_code == 409


@pytest.mark.parametrize("persona", ["erik", "alice"])
def test_only_coordinators_open_and_close(request, client_for, directions, persona):
    session = make_session(directions=directions, state="open")
    client = client_for(request.getfixturevalue(persona))
    expected = 403 if persona == "erik" else 404  # a civil servant cannot see an open session
    assert client.post(f"/sessions/{session.pk}/close/").status_code == expected
    assert client.get(f"/sessions/{session.pk}/close/").status_code == expected
    session.refresh_from_db()
    assert session.state == "open"


def test_session_page_shows_agenda_and_actions_per_role(client_for, cora, erik, directions):
    session = make_session(directions=directions)
    coordinator = client_for(cora).get(f"/sessions/{session.pk}/").content.decode()
    assert "Sessie sluiten" in coordinator and "Naar uw stembiljet" not in coordinator
    executive = client_for(erik).get(f"/sessions/{session.pk}/").content.decode()
    assert "Naar uw stembiljet" in executive and "Sessie sluiten" not in executive
    assert "U heeft op 0 van de 3 richtingen gestemd." in executive
    assert executive.index("R1 Richting 1") < executive.index("R3 Richting 3")


def test_unknown_session_is_404(client_for, cora):
    assert client_for(cora).get("/sessions/999999/").status_code == 404


# Results


@pytest.fixture
def closed_session(directions, utrecht):
    session = make_session(directions=directions, title="Voorjaarssessie")
    voters = [make_user(role="executive", organisation=utrecht) for _ in range(3)]
    make_vote(
        session=session,
        direction=directions[0],
        executive=voters[0],
        position="strongly_support",
        points=5,
        reason="Bewezen techniek",
    )
    make_vote(
        session=session,
        direction=directions[0],
        executive=voters[1],
        position="strongly_oppose",
        points=1,
        reason="Te star",
    )
    make_vote(
        session=session, direction=directions[1], executive=voters[0], position="support", points=3
    )
    make_vote(
        session=session, direction=directions[1], executive=voters[1], position="support", points=2
    )
    actions.do_session_step(session, "close", by=make_coordinator())
    return session


@pytest.mark.parametrize("persona", ["cora", "erik", "alice", "bob"])
def test_results_after_close_for_everyone_with_access(request, client_for, closed_session, persona):
    response = client_for(request.getfixturevalue(persona)).get(
        f"/sessions/{closed_session.pk}/results/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    eligible = 4 if persona == "erik" else 3  # erik is an executive too
    assert f"2 van de {eligible} bestuurders hebben gestemd." in html
    assert "De overeenstemming is 1 min de spreiding" in html  # the definition, in one sentence
    # R1: one strongly for and one strongly against: agreement 0; R2 unanimous: 1
    assert '<td class="number">0,00</td>' in html and '<td class="number">1,00</td>' in html
    assert "Bewezen techniek" in html and "Te star" in html
    assert 'data-chart="distribution-chart"' in html and 'data-chart="ranking-chart"' in html


def test_results_are_secret_while_open_even_for_coordinators(
    client_for, cora, erik, olga, directions
):
    session = make_session(directions=directions)
    make_vote(session=session, direction=directions[0], executive=erik, reason="Nog geheim")
    for user in (cora, erik):
        response = client_for(user).get(f"/sessions/{session.pk}/results/")
        assert response.status_code == 403
        html = response.content.decode()
        assert "De uitslag is zichtbaar nadat de sessie is gesloten." in html
        assert "Nog geheim" not in html and "data-chart" not in html
    assert client_for(olga).get(f"/sessions/{session.pk}/results/").status_code == 404


def test_results_page_runs_the_same_queries_for_12_and_40_executives(client_for, cora, utrecht):
    def closed_with(executives: int) -> BoardSession:
        directions = [make_direction() for _ in range(7)]
        session = make_session(directions=directions)
        for executive in make_executives(count=executives, organisation=utrecht):
            for direction in directions:
                make_vote(
                    session=session,
                    direction=direction,
                    executive=executive,
                    points=1,
                    reason="Omdat",
                )
        actions.do_session_step(session, "close", by=make_coordinator())
        return session

    client = client_for(cora)
    small, large = closed_with(12), closed_with(40)
    counts = []
    for session in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/sessions/{session.pk}/results/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 15


# Outcomes


def outcome_data(direction, decision="adopted", statement="", review_date=""):
    prefix = f"o{direction.pk}"
    return {
        f"{prefix}-decision": decision,
        f"{prefix}-statement": statement,
        f"{prefix}-review_date": review_date,
    }


def test_coordinator_records_an_outcome_and_the_direction_follows(
    client_for, cora, erik, closed_session, directions
):
    client = client_for(cora)
    page = client.get(f"/sessions/{closed_session.pk}/outcomes/")
    assert page.status_code == 200 and 'id="outcome-R1"' in page.content.decode()
    response = client.post(
        f"/sessions/{closed_session.pk}/outcomes/R1/",
        outcome_data(directions[0], "amended", "Met een evaluatie na een jaar.", "2027-06-01"),
    )
    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert (outcome.decision, str(outcome.review_date), outcome.recorded_by) == (
        "amended",
        "2027-06-01",
        cora,
    )
    assert Direction.objects.get(code="R1").status == "adopted"
    # the results page and the direction page show it
    results = client_for(erik).get(f"/sessions/{closed_session.pk}/results/").content.decode()
    assert "Geamendeerd aangenomen" in results and "Met een evaluatie na een jaar." in results
    direction = client_for(erik).get("/directions/R1/").content.decode()
    assert "Geamendeerd aangenomen" in direction and "Met een evaluatie na een jaar." in direction


def test_recording_an_outcome_in_place_with_htmx(client_for, cora, closed_session, directions):
    response = client_for(cora).post(
        f"/sessions/{closed_session.pk}/outcomes/R2/",
        outcome_data(directions[1], "deferred"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="outcome-R2"')
    assert "Het besluit over R2 is vastgelegd." in html
    assert Direction.objects.get(code="R2").status == "deferred"


@pytest.mark.parametrize(
    ("decision", "review_date", "message"),
    [
        ("", "", "Kies een besluit."),
        ("approved", "", "Kies een van de besluiten uit de lijst."),
        ("adopted", "volgend jaar", "Geef een geldige datum, bijvoorbeeld 2027-06-01."),
    ],
)
def test_bad_outcome_input_is_shown_and_kept(
    client_for, cora, closed_session, directions, decision, review_date, message
):
    response = client_for(cora).post(
        f"/sessions/{closed_session.pk}/outcomes/R1/",
        outcome_data(directions[0], decision, "Getypte toelichting", review_date),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Getypte toelichting" in html
    assert not Outcome.objects.exists()


def test_outcomes_wait_for_the_close(client_for, cora, directions):
    session = make_session(directions=directions)
    client = client_for(cora)
    assert client.get(f"/sessions/{session.pk}/outcomes/").status_code == 409
    response = client.post(f"/sessions/{session.pk}/outcomes/R1/", outcome_data(directions[0]))
    assert response.status_code == 409
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("persona", ["erik", "alice"])
def test_only_coordinators_record_outcomes(
    request, client_for, closed_session, directions, persona
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/sessions/{closed_session.pk}/outcomes/").status_code == 403
    response = client.post(
        f"/sessions/{closed_session.pk}/outcomes/R1/", outcome_data(directions[0])
    )
    assert response.status_code == 403
    assert not Outcome.objects.exists()


def test_outcome_for_a_direction_not_on_the_agenda_is_404(client_for, cora, closed_session):
    other = make_direction(code="R9")
    response = client_for(cora).post(
        f"/sessions/{closed_session.pk}/outcomes/R9/", outcome_data(other)
    )
    assert response.status_code == 404
    assert not AgendaItem.objects.filter(direction=other).exists()


def test_session_pages_and_lists_run_a_fixed_number_of_queries(client_for, cora, erik, utrecht):
    def world(directions_count: int, executives: int) -> dict:
        directions = [make_direction() for _ in range(directions_count)]
        sessions = {
            state: make_session(directions=directions, state="open") for state in ("open", "closed")
        }
        for executive in [erik, *make_executives(count=executives, organisation=utrecht)]:
            for direction in directions:
                for session in sessions.values():
                    make_vote(session=session, direction=direction, executive=executive, points=1)
        sessions["closed"] = actions.do_session_step(sessions["closed"], "close", by=cora)
        make_session(directions=directions, state="draft")
        return sessions

    def measure(sessions: dict) -> list[int]:
        counts = []
        for user, url in [
            (erik, "/sessions/"),
            (erik, f"/sessions/{sessions['open'].pk}/"),
            (erik, f"/sessions/{sessions['open'].pk}/ballot/"),
            (cora, f"/sessions/{sessions['open'].pk}/"),
            (cora, f"/sessions/{sessions['closed'].pk}/outcomes/"),
            (cora, "/directions/"),
        ]:
            client = client_for(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200, url
            counts.append(len(queries))
        return counts

    small = measure(world(2, 2))
    large = measure(world(7, 15))
    assert small == large
