"""The API's permission matrix: every endpoint × method × persona against the
expected status, generated from the one table below.

Personas (tests/conftest.py): anonymous; alice, civil servant of Utrecht (the
organisation of every case here but one); bob, civil servant of Zuid-Holland;
erik, executive; cora, coordinator; olga, logged in without a role.
"""

import pytest
from django.core.cache import cache

from tests.api_support import make_api_world, token_client

PERSONAS = ("anonymous", "alice", "bob", "erik", "cora", "olga")


def new_case(w):
    return {
        "title": "Nieuwe casus",
        "organisation": w["utrecht"],
        "policy_domain": "mobility",
        "kind": "monitor",
        "summary": "Samenvatting.",
    }


def new_choice(case_key):
    def body(w):
        return {
            "case": w[case_key],
            "layer": "platforms",
            "title": "Dashboard",
            "sourcing": "off_the_shelf",
            "maturity": "proven",
        }

    return body


def ballot(w):
    return {"direction": w["direction"], "position": "support", "points": 2}


def login(w):
    return {"username": "erik", "password": "secret-pass-123"}


# method, path (ids from the world), body, expected status per persona in the
# order of PERSONAS: anonymous alice bob erik cora olga
MATRIX = [
    ("post", "/auth/token/", login, "200 200 200 200 200 200"),
    ("delete", "/auth/token/", None, "401 204 204 204 204 204"),
    ("get", "/schema/", None, "401 200 200 200 200 200"),
    ("get", "/docs/", None, "302 200 200 200 200 200"),
    ("get", "/layers/", None, "401 200 200 200 200 403"),
    ("get", "/layers/{layer}/", None, "401 200 200 200 200 403"),
    ("get", "/organisations/", None, "401 200 200 200 200 403"),
    ("get", "/organisations/{utrecht}/", None, "401 200 200 200 200 403"),
    # cases
    ("get", "/cases/", None, "401 200 200 200 200 403"),
    ("get", "/cases/{published}/", None, "401 200 200 200 200 403"),
    ("get", "/cases/{draft}/", None, "401 200 404 404 200 403"),
    ("get", "/cases/{other}/", None, "401 404 200 404 200 403"),
    ("post", "/cases/", new_case, "401 201 403 403 201 403"),
    ("patch", "/cases/{published}/", {"goal": "Nieuw doel."}, "401 200 403 403 200 403"),
    ("put", "/cases/{published}/", new_case, "401 200 403 403 200 403"),
    ("patch", "/cases/{draft}/", {"goal": "Nieuw doel."}, "401 200 404 404 200 403"),
    # a published case is archived, not deleted; the draft is cited as evidence
    ("delete", "/cases/{published}/", None, "401 409 403 403 409 403"),
    ("delete", "/cases/{draft}/", None, "401 409 404 404 409 403"),
    ("post", "/cases/{draft}/status/", {"action": "submit"}, "401 200 404 404 200 403"),
    ("post", "/cases/{submitted}/status/", {"action": "publish"}, "401 403 404 404 200 403"),
    ("post", "/cases/{published}/status/", {"action": "submit"}, "401 409 403 403 409 403"),
    # the spreadsheet import: whoever may create a case; without a file, 400
    ("post", "/cases/import/", None, "401 400 400 403 400 403"),
    # comply or explain: a case's verdicts as the case is seen, the portfolio for all
    ("get", "/cases/{published}/alignment/", None, "401 200 200 200 200 403"),
    ("get", "/cases/{draft}/alignment/", None, "401 200 404 404 200 403"),
    ("get", "/alignment/", None, "401 200 200 200 200 403"),
    # choices
    ("get", "/choices/", None, "401 200 200 200 200 403"),
    ("get", "/choices/{choice}/", None, "401 200 200 200 200 403"),
    ("post", "/choices/", new_choice("published"), "401 201 403 403 201 403"),
    ("post", "/choices/", new_choice("draft"), "401 201 400 400 201 403"),
    ("patch", "/choices/{choice}/", {"title": "Andere keuze"}, "401 200 403 403 200 403"),
    ("put", "/choices/{choice}/", new_choice("published"), "401 200 403 403 200 403"),
    ("delete", "/choices/{choice}/", None, "401 204 403 403 204 403"),
    # explaining a deviation takes the right to edit the case; a choice that
    # does not deviate (R1 is not adopted) has nothing to explain: 409
    (
        "put",
        "/choices/{choice}/explanations/{direction_code}/",
        {"explanation": "Omdat het moet."},
        "401 409 403 403 409 403",
    ),
    # role analyses
    ("get", "/role-analyses/", None, "401 200 200 200 200 403"),
    ("get", "/role-analyses/{analysis}/", None, "401 200 200 200 200 403"),
    ("patch", "/role-analyses/{analysis}/", {"role": "partner"}, "401 200 403 403 200 403"),
    ("put", "/role-analyses/{analysis}/", {"role": "none"}, "401 200 403 403 200 403"),
    # directions
    ("get", "/directions/", None, "401 200 200 200 200 403"),
    ("get", "/directions/{direction}/", None, "401 200 200 200 200 403"),
    # sessions
    ("get", "/sessions/", None, "401 200 200 200 200 403"),
    ("get", "/sessions/{draft_session}/", None, "401 404 404 404 200 403"),
    ("get", "/sessions/{open_session}/", None, "401 404 404 200 200 403"),
    ("get", "/sessions/{closed_session}/", None, "401 200 200 200 200 403"),
    ("post", "/sessions/{draft_session}/open/", None, "401 404 404 404 200 403"),
    ("post", "/sessions/{open_session}/open/", None, "401 404 404 403 409 403"),
    ("post", "/sessions/{open_session}/close/", None, "401 404 404 403 200 403"),
    ("post", "/sessions/{closed_session}/close/", None, "401 403 403 403 409 403"),
    # votes, turnout and results
    ("get", "/sessions/{open_session}/votes/", None, "401 404 404 200 200 403"),
    ("get", "/sessions/{closed_session}/votes/", None, "401 200 200 200 200 403"),
    ("post", "/sessions/{open_session}/votes/", ballot, "401 404 404 200 403 403"),
    ("post", "/sessions/{closed_session}/votes/", ballot, "401 403 403 409 403 403"),
    ("post", "/sessions/{draft_session}/votes/", ballot, "401 404 404 404 403 403"),
    ("get", "/sessions/{open_session}/turnout/", None, "401 404 404 200 200 403"),
    ("get", "/sessions/{open_session}/results/", None, "401 404 404 403 403 403"),
    ("get", "/sessions/{closed_session}/results/", None, "401 200 200 200 200 403"),
    # the Algoritmeregister export: coordinators only
    ("get", "/algoritmeregister/", None, "401 403 403 403 200 403"),
]


