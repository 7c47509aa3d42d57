from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client


@pytest.fixture
def quiet_client(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def test_a_database_outage_is_a_503_page_not_a_traceback(quiet_client):
    with mock.patch(
        "cases.models.Case.objects.visible_to", side_effect=OperationalError("server closed")
    ):
        response = quiet_client.get("/cases/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "de database antwoordt niet" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_database_outage_in_the_api_is_a_503_json(quiet_client):
    with mock.patch(
        "cases.models.Case.objects.visible_to", side_effect=OperationalError("server closed")
    ):
        response = quiet_client.get("/api/v1/cases/")
    assert response.status_code == 503
    assert "database" in response.json()["detail"]


def test_other_errors_are_a_plain_500(quiet_client):
    with mock.patch("cases.models.Case.objects.visible_to", side_effect=IntegrityError("bug")):
        response = quiet_client.get("/cases/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()


# The error pages: in the page layout, in the user's language, with a next step


def test_a_missing_page_is_a_404_in_the_layout_with_where_to_go(client_for, alice):
    response = client_for(alice).get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="nl">' in html and 'aria-label="Hoofdmenu"' in html
    assert "<h1>Pagina niet gevonden</h1>" in html
    assert "Controleer het adres" in html and 'href="/">Naar de startpagina' in html
    assert "Not Found" not in html


def test_the_error_pages_speak_the_language_the_user_chose(client_for, alice):
    client = client_for(alice)
    client.cookies["django_language"] = "en"
    html = client.get("/bestaat-niet/").content.decode()
    assert '<html lang="en">' in html and "<h1>Page not found</h1>" in html
    html = client.get("/audit/").content.decode()
    assert "<h1>No access</h1>" in html


def test_forbidden_is_a_dutch_403_saying_whom_to_ask(client_for, alice):
    response = client_for(alice).get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Geen toegang</h1>" in html and "vraag dan een coördinator" in html
    assert 'aria-label="Hoofdmenu"' in html and "403 Forbidden" not in html


def test_a_bad_request_is_a_styled_400(client_for, alice):
    response = client_for(alice).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Dit verzoek klopt niet</h1>" in html and "Ga terug" in html


def test_a_form_without_its_csrf_token_gets_a_page_that_says_what_to_do(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/cases/new/", {"title": "Zonder token"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Formulier verlopen</h1>" in html and "laad de pagina opnieuw" in html
    assert "CSRF verification failed" not in html


def test_an_anonymous_visitor_gets_the_404_with_the_way_to_log_in(client):
    html = client.get("/bestaat-niet/").content.decode()
    assert "<h1>Pagina niet gevonden</h1>" in html and 'href="/login/"' in html
    assert 'aria-label="Hoofdmenu"' not in html


def test_the_500_page_is_in_the_layout_too(quiet_client):
    with mock.patch("cases.models.Case.objects.visible_to", side_effect=IntegrityError("bug")):
        html = quiet_client.get("/cases/").content.decode()
    assert '<html lang="nl">' in html and 'aria-label="Hoofdmenu"' in html
    assert "Ga terug naar de vorige pagina of naar de startpagina." in html


def test_an_unknown_api_address_answers_json(client_for, alice):
    response = client_for(alice).get("/api/v1/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]


def test_the_browser_finds_the_icon_at_the_usual_address(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
