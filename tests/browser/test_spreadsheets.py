"""The spreadsheet import in a real browser: the file is sent with a
progress bar, the row report is swapped in place, and the page is
accessible and clean under the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.browser.support import serious_violations
from tests.factories import make_organisation, make_user
from tests.test_spreadsheets import case_row, workbook

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alice(stack_basics):
    utrecht = make_organisation(name="Provincie Utrecht")
    return make_user(username="alice", role="civil_servant", organisation=utrecht)


def test_upload_shows_progress_then_the_report_in_place(login, alice, live_server, console_errors, tmp_path):
    path = tmp_path / "teams.xlsx"
    path.write_bytes(workbook(cases=[case_row(1), case_row(2, "Kaartviewer", organisation="Provincie Atlantis")]))
    page = login("alice")
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="Importeren uit spreadsheet").click()
    page.evaluate("window.stillTheSamePage = true")
    progress = []
    page.expose_function("recordProgress", lambda value: progress.append(value))
    page.evaluate(
        "document.addEventListener('htmx:xhr:progress', () => "
        "window.recordProgress(document.getElementById('import-upload-progress').value))"
    )
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Controleren").click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("Onbekende organisatie: “Provincie Atlantis”.")
    expect(report).to_contain_text("Er is niets opgeslagen")
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in place
    assert progress and max(progress) == 100
    assert Case.objects.count() == 0
    assert serious_violations(page) == []
    assert console_errors == []
