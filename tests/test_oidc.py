"""Single sign-on: matched on the provider's (issuer, subject), an existing
account linked only on a verified e-mail and, when it holds a role, only after
a coordinator confirms; every provider error ends on the "login failed" page."""

from unittest import mock

import pytest
import requests

from cases.models import SignOnIdentity, User
from tests.test_security import OP, FakeProvider, oidc_on  # noqa: F401  (the fixture)


def sign_on(client, provider: FakeProvider, **patches):
    start = client.get("/oidc/authenticate/")
    state = provider.authorize(start["Location"])
    with (
        mock.patch(
            "mozilla_django_oidc.auth.requests.post", **(patches.get("post") or {"side_effect": provider.post})
        ),
        mock.patch("mozilla_django_oidc.auth.requests.get", side_effect=provider.get),
    ):
        return client.get("/oidc/callback/", {"code": "c-1", "state": state}, follow=True)


def provider_with(**claims) -> FakeProvider:
    provider = FakeProvider()
    provider.claims.update({"iss": OP, **claims})
    return provider


def test_a_second_login_finds_the_account_by_subject_not_e_mail(client, db, oidc_on):  # noqa: F811
    sign_on(client, provider_with())
    user = User.objects.get(username="jan.sso")
    assert SignOnIdentity.objects.get(user=user).subject == "u-123"
    client.logout()
    moved = provider_with(email="jan.nieuw@provincie.example", preferred_username="jan2")
    page = sign_on(client, moved)
    assert page.wsgi_request.user == user
    assert User.objects.filter(email__icontains="jan").count() == 1


def test_an_unverified_e_mail_never_takes_over_a_local_account(client, oidc_on, alice):  # noqa: F811
    alice.email = "jan@provincie.example"
    alice.save()
    page = sign_on(client, provider_with(preferred_username="alice"))
    user = page.wsgi_request.user
    assert user.is_authenticated and user != alice
    assert not user.groups.exists() and user.username != "alice"


def test_a_verified_e_mail_of_an_account_with_a_role_waits_for_a_coordinator(
    client, oidc_on, alice  # noqa: F811
):
    alice.email = "jan@provincie.example"
    alice.save()
    page = sign_on(client, provider_with(email_verified=True))
    assert not page.wsgi_request.user.is_authenticated
    assert "Inloggen niet gelukt" in page.text and "coördinator" in page.text
    identity = SignOnIdentity.objects.get(subject="u-123")
    assert identity.user == alice and not identity.confirmed
    # the coordinator confirms; the next login is alice
    identity.confirmed = True
    identity.save()
    page = sign_on(client, provider_with(email_verified=True))
    assert page.wsgi_request.user == alice


def test_a_verified_e_mail_of_an_account_without_a_role_is_linked(client, oidc_on, olga):  # noqa: F811
    olga.email = "jan@provincie.example"
    olga.save()
    page = sign_on(client, provider_with(email_verified=True))
    assert page.wsgi_request.user == olga


def _answer(status: int, body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.url = f"{OP}/token"
    return response


@pytest.mark.parametrize(
    "post",
    [
        {"return_value": _answer(401, b'{"error": "invalid_client"}')},  # a wrong secret
        {"side_effect": requests.ConnectionError("down")},  # an outage
        {"return_value": _answer(200, b"<html>maintenance</html>")},  # no JSON
    ],
    ids=["wrong-secret", "outage", "not-json"],
)
def test_every_provider_error_ends_on_the_login_failed_page(client, db, oidc_on, post):  # noqa: F811
    page = sign_on(client, provider_with(), post=post)
    assert page.status_code == 502
    assert "Inloggen niet gelukt" in page.text
    assert not page.wsgi_request.user.is_authenticated
