"""No side doors: what was never published stays out of sight, what was
published or is evidence does not disappear, bad input is a 400 or 404."""

import pytest

from cases.actions import do_case_step
from cases.models import Case, Choice, Layer
from tests.api_support import token_client
from tests.factories import make_case, make_choice, make_direction

API = "/api/v1"


def _archive(case, cora):
    response = token_client(cora).post(
        f"{API}/cases/{case.pk}/status/", {"action": "archive"}, format="json"
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == "archived"


# --- 3. Visibility follows "was it ever published" -------------------------


class TestNeverPublishedStaysHidden:
    def test_an_archived_draft_is_not_readable_by_other_organisations(
        self, client_for, utrecht, alice, bob, erik, cora
    ):
        draft = make_case(organisation=utrecht, title="Geheim concept", status="draft")
        _archive(draft, cora)
        for user in (bob, erik):
            assert token_client(user).get(f"{API}/cases/{draft.pk}/").status_code == 404
            client = client_for(user)
            assert client.get(f"/cases/{draft.pk}/").status_code == 404
            assert client.get(f"/cases/{draft.pk}/history/").status_code == 404
            assert "Geheim concept" not in client.get("/cases/?status=archived").content.decode()
            listed = token_client(user).get(f"{API}/cases/").json()["results"]
            assert draft.pk not in [row["id"] for row in listed]
        # its own organisation and the coordinators still read it
        assert token_client(alice).get(f"{API}/cases/{draft.pk}/").status_code == 200
        assert token_client(cora).get(f"{API}/cases/{draft.pk}/").status_code == 200

    def test_choices_of_an_archived_draft_stay_hidden_too(self, utrecht, bob, cora):
        draft = make_case(organisation=utrecht, status="draft")
        choice = make_choice(case=draft)
        _archive(draft, cora)
        assert token_client(bob).get(f"{API}/choices/{choice.pk}/").status_code == 404
        assert not Choice.objects.visible_to(bob).filter(pk=choice.pk).exists()

    def test_a_case_published_once_stays_readable_when_archived(self, utrecht, bob, cora):
        case = make_case(organisation=utrecht, status="submitted")
        do_case_step(case, "publish", by=cora)
        case.refresh_from_db()
        assert case.published_at is not None
        _archive(case, cora)
        assert token_client(bob).get(f"{API}/cases/{case.pk}/").status_code == 200
        # reopened and archived again, it was still published once
        do_case_step(case, "reopen", by=cora)
        do_case_step(case, "archive", by=cora)
        assert Case.objects.visible_to(bob).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_the_migration_reads_first_publication_from_the_history(utrecht):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cases.migrations.0006_integrity")
    once = make_case(organisation=utrecht, title="Ooit gepubliceerd", status="published")
    once.status = "archived"
    once.save()
    never = make_case(organisation=utrecht, title="Nooit gepubliceerd", status="draft")
    never.status = "archived"
    never.save()
    Case.objects.update(published_at=None)
    migration.first_publication(apps, None)
    once.refresh_from_db()
    never.refresh_from_db()
    assert once.published_at is not None
    assert never.published_at is None


# --- 4. Only never-published drafts can be deleted --------------------------


class TestDeleteOnlyNeverPublishedDrafts:
    def test_the_api_refuses_to_delete_a_published_case_with_409_and_the_reason(
        self, utrecht, alice
    ):
        case = make_case(organisation=utrecht, status="published")
        response = token_client(alice).delete(f"{API}/cases/{case.pk}/")
        assert response.status_code == 409
        assert "archiveren" in response.json()["detail"]
        assert Case.objects.filter(pk=case.pk).exists()

    def test_a_draft_published_once_is_not_deleted(self, utrecht, alice, cora):
        case = make_case(organisation=utrecht, status="submitted")
        do_case_step(case, "publish", by=cora)
        do_case_step(case, "archive", by=cora)
        do_case_step(case, "reopen", by=cora)
        case.refresh_from_db()
        assert case.status == "draft"
        response = token_client(alice).delete(f"{API}/cases/{case.pk}/")
        assert response.status_code == 409
        assert "eerder gepubliceerd" in response.json()["detail"]

    def test_a_case_cited_as_evidence_is_not_deleted(self, utrecht, alice):
        draft = make_case(organisation=utrecht, status="draft")
        choice = make_choice(case=draft)
        direction = make_direction(code="R7")
        direction.evidence_choices.set([choice])
        response = token_client(alice).delete(f"{API}/cases/{draft.pk}/")
        assert response.status_code == 409
        assert "R7" in response.json()["detail"]
        assert Case.objects.filter(pk=draft.pk).exists()

    def test_a_choice_cited_as_evidence_cannot_disappear(self, client_for, utrecht, alice):
        case = make_case(organisation=utrecht, status="published")
        choice = make_choice(case=case, title="Bewijs")
        make_direction(code="R3").evidence_choices.set([choice])
        response = token_client(alice).delete(f"{API}/choices/{choice.pk}/")
        assert response.status_code == 409
        assert "R3" in response.json()["detail"]
        page = client_for(alice).post(f"/cases/{case.pk}/choices/{choice.pk}/delete/")
        assert page.status_code == 409
        assert "R3" in page.content.decode()
        assert Choice.objects.filter(pk=choice.pk).exists()

    def test_a_never_published_draft_is_deleted(self, utrecht, alice):
        draft = make_case(organisation=utrecht, status="draft")
        make_choice(case=draft)
        assert token_client(alice).delete(f"{API}/cases/{draft.pk}/").status_code == 204
        assert not Case.objects.filter(pk=draft.pk).exists()

    def test_the_case_page_offers_delete_for_a_draft_and_archive_otherwise(
        self, client_for, utrecht, alice, cora
    ):
        draft = make_case(organisation=utrecht, status="draft")
        published = make_case(organisation=utrecht, status="published")
        assert f"/cases/{draft.pk}/delete/" in client_for(alice).get(f"/cases/{draft.pk}/").content.decode()
        page = client_for(cora).get(f"/cases/{published.pk}/").content.decode()
        assert f"/cases/{published.pk}/delete/" not in page
        assert f"/cases/{published.pk}/status/archive/" in page
        refused = client_for(alice).post(f"/cases/{published.pk}/delete/")
        assert refused.status_code == 409
        assert "archiveren" in refused.content.decode()
        assert Case.objects.filter(pk=published.pk).exists()
        deleted = client_for(alice).post(f"/cases/{draft.pk}/delete/")
        assert deleted.status_code == 302
        assert not Case.objects.filter(pk=draft.pk).exists()

    def test_the_admin_reads_the_same_rule(self, client_for, utrecht, cora):
        published = make_case(organisation=utrecht, status="published")
        draft = make_case(organisation=utrecht, status="draft")
        client = client_for(cora)
        assert client.get(f"/admin/cases/case/{published.pk}/delete/").status_code == 403
        response = client.post(
            "/admin/cases/case/",
            {"action": "delete_selected", "_selected_action": [published.pk]},
        )
        assert Case.objects.filter(pk=published.pk).exists(), response
        assert client.get(f"/admin/cases/case/{draft.pk}/delete/").status_code == 200
        layer = Layer.objects.get(code="data")
        cited = make_choice(case=published, layer=layer)
        make_direction(code="R9").evidence_choices.set([cited])
        assert client.get(f"/admin/cases/choice/{cited.pk}/delete/").status_code == 403


# --- 11. Bad input is a 400 or a 404, never a 500 ----------------------------


class TestBadInputIsNeverA500:
    @pytest.fixture
    def world(self, utrecht):
        direction = make_direction(code="R1")
        from tests.factories import make_session

        return {
            "open": make_session(directions=[direction], state="open"),
            "closed": make_session(directions=[direction], state="closed"),
        }

    def test_nul_in_the_address_is_a_400_with_a_message(self, client_for, cora, erik, world):
        coordinator = client_for(cora)
        for path in ("/directions/%00/", "/directions/%00/edit/", "/cases/?search=a%00b"):
            response = coordinator.get(path)
            assert response.status_code == 400, path
            assert "NUL" in response.content.decode()
        outcome = coordinator.post(f"/sessions/{world['closed'].pk}/outcomes/%00/", {})
        assert outcome.status_code == 400
        admin = coordinator.get("/admin/cases/case/?status__exact=%00")
        assert admin.status_code == 400
        executive = client_for(erik)
        assert executive.post(f"/sessions/{world['open'].pk}/ballot/%00/", {}).status_code == 400
        api = token_client(erik).get(f"{API}/cases/?search=%00")
        assert api.status_code == 400
        assert "NUL" in api.json()["detail"]

    def test_a_username_longer_than_any_account_is_a_400(self, db):
        response = token_client().post(
            f"{API}/auth/token/", {"username": "a" * 256, "password": "x"}, format="json"
        )
        assert response.status_code == 400
        assert "username" in response.json()

    def test_huge_ids_in_a_role_analysis_form_are_a_message(self, client_for, utrecht, alice):
        case = make_case(organisation=utrecht, status="draft")
        response = client_for(alice).post(
            f"/cases/{case.pk}/roles/market/edit/",
            {"role": "client", "explanation": "Uitleg", "partners": ["99999999999999999999"]},
        )
        assert response.status_code == 200
        assert "99999999999999999999" in response.content.decode()  # named in the message
        assert "form-field--invalid" in response.content.decode()

    def test_huge_ids_in_the_direction_form_are_a_message(self, client_for, cora):
        data = {"code": "R5", "title": "T", "summary": "S"}
        for field in ("evidence_cases", "evidence_choices"):
            response = client_for(cora).post(
                "/directions/new/", {**data, field: ["99999999999999999999"]}
            )
            assert response.status_code == 200, field
            assert "form-field--invalid" in response.content.decode()

    def test_huge_ids_in_the_address_are_a_404(self, client_for, alice):
        assert client_for(alice).get("/cases/99999999999999999999/").status_code == 404
        assert token_client(alice).get(f"{API}/cases/99999999999999999999/").status_code == 404


# --- 14. Idempotent create: a form sent twice makes one ---------------------

TOKEN = __import__("re").compile(r'name="form_token" value="([0-9a-f-]{36})"')


def _token(client, url) -> str:
    found = TOKEN.search(client.get(url).content.decode())
    assert found, "the create form carries no one-time token"
    return found.group(1)


class TestDoubleSubmitCreatesOne:
    def test_new_session_sent_twice_makes_one_and_lands_on_it(self, client_for, cora):
        from cases.models import BoardSession

        client = client_for(cora)
        data = {"title": "Sessie maart", "date": "2027-03-01", "form_token": _token(client, "/sessions/new/")}
        first = client.post("/sessions/new/", data)
        second = client.post("/sessions/new/", data)
        assert BoardSession.objects.filter(title="Sessie maart").count() == 1
        session = BoardSession.objects.get(title="Sessie maart")
        assert first["Location"] == second["Location"] == f"/sessions/{session.pk}/"
        landing = client.get(second["Location"]).content.decode()
        assert "al verstuurd" in landing

    def test_a_new_form_is_a_new_session(self, client_for, cora):
        from cases.models import BoardSession

        client = client_for(cora)
        for _ in range(2):
            token = _token(client, "/sessions/new/")
            client.post("/sessions/new/", {"title": "Sessie", "date": "2027-03-01", "form_token": token})
        assert BoardSession.objects.filter(title="Sessie").count() == 2

    def test_new_case_sent_twice_lands_on_the_first_not_on_a_title_error(self, client_for, alice):
        client = client_for(alice)
        data = {
            "title": "Monitor",
            "policy_domain": "mobility",
            "kind": "dashboard",
            "summary": "S",
            "form_token": _token(client, "/cases/new/"),
        }
        first = client.post("/cases/new/", data)
        second = client.post("/cases/new/", data)
        assert Case.objects.filter(title="Monitor").count() == 1
        assert second.status_code == 302 and second["Location"] == first["Location"]

    def test_new_direction_sent_twice_lands_on_the_first(self, client_for, cora):
        from cases.models import Direction

        client = client_for(cora)
        data = {"code": "R8", "title": "T", "summary": "S", "form_token": _token(client, "/directions/new/")}
        first = client.post("/directions/new/", data)
        second = client.post("/directions/new/", data)
        assert Direction.objects.filter(code="R8").count() == 1
        assert second.status_code == 302 and second["Location"] == first["Location"]

    def test_new_choice_sent_twice_makes_one(self, client_for, utrecht, alice):
        case = make_case(organisation=utrecht, status="draft")
        client = client_for(alice)
        url = f"/cases/{case.pk}/choices/new/"
        data = {
            "title": "Hosting",
            "layer": "infrastructure",
            "sourcing": "in_house",
            "maturity": "proven",
            "form_token": _token(client, url),
        }
        client.post(url, data)
        # the same form sent again after a change typed in between still makes one
        client.post(url, {**data, "pros": "Nog iets"})
        assert Choice.objects.filter(case=case).count() == 1

    def test_a_create_refused_leaves_the_token_usable(self, client_for, cora):
        from cases.models import BoardSession

        client = client_for(cora)
        token = _token(client, "/sessions/new/")
        refused = client.post("/sessions/new/", {"title": "", "date": "2027-03-01", "form_token": token})
        assert refused.status_code == 200
        client.post("/sessions/new/", {"title": "Later", "date": "2027-03-01", "form_token": token})
        assert BoardSession.objects.filter(title="Later").count() == 1

    def test_make_the_briefing_again_pressed_twice_makes_one(
        self, client_for, cora, settings, tmp_path
    ):
        from cases.models import Briefing
        from tests.factories import make_session

        settings.MEDIA_ROOT = tmp_path
        session = make_session(directions=[make_direction(code="R1")], state="open")
        client = client_for(cora)
        page = client.get(f"/sessions/{session.pk}/briefings/").content.decode()
        token = __import__("re").search(r'name="form_token" value="([0-9a-f-]{36})"', page)
        assert token, "the button carries no one-time token"
        url = f"/sessions/{session.pk}/briefings/new/"
        for _ in range(2):
            assert client.post(url, {"form_token": token.group(1)}).status_code == 302
        assert Briefing.objects.filter(session=session).count() == 1
