"""Browser tests: Playwright driving Debian's Chromium.

They skip when Chromium is missing on a developer's laptop, and fail instead
when STACKWORK_REQUIRE_BROWSER (set by CI) says they must run.
"""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("STACKWORK_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM:
        if REQUIRED:
            pytest.fail("Chromium is required for the browser tests (apt-get install chromium).")
        pytest.skip("Chromium is not installed; browser tests skipped.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def login(page, live_server):
    """Log in through the real form, as a person would."""

    def do_login(username: str, password: str = "secret-pass-123"):
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return do_login


@pytest.fixture
def csp_errors(page):
    """Console errors caused by the Content-Security-Policy."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    return errors


@pytest.fixture
def own_csp_errors(page):
    """CSP violations caused by our own pages and scripts. Left out: plotly's
    injected styles, refused under the strict style-src (plotly.js #7543; the
    rules that matter are served in static/vendor/plotly/plotly-csp.css), and
    what the test harness itself evaluates in the page (axe: no script URL)."""
    errors: list[str] = []

    def record(message):
        if message.type != "error" or "Content Security Policy" not in message.text:
            return
        source = (message.location or {}).get("url", "")
        if not source or "/static/vendor/plotly/" in source:
            return
        errors.append(f"{message.text} @ {message.location}")

    page.on("console", record)
    return errors