def _cases():
    for method, path, body, statuses in MATRIX:
        expected = dict(zip(PERSONAS, map(int, statuses.split()), strict=True))
        for persona in PERSONAS:
            yield pytest.param(
                method, path, body, persona, expected[persona], id=f"{method} {path} {persona}"
            )


@pytest.fixture(autouse=True)
def _quick_setup(settings):
    # The personas' passwords hash in a blink, so 300 small tests stay quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the token endpoint's throttle


@pytest.fixture
def world(utrecht, zuid_holland, erik):
    return make_api_world(utrecht=utrecht, zuid_holland=zuid_holland, executive=erik)


@pytest.mark.parametrize(("method", "path", "body", "persona", "expected"), list(_cases()))
def test_permission_matrix(request, world, client, method, path, body, persona, expected):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    url = "/api/v1" + path.format(**world)
    if path == "/docs/":  # a page for people, logged in with the browser session
        if user is not None:
            client.force_login(user)
        response = client.get(url)
    else:
        data = body(world) if callable(body) else body
        response = getattr(token_client(user), method)(url, data, format="json")
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected >= 400 and path != "/docs/":
        body_json = response.json()
        if expected == 400:
            assert all(isinstance(messages, list) for messages in body_json.values())
        else:
            assert list(body_json) == ["detail"]


def test_the_matrix_covers_every_api_operation():
    """A new endpoint or method must get its row: the table lists every
    operation of the schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    documented = {
        (method, _generic(path.removeprefix("/api/v1")))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    covered = {
        (method, _generic(path)) for method, path, _body, _statuses in MATRIX if path != "/docs/"
    }
    assert documented - covered == set()


def _generic(path: str) -> str:
    import re

    return re.sub(r"\{\w+\}", "{}", path)
