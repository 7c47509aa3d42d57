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
def console_errors(page):
    """Every error the page reports: console errors (CSP refusals, failed
    loads), uncaught exceptions and console warnings, none left out."""
    errors: list[str] = []

    def record(message):
        if message.type in ("error", "warning"):
            errors.append(f"{message.type}: {message.text} @ {message.location}")

    page.on("console", record)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors
