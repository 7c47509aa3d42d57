"""A crawl of every kind of page, as each role, in Chromium: no console
error or warning (none filtered) and no serious axe finding anywhere.

It starts at the home page of the demo data and follows every link in the
app, visiting up to two addresses of each page (URL name), plus the pages
nobody links to (the error pages). Downloads (PDF, CSV, ODS, XLSX, JSON),
the API itself and the admin's inner pages (Django's own) are left to their
own tests; the API docs and the admin's index are crawled."""

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.browser.support import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "stackwork-demo"
PER_PAGE_NAME = 2
SKIP = re.compile(r"^/(logout/|i18n/|oidc/)|\.(pdf|csv|ods|xlsx|json)$|^/api/(?!v1/docs/)|^/admin/.+")
EVIL_TITLE = '<a href="https://evil.example">klik</a> & <b>vet</b>'


@pytest.fixture
def demo(stack_basics, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    call_command("load_demo", force=True, verbosity=0)
    from cases.models import Case

    # a title that would be a link if a chart rendered it as HTML
    case = Case.objects.filter(status="published").first()
    case.title = EVIL_TITLE
    case.save()


def page_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.hostname not in ("localhost", "127.0.0.1"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if not SKIP.search(parts.path):
            found.append(url)
    return found


def crawl(page, base: str) -> tuple[dict, list]:
    """Every page reachable from home; findings per address."""
    queue, seen, visits = ["/"], set(), Counter()
    findings = {}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        name = page_name(urlsplit(url).path)
        if name is None or visits[name] >= PER_PAGE_NAME:
            continue
        visits[name] += 1
        response = page.goto(base + url)
        assert response.status == 200, (url, response.status)
        page.wait_for_load_state("networkidle")
        # a chart draws an SVG; no link inside it comes from the data
        assert page.locator("[data-chart] svg a").count() == 0, url
        problems = serious_violations(page)
        if problems:
            findings[url] = problems
        queue.extend(links(page))
    return findings, sorted(visits)


@pytest.mark.parametrize(
    ("username", "must_see"),
    [
        ("ambtenaar", {"home", "case_list", "case_detail", "case_edit", "stack_map"}),
        ("bestuurder", {"home", "session_detail", "session_ballot", "session_results"}),
        ("coordinator", {"home", "audit_log", "direction_edit", "session_edit", "admin:index"}),
    ],
)
def test_every_page_as_each_role_has_no_console_error_and_no_serious_axe_finding(
    login, demo, live_server, console_errors, username, must_see
):
    page = login(username, PASSWORD)
    findings, names = crawl(page, live_server.url)
    assert must_see <= set(names), names
    assert findings == {}
    assert console_errors == [], "\n".join(console_errors)


def test_the_error_pages_pass_axe_in_the_layout(login, demo, live_server, console_errors):
    page = login("ambtenaar", PASSWORD)
    statuses = []
    for url in ("/bestaat-niet/", "/audit/"):
        response = page.goto(live_server.url + url)
        statuses.append(response.status)
        assert page.get_by_role("navigation", name="Hoofdmenu").is_visible()
        assert serious_violations(page) == []
    assert statuses == [404, 403]
    # the browser reports each refused page load once, and nothing else
    assert len(console_errors) == 2, "\n".join(console_errors)
    assert all("status of 40" in error for error in console_errors), console_errors
