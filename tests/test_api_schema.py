"""The API against its own OpenAPI schema, fuzzed with schemathesis.

Every operation is called with generated input (valid and invalid) as each
role in turn — civil servant of the cases' organisation, civil servant of
another, executive, coordinator — against the WSGI application in-process,
inside the test's database transaction. No input may give a server error,
and every response must match the schema (status code, content type, body).
Path ids are mostly steered to records that exist, so the calls reach the
views' logic instead of stopping at 404.

One check is left out: "schema-valid data is accepted". A well-formed request
may rightly be refused — an organisation id that does not exist is a 400 field
error, a points total over the budget too — so that check would flag the API
doing what it must.
"""

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from rest_framework.throttling import ScopedRateThrottle
from schemathesis.specs.openapi.checks import positive_data_acceptance

from stackwork.wsgi import application
from tests.api_support import make_api_world

ROLES = ("alice", "bob", "erik", "cora")


def _schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))  # lazy strings to plain JSON


schema = schemathesis.openapi.from_dict(_schema())
schema.app = application  # calls go to the WSGI application in-process
schema.config.update(base_url="http://testserver")

# Which world ids a path id, or an id in a body, may be steered to.
PATH_IDS = {
    "/api/v1/cases/": ("published", "draft", "submitted", "other"),
    "/api/v1/choices/": ("choice",),
    "/api/v1/role-analyses/": ("analysis",),
    "/api/v1/layers/": ("layer",),
    "/api/v1/organisations/": ("utrecht", "zuid_holland"),
    "/api/v1/directions/": ("direction", "second_direction"),
    "/api/v1/sessions/": ("open_session", "draft_session", "closed_session"),
}
BODY_IDS = {
    "case": PATH_IDS["/api/v1/cases/"],
    "direction": PATH_IDS["/api/v1/directions/"],
    "organisation": PATH_IDS["/api/v1/organisations/"],
    "supplier": PATH_IDS["/api/v1/organisations/"],
}


def _steer(value, keys: tuple[str, ...], world: dict):
    """Small generated ids become ids that exist; large and negative ones stay
    as generated, so unknown ids are tried too."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)  # the coverage phase sends path ids as text
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1000:
        return world[keys[value % len(keys)]]
    return value


@pytest.fixture
def tokens(utrecht, zuid_holland, alice, bob, erik, cora) -> tuple[dict, dict]:
    world = make_api_world(utrecht=utrecht, zuid_holland=zuid_holland, executive=erik)
    users = {"alice": alice, "bob": bob, "erik": erik, "cora": cora}
    return world, {role: AuthToken.objects.create(user=users[role])[1] for role in ROLES}


@pytest.fixture(autouse=True)
def _in_process_requests(settings, monkeypatch):
    # The WSGI handler would close the test's connection after each request
    # (Django's test client switches that off too), and the token throttle
    # would answer nothing but 429 to a fuzzer that keeps logging in.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "10000/minute"})
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_honours_its_schema_for_every_role(case, tokens):
    world, role_tokens = tokens
    if "id" in (case.path_parameters or {}):
        prefix = case.operation.path.split("{")[0]
        case.path_parameters["id"] = _steer(case.path_parameters["id"], PATH_IDS[prefix], world)
    if isinstance(case.body, dict):
        for name, keys in BODY_IDS.items():
            if name in case.body:
                case.body[name] = _steer(case.body[name], keys, world)
    for role in ROLES:
        case.call_and_validate(
            headers={"Authorization": f"Token {role_tokens[role]}"},
            excluded_checks=[positive_data_acceptance],
        )
