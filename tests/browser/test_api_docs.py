"""The interactive API docs in a real browser: drawn under our strict CSP, every
asset from our own server, and "Try it out" works with the browser's login."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.django_db(transaction=True)

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture
def alice(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    return make_user(username="alice", role="civil_servant", organisation=utrecht)


def test_api_docs_render_the_operations_without_csp_errors(login, alice, live_server, console_errors):
    page = login("alice")
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    votes = page.locator(".opblock-post").filter(has_text="/api/v1/sessions/{id}/votes/")
    expect(votes).to_be_visible()
    schema = page.request.get(f"{live_server.url}/api/v1/schema/?format=json").json()
    operations = sum(
        method in HTTP_METHODS for methods in schema["paths"].values() for method in methods
    )
    assert operations > 0
    expect(page.locator(".opblock")).to_have_count(operations)

    layers = page.locator(".opblock-get").filter(has_text="/api/v1/layers/").first
    layers.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    expect(page.locator(".live-responses-table")).to_contain_text("infrastructure")

    assert console_errors == [], "\n".join(console_errors)
    assert elsewhere == []
