"""Login throttling, security headers on every page, single sign-on with a
fake provider, and what an anonymous visitor can reach."""

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from unittest import mock
from urllib.parse import parse_qs, urljoin, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from cases.models import User
from tests.test_pages import _sample_url, all_url_names

PASSWORD = "secret-pass-123"


@pytest.fixture(autouse=True)
def fresh_axes(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_locks_after_five_failures_without_saying_whether_the_user_exists(client, alice):
    for _ in range(4):
        assert login(client, "alice", "wrong").status_code == 200
    locked = login(client, "alice", "wrong")
    assert locked.status_code == 429
    assert "Te veel mislukte inlogpogingen" in locked.text
    assert 'value="alice"' in locked.text  # what was typed is kept
    # now even the right password is refused
    assert login(client, "alice", PASSWORD).status_code == 429
    for _ in range(5):
        ghost = login(client, "nobody-here", "wrong")
    assert ghost.status_code == 429
    alert = re.compile(r'role="alert"><p>([^<]+)</p>')
    assert alert.search(ghost.text).group(1) == alert.search(locked.text).group(1)


def test_a_successful_login_resets_the_count(client, alice):
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "alice", "wrong").status_code == 200


def test_the_token_endpoint_locks_too(client, alice):
    url = "/api/v1/auth/token/"
    for _ in range(5):
        response = client.post(
            url, {"username": "alice", "password": "wrong"}, content_type="application/json"
        )
    assert response.status_code == 429
    assert "Te veel mislukte inlogpogingen" in response.json()["detail"]
    response = client.post(
        url, {"username": "alice", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429


PUBLIC = {
    "login",
    "healthz",
    "set_language",
    "admin:login",
    "accessibility",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "oidc_failed",
}


@pytest.mark.parametrize("name", all_url_names())
def test_security_headers_and_csp_on_every_page(cora, name):
    client = Client(raise_request_exception=False)
    client.force_login(cora)
    response = client.get(_sample_url(name))
    csp = response.get("Content-Security-Policy", "")
    if response.get("Content-Type", "").startswith("text/html"):
        assert "default-src 'self'" in csp, name
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, name
        assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _production_settings() -> dict:
    """The HTTPS settings as stackwork/settings.py sets them with DEBUG off,
    read in a fresh interpreter from the real module (not set by the test)."""
    import subprocess
    import sys

    names = [
        "DEBUG",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
    ]
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "production-like-secret-for-the-settings-test-0123456789",
        "ALLOWED_HOSTS": "stackwork.example.org",
    }
    code = (
        "import json, stackwork.settings as s;"
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    values = json.loads(out.stdout)
    if values["SECURE_PROXY_SSL_HEADER"]:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_send_hsts_and_secure_cookies(client, alice, settings):
    production = _production_settings()
    assert production["DEBUG"] is False
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    for name, value in production.items():
        if name != "DEBUG":
            setattr(settings, name, value)
    # plain HTTP is sent to HTTPS ...
    redirect = client.get("/login/")
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")
    # ... and over HTTPS the answer carries HSTS and only secure cookies
    response = client.post("/login/", {"username": "alice", "password": PASSWORD}, secure=True)
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert response.cookies["csrftoken"]["secure"]


def test_logging_out_ends_the_session(client, alice):
    login(client, "alice", PASSWORD)
    session_key = client.cookies["sessionid"].value
    client.post("/logout/")
    stale = Client()
    stale.cookies["sessionid"] = session_key
    assert stale.get("/cases/").status_code == 302


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "action", "src") and value:
                self.links.append(value)


def test_an_anonymous_crawl_from_the_login_page_finds_nothing_else(client, db):
    allowed = {"/login/", "/toegankelijkheid", "/healthz"}
    seen, queue, open_pages = set(), ["/login/"], set()
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code == 200:
            open_pages.add(urlparse(path).path)
            if response["Content-Type"].startswith("text/html"):
                parser = _Links()
                parser.feed(response.text)
                for link in parser.links:
                    target = urlparse(urljoin("http://testserver" + path, link))
                    if target.netloc == "testserver" and not target.path.startswith("/static/"):
                        queue.append(target.path)
    assert open_pages <= allowed, open_pages - allowed
    assert "/toegankelijkheid" in open_pages


# --- single sign-on against a fake provider -----------------------------------

OP = "https://idp.provincie.example"


class FakeProvider:
    """Just enough of an OpenID provider: it checks PKCE and signs an RS256 id_token."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.nonce = None
        self.challenge = None
        self.claims = {
            "sub": "u-123",
            "email": "jan@provincie.example",
            "given_name": "Jan",
            "preferred_username": "jan.sso",
        }

    def authorize(self, location: str) -> str:
        query = parse_qs(urlparse(location).query)
        assert query["code_challenge_method"] == ["S256"]
        self.challenge = query["code_challenge"][0]
        self.nonce = query["nonce"][0]
        return query["state"][0]

    def _response(self, data):
        response = mock.Mock(status_code=200, headers={"content-type": "application/json"})
        response.json.return_value = data
        response.raise_for_status.return_value = None
        return response

    def post(self, url, data=None, **kwargs):
        assert url == f"{OP}/token"
        digest = hashlib.sha256(data["code_verifier"].encode()).digest()
        assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == self.challenge
        id_token = jwt.encode(
            {**self.claims, "nonce": self.nonce, "aud": "stackwork"},
            self.key,
            algorithm="RS256",
            headers={"kid": "k1"},
        )
        return self._response({"id_token": id_token, "access_token": "at-1"})

    def get(self, url, **kwargs):
        if url == f"{OP}/jwks":
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
            return self._response({"keys": [{**jwk, "kid": "k1", "alg": "RS256"}]})
        assert url == f"{OP}/userinfo"
        return self._response(self.claims)


@pytest.fixture
def oidc_on(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "stackwork"
    settings.OIDC_RP_CLIENT_SECRET = "s3cret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{OP}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{OP}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{OP}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{OP}/jwks"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "cases.oidc.ProvinceOIDCBackend",
    ]


def test_single_sign_on_with_pkce_creates_a_user_without_a_role(client, oidc_on, alice):
    assert "Inloggen via" in client.get("/login/").text
    provider = FakeProvider()
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start["Location"].startswith(f"{OP}/authorize?")
    state = provider.authorize(start["Location"])
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", side_effect=provider.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", side_effect=provider.get),
    ):
        done = client.get("/oidc/callback/", {"code": "c-1", "state": state})
    assert done.status_code == 302 and done["Location"] == "/"
    user = User.objects.get(username="jan.sso")
    assert user.email == "jan@provincie.example" and not user.groups.exists()
    assert "geen rol" in client.get("/").text
    # local accounts keep working beside it
    other = Client()
    assert login(other, "alice", PASSWORD).status_code == 302


def test_a_forged_state_is_refused(client, oidc_on):
    start = client.get("/oidc/authenticate/")
    FakeProvider().authorize(start["Location"])
    response = client.get("/oidc/callback/", {"code": "c-1", "state": "forged"})
    assert response.status_code in (302, 400)
    assert not User.objects.filter(username="jan.sso").exists()


def test_single_sign_on_is_off_by_default(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "Inloggen via" not in client.get("/login/").text
