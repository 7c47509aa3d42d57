import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.actions import do_case_step, do_cast_vote, do_session_step
from tests.factories import make_case, make_direction, make_session


@pytest.fixture
def history(utrecht, alice, erik, cora):
    from simple_history.utils import update_change_reason  # noqa: F401  (history is recorded by save)

    case = make_case(
        organisation=utrecht, title="Monitor met historie", status="draft", with_parts=True
    )
    do_case_step(case, "submit", by=alice)
    direction = make_direction(code="R1", title="Bewezen technologie")
    session = make_session(directions=[direction], title="Sessie A")
    do_cast_vote(session=session, executive=erik, direction=direction, position="oppose", points=2)
    return {"case": case, "session": session, "direction": direction}


def test_only_coordinators_see_the_audit_trail(client_for, alice, erik, olga):
    for persona in (alice, erik, olga):
        client = client_for(persona)
        assert client.get("/audit/").status_code == 403
        assert client.get("/audit/export.csv").status_code == 403


def test_audit_trail_lists_changes_and_hides_open_votes(client_for, cora, erik, history):
    client = client_for(cora)
    page = client.get("/audit/")
    assert page.status_code == 200
    assert "Monitor met historie" in page.text
    assert "oppose" not in page.text  # the session is still open
    do_session_step(history["session"], "close", by=cora)
    page = client.get("/audit/")
    assert "oppose" in page.text


def test_audit_filters(client_for, cora, history, alice):
    client = client_for(cora)
    page = client.get("/audit/", {"kind": "direction"})
    assert "Bewezen technologie" in page.text and "Monitor met historie" not in page.text
    page = client.get("/audit/", {"kind": "case", "object_id": history["case"].pk})
    assert "Monitor met historie" in page.text
    page = client.get("/audit/", {"date_from": "2000-01-01", "date_to": "2000-01-02"})
    assert "Geen wijzigingen gevonden" in page.text
    bad = client.get(
        "/audit/", {"date_from": "2030-01-02", "date_to": "2030-01-01", "kind": "nonsense"}
    )
    assert bad.status_code == 200
    assert "vóór de begindatum" in bad.text


def test_audit_export_is_csv_with_the_filters(client_for, cora, history):
    response = client_for(cora).get("/audit/export.csv", {"kind": "case"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["tijdstip", "actie", "gebruiker", "soort", "objectnummer", "object"]
    assert any("Monitor met historie" in row[5] for row in rows[1:])
    assert all(row[3] == "Casus" for row in rows[1:])


def test_audit_trail_runs_a_fixed_number_of_queries(client_for, cora, utrecht, history):
    client = client_for(cora)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _ in range(20):
        make_case(organisation=utrecht, with_parts=True)
    assert count() == small
