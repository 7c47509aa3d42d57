"""The settings module read from the environment, in a fresh interpreter each
time, as a server starts."""

import subprocess
import sys

import pytest


def _start(**env) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "example.org"}
    code = "import stackwork.settings as s; print(s.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("1", "True"), ("yes", "True"), ("off", "False"), ("", "False")]
)
def test_a_yes_no_setting_reads_the_usual_words(value, expected):
    started = _start(DEBUG=value, SECRET_KEY="s" * 50)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split()[0] == expected


@pytest.mark.parametrize("typo", ["ture", "2", "enabled"])
def test_a_yes_no_setting_it_cannot_read_stops_the_start(typo):
    started = _start(SECURE_SSL_REDIRECT=typo)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert f"SECURE_SSL_REDIRECT='{typo}' is not a yes/no value" in started.stderr
