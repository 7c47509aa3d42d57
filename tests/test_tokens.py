"""API tokens: shown once, stored hashed, expiring, revoked by logging out,
by a password change and by the loss of a role; each event in the audit trail."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from cases.models import AuditEvent

API = "/api/v1"


@pytest.fixture(autouse=True)
def _quick(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the token endpoint's throttle


def _login(username="alice", password="secret-pass-123") -> tuple[APIClient, str]:
    client = APIClient()
    response = client.post(
        f"{API}/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client, token


def test_the_token_is_shown_once_and_stored_only_as_a_hash(alice):
    client, token = _login()
    assert client.get(f"{API}/cases/").status_code == 200
    stored = AuthToken.objects.get(user=alice)
    row = {f.attname: str(getattr(stored, f.attname)) for f in AuthToken._meta.fields}
    assert token not in row.values() and all(token not in value for value in row.values())


def test_the_answer_says_until_when_the_token_works(alice):
    response = APIClient().post(
        f"{API}/auth/token/", {"username": "alice", "password": "secret-pass-123"}, format="json"
    )
    body = response.json()
    assert set(body) == {"token", "expiry"}
    assert AuthToken.objects.get(user=alice).expiry > timezone.now() + timedelta(hours=1)


def test_an_expired_token_is_refused(alice):
    client, _token = _login()
    AuthToken.objects.filter(user=alice).update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{API}/cases/").status_code == 401


def test_delete_logs_out_this_token_only(alice):
    first, _ = _login()
    second, _ = _login()
    assert first.delete(f"{API}/auth/token/").status_code == 204
    assert first.get(f"{API}/cases/").status_code == 401
    assert second.get(f"{API}/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="logged_out", object_id=alice.pk).exists()


def test_logging_out_needs_a_token(db):
    assert APIClient().delete(f"{API}/auth/token/").status_code == 401


def test_a_password_change_revokes_every_token(alice):
    first, _ = _login()
    second, _ = _login()
    alice.set_password("another-pass-456")
    alice.save()
    assert first.get(f"{API}/cases/").status_code == 401
    assert second.get(f"{API}/cases/").status_code == 401
    assert AuditEvent.objects.filter(action="tokens_revoked", object_id=alice.pk).exists()
    assert AuditEvent.objects.filter(action="password_changed", object_id=alice.pk).exists()


def test_losing_a_role_revokes_every_token_gaining_one_does_not(alice):
    client, _ = _login()
    alice.groups.add(Group.objects.get(name="executive"))
    assert client.get(f"{API}/cases/").status_code == 200
    alice.groups.remove(Group.objects.get(name="executive"))
    assert client.get(f"{API}/cases/").status_code == 401
    event = AuditEvent.objects.filter(action="roles_changed", object_id=alice.pk).first()
    assert event.changes == [
        {"field": "roles", "old": ["civil_servant", "executive"], "new": ["civil_servant"]}
    ]


def test_a_role_taken_away_from_the_group_side_revokes_too(alice):
    client, _ = _login()
    Group.objects.get(name="civil_servant").user_set.remove(alice)
    assert client.get(f"{API}/cases/").status_code == 401


def test_token_events_are_in_the_audit_trail(client_for, alice, cora):
    client, _ = _login()
    client.delete(f"{API}/auth/token/")
    page = client_for(cora).get("/audit/", {"kind": "token"}).text
    assert "token aangemaakt" in page and "uitgelogd (token ingetrokken)" in page
