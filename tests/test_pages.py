"""Pages and doors every user meets: the URL walk (nothing without a login),
the health check, the login page and the language switch."""

import itertools
import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.db import connection as default_connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

# Pages that must answer without a login.
PUBLIC_URL_NAMES = {
    "login",
    "healthz",
    "set_language",
    "admin:login",
    "accessibility",  # the accessibility statement: no data
    "oidc_authentication_init",  # single sign-on: 404 unless configured
    "oidc_authentication_callback",
    "oidc_failed",
}
SAMPLE_VALUES = ["1", "cases", "x", "ods"]  # "ods": the spreadsheet formats


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _sample_url(name):
    """Reverse a URL name with sample values for however many arguments it takes."""
    for count in range(4):
        for args in itertools.product(SAMPLE_VALUES, repeat=count):
            try:
                return reverse(name, args=args)
            except NoReverseMatch:
                continue
    return None


def all_url_names():
    return sorted(set(_walk(get_resolver().url_patterns)))


def test_url_walk_finds_the_pages():
    names = all_url_names()
    assert {"home", "case_list", "case_detail", "admin:index"} <= set(names)


def _is_api_endpoint(name: str) -> bool:
    # The API answers 401 in JSON itself (tests/test_api_permissions.py); its
    # docs are a page for people and redirect like every other page.
    return name.startswith("api:") and name != "api:docs"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [n for n in all_url_names() if n not in PUBLIC_URL_NAMES and not _is_api_endpoint(n)],
)
def test_every_page_redirects_an_anonymous_visitor_to_login(client, name):
    url = _sample_url(name)
    assert url is not None, f"could not build a sample URL for {name}"
    response = client.get(url)
    assert response.status_code == 302, (name, url, response.status_code)
    assert re.match(r"^/(admin/)?login/", response["Location"]), response["Location"]


def test_healthz_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_does_not_answer(client, db):
    with mock.patch.object(default_connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_login_page_is_dutch_and_logs_in(client, alice):
    response = client.get("/login/")
    assert response.status_code == 200
    assert 'lang="nl"' in response.text and "Inloggen" in response.text
    response = client.post("/login/", {"username": "alice", "password": "secret-pass-123"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_bad_login_keeps_the_username_and_says_why(client, alice):
    response = client.post("/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert 'value="alice"' in response.text
    assert "gebruikersnaam" in response.text.lower()


def test_language_switch_to_english(client_for, alice):
    client = client_for(alice)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/cases/"})
    assert response.status_code == 302
    response = client.get("/cases/")
    assert 'lang="en"' in response.text
    assert "<h1>Cases</h1>" in response.text
