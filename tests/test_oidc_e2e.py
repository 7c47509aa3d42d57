"""Single sign-on end to end against a real OpenID provider: the npm package
``oidc-provider`` 9 (OpenID-certified), started locally from ``tests/oidc/``
(``npm ci`` there; ``.ci/run`` does it). Login with PKCE, state and nonce, a
user made without a role, logout and a second login on the same account, a
wrong client secret, and an unverified e-mail that must not take over a
local account."""

import os
import re
import shutil
import socket
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from cases.models import SignOnIdentity, User

HERE = Path(__file__).resolve().parent / "oidc"
SECRET = "e2e-client-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _available() -> bool:
    return shutil.which("node") is not None and (HERE / "node_modules" / "oidc-provider").exists()


pytestmark = pytest.mark.skipif(
    not _available() and not os.environ.get("CI"),
    reason="tests/oidc: run `npm ci` there for the real provider",
)


@pytest.fixture
def provider(stack_basics, live_server, settings):
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        ["node", "provider.mjs", str(port), SECRET, f"{live_server.url}/oidc/callback/"],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("the OpenID provider did not start")
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = "stackwork"
        settings.OIDC_RP_CLIENT_SECRET = SECRET
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/me"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "cases.oidc.ProvinceOIDCBackend",
        ]
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def _form(page: requests.Response) -> tuple[str, dict]:
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))
    fields = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text)
    )
    return urljoin(page.url, action), fields


def sign_on(browser: requests.Session, live_server, account: str) -> requests.Response:
    page = browser.get(f"{live_server.url}/oidc/authenticate/", timeout=30)
    for _ in range(3):  # the provider's login, then its consent; none once remembered
        if not page.url.startswith("http://127.0.0.1") or "/interaction/" not in page.url:
            break
        action, fields = _form(page)
        if fields.get("prompt") == "login":
            fields.update({"login": account, "password": "any"})
        page = browser.post(action, data=fields, timeout=30)
    return page


def test_login_makes_a_user_without_a_role_then_logout_and_login_again(
    provider, live_server, db
):
    browser = requests.Session()
    home = sign_on(browser, live_server, "jan")
    assert home.url == f"{live_server.url}/", home.url
    assert "geen rol" in home.text
    user = User.objects.get(username="jan.sso")
    assert not user.groups.exists() and user.first_name == "Jan"
    identity = SignOnIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (provider, "jan")
    # logout, then a second login finds the same account
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home.text).group(1)
    out = browser.post(f"{live_server.url}/logout/", data={"csrfmiddlewaretoken": token})
    assert "/login/" in out.url
    again = sign_on(browser, live_server, "jan")
    assert again.url == f"{live_server.url}/"
    assert User.objects.filter(email="jan@provincie.example").count() == 1


def test_a_wrong_client_secret_ends_on_the_login_failed_page(provider, live_server, settings, db):
    settings.OIDC_RP_CLIENT_SECRET = "rotated-elsewhere"
    page = sign_on(requests.Session(), live_server, "jan")
    assert page.status_code == 502
    assert "Inloggen niet gelukt" in page.text
    assert not User.objects.filter(username="jan.sso").exists()


def test_an_unverified_e_mail_does_not_take_over_a_local_account(
    provider, live_server, alice, db
):
    alice.email = "piet@provincie.example"
    alice.save()
    page = sign_on(requests.Session(), live_server, "piet")
    assert page.url == f"{live_server.url}/"
    newcomer = User.objects.get(username="piet.sso")
    assert newcomer != alice and not newcomer.groups.exists()
    assert not SignOnIdentity.objects.filter(user=alice).exists()


def test_a_verified_e_mail_of_an_account_with_a_role_waits_for_a_coordinator(
    provider, live_server, alice, db
):
    alice.email = "jan@provincie.example"
    alice.save()
    page = sign_on(requests.Session(), live_server, "jan")
    assert "Inloggen niet gelukt" in page.text and "coördinator" in page.text
    assert not SignOnIdentity.objects.get(user=alice).confirmed
