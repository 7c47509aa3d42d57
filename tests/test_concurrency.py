"""Two requests at the same rows: deletes take the same lock order as every
other write, and a lost deadlock is a 409 "try again" or retried, never a
503 "database not responding"."""

import re
import threading
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

from cases import actions
from cases.models import Case, Choice, Layer
from tests.api_support import token_client
from tests.factories import (
    make_case,
    make_choice,
    make_direction,
    make_organisation,
    make_session,
    make_user,
)

API = "/api/v1"


class DeadlockDetected(Exception):
    """What psycopg raises for SQLSTATE 40P01 (Django wraps it)."""

    sqlstate = "40P01"


def _deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = DeadlockDetected("deadlock detected")
    return error


def test_a_deadlock_is_answered_409_not_503(client_for, utrecht, alice):
    case = make_case(organisation=utrecht, status="draft")
    choice = make_choice(case=case)
    with mock.patch("cases.api.views.do_delete_choice", side_effect=_deadlock()):
        response = token_client(alice).delete(f"{API}/choices/{choice.pk}/")
    assert response.status_code == 409
    assert "opnieuw" in response.json()["detail"]
    assert "Retry-After" not in response
    with mock.patch("cases.actions.do_delete_choice", side_effect=_deadlock()):
        page = client_for(alice).post(f"/cases/{case.pk}/choices/{choice.pk}/delete/")
    assert page.status_code == 409
    assert "probeer het opnieuw" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_delete_that_lost_a_deadlock_is_tried_again(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    alice = make_user(username="alice", role="civil_servant", organisation=utrecht)
    case = make_case(organisation=utrecht, status="draft")
    make_choice(case=case)
    real = actions.permissions.case_delete_refusal
    calls = []

    def lose_once(locked):
        calls.append(locked.pk)
        if len(calls) == 1:
            raise _deadlock()
        return real(locked)

    with mock.patch.object(actions.permissions, "case_delete_refusal", side_effect=lose_once):
        response = token_client(alice).delete(f"{API}/cases/{case.pk}/")
    assert response.status_code == 204
    assert len(calls) == 2
    assert not Case.objects.filter(pk=case.pk).exists()


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writes, so deletes cannot deadlock there",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_deleting_a_case_and_its_choices_at_once_never_fails(stack_basics):
    from django.db import connections

    utrecht = make_organisation(name="Provincie Utrecht")
    alice = make_user(username="alice", role="civil_servant", organisation=utrecht)
    layers = list(Layer.objects.all())
    statuses = []
    lock = threading.Lock()

    def delete(path):
        def run():
            response = token_client(alice).delete(path)
            with lock:
                statuses.append(response.status_code)
            connections.close_all()

        return run

    for _round in range(8):
        case = make_case(organisation=utrecht, status="draft")
        choices = [make_choice(case=case, layer=layer) for layer in layers for _ in range(2)]
        paths = [f"{API}/choices/{choice.pk}/" for choice in choices]
        paths.insert(len(paths) // 2, f"{API}/cases/{case.pk}/")
        barrier = threading.Barrier(len(paths))

        def released(function, barrier=barrier):
            def run():
                barrier.wait()
                function()

            return run

        threads = [threading.Thread(target=released(delete(path))) for path in paths]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not Case.objects.filter(pk=case.pk).exists()
        assert not Choice.objects.filter(case_id=case.pk).exists()
    # deleted, or already gone with its case; never a 5xx
    assert set(statuses) <= {204, 404}, statuses


# --- 6. Optimistic concurrency on every edit --------------------------------

VERSION = re.compile(r'name="version" value="(\d+)"')


def _version_in(response) -> str:
    found = VERSION.search(response.content.decode())
    assert found, "the form carries no version"
    return found.group(1)


def _choice_post(choice, **changes) -> dict:
    data = {
        "title": choice.title,
        "layer": choice.layer.code,
        "sourcing": choice.sourcing,
        "maturity": choice.maturity,
    }
    data.update(changes)
    return data


class TestStaleEditsAreRefused:
    def test_a_stale_choice_save_is_refused_and_the_input_kept(self, client, utrecht, alice):
        colleague = make_user(username="karin", role="civil_servant", organisation=utrecht)
        colleague.first_name, colleague.last_name = "Karin", "de Vries"
        colleague.save()
        case = make_case(organisation=utrecht, status="draft")
        choice = make_choice(case=case, title="Hosting")
        url = f"/cases/{case.pk}/choices/{choice.pk}/edit/"
        client.force_login(alice)
        alice_version = _version_in(client.get(url))
        karin = Client()
        karin.force_login(colleague)
        karin_version = _version_in(karin.get(url))
        saved = karin.post(url, _choice_post(choice, pros="Tekst van Karin", version=karin_version))
        assert saved.status_code == 302
        stale = client.post(url, _choice_post(choice, pros="Tekst van Alice", version=alice_version))
        assert stale.status_code == 409
        page = stale.content.decode()
        assert "gewijzigd door Karin de Vries om" in page
        assert "Tekst van Alice" in page  # the input is kept, to merge by hand
        choice.refresh_from_db()
        assert choice.pros == "Tekst van Karin"
        # saving again from the page (now at the current version) goes through
        again = client.post(
            url, _choice_post(choice, pros="Beide teksten", version=_version_in(stale))
        )
        assert again.status_code == 302
        choice.refresh_from_db()
        assert choice.pros == "Beide teksten"

    def test_the_htmx_fragment_says_so_too(self, client_for, utrecht, alice):
        case = make_case(organisation=utrecht, status="draft")
        choice = make_choice(case=case)
        url = f"/cases/{case.pk}/choices/{choice.pk}/edit/"
        client = client_for(alice)
        version = _version_in(client.get(url, headers={"HX-Request": "true"}))
        client.post(url, _choice_post(choice, cons="Eerst", version=version))
        stale = client.post(
            url,
            _choice_post(choice, cons="Daarna", version=version),
            headers={"HX-Request": "true", "HX-Target": f"choice-{choice.pk}"},
        )
        assert stale.status_code == 409
        fragment = stale.content.decode()
        assert "<html" not in fragment
        assert "gewijzigd door alice" in fragment and "Daarna" in fragment

    def test_a_stale_case_save_is_refused(self, client_for, utrecht, alice):
        case = make_case(organisation=utrecht, status="draft", title="Monitor")
        url = f"/cases/{case.pk}/edit/"
        client = client_for(alice)
        version = _version_in(client.get(url))
        data = {"title": "Monitor", "policy_domain": "mobility", "kind": "dashboard"}
        assert client.post(url, {**data, "summary": "Eerste", "version": version}).status_code == 302
        stale = client.post(url, {**data, "summary": "Tweede", "version": version})
        assert stale.status_code == 409
        assert "Tweede" in stale.content.decode()
        case.refresh_from_db()
        assert case.summary == "Eerste"

    def test_a_stale_role_analysis_save_is_refused(self, client_for, utrecht, alice):
        case = make_case(organisation=utrecht, status="draft")
        url = f"/cases/{case.pk}/roles/market/edit/"
        client = client_for(alice)
        version = _version_in(client.get(url))
        data = {"role": "client", "version": version}
        assert client.post(url, {**data, "explanation": "Eerste"}).status_code == 302
        stale = client.post(url, {**data, "explanation": "Tweede"})
        assert stale.status_code == 409
        assert "Tweede" in stale.content.decode()
        assert case.role_analyses.get(counterpart="market").explanation == "Eerste"

    def test_a_stale_direction_save_is_refused(self, client_for, cora):
        direction = make_direction(code="R1", title="Bewezen techniek")
        url = "/directions/R1/edit/"
        client = client_for(cora)
        version = _version_in(client.get(url))
        data = {"code": "R1", "title": "Bewezen techniek", "version": version}
        assert client.post(url, {**data, "summary": "Eerste"}).status_code == 302
        stale = client.post(url, {**data, "summary": "Tweede"})
        assert stale.status_code == 409
        assert "Tweede" in stale.content.decode()
        direction.refresh_from_db()
        assert direction.summary == "Eerste"

    def test_a_stale_session_save_is_refused(self, client_for, cora):
        session = make_session(directions=[make_direction(code="R1")], state="draft")
        url = f"/sessions/{session.pk}/edit/"
        client = client_for(cora)
        version = _version_in(client.get(url))
        data = {"date": "2026-12-01", "version": version}
        assert client.post(url, {**data, "title": "Eerste"}).status_code == 302
        stale = client.post(url, {**data, "title": "Tweede"})
        assert stale.status_code == 409
        assert "Tweede" in stale.content.decode()
        session.refresh_from_db()
        assert session.title == "Eerste"

    def test_an_admin_change_counts_as_a_change(self, client_for, utrecht, alice):
        case = make_case(organisation=utrecht, status="draft")
        choice = make_choice(case=case)
        url = f"/cases/{case.pk}/choices/{choice.pk}/edit/"
        version = _version_in(client_for(alice).get(url))
        choice.pros = "Via het beheer"
        choice.save()
        stale = client_for(alice).post(url, _choice_post(choice, pros="Mijn tekst", version=version))
        assert stale.status_code == 409


class TestApiVersions:
    def test_etag_on_read_if_match_on_write_412_when_stale(self, utrecht, alice):
        case = make_case(organisation=utrecht, status="draft")
        choice = make_choice(case=case)
        api = token_client(alice)
        read = api.get(f"{API}/choices/{choice.pk}/")
        tag = read["ETag"]
        assert tag == f'"{read.json()["version"]}"'
        first = api.patch(
            f"{API}/choices/{choice.pk}/", {"pros": "Eerste"}, format="json", HTTP_IF_MATCH=tag
        )
        assert first.status_code == 200
        assert first["ETag"] != tag
        stale = api.patch(
            f"{API}/choices/{choice.pk}/", {"pros": "Tweede"}, format="json", HTTP_IF_MATCH=tag
        )
        assert stale.status_code == 412
        assert "gewijzigd door alice" in stale.json()["detail"]
        choice.refresh_from_db()
        assert choice.pros == "Eerste"

    @pytest.mark.parametrize("resource", ["cases", "role-analyses"])
    def test_cases_and_role_analyses_too(self, utrecht, alice, resource):
        case = make_case(organisation=utrecht, status="draft")
        pk = case.pk if resource == "cases" else case.role_analyses.get(counterpart="market").pk
        api = token_client(alice)
        tag = api.get(f"{API}/{resource}/{pk}/")["ETag"]
        body = {"summary": "Eerste"} if resource == "cases" else {"explanation": "Eerste"}
        assert api.patch(f"{API}/{resource}/{pk}/", body, format="json", HTTP_IF_MATCH=tag).status_code == 200
        stale = api.patch(f"{API}/{resource}/{pk}/", body, format="json", HTTP_IF_MATCH=tag)
        assert stale.status_code == 412

    def test_the_schema_documents_if_match_and_412(self, alice):
        schema = token_client(alice).get(f"{API}/schema/").json()
        operation = schema["paths"]["/api/v1/choices/{id}/"]["patch"]
        assert "If-Match" in [p["name"] for p in operation["parameters"]]
        assert "412" in operation["responses"]
        assert "ETag" in schema["paths"]["/api/v1/choices/{id}/"]["get"]["responses"]["200"]["headers"]


# --- 14. A double submit at the same moment -----------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_new_session_sent_twice_at_once_makes_one(stack_basics):
    import uuid

    from django.db import connections

    from cases.models import BoardSession

    cora = make_user(username="cora", role="coordinator")
    data = {"title": "Sessie tegelijk", "date": "2027-03-01", "form_token": str(uuid.uuid4())}
    landed = []
    barrier = threading.Barrier(4)

    def send():
        client = Client()
        client.force_login(cora)
        barrier.wait()
        landed.append(client.post("/sessions/new/", data)["Location"])
        connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    session = BoardSession.objects.get(title="Sessie tegelijk")
    assert landed == [f"/sessions/{session.pk}/"] * 4
