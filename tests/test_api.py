"""The REST API v1: token login, cases and their parts, directions, sessions,
votes and results, error bodies and query budgets."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import ScopedRateThrottle

from cases.actions import do_case_step
from cases.models import BoardSession, Case, Choice, Layer, RoleAnalysis, Vote
from tests.api_support import make_api_world, token_client
from tests.factories import (
    make_case,
    make_choice,
    make_direction,
    make_organisation,
    make_session,
)

API = "/api/v1"


@pytest.fixture(autouse=True)
def _quick_setup(settings):
    # The personas' passwords hash in a blink instead of Django's 1.5M rounds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the token endpoint's throttle counts in the cache


@pytest.fixture
def world(utrecht, zuid_holland, erik):
    return make_api_world(utrecht=utrecht, zuid_holland=zuid_holland, executive=erik)


def case_body(**overrides) -> dict:
    return {
        "title": "Digitale tweeling Utrecht",
        "policy_domain": "spatial_planning",
        "kind": "digital_twin",
        "summary": "Een 3D-model van de provincie.",
        **overrides,
    }


def choice_body(case_id: int, **overrides) -> dict:
    return {
        "case": case_id,
        "layer": "algorithms",
        "title": "Rekenmodel van RIVM",
        "sourcing": "co_development",
        "maturity": "proven",
        **overrides,
    }


# --- Token and authentication ---------------------------------------------


def test_token_for_username_and_password_then_used_as_header(alice):
    client = token_client()
    response = client.post(
        f"{API}/auth/token/",
        {"username": "alice", "password": "secret-pass-123"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(f"{API}/cases/").status_code == 200


def test_wrong_password_is_a_field_error(alice):
    response = token_client().post(
        f"{API}/auth/token/", {"username": "alice", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]


def test_token_endpoint_is_throttled(alice, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    client = token_client()
    statuses = [
        client.post(
            f"{API}/auth/token/", {"username": "alice", "password": "guess"}, format="json"
        ).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    response = client.post(
        f"{API}/auth/token/", {"username": "alice", "password": "secret-pass-123"}, format="json"
    )
    assert response.status_code == 429
    assert "detail" in response.json() and int(response["Retry-After"]) > 0


def test_token_endpoint_honours_the_login_lockout(alice, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = token_client()
    for _ in range(3):
        client.post(f"{API}/auth/token/", {"username": "alice", "password": "x"}, format="json")
    response = client.post(
        f"{API}/auth/token/", {"username": "alice", "password": "secret-pass-123"}, format="json"
    )
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen" in response.json()["detail"]
    assert "token" not in response.json()


def test_anonymous_gets_401_json_with_the_token_challenge(db):
    response = token_client().get(f"{API}/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_a_bad_token_is_401(db):
    client = token_client()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(f"{API}/layers/").status_code == 401


def test_browser_session_is_accepted_too(client_for, alice):
    response = client_for(alice).get(f"{API}/layers/")
    assert response.status_code == 200
    assert [layer["code"] for layer in response.json()["results"]] == [
        "infrastructure",
        "data",
        "algorithms",
        "platforms",
    ]


def test_session_writes_need_the_csrf_token(alice, utrecht):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(f"{API}/cases/", case_body(), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Case.objects.exists()


def test_user_without_a_role_is_refused(olga):
    response = token_client(olga).get(f"{API}/cases/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Uw account heeft nog geen rol in Stackwork."}


# --- Cases ------------------------------------------------------------------


def test_case_list_shows_what_the_caller_may_see_with_parts(world, alice, bob):
    titles = {c["title"] for c in token_client(bob).get(f"{API}/cases/").json()["results"]}
    assert titles == {"Utrechtse monitor", "Zuid-Hollands concept"}
    results = token_client(alice).get(f"{API}/cases/").json()["results"]
    monitor = next(c for c in results if c["title"] == "Utrechtse monitor")
    assert monitor["organisation_name"] == "Provincie Utrecht"
    assert monitor["completeness"] == {
        "percent": 100,
        "complete": True,
        "missing_layers": [],
        "missing_roles": [],
        "unexplained_deviations": [],
    }
    assert sorted(c["layer"] for c in monitor["choices"]) == sorted(
        ["infrastructure", "data", "algorithms", "platforms", "data"]
    )
    assert [ra["counterpart"] for ra in monitor["role_analyses"]] == [
        "market",
        "co_governments",
        "knowledge_institutions",
    ]


def test_case_list_filters_search_ordering_and_pages(alice, utrecht, zuid_holland):
    algorithms = Layer.objects.get(code="algorithms")
    twin = make_case(organisation=utrecht, title="Tweeling", policy_domain="housing")
    make_choice(case=twin, layer=algorithms, sourcing="outsourced")
    monitor = make_case(organisation=zuid_holland, title="Monitor")
    make_choice(case=monitor, layer=Layer.objects.get(code="data"), sourcing="outsourced")
    make_choice(case=monitor, layer=algorithms, sourcing="in_house")
    for i in range(30):
        make_case(organisation=utrecht, title=f"Reeks {i:02d}", status="draft")
    client = token_client(alice)

    def titles(query):
        response = client.get(f"{API}/cases/?{query}")
        assert response.status_code == 200, response.json()
        return [c["title"] for c in response.json()["results"]]

    assert titles("policy_domain=housing") == ["Tweeling"]
    assert titles(f"organisation={zuid_holland.pk}") == ["Monitor"]
    assert titles("status=published") == ["Monitor", "Tweeling"]
    assert titles("sourcing=outsourced") == ["Monitor", "Tweeling"]
    # layer and sourcing together: one choice in that layer with that sourcing
    assert titles("layer=algorithms&sourcing=outsourced") == ["Tweeling"]
    assert titles("layer=data") == ["Monitor"]
    assert titles("search=tweel") == ["Tweeling"]
    assert titles("ordering=-title&status=published") == ["Tweeling", "Monitor"]
    first = client.get(f"{API}/cases/").json()
    assert first["count"] == 32 and len(first["results"]) == 25 and first["next"]
    assert len(client.get(f"{API}/cases/?page=2").json()["results"]) == 7
    assert len(client.get(f"{API}/cases/?page_size=100").json()["results"]) == 32


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=lost", "status"),
        ("organisation=999999", "organisation"),
        ("organisation=abc", "organisation"),
        ("layer=basement", "layer"),
        ("sourcing=stolen", "sourcing"),
    ],
)
def test_bad_filters_are_field_errors(alice, query, field):
    response = token_client(alice).get(f"{API}/cases/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field] and isinstance(body[field][0], str)


def test_a_page_that_does_not_exist_is_404(alice):
    response = token_client(alice).get(f"{API}/cases/?page=9")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_civil_servant_creates_a_case_of_her_organisation_with_three_role_analyses(alice, utrecht):
    response = token_client(alice).post(f"{API}/cases/", case_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisation"] == utrecht.pk and body["status"] == "draft"
    assert body["created_by"] == "alice"
    case = Case.objects.get(pk=body["id"])
    assert sorted(case.role_analyses.values_list("counterpart", flat=True)) == sorted(
        RoleAnalysis.Counterpart.values
    )
    # the audit trail knows who did it, also with a token instead of a session
    assert case.history.first().history_user == alice


def test_civil_servant_cannot_create_a_case_for_another_organisation(alice, zuid_holland):
    response = token_client(alice).post(
        f"{API}/cases/", case_body(organisation=zuid_holland.pk), format="json"
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_coordinator_creates_a_case_for_any_organisation(cora, zuid_holland):
    response = token_client(cora).post(
        f"{API}/cases/", case_body(organisation=zuid_holland.pk), format="json"
    )
    assert response.status_code == 201
    assert Case.objects.get().organisation == zuid_holland


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * (Case._meta.get_field("title").max_length + 1)}, "title"),
        ({"policy_domain": "space"}, "policy_domain"),
        ({"organisation": 999999}, "organisation"),
        ({"summary": None}, "summary"),
        ({"title": "nul\x00teken"}, "title"),
    ],
)
def test_bad_case_input_is_a_field_error_and_saves_nothing(alice, body, field):
    response = token_client(alice).post(f"{API}/cases/", case_body(**body), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Case.objects.exists()


def test_duplicate_title_in_one_organisation_is_a_field_error(alice, utrecht):
    make_case(organisation=utrecht, title="Digitale tweeling Utrecht")
    response = token_client(alice).post(f"{API}/cases/", case_body(), format="json")
    assert response.status_code == 400
    assert response.json() == {"title": ["Deze organisatie heeft al een casus met deze titel."]}


def test_missing_fields_are_named(alice):
    response = token_client(alice).post(f"{API}/cases/", {}, format="json")
    assert response.status_code == 400
    assert {"title", "policy_domain", "kind", "summary"} <= set(response.json())


def test_civil_servant_editing_a_published_case_sends_it_back_for_review(alice, cora, utrecht):
    case = make_case(organisation=utrecht, title="Gepubliceerd")
    response = token_client(alice).patch(
        f"{API}/cases/{case.pk}/", {"goal": "Sneller inzicht."}, format="json"
    )
    assert response.status_code == 200
    assert (
        response.json()["status"] == "submitted" and response.json()["goal"] == "Sneller inzicht."
    )
    case.refresh_from_db()
    assert case.status == "submitted" and case.updated_by == alice

    do_case_step(case, "publish", by=cora)
    token_client(cora).patch(f"{API}/cases/{case.pk}/", {"goal": "Beter."}, format="json")
    case.refresh_from_db()
    assert case.status == "published" and case.goal == "Beter."


def test_civil_servant_cannot_hand_a_case_to_another_organisation(alice, utrecht, zuid_holland):
    case = make_case(organisation=utrecht, status="draft")
    response = token_client(alice).patch(
        f"{API}/cases/{case.pk}/", {"organisation": zuid_holland.pk}, format="json"
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.organisation == utrecht


def test_delete_case(alice, bob, utrecht):
    case = make_case(organisation=utrecht, status="draft")
    assert token_client(bob).delete(f"{API}/cases/{case.pk}/").status_code == 404
    assert token_client(alice).delete(f"{API}/cases/{case.pk}/").status_code == 204
    assert not Case.objects.filter(pk=case.pk).exists()


def test_status_flow_submit_publish_and_conflicts(alice, cora, utrecht):
    case = make_case(organisation=utrecht, status="draft", with_parts=True)
    url = f"{API}/cases/{case.pk}/status/"
    response = token_client(alice).post(url, {"action": "submit"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert token_client(alice).post(url, {"action": "publish"}, format="json").status_code == 403
    response = token_client(cora).post(
        url, {"action": "send_back", "remark": "Vul de rolanalyses in."}, format="json"
    )
    assert response.json()["status"] == "draft"
    assert response.json()["review_remark"] == "Vul de rolanalyses in."
    response = token_client(cora).post(url, {"action": "publish"}, format="json")
    assert response.status_code == 409
    assert "detail" in response.json()
    response = token_client(cora).post(url, {"action": "explode"}, format="json")
    assert response.status_code == 400 and "action" in response.json()


# --- Choices and role analyses ----------------------------------------------


def test_civil_servant_adds_a_choice_to_a_case_of_her_organisation(alice, utrecht):
    case = make_case(organisation=utrecht, status="draft")
    response = token_client(alice).post(f"{API}/choices/", choice_body(case.pk), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["layer"] == "algorithms"
    assert case.choices.get().title == "Rekenmodel van RIVM"
    detail = token_client(alice).get(f"{API}/cases/{case.pk}/").json()
    assert [c["title"] for c in detail["choices"]] == ["Rekenmodel van RIVM"]
    # the same post again (a retry) does not make a second choice
    again = token_client(alice).post(f"{API}/choices/", choice_body(case.pk), format="json")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    assert case.choices.count() == 1


def test_a_choice_in_a_published_case_sends_the_case_back(alice, utrecht):
    case = make_case(organisation=utrecht)
    token_client(alice).post(f"{API}/choices/", choice_body(case.pk), format="json")
    case.refresh_from_db()
    assert case.status == "submitted"


def test_choice_for_a_case_of_another_organisation(bob, utrecht):
    published = make_case(organisation=utrecht)
    draft = make_case(organisation=utrecht, status="draft")
    client = token_client(bob)
    assert (
        client.post(f"{API}/choices/", choice_body(published.pk), format="json").status_code == 403
    )
    # a case bob cannot see does not exist for him
    response = client.post(f"{API}/choices/", choice_body(draft.pk), format="json")
    assert response.status_code == 400 and "case" in response.json()
    assert not Choice.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"layer": "basement"}, "layer"),
        ({"sourcing": "stolen"}, "sourcing"),
        ({"supplier": 999999}, "supplier"),
        ({"decided_on": "31-12-2025"}, "decided_on"),
        ({"case": "abc"}, "case"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_choice_input_is_a_field_error(alice, utrecht, body, field):
    case = make_case(organisation=utrecht, status="draft")
    response = token_client(alice).post(
        f"{API}/choices/", choice_body(case.pk, **body), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_edit_and_delete_a_choice(alice, bob, utrecht):
    case = make_case(organisation=utrecht, status="draft")
    choice = make_choice(case=case)
    url = f"{API}/choices/{choice.pk}/"
    assert token_client(bob).patch(url, {"title": "Van Bob"}, format="json").status_code == 404
    response = token_client(alice).patch(
        url, {"title": "Aangepast", "layer": "platforms"}, format="json"
    )
    assert response.status_code == 200
    choice.refresh_from_db()
    assert (choice.title, choice.layer.code) == ("Aangepast", "platforms")
    other = make_case(organisation=utrecht, status="draft")
    moved = token_client(alice).patch(url, {"case": other.pk}, format="json")
    assert moved.status_code == 400 and "case" in moved.json()
    assert token_client(alice).delete(url).status_code == 204
    assert token_client(alice).delete(url).status_code == 404


def test_choice_list_filters(alice, utrecht):
    case = make_case(organisation=utrecht)
    make_choice(case=case, layer=Layer.objects.get(code="data"), sourcing="open_source")
    make_choice(case=case, layer=Layer.objects.get(code="platforms"), sourcing="in_house")
    client = token_client(alice)
    results = client.get(f"{API}/choices/?layer=data&case={case.pk}").json()["results"]
    assert [c["sourcing"] for c in results] == ["open_source"]
    assert client.get(f"{API}/choices/?maturity=ancient").status_code == 400


def test_fill_in_a_role_analysis(alice, bob, utrecht):
    case = make_case(organisation=utrecht, status="draft")
    analysis = case.role_analyses.get(counterpart="knowledge_institutions")
    partner = make_organisation(name="TNO", kind="knowledge_institution")
    body = {"role": "partner", "explanation": "Samen ontwikkeld.", "partners": [partner.pk]}
    url = f"{API}/role-analyses/{analysis.pk}/"
    assert token_client(bob).patch(url, body, format="json").status_code == 404
    response = token_client(alice).patch(url, body, format="json")
    assert response.status_code == 200
    assert response.json()["partners"] == [partner.pk]
    analysis.refresh_from_db()
    assert analysis.is_filled and list(analysis.partners.all()) == [partner]
    bad = token_client(alice).patch(url, {"role": "overlord"}, format="json")
    assert bad.status_code == 400 and "role" in bad.json()
    # role analyses come with the case: none to create or delete
    assert token_client(alice).delete(url).status_code == 405
    assert token_client(alice).post(f"{API}/role-analyses/", body, format="json").status_code == 405


# --- Directions -------------------------------------------------------------


def test_direction_evidence_lists_only_cases_the_caller_may_see(world, alice, bob):
    url = f"{API}/directions/{world['direction']}/"
    assert sorted(token_client(alice).get(url).json()["evidence_cases"]) == sorted(
        [world["published"], world["draft"]]
    )
    assert token_client(bob).get(url).json()["evidence_cases"] == [world["published"]]


# --- Sessions, votes and results --------------------------------------------


def vote(client, session_id, **body):
    return client.post(f"{API}/sessions/{session_id}/votes/", body, format="json")


def test_sessions_each_role_sees(world, alice, erik, cora):
    def titles(user):
        return {s["title"] for s in token_client(user).get(f"{API}/sessions/").json()["results"]}

    assert titles(alice) == {"Gesloten sessie"}
    assert titles(erik) == {"Gesloten sessie", "Open sessie"}
    assert titles(cora) == {"Gesloten sessie", "Open sessie", "Sessie in voorbereiding"}
    detail = token_client(erik).get(f"{API}/sessions/{world['open_session']}/").json()
    assert [item["code"] for item in detail["agenda"]] == ["R1", "R2"]


def test_vote_is_an_idempotent_upsert(world, erik):
    client = token_client(erik)
    body = {"direction": world["direction"], "position": "support", "points": 3, "reason": "Ja."}
    first = vote(client, world["open_session"], **body)
    second = vote(client, world["open_session"], **body)
    assert first.status_code == second.status_code == 200
    same = {key: value for key, value in first.json().items() if key != "updated_at"}
    assert {key: second.json()[key] for key in same} == same
    changed = vote(client, world["open_session"], **{**body, "position": "strongly_oppose"})
    assert changed.json()["id"] == first.json()["id"]
    votes = Vote.objects.filter(session_id=world["open_session"], executive=erik)
    assert [(v.position, v.points) for v in votes] == [("strongly_oppose", 3)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"position": "maybe"}, "position"),
        ({"points": 11}, "points"),
        ({"points": -1}, "points"),
        ({"points": "veel"}, "points"),
        ({"direction": 999999}, "direction"),
        ({"reason": "x" * 2001}, "reason"),
    ],
)
def test_bad_ballot_is_a_field_error(world, erik, body, field):
    ballot = {"direction": world["direction"], "position": "support", "points": 1, **body}
    response = vote(token_client(erik), world["open_session"], **ballot)
    assert response.status_code == 400
    assert field in response.json()
    assert not Vote.objects.filter(executive=erik, session_id=world["open_session"]).exists()


def test_points_budget_and_agenda_come_from_the_vote_rules(world, erik):
    client = token_client(erik)
    vote(client, world["open_session"], direction=world["direction"], position="support", points=8)
    response = vote(
        client,
        world["open_session"],
        direction=world["second_direction"],
        position="neutral",
        points=3,
    )
    assert response.status_code == 400
    assert response.json() == {
        "points": ["U heeft nog 2 van de 10 punten over; 3 punten is te veel."]
    }
    elsewhere = make_direction(code="R9")
    response = vote(client, world["open_session"], direction=elsewhere.pk, position="support")
    assert response.status_code == 400 and list(response.json()) == ["direction"]


def test_vote_in_a_closed_session_is_409_and_changes_nothing(world, erik):
    before = list(Vote.objects.filter(session_id=world["closed_session"]).values_list("position"))
    response = vote(
        token_client(erik),
        world["closed_session"],
        direction=world["direction"],
        position="neutral",
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Deze sessie is niet open voor stemmen."}
    after = list(Vote.objects.filter(session_id=world["closed_session"]).values_list("position"))
    assert after == before


def test_only_executives_vote(world, cora, alice):
    for user, session in ((cora, "open_session"), (alice, "closed_session")):
        body = {"direction": world["direction"], "position": "support"}
        response = vote(token_client(user), world[session], **body)
        assert response.status_code == 403
        assert response.json() == {"detail": "Alleen bestuurders kunnen stemmen."}


def test_votes_stay_secret_while_open(world, erik, cora):
    vote(
        token_client(erik), world["open_session"], direction=world["direction"], position="support"
    )
    url = f"{API}/sessions/{world['open_session']}/votes/"
    own = token_client(erik).get(url).json()["results"]
    assert [(v["executive"], v["position"]) for v in own] == [(erik.pk, "support")]
    colleague = token_client(world["colleague"]).get(url).json()["results"]
    assert [v["executive"] for v in colleague] == [world["colleague"].pk]
    assert token_client(cora).get(url).json()["results"] == []


def test_results_are_403_for_everyone_while_open_turnout_is_live(world, erik, cora):
    for user in (erik, cora, world["colleague"]):
        response = token_client(user).get(f"{API}/sessions/{world['open_session']}/results/")
        assert response.status_code == 403
        assert response.json() == {"detail": "De uitslag blijft geheim tot de sessie gesloten is."}
    url = f"{API}/sessions/{world['open_session']}/turnout/"
    assert token_client(erik).get(url).json() == {"eligible": 2, "voted": 1, "per_direction": None}
    assert token_client(cora).get(url).json()["per_direction"] == [
        {"direction": world["direction"], "votes": 1},
        {"direction": world["second_direction"], "votes": 0},
    ]


def test_results_after_close(world, alice):
    response = token_client(alice).get(f"{API}/sessions/{world['closed_session']}/results/")
    assert response.status_code == 200
    body = response.json()
    # after the close the counts per direction are part of the results, for
    # everyone who may see the session, as on the results page
    assert body["turnout"] == {
        "eligible": 2,
        "voted": 2,
        "per_direction": [
            {"direction": world["direction"], "votes": 2},
            {"direction": world["second_direction"], "votes": 0},
        ],
    }
    first, second = body["directions"]
    assert (first["code"], first["rank"], first["points"], first["voters"]) == ("R1", 1, 6, 2)
    assert first["counts"] == {
        "strongly_support": 0,
        "support": 1,
        "neutral": 0,
        "oppose": 1,
        "strongly_oppose": 0,
    }
    assert first["agreement"] == 0.5 and first["outcome"] is None
    assert (second["code"], second["voters"], second["agreement"]) == ("R2", 0, None)


def test_coordinator_opens_and_closes_sessions(world, erik, cora):
    client = token_client(cora)
    draft = world["draft_session"]
    assert token_client(erik).post(f"{API}/sessions/{draft}/open/").status_code == 404
    response = client.post(f"{API}/sessions/{draft}/open/")
    assert response.status_code == 200 and response.json()["state"] == "open"
    assert client.post(f"{API}/sessions/{draft}/open/").status_code == 409
    assert token_client(erik).post(f"{API}/sessions/{draft}/close/").status_code == 403
    response = client.post(f"{API}/sessions/{draft}/close/")
    assert response.status_code == 200 and response.json()["state"] == "closed"
    assert BoardSession.objects.get(pk=draft).closed_at is not None
    assert client.post(f"{API}/sessions/{draft}/close/").status_code == 409


def test_a_session_without_agenda_cannot_open(cora):
    empty = make_session(directions=[], state="draft")
    response = token_client(cora).post(f"{API}/sessions/{empty.pk}/open/")
    assert response.status_code == 409
    assert response.json() == {"detail": "Zet eerst ontwikkelrichtingen op de agenda."}


# --- Error bodies -------------------------------------------------------------


def test_error_bodies_have_one_shape(alice, utrecht):
    client = token_client(alice)
    broken = client.post(f"{API}/cases/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and list(broken.json()) == ["non_field_errors"]
    form = client.post(f"{API}/cases/", "title=x", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and list(form.json()) == ["detail"]
    assert client.put(f"{API}/layers/1/", {}, format="json").status_code == 405
    assert client.get(f"{API}/cases/999999/").json() == {"detail": "Niet gevonden."}
    assert client.get(f"{API}/cases/abc/").status_code == 404
    assert client.get(f"{API}/cases/99999999999999999999999/").status_code == 404
    huge = 10**30
    for query in (
        f"choices/?case={huge}",
        f"role-analyses/?case={huge}",
        f"cases/?organisation={huge}",
    ):
        response = client.get(f"{API}/{query}")
        assert response.status_code == 400 and len(response.json()) == 1, query
    response = client.post(f"{API}/choices/", choice_body(huge), format="json")
    assert response.status_code == 400 and "case" in response.json()
    # an unknown path under the API is a JSON 404 too, not the web site's page
    assert client.get(f"{API}/cases/1").json() == {"detail": "Niet gevonden."}
    assert client.post(f"{API}/nothing/", {}, format="json").status_code == 404


# --- Schema and docs ----------------------------------------------------------


def test_schema_documents_errors_and_vote_examples(alice):
    response = token_client(alice).get(f"{API}/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    vote_post = schema["paths"]["/api/v1/sessions/{id}/votes/"]["post"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(vote_post["responses"])
    assert "examples" in vote_post["requestBody"]["content"]["application/json"]
    assert "examples" in vote_post["responses"]["409"]["content"]["application/json"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if path != "/api/v1/auth/token/":
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)


def test_schema_needs_a_login(db):
    assert token_client().get(f"{API}/schema/").status_code == 401


def test_docs_page_has_no_inline_script_and_local_assets(client_for, alice):
    client = client_for(alice)
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.text
    assert "<script>" not in html and "<style>" not in html and "http" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    script = client.get(f"{API}/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.text


def test_docs_page_sends_an_anonymous_visitor_to_login(client):
    response = client.get(f"{API}/docs/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- Query budgets ------------------------------------------------------------


LIST_URLS = [
    "/cases/",
    "/choices/",
    "/role-analyses/",
    "/organisations/",
    "/directions/",
    "/sessions/",
    "/sessions/{closed_session}/votes/",
]


def _generate(*, cases: int, executives: int, directions: int) -> int:
    """Synthetic data (every layer and role analysis filled, directions with
    evidence, a closed session full of votes); returns that session's id."""
    call_command(
        "generate_data",
        f"--cases={cases}",
        f"--executives={executives}",
        f"--directions={directions}",
        "--force",
        stdout=io.StringIO(),
    )
    # partner organisations on the role analyses too, so their lists are fetched
    partner = make_organisation(name="Kennisinstelling")
    through = RoleAnalysis.partners.through
    through.objects.bulk_create(
        (
            through(roleanalysis_id=pk, organisation=partner)
            for pk in RoleAnalysis.objects.exclude(partners=partner).values_list("pk", flat=True)
        ),
    )
    return BoardSession.objects.filter(state="closed").latest("pk").pk


def _query_counts(client, closed_session: int) -> dict[str, int]:
    counts = {}
    for url in LIST_URLS:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                API + url.format(closed_session=closed_session) + "?page_size=100"
            )
        assert response.status_code == 200, url
        counts[url] = len(queries.captured_queries)
    return counts


# django_db here, not only through the persona: a database asked for only by
# getfixturevalue() is not switched to the test database when this test runs alone.
@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["cora", "alice", "erik"])
def test_list_endpoints_run_a_fixed_number_of_queries(request, persona):
    client = token_client(request.getfixturevalue(persona))
    session = _generate(cases=5, executives=2, directions=2)
    small = _query_counts(client, session)
    session = _generate(cases=495, executives=12, directions=7)
    assert Case.objects.count() == 500
    assert _query_counts(client, session) == small
    assert max(small.values()) <= 10, small
