"""One number says how many proxies stand in front of the app (PROXY_COUNT);
the login lockout (axes through django-ipware) and the API's token throttle
(DRF) both read the client's address from it, so X-Forwarded-For neither
buys fresh attempts nor lets one client lock out another."""

import functools
import json
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import override_settings

TOKEN_URL = "/api/v1/auth/token/"
LB = "10.0.0.2"  # the load balancer as the app sees it (REMOTE_ADDR)


@pytest.fixture(autouse=True)
def fresh_counts(db, monkeypatch):
    from axes.models import AccessAttempt
    from rest_framework.throttling import SimpleRateThrottle

    AccessAttempt.objects.all().delete()
    cache.clear()  # the throttle counts in the cache
    # the same 10 attempts per hour instead of per minute: a slow machine
    # must not let the window slide past the first attempts
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"token": "10/hour"})


@functools.cache
def _settings_for(proxy_count: int) -> str:
    """What the settings module makes of PROXY_COUNT, in a fresh interpreter."""
    code = (
        "import json, stackwork.settings as s; print(json.dumps({"
        "'AXES_IPWARE_META_PRECEDENCE_ORDER': s.AXES_IPWARE_META_PRECEDENCE_ORDER,"
        "'AXES_IPWARE_PROXY_COUNT': s.AXES_IPWARE_PROXY_COUNT,"
        "'AXES_IPWARE_PROXY_ORDER': s.AXES_IPWARE_PROXY_ORDER,"
        "'IPWARE_STRICT': s.IPWARE_STRICT,"
        "'REST_FRAMEWORK': s.REST_FRAMEWORK}))"
    )
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "PROXY_COUNT": str(proxy_count)}
    started = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return started.stdout


def settings_for(proxy_count: int) -> dict:
    values = json.loads(_settings_for(proxy_count))
    values["AXES_IPWARE_META_PRECEDENCE_ORDER"] = tuple(values["AXES_IPWARE_META_PRECEDENCE_ORDER"])
    return values


@pytest.mark.parametrize("count", [0, 1, 2])
def test_one_setting_drives_both_the_lockout_and_the_throttle(count):
    values = settings_for(count)
    assert values["REST_FRAMEWORK"]["NUM_PROXIES"] == count
    if count == 0:
        assert values["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ("REMOTE_ADDR",)


@pytest.mark.parametrize(
    ("count", "forwarded", "client"),
    [
        (0, "6.6.6.6", "127.0.0.1"),  # no proxy: the header is the client's own words
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a made-up first address is cut
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
    ],
)
def test_axes_and_drf_see_the_same_client(rf, count, forwarded, client):
    from axes.helpers import get_client_ip_address
    from rest_framework.throttling import BaseThrottle

    values = settings_for(count)
    request = rf.get("/", REMOTE_ADDR="127.0.0.1" if count == 0 else LB)
    request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    with override_settings(**values):
        assert get_client_ip_address(request) == client
        assert BaseThrottle().get_ident(request) == client


def token_attempt(client, n, **headers):
    return client.post(
        TOKEN_URL,
        {"username": f"gok-{n}", "password": "fout"},
        content_type="application/json",
        **headers,
    )


def test_a_forged_forwarded_for_does_not_bypass_the_token_throttle(client):
    """No proxy configured: each request claims another address, all are one client."""
    answers = [
        token_attempt(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(11)
    ]
    assert 429 not in answers[:10]
    assert answers[10] == 429


def test_behind_one_proxy_the_throttle_counts_per_real_client(client):
    with override_settings(**settings_for(1)):
        for n in range(10):
            token_attempt(
                client, n, REMOTE_ADDR=LB, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7"
            )
        forged = token_attempt(
            client, 10, REMOTE_ADDR=LB, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7"
        )
        assert forged.status_code == 429  # the forged first address bought nothing
        other = token_attempt(client, 11, REMOTE_ADDR=LB, HTTP_X_FORWARDED_FOR="203.0.113.8")
        assert other.status_code != 429  # another person behind the same proxy is not throttled


def login(client, username, password, **headers):
    return client.post("/login/", {"username": username, "password": password}, **headers)


def test_behind_a_proxy_one_client_cannot_lock_another_out(client, erik):
    with override_settings(**settings_for(1)):
        attacker = {"REMOTE_ADDR": LB, "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
        for _ in range(5):
            answer = login(client, "erik", "fout", **attacker)
        assert answer.status_code == 429  # the attacker is locked out
        # erik, from his own address behind the same load balancer, still logs in
        own = {"REMOTE_ADDR": LB, "HTTP_X_FORWARDED_FOR": "203.0.113.10"}
        assert login(client, "erik", "secret-pass-123", **own).status_code == 302


def test_a_forged_forwarded_for_buys_no_fresh_login_attempts(client, erik):
    for n in range(5):
        answer = login(client, "erik", "fout", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert answer.status_code == 429
    with override_settings(**settings_for(1)):
        client.logout()
        for n in range(5):
            answer = login(
                client,
                "cora-nep",
                "fout",
                REMOTE_ADDR=LB,
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.66",
            )
        assert answer.status_code == 429
