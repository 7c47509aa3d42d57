"""A session ends after SESSION_COOKIE_AGE seconds without activity, as the
README says; the turnout poll of an open session does not count as activity."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.factories import make_direction, make_session

POLL = {"HTTP_HX_REQUEST": "true", "HTTP_X_STACKWORK_POLL": "1"}


@pytest.fixture
def live_session(erik):
    return make_session(directions=[make_direction(code="R1")], title="Open sessie")


def stored(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def set_expiry(client, when):
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=when)


def test_save_every_request_is_off_so_it_cannot_keep_a_session_alive():
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert "cases.middleware.IdleSessionMiddleware" in settings.MIDDLEWARE


def test_the_page_polls_with_the_header_that_marks_it_passive(client_for, erik, live_session):
    html = client_for(erik).get(f"/sessions/{live_session.pk}/").content.decode()
    assert 'hx-trigger="every 30s"' in html
    assert """hx-headers='{"X-Stackwork-Poll": "1"}'""" in html


def test_polling_does_not_extend_the_session_but_a_click_does(client_for, erik, live_session):
    client = client_for(erik)
    url = f"/sessions/{live_session.pk}/"
    soon = timezone.now() + datetime.timedelta(minutes=1)
    set_expiry(client, soon)
    for _ in range(3):
        response = client.get(url, **POLL)
        assert response.status_code == 200 and "turnout" in response.content.decode()
    assert stored(client).expire_date == soon  # 3 polls later: still ends in a minute

    client.get(url)  # the person does something
    left = stored(client).expire_date - timezone.now()
    assert left > datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_an_idle_tab_that_keeps_polling_is_logged_out(client_for, erik, live_session):
    client = client_for(erik)
    url = f"/sessions/{live_session.pk}/"
    set_expiry(client, timezone.now() - datetime.timedelta(seconds=1))  # idle too long
    response = client.get(url, HTTP_HX_CURRENT_URL=f"http://testserver{url}", **POLL)
    # htmx is told to load the login page, not to swap the login form into the turnout
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/login/?next=%2Fsessions%2F{live_session.pk}%2F"
    assert not Session.objects.filter(expire_date__gt=timezone.now()).exists()
    page = client.get(url)
    assert page.status_code == 302 and page["Location"].startswith("/login/")
