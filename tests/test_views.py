import itertools
import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.db import connection as default_connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from cases.models import Layer
from tests.factories import make_case, make_choice

# Pages that must answer without a login.
PUBLIC_URL_NAMES = {
    "login",
    "healthz",
    "set_language",
    "admin:login",
    "accessibility",  # the accessibility statement: no data
    "oidc_authentication_init",  # single sign-on: 404 unless configured
    "oidc_authentication_callback",
}
SAMPLE_VALUES = ["1", "cases", "x"]


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


def test_case_list_shows_visible_cases_with_completeness(client_for, alice, utrecht, zuid_holland):
    make_case(organisation=utrecht, title="Eigen concept", status="draft")
    make_case(organisation=zuid_holland, title="Ander concept", status="draft")
    make_case(organisation=zuid_holland, title="Compleet", with_parts=True)
    response = client_for(alice).get("/cases/")
    assert response.status_code == 200
    assert "Eigen concept" in response.text and "Compleet" in response.text
    assert "Ander concept" not in response.text
    assert "100%" in response.text and "0%" in response.text


def test_case_list_paginates(client_for, alice, utrecht):
    for i in range(25):
        make_case(organisation=utrecht, title=f"Casus {i:02d}")
    client = client_for(alice)
    first = client.get("/cases/")
    assert "Casus 19" in first.text and "Casus 20" not in first.text
    assert "Pagina 1 van 2" in first.text
    second = client.get("/cases/?page=2")
    assert "Casus 24" in second.text and "Casus 00" not in second.text
    assert client.get("/cases/?page=abc").status_code == 200


def test_case_list_filter_bad_input_is_not_an_error(client_for, alice):
    response = client_for(alice).get("/cases/?organisation=999999&status=nonsense")
    assert response.status_code == 200


def test_case_page_shows_the_stack_and_role_grid(client_for, alice, utrecht):
    case = make_case(organisation=utrecht, title="Digitale tweeling", with_parts=True)
    response = client_for(alice).get(case.get_absolute_url())
    assert response.status_code == 200
    for layer in Layer.objects.all():
        assert layer.name in response.text
    for label in ("Markt", "Medeoverheden", "Kennisinstellingen"):
        assert label in response.text
    assert response.text.count('class="choice-card"') == 4
    assert "100%" in response.text


def test_case_page_of_a_draft_elsewhere_is_not_found(client_for, bob, utrecht):
    case = make_case(organisation=utrecht, status="draft")
    assert client_for(bob).get(case.get_absolute_url()).status_code == 404


def test_user_without_role_sees_no_cases(client_for, olga, utrecht):
    case = make_case(organisation=utrecht)
    client = client_for(olga)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert "geen rol" in client.get("/").text


def _count_queries(client, url):
    with CaptureQueriesContext(default_connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_page_and_list_run_a_fixed_number_of_queries(client_for, alice, utrecht):
    client = client_for(alice)
    layers = list(Layer.objects.all())
    cases = [make_case(organisation=utrecht, with_parts=True) for _ in range(5)]
    small_detail = _count_queries(client, cases[0].get_absolute_url())
    small_list = _count_queries(client, "/cases/")
    for _ in range(45):
        case = make_case(organisation=utrecht, with_parts=True)
        for layer in layers:
            make_choice(case=case, layer=layer)
    big = make_case(organisation=utrecht, with_parts=True)
    for layer in layers * 5:
        make_choice(case=big, layer=layer)
    assert _count_queries(client, big.get_absolute_url()) == small_detail
    assert _count_queries(client, "/cases/") == small_list
    assert small_detail <= 12 and small_list <= 14
