"""Board sessions: preparing, opening and closing them; the ballot (votes in
place, the points budget, refusals, secrecy per persona, votes racing each
other and the close on PostgreSQL); the results page and the outcomes."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.models import AgendaItem, BoardSession, Direction, Outcome, Vote
from cases.results import turnout
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


# The ballot

SECRET_REASON = "Geheime-motivering-van-een-ander"


@pytest.fixture
def agenda(db):
    return [make_direction(code=f"R{i}", title=f"Richting {i}") for i in (1, 2, 3)]


@pytest.fixture
def open_session(agenda):
    return make_session(directions=agenda, title="Open sessie")


def ballot_url(session):
    return f"/sessions/{session.pk}/ballot/"


def vote_url(session, code):
    return f"/sessions/{session.pk}/ballot/{code}/"


def ballot_data(direction, position="support", points="0", reason=""):
    prefix = f"d{direction.pk}"
    return {f"{prefix}-position": position, f"{prefix}-points": points, f"{prefix}-reason": reason}


# Saving a row


def test_executive_sees_a_row_per_agenda_direction_with_own_vote_and_points_left(
    client_for, erik, open_session, agenda
):
    make_vote(
        session=open_session, direction=agenda[1], executive=erik, points=4, reason="Mijn reden"
    )
    response = client_for(erik).get(ballot_url(open_session))
    assert response.status_code == 200
    html = response.content.decode()
    for direction in agenda:
        assert f'id="ballot-{direction.code}"' in html
        assert f'hx-post="{vote_url(open_session, direction.code)}"' in html
    # one form for the whole ballot, saved in one go
    assert html.count("<form id=\"ballot\"") == 1
    assert f'action="{ballot_url(open_session)}"' in html
    assert "Mijn stembiljet opslaan" in html
    assert "U heeft nog <strong>6</strong> van de 10 prioriteitspunten te verdelen." in html
    assert "Mijn reden" in html
    assert f'name="d{agenda[1].pk}-points" value="4"' in html
    assert "<legend>Uw standpunt over R1" in html


def test_saving_a_row_without_javascript_redirects_back_with_a_message(
    client_for, erik, open_session, agenda
):
    client = client_for(erik)
    response = client.post(
        vote_url(open_session, "R1"), ballot_data(agenda[0], "strongly_support", "3", "Goed plan")
    )
    assert response.status_code == 302
    assert response["Location"] == f"{ballot_url(open_session)}#ballot-R1"
    vote = Vote.objects.get(session=open_session, executive=erik)
    assert (vote.direction, vote.position, vote.points, vote.reason) == (
        agenda[0],
        "strongly_support",
        3,
        "Goed plan",
    )
    page = client.get(ballot_url(open_session)).content.decode()
    assert "Uw stem op R1 is opgeslagen." in page
    assert "U heeft nog <strong>7</strong> van de 10" in page


def test_saving_a_row_with_htmx_returns_the_row_and_the_points_left_out_of_band(
    client_for, erik, open_session, agenda
):
    response = client_for(erik).post(
        vote_url(open_session, "R2"), ballot_data(agenda[1], "oppose", "2"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="ballot-R2"')
    assert "Uw stem op R2 is opgeslagen" in html
    assert 'id="points-left" hx-swap-oob="innerHTML"' in html
    assert "U heeft nog <strong>8</strong> van de 10" in html
    assert "<html" not in html  # only the fragment
    assert Vote.objects.get(executive=erik).position == "oppose"


def test_changing_a_vote_replaces_it(client_for, erik, open_session, agenda):
    client = client_for(erik)
    client.post(vote_url(open_session, "R1"), ballot_data(agenda[0], "support", "5"))
    client.post(vote_url(open_session, "R1"), ballot_data(agenda[0], "strongly_oppose", "1"))
    vote = Vote.objects.get(session=open_session, executive=erik)
    assert (vote.position, vote.points) == ("strongly_oppose", 1)


# The points budget and bad input


def test_more_than_ten_points_over_the_session_is_refused_next_to_the_field(
    client_for, erik, open_session, agenda
):
    make_vote(session=open_session, direction=agenda[0], executive=erik, points=7)
    response = client_for(erik).post(
        vote_url(open_session, "R2"),
        ballot_data(agenda[1], "support", "4", "Mijn getypte reden"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_d{agenda[1].pk}-points_error"' in html
    assert "U heeft nog 3 van de 10 punten over; 4 punten is te veel." in html
    # the typed values are kept
    assert f'name="d{agenda[1].pk}-points" value="4"' in html
    assert "Mijn getypte reden" in html
    assert f'value="support" required id="id_d{agenda[1].pk}-position_1" checked' in html
    assert "U heeft nog <strong>3</strong> van de 10" in html
    assert not Vote.objects.filter(direction=agenda[1]).exists()


def test_over_budget_without_javascript_shows_the_whole_ballot_with_the_error(
    client_for, erik, open_session, agenda
):
    make_vote(session=open_session, direction=agenda[0], executive=erik, points=10)
    response = client_for(erik).post(
        vote_url(open_session, "R3"), ballot_data(agenda[2], "support", "1")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and 'id="ballot-R1"' in html
    assert "U heeft nog 0 van de 10 punten over; 1 punt is te veel." in html
    assert "1 punten" not in html


# The whole ballot in one save


def whole_ballot(*rows, row=""):
    data = {"row": row}
    for direction, position, points, reason in rows:
        data.update(ballot_data(direction, position, points, reason))
    return data


def test_saving_the_whole_ballot_stores_every_row_filled_in(client_for, erik, open_session, agenda):
    client = client_for(erik)
    data = whole_ballot(
        (agenda[0], "support", "3", "Een"),
        (agenda[1], "strongly_oppose", "5", "Twee"),
        (agenda[2], "", "0", ""),  # untouched: stays unvoted, no error
    )
    response = client.post(ballot_url(open_session), data)
    assert response.status_code == 302
    assert response["Location"] == ballot_url(open_session)
    votes = {
        v.direction.code: (v.position, v.points, v.reason)
        for v in Vote.objects.filter(session=open_session, executive=erik)
    }
    assert votes == {"R1": ("support", 3, "Een"), "R2": ("strongly_oppose", 5, "Twee")}
    page = client.get(ballot_url(open_session)).content.decode()
    assert "Uw stembiljet is opgeslagen: 2 richtingen." in page
    assert "U heeft nog <strong>2</strong> van de 10" in page


def test_the_whole_ballot_may_move_points_between_directions(
    client_for, erik, open_session, agenda
):
    make_vote(session=open_session, direction=agenda[0], executive=erik, points=10)
    data = whole_ballot((agenda[0], "support", "0", ""), (agenda[1], "support", "10", ""))
    response = client_for(erik).post(ballot_url(open_session), data)
    assert response.status_code == 302
    points = dict(Vote.objects.values_list("direction__code", "points"))
    assert points == {"R1": 0, "R2": 10}


def test_a_whole_ballot_over_budget_saves_nothing_and_keeps_the_input(
    client_for, erik, open_session, agenda
):
    data = whole_ballot(
        (agenda[0], "support", "6", "Mijn eerste reden"), (agenda[1], "oppose", "5", "")
    )
    response = client_for(erik).post(ballot_url(open_session), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Uw stembiljet verdeelt 11 punten; u heeft er 10." in html
    assert "Er is niets opgeslagen; uw invoer staat hieronder nog." in html
    assert "Mijn eerste reden" in html
    assert f'name="d{agenda[1].pk}-points" value="5"' in html
    assert html.count("data-unsaved") == 2  # every posted row is marked unsaved
    assert not Vote.objects.exists()


def test_one_bad_row_in_the_whole_ballot_saves_nothing(client_for, erik, open_session, agenda):
    data = whole_ballot(
        (agenda[0], "support", "3", "Goed"),
        (agenda[1], "", "2", "Punten zonder standpunt"),
    )
    response = client_for(erik).post(ballot_url(open_session), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kies een standpunt." in html
    assert "Punten zonder standpunt" in html and "Goed" in html
    assert not Vote.objects.exists()


def test_an_empty_whole_ballot_says_nothing_was_saved(client_for, erik, open_session, agenda):
    client = client_for(erik)
    response = client.post(ballot_url(open_session), whole_ballot(), follow=True)
    assert "U heeft nog geen richting ingevuld; er is niets opgeslagen." in response.content.decode()
    assert not Vote.objects.exists()


def test_the_whole_ballot_after_the_close_is_refused_with_the_input_kept(
    client_for, erik, open_session, agenda
):
    actions.do_session_step(open_session, "close", by=make_coordinator())
    data = whole_ballot((agenda[0], "support", "1", "Te laat"))
    response = client_for(erik).post(ballot_url(open_session), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deze sessie is niet open voor stemmen." in html and "Te laat" in html
    assert not Vote.objects.exists()


def test_one_point_too_many_is_one_point(client_for, erik, open_session, agenda):
    make_vote(session=open_session, direction=agenda[0], executive=erik, points=10)
    response = client_for(erik).post(
        vote_url(open_session, "R2"), ballot_data(agenda[1], "support", "1"), HTTP_HX_REQUEST="true"
    )
    assert "U heeft nog 0 van de 10 punten over; 1 punt is te veel." in response.content.decode()


@pytest.mark.parametrize(
    ("position", "points", "message"),
    [
        ("maybe", "1", "Kies een van de vijf standpunten."),
        ("", "1", "Kies een standpunt."),
        ("support", "-1", "Geef 0 of meer punten."),
        ("support", "11", "Geef hoogstens 10 punten."),
        ("support", "drie", "Geef een heel getal."),
        ("support", "", "Geef een aantal punten (0 mag ook)."),
    ],
)
def test_bad_ballot_input_gives_a_message_and_saves_nothing(
    client_for, erik, open_session, agenda, position, points, message
):
    response = client_for(erik).post(
        vote_url(open_session, "R1"),
        ballot_data(agenda[0], position, points, "bewaard"),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "bewaard" in html
    assert not Vote.objects.exists()


def test_a_vote_after_the_close_is_a_form_error_not_a_crash(client_for, erik, open_session, agenda):
    actions.do_session_step(open_session, "close", by=make_coordinator())
    client = client_for(erik)
    response = client.post(
        vote_url(open_session, "R1"), ballot_data(agenda[0], "support", "1"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Deze sessie is niet open voor stemmen." in response.content.decode()
    response = client.post(vote_url(open_session, "R1"), ballot_data(agenda[0], "support", "1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Deze sessie is niet open voor stemmen." in html
    assert 'value="support"' in html  # the typed values are still there
    assert not Vote.objects.exists()


def test_closed_ballot_shows_the_own_votes_read_only(client_for, erik, agenda):
    session = make_session(directions=agenda, state="closed")
    make_vote(
        session=session, direction=agenda[0], executive=erik, position="oppose", reason="Eigen"
    )
    html = client_for(erik).get(ballot_url(session)).content.decode()
    assert "Deze sessie is gesloten: de stemmen liggen vast." in html
    assert "Eigen" in html and '<section id="ballot-' not in html and 'id="ballot"' not in html


def test_a_direction_not_on_the_agenda_or_unknown_is_404(client_for, erik, open_session):
    other = make_direction(code="R9")
    client = client_for(erik)
    assert client.post(vote_url(open_session, "R9"), ballot_data(other)).status_code == 404
    assert client.post(vote_url(open_session, "NOPE"), {}).status_code == 404
    assert client.get("/sessions/999999/ballot/").status_code == 404
    assert not Vote.objects.exists()


def test_only_executives_vote(client_for, cora, alice, olga, agenda, open_session):
    closed = make_session(directions=agenda, state="closed")
    data = ballot_data(agenda[0], "support", "1")
    assert client_for(cora).get(ballot_url(open_session)).status_code == 403
    assert client_for(cora).post(vote_url(open_session, "R1"), data).status_code == 403
    # a civil servant may not even see an open session, but may see a closed one
    assert client_for(alice).post(vote_url(open_session, "R1"), data).status_code == 404
    assert client_for(alice).get(ballot_url(closed)).status_code == 403
    assert client_for(olga).post(vote_url(closed, "R1"), data).status_code == 404
    assert not Vote.objects.exists()


def test_an_executive_cannot_see_or_vote_in_a_draft_session(client_for, erik, agenda):
    draft = make_session(directions=agenda, state="draft")
    client = client_for(erik)
    assert client.get(ballot_url(draft)).status_code == 404
    assert client.post(vote_url(draft, "R1"), ballot_data(agenda[0])).status_code == 404
    assert not Vote.objects.exists()


def test_get_is_not_allowed_on_the_save_url(client_for, erik, open_session):
    assert client_for(erik).get(vote_url(open_session, "R1")).status_code == 405


# Secrecy: no page or fragment shows another executive's vote while open


def _pages(session, direction):
    return [
        "/",
        "/sessions/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/ballot/",
        f"/sessions/{session.pk}/results/",
        f"/sessions/{session.pk}/outcomes/",
        "/directions/",
        f"/directions/{direction.code}/",
        "/stack-map/",
        "/admin/cases/vote/",
        f"/admin/cases/boardsession/{session.pk}/history/",
    ]


# What each persona must be able to read in the crawl below: proof that the
# pages were read, not merely refused.
READABLE = {
    "erik": {"/", "/sessions/", "session", "ballot", "/directions/", "direction", "/stack-map/"},
    "cora": {"/", "/sessions/", "session", "/directions/", "direction", "/stack-map/"},
    "alice": {"/", "/sessions/", "/directions/", "direction", "/stack-map/"},
    "bob": {"/", "/sessions/", "/directions/", "direction", "/stack-map/"},
    "olga": {"/"},
}
OWN_REASON = "Mijn-eigen-motivering"


@pytest.mark.parametrize("persona", ["erik", "cora", "alice", "bob", "olga"])
def test_no_page_or_fragment_shows_another_executives_vote_while_open(
    request, client_for, persona, open_session, agenda, utrecht
):
    other = make_user(username="bestuurder-x", role="executive", organisation=utrecht)
    make_vote(
        session=open_session,
        direction=agenda[0],
        executive=other,
        position="strongly_oppose",
        points=9,
        reason=SECRET_REASON,
    )
    user = request.getfixturevalue(persona)
    user.is_staff = True  # the admin too must keep the secret
    user.save()
    if persona == "erik":
        make_vote(
            session=open_session, direction=agenda[1], executive=user, reason=OWN_REASON
        )
    names = {
        f"/sessions/{open_session.pk}/": "session",
        f"/sessions/{open_session.pk}/ballot/": "ballot",
        f"/directions/{agenda[0].code}/": "direction",
    }
    client = client_for(user)
    read, own_vote_seen = set(), False
    for url in _pages(open_session, agenda[0]):
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = client.get(url, **headers)
            assert response.status_code in (200, 302, 403, 404, 409), (url, response.status_code)
            html = response.content.decode()
            assert SECRET_REASON not in html, (persona, url)
            assert "Sterk tegen</td>" not in html, (persona, url)
            if response.status_code == 200:
                read.add(names.get(url, url))
                own_vote_seen |= OWN_REASON in html
    # the crawl read what this persona may read ...
    assert READABLE[persona] <= read, (persona, READABLE[persona] - read)
    # ... the voter sees their own vote, and nobody else sees it
    assert own_vote_seen == (persona == "erik")
    # the results page is refused to everyone who can see the session
    assert client.get(f"/sessions/{open_session.pk}/results/").status_code in (403, 404)


def test_executive_sees_overall_turnout_and_coordinator_per_direction(
    client_for, erik, cora, open_session, agenda, utrecht
):
    other = make_user(role="executive", organisation=utrecht)
    make_vote(session=open_session, direction=agenda[0], executive=other)
    executive_page = client_for(erik).get(f"/sessions/{open_session.pk}/").content.decode()
    assert "1 van de 2 bestuurders hebben gestemd." in executive_page
    assert "Aantal stemmen per richting" not in executive_page
    coordinator_page = client_for(cora).get(f"/sessions/{open_session.pk}/").content.decode()
    assert "1 van de 2 bestuurders hebben gestemd." in coordinator_page
    assert "Aantal stemmen per richting" in coordinator_page
    assert '<th scope="row">R1 Richting 1</th><td class="number">1</td>' in coordinator_page
    fragment = client_for(cora).get(f"/sessions/{open_session.pk}/", HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<section id="turnout"')


def test_after_the_close_everyone_with_access_sees_the_reasons(
    client_for, erik, cora, alice, open_session, agenda, utrecht
):
    other = make_user(role="executive", organisation=utrecht)
    make_vote(
        session=open_session,
        direction=agenda[0],
        executive=other,
        position="strongly_oppose",
        reason=SECRET_REASON,
    )
    actions.do_session_step(open_session, "close", by=cora)
    for user in (erik, cora, alice):
        response = client_for(user).get(f"/sessions/{open_session.pk}/results/")
        assert response.status_code == 200
        assert SECRET_REASON in response.content.decode()


# Concurrency (PostgreSQL: SQLite serialises every write, so there is no race)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writes, so concurrent votes cannot race there "
    "(run with DATABASE_URL=postgres://…)",
)


def _in_threads(functions):
    """Run the functions in parallel threads, released together; each thread
    gives its database connection back when done."""
    from django.db import connections

    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # reported below, with the test's failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twelve_executives_voting_twice_on_seven_directions_leave_84_votes(stack_basics):
    from django.db import connections

    directions = [make_direction(code=f"R{i}") for i in range(1, 8)]
    session = make_session(directions=directions)
    executives = make_executives(count=12)
    first, last = "oppose", "strongly_support"

    def ballot(executive):
        def cast():
            for position in (first, last):
                for direction in directions:
                    actions.do_cast_vote(
                        session=session,
                        executive=executive,
                        direction=direction,
                        position=position,
                        points=1,
                    )
                    connections.close_all()  # back to the pool, so 12 threads fit in it

        return cast

    errors = _in_threads([ballot(executive) for executive in executives])
    assert errors == []
    votes = Vote.objects.filter(session=session)
    assert votes.count() == 84
    assert set(votes.values_list("position", flat=True)) == {last}
    assert turnout(session)["voted"] == 12


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_vote_cast_concurrently_ends_as_one_row(stack_basics):
    direction = make_direction(code="R1")
    session = make_session(directions=[direction])
    [executive] = make_executives(count=1)
    positions = ["support", "oppose", "neutral", "strongly_support", "strongly_oppose", "support"]

    def cast(position):
        return lambda: actions.do_cast_vote(
            session=session, executive=executive, direction=direction, position=position, points=2
        )

    errors = _in_threads([cast(position) for position in positions])
    assert errors == []
    assert Vote.objects.filter(session=session).count() == 1
    assert Vote.objects.get().position in positions


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_no_vote_lands_after_a_close_that_races_the_votes(stack_basics):
    from django.db import connections

    directions = [make_direction(code=f"R{i}") for i in range(1, 8)]
    session = make_session(directions=directions)
    executives = make_executives(count=6)
    outcomes: dict[int, list[bool]] = {}

    def voter(executive):
        def cast():
            accepted = outcomes.setdefault(executive.pk, [])
            for round_ in range(6):
                for direction in directions:
                    try:
                        actions.do_cast_vote(
                            session=session,
                            executive=executive,
                            direction=direction,
                            position="support" if round_ % 2 else "oppose",
                            points=1,
                        )
                        accepted.append(True)
                    except actions.VoteRefused as refusal:
                        assert refusal.conflict
                        accepted.append(False)
                    connections.close_all()

        return cast

    frozen = {}
    coordinator = make_coordinator()

    def closer():
        import time

        # Close once some votes are in, while the voters are still going.
        deadline = time.monotonic() + 10
        while sum(sum(a) for a in list(outcomes.values())) < 10 and time.monotonic() < deadline:
            time.sleep(0.005)
        actions.do_session_step(session, "close", by=coordinator)
        frozen.update(
            {
                vote.pk: (vote.position, vote.updated_at)
                for vote in Vote.objects.filter(session=session)
            }
        )

    errors = _in_threads([voter(executive) for executive in executives] + [closer])
    assert errors == []
    session.refresh_from_db()
    assert session.state == BoardSession.State.CLOSED
    # the votes as they stood when the close returned are the votes now ...
    assert {
        vote.pk: (vote.position, vote.updated_at) for vote in Vote.objects.filter(session=session)
    } == frozen
    # ... every vote and every change of a vote was written before the close ...
    assert not Vote.objects.filter(updated_at__gt=session.closed_at).exists()
    assert not Vote.history.filter(history_date__gt=session.closed_at).exists()
    # ... and once a voter was refused, every later attempt was refused too
    for accepted in outcomes.values():
        assert accepted == sorted(accepted, reverse=True)
    # The race did happen: votes were accepted before the close and refused after it.
    attempts = [result for accepted in outcomes.values() for result in accepted]
    assert any(attempts) and not all(attempts), (attempts.count(True), attempts.count(False))
    assert len(frozen) > 0


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
    assert counts[0] <= 16  # with the unread notifications in the header


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


def test_results_say_one_vote_and_one_point_in_the_singular(client_for, erik, agenda):
    session = make_session(directions=agenda, state="closed")
    make_vote(session=session, direction=agenda[0], executive=erik, position="support", points=1)
    html = client_for(erik).get(f"/sessions/{session.pk}/results/").content.decode()
    assert "1 stem, 1 prioriteitspunt (plaats 1)." in html
    assert "1 stemmen" not in html and "1 prioriteitspunten" not in html
