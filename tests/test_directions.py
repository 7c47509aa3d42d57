"""Directions: list and detail with their evidence and voting history, and
coordinators editing them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.models import BoardSession, Direction, Layer, LayerMeaning
from cases.results import direction_history
from tests.factories import (
    make_case,
    make_choice,
    make_direction,
    make_session,
    make_user,
    make_vote,
)


@pytest.fixture
def direction(utrecht):
    direction = make_direction(code="R1", title="Voortbouwen op bewezen technologie")
    direction.explanation = "Liever beproefd dan nieuw."
    direction.save()
    LayerMeaning.objects.create(
        direction=direction, layer=Layer.objects.get(code="data"), text="Open standaarden."
    )
    published = make_case(organisation=utrecht, title="Logistieke monitor")
    draft = make_case(organisation=utrecht, title="Geheime schets", status="draft")
    direction.evidence_cases.set([published, draft])
    direction.evidence_choices.set(
        [
            make_choice(case=published, title="Dashboard uit de standaardsoftware"),
            make_choice(case=draft, title="Keuze in concept"),
        ]
    )
    return direction


def test_direction_list_shows_code_title_and_status(client_for, erik, direction):
    make_direction(code="R2", title="Samen met kennisinstellingen", status="adopted")
    html = client_for(erik).get("/directions/").content.decode()
    assert '<a href="/directions/R1/">Voortbouwen op bewezen technologie</a>' in html
    assert "Aangenomen" in html and "Voorgesteld" in html
    assert "Nieuwe ontwikkelrichting" not in html


def test_nobody_without_a_role_sees_directions(client_for, olga, direction):
    assert "Voortbouwen" not in client_for(olga).get("/directions/").content.decode()
    assert client_for(olga).get("/directions/R1/").status_code == 404


def test_direction_page_shows_meaning_per_layer_and_visible_evidence(client_for, erik, direction):
    response = client_for(erik).get("/directions/R1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Liever beproefd dan nieuw." in html
    assert "Open standaarden." in html
    assert html.count("Nog niet beschreven.") == 3  # the other three layers
    choice = direction.evidence_choices.get(title="Dashboard uit de standaardsoftware")
    assert f'href="{choice.get_absolute_url()}"' in html
    assert "Logistieke monitor" in html
    # an executive does not see draft cases, not even as evidence
    assert "Geheime schets" not in html and "Keuze in concept" not in html
    assert "Bewerken" not in html


def test_coordinator_sees_all_evidence_and_the_edit_link(client_for, cora, direction):
    html = client_for(cora).get("/directions/R1/").content.decode()
    assert "Geheime schets" in html and "Keuze in concept" in html
    assert 'href="/directions/R1/edit/"' in html


def test_unknown_direction_is_404(client_for, erik, db):
    assert client_for(erik).get("/directions/R404/").status_code == 404


def test_voting_history_shows_closed_numbers_and_hides_open_ones(
    client_for, erik, cora, direction, utrecht
):
    other = make_user(role="executive", organisation=utrecht)
    closed = make_session(directions=[direction], title="Eerste ronde")
    make_vote(session=closed, direction=direction, executive=other, position="support", points=4)
    make_vote(session=closed, direction=direction, executive=erik, position="support", points=2)
    closed = actions.do_session_step(closed, "close", by=cora)
    actions.do_record_outcome(
        session=closed, direction=direction, decision="deferred", statement="Eerst een pilot."
    )
    running = make_session(directions=[direction], title="Tweede ronde")
    make_vote(
        session=running, direction=direction, executive=other, position="oppose", reason="Verborgen"
    )
    html = client_for(erik).get("/directions/R1/").content.decode()
    assert "Eerste ronde" in html and "Tweede ronde" in html
    assert "De stemming loopt; de uitslag is zichtbaar na het sluiten." in html
    assert "Verborgen" not in html
    assert "Aangehouden" in html and "Eerst een pilot." in html
    history = direction_history(direction, BoardSession.objects.visible_to(erik))
    assert [r.session.title for r in history] == ["Tweede ronde", "Eerste ronde"]  # newest first
    by_title = {r.session.title: r for r in history}
    assert by_title["Tweede ronde"].counts is None  # secret while open
    assert by_title["Eerste ronde"].counts["support"] == 2
    assert (by_title["Eerste ronde"].points, by_title["Eerste ronde"].agreement) == (6, 1.0)


def test_a_civil_servant_sees_only_closed_sessions_in_the_history(client_for, alice, direction):
    make_session(directions=[direction], title="Nog open")
    html = client_for(alice).get("/directions/R1/").content.decode()
    assert "Nog open" not in html


def test_direction_page_runs_a_fixed_number_of_queries(client_for, cora, direction, utrecht):
    client = client_for(cora)

    def add_sessions(n):
        for i in range(n):
            session = make_session(directions=[direction], state="open")
            make_vote(session=session, direction=direction, executive=make_user(role="executive"))
            if i % 2:
                session = actions.do_session_step(session, "close", by=cora)
                actions.do_record_outcome(session=session, direction=direction, decision="adopted")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/directions/R1/").status_code == 200
        return len(queries)

    add_sessions(2)
    small = count()
    add_sessions(8)
    for _ in range(8):
        case = make_case(organisation=utrecht)
        direction.evidence_cases.add(case)
        direction.evidence_choices.add(make_choice(case=case))
    assert count() == small


# Editing


def direction_data(**fields):
    data = {
        "code": "R8",
        "title": "Data als gedeelde voorziening",
        "summary": "Eén datafundament.",
        "explanation": "",
        "meaning_infrastructure": "",
        "meaning_data": "Gedeelde opslag.",
        "meaning_algorithms": "",
        "meaning_platforms": "",
    }
    data.update(fields)
    return data


def test_coordinator_creates_a_direction_with_meaning_and_evidence(client_for, cora, utrecht):
    case = make_case(organisation=utrecht, title="Digitale tweeling")
    choice = make_choice(case=case)
    response = client_for(cora).post(
        "/directions/new/",
        direction_data(evidence_cases=[case.pk], evidence_choices=[choice.pk]),
    )
    assert response.status_code == 302 and response["Location"] == "/directions/R8/"
    direction = Direction.objects.get(code="R8")
    assert direction.status == "proposed"
    assert list(direction.evidence_cases.all()) == [case]
    assert list(direction.evidence_choices.all()) == [choice]
    assert [(m.layer.code, m.text) for m in direction.meanings.all()] == [
        ("data", "Gedeelde opslag.")
    ]


def test_editing_updates_and_clears_meanings_and_may_change_the_code(client_for, cora, direction):
    response = client_for(cora).post(
        "/directions/R1/edit/",
        direction_data(code="R1a", meaning_data="", meaning_platforms="Eén portaal."),
    )
    assert response.status_code == 302 and response["Location"] == "/directions/R1a/"
    direction.refresh_from_db()
    assert direction.code == "R1a"
    assert [(m.layer.code, m.text) for m in direction.meanings.all()] == [
        ("platforms", "Eén portaal.")
    ]


def test_the_edit_form_shows_the_current_meanings(client_for, cora, direction):
    html = client_for(cora).get("/directions/R1/edit/").content.decode()
    assert "Open standaarden.</textarea>" in html
    assert "Betekenis voor de laag “Datacollectie”" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": ""}, "Dit veld is vereist."),
        ({"code": "R 1/x"}, "Gebruik alleen letters, cijfers, - en _ in de code."),
        ({"code": "new"}, "Deze code is gereserveerd; kies een andere."),
        ({"code": "R1"}, "bestaat al"),
        ({"evidence_cases": ["999999"]}, "Selecteer een geldige keuze"),
    ],
)
def test_bad_direction_input_is_shown_next_to_the_field_and_kept(
    client_for, cora, direction, fields, message
):
    response = client_for(cora).post("/directions/new/", direction_data(**fields))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Gedeelde opslag.</textarea>" in html  # what was typed is still there
    assert Direction.objects.count() == 1


@pytest.mark.parametrize("persona", ["erik", "alice", "olga"])
def test_only_coordinators_edit_directions(request, client_for, direction, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/directions/new/").status_code == 403
    assert client.post("/directions/new/", direction_data()).status_code == 403
    expected = 404 if persona == "olga" else 403
    assert client.post("/directions/R1/edit/", direction_data(code="R1")).status_code == expected
    assert not Direction.objects.filter(code="R8").exists()
    direction.refresh_from_db()
    assert direction.title == "Voortbouwen op bewezen technologie"
