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
    assert "Stem op R1" not in page.text  # the session is still open
    do_session_step(history["session"], "close", by=cora)
    page = client.get("/audit/")
    assert "Stem op R1 in “Sessie A”" in page.text
    assert "Tegen" not in page.text and "oppose" not in page.text  # anonymous: no position


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
    assert rows[0] == [
        "tijdstip", "actie", "gebruiker", "soort", "objectnummer", "object", "wijzigingen"
    ]
    assert any("Monitor met historie" in row[5] for row in rows[1:])
    assert all(row[3] == "Casus" for row in rows[1:])


# The page reads: the session and its user, the count, the union, the users,
# the events, and at most one query per history table for what changed.
AUDIT_QUERY_BUDGET = 14


def test_audit_trail_runs_a_fixed_number_of_queries(client_for, cora, utrecht, history):
    client = client_for(cora)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/audit/").status_code == 200
        return len(ctx.captured_queries)

    assert count() <= AUDIT_QUERY_BUDGET
    for _ in range(20):
        case = make_case(organisation=utrecht, with_parts=True)
        case.title += " (gewijzigd)"
        case.save()
    assert count() <= AUDIT_QUERY_BUDGET


# --- Readable and consistent (labels, names, anonymity, the missing events) ---


def test_labels_not_codes_and_names_not_usernames(client_for, cora, erik, utrecht):
    from cases.actions import do_record_outcome
    from cases.models import BoardSession, RoleAnalysis

    erik.first_name, erik.last_name = "Erik", "de Bestuurder"
    erik.save()
    case = make_case(organisation=utrecht, title="Monitor Rolanalyse", with_parts=True)
    analysis = RoleAnalysis.objects.get(case=case, counterpart="knowledge_institutions")
    analysis.role = "partner"
    analysis.save()
    direction = make_direction(code="R7", title="Open standaarden")
    session = make_session(directions=[direction], title="Sessie B")
    session.anonymous = False
    session.save()
    do_cast_vote(
        session=session, executive=erik, direction=direction, position="strongly_support", points=1
    )
    do_session_step(session, "close", by=cora)
    do_record_outcome(
        session=BoardSession.objects.get(pk=session.pk),
        direction=direction,
        decision="adopted",
        by=cora,
    )
    page = client_for(cora).get("/audit/").text
    for code in ("strongly_support", "knowledge_institutions", "adopted", ">erik<"):
        assert code not in page, code
    assert "Kennisinstellingen in “Monitor Rolanalyse”" in page
    assert "Stem op R7 in “Sessie B”: Sterk voor" in page  # not anonymous: the position shows
    assert "R7 in “Sessie B”: Aangenomen" in page
    assert "Erik de Bestuurder" in page
    assert "status: Open voor stemmen → Gesloten" in page  # the session's state change
    client = client_for(cora)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/audit/").text
    assert "Knowledge institutions" in english and "Strongly support" in english


def test_an_anonymous_session_ties_no_position_to_a_person(client_for, cora, erik, history):
    from cases.models import Vote
    from tests.api_support import token_client

    session = history["session"]
    assert session.anonymous  # the default
    do_session_step(session, "close", by=cora)
    page = client_for(cora).get("/audit/").text
    assert "Stem op R1" in page and "Tegen" not in page
    export = client_for(cora).get("/audit/export.csv")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Tegen" not in text and "oppose" not in text
    # the API and the admin list no one's vote but the caller's own
    votes = token_client(cora).get(f"/api/v1/sessions/{session.pk}/votes/").json()
    assert votes["count"] == 0
    assert token_client(erik).get(f"/api/v1/sessions/{session.pk}/votes/").json()["count"] == 1
    assert not Vote.objects.visible_to(cora).exists()


def test_the_missing_events_are_recorded(client_for, cora, utrecht):
    from cases.actions import do_save_direction, do_save_session
    from cases.models import AuditEvent, Organisation
    from tests.factories import make_organisation

    first, second = make_direction(code="R1"), make_direction(code="R2")
    session = make_session(directions=[first], state="draft", title="Agenda-sessie")
    do_save_session(session, agenda=[first, second], by=cora)
    case = make_case(organisation=utrecht, title="Bewijs", status="published")
    do_save_direction(first, meanings={}, evidence_cases=[case], by=cora)
    make_organisation(name="Opgeheven gemeente").delete()
    assert not Organisation.objects.filter(name="Opgeheven gemeente").exists()
    kinds = set(AuditEvent.objects.values_list("kind", "action"))
    assert {
        ("agenda", "agenda_changed"),
        ("evidence", "evidence_changed"),
        ("organisation", "deleted"),
    } <= kinds
    page = client_for(cora).get("/audit/").text
    assert "agenda: R1 " in page and "Opgeheven gemeente" in page
    assert "onderbouwende casussen: – → Bewijs" in page


def test_briefing_generation_is_recorded(client_for, cora, history, monkeypatch):
    from cases import briefing
    from cases.models import AuditEvent

    monkeypatch.setattr(briefing, "render_pdf", lambda html: b"%PDF-1.4 test")
    briefing.create_briefing(history["session"], user=cora, language="nl")
    event = AuditEvent.objects.get(kind="briefing")
    assert event.actor == cora and event.object_id == history["session"].pk


def test_anonymity_is_chosen_while_in_preparation_and_then_holds(client_for, cora):
    from cases.models import BoardSession

    direction = make_direction(code="R1")
    session = make_session(directions=[direction], state="draft", title="Keuze")
    client = client_for(cora)
    form = {
        "title": "Keuze",
        "date": "2026-12-01",
        "description": "",
        f"agenda_{direction.pk}": "1",
    }
    client.post(f"/sessions/{session.pk}/edit/", form)  # the box unticked
    session.refresh_from_db()
    assert session.anonymous is False
    do_session_step(session, "open", by=cora)
    client.post(f"/sessions/{session.pk}/edit/", {**form, "anonymous": "on"})
    assert BoardSession.objects.get(pk=session.pk).anonymous is False
