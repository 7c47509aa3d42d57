"""Spreadsheets in and out: the template, the preview and the import (all or
nothing), every kind of bad input, the exports and the round trip, the
command, the API, and a file written by LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest
import tablib

from cases.models import Case, Choice, RoleAnalysis
from cases.spreadsheets import run_import
from cases.spreadsheets.exports import export_portfolio
from cases.spreadsheets.files import MAX_BYTES
from tests.factories import make_case, make_organisation

CASE_HEADERS = [
    "Nr", "Titel", "Organisatie", "Afdeling", "Beleidsdomein", "Soort toepassing",
    "Samenvatting", "Doel", "Contact",
]
CHOICE_HEADERS = [
    "Casusnr", "Laag", "Keuze", "Vraag en context", "Overwogen opties", "Gekozen oplossing",
    "Sourcing", "Volwassenheid", "Leverancier of partner", "Voordelen", "Nadelen",
    "Onderbouwing", "Besloten door", "Besloten op",
]
ROLE_HEADERS = [
    "Casusnr", "Tegenpartij", "Rol van de provincie", "Toelichting", "Voordelen", "Nadelen",
    "Partnerorganisaties",
]


def case_row(nr=1, title="Logistiekmonitor", organisation="", **values):
    row = {
        "Nr": nr, "Titel": title, "Organisatie": organisation, "Afdeling": "Mobiliteit",
        "Beleidsdomein": "Mobiliteit", "Soort toepassing": "Monitor",
        "Samenvatting": "Volgt het vrachtverkeer.", "Doel": "", "Contact": "Team data",
    }
    row.update(values)
    return [row[h] for h in CASE_HEADERS]


def choice_row(nr=1, title="Eigen dashboard", **values):
    row = {h: "" for h in CHOICE_HEADERS}
    row.update({
        "Casusnr": nr, "Laag": "Platforms en diensten", "Keuze": title,
        "Sourcing": "Zelf gebouwd", "Volwassenheid": "Bewezen",
    })
    row.update(values)
    return [row[h] for h in CHOICE_HEADERS]


def role_row(nr=1, counterpart="Markt", **values):
    row = {h: "" for h in ROLE_HEADERS}
    row.update({"Casusnr": nr, "Tegenpartij": counterpart, "Rol van de provincie": "Opdrachtgever of afnemer", "Toelichting": "Wij kopen in."})
    row.update(values)
    return [row[h] for h in ROLE_HEADERS]


def workbook(fmt="xlsx", cases=None, choices=None, roles=None, titles=("Casussen", "Keuzes", "Rolanalyses")) -> bytes:
    sheets = []
    for title, headers, rows in zip(
        titles,
        (CASE_HEADERS, CHOICE_HEADERS, ROLE_HEADERS),
        (cases if cases is not None else [case_row()], choices or [], roles or []),
        strict=True,
    ):
        dataset = tablib.Dataset(*rows, headers=headers)
        dataset.title = title
        sheets.append(dataset)
    return tablib.Databook(sheets).export(fmt)


def counts():
    return (Case.objects.count(), Choice.objects.count(), RoleAnalysis.objects.count())


def problems(report):
    return [(sheet.name, row.number, p.column, p.message) for sheet in report.sheets for row in sheet.rows for p in row.problems]


# --- the import ------------------------------------------------------------------


def test_preview_writes_nothing_and_the_import_creates_drafts_of_the_own_organisation(alice, utrecht):
    data = workbook(choices=[choice_row()], roles=[role_row()])
    preview = run_import(data, "teams.xlsx", user=alice, commit=False)
    assert preview.ok, problems(preview)
    assert [r.action for r in preview.sheets[0].rows] == ["new"]
    assert counts() == (0, 0, 0)
    report = run_import(data, "teams.xlsx", user=alice, commit=True)
    assert report.committed
    case = Case.objects.get()
    assert (case.title, case.organisation, case.status, case.created_by) == ("Logistiekmonitor", utrecht, "draft", alice)
    assert case.choices.get().sourcing == "in_house"
    market = case.role_analyses.get(counterpart="market")
    assert (market.role, market.explanation) == ("client", "Wij kopen in.")
    assert case.role_analyses.count() == 3
    assert case.history.get().history_user == alice


def test_each_problem_next_to_its_row_and_column_and_nothing_written(alice, utrecht):
    data = workbook(
        cases=[
            case_row(1, organisation="Provincie Atlantis"),
            case_row(2, "Tweede", Beleidsdomein="Ruimtevaart"),
            case_row(3, "Derde", Samenvatting="x" * 4001),
            case_row(3, "Vierde"),
            case_row(5, "Vijfde"),
        ],
        choices=[choice_row(9), choice_row(5, Sourcing="Gekocht"), choice_row(5, "Kaart"), choice_row(5, "Kaart")],
        roles=[role_row(5), role_row(5)],
    )
    report = run_import(data, "teams.xlsx", user=alice, commit=True)
    assert not report.ok and not report.committed
    found = problems(report)
    assert ("Casussen", 2, "Organisatie", "Onbekende organisatie: “Provincie Atlantis”.") in found
    assert any(p[:3] == ("Casussen", 3, "Beleidsdomein") and "Ruimtevaart" in p[3] for p in found)
    assert any(p[:3] == ("Casussen", 4, "Samenvatting") and "Te lang" in p[3] for p in found)
    assert any(p[:3] == ("Casussen", 5, "Nr") and "Dubbel" in p[3] for p in found)
    assert ("Keuzes", 2, "Casusnr", "Geen casus met Nr 9 op het blad Casussen.") in found
    assert any(p[:3] == ("Keuzes", 3, "Sourcing") and "Gekocht" in p[3] for p in found)
    assert any(p[:3] == ("Keuzes", 5, "Keuze") and "rij 4" in p[3] for p in found)
    assert any(p[:3] == ("Rolanalyses", 3, "Tegenpartij") and "rij 2" in p[3] for p in found)
    assert counts() == (0, 0, 0)


def test_a_civil_servant_imports_only_into_the_own_organisation(alice, zuid_holland):
    report = run_import(workbook(cases=[case_row(organisation="Provincie Zuid-Holland")]), "a.xlsx", user=alice, commit=True)
    assert ("Casussen", 2, "Organisatie", "U mag alleen casussen van uw eigen organisatie importeren.") in problems(report)
    assert counts() == (0, 0, 0)


def test_a_coordinator_imports_for_any_organisation(cora, zuid_holland):
    report = run_import(workbook("ods", cases=[case_row(organisation="Provincie Zuid-Holland")]), "a.ods", user=cora, commit=True)
    assert report.committed, problems(report)
    assert Case.objects.get().organisation == zuid_holland


def test_an_existing_case_is_updated_and_a_published_one_goes_back_to_review(alice, utrecht):
    case = make_case(organisation=utrecht, title="Logistiekmonitor", status="published")
    report = run_import(workbook(cases=[case_row(Samenvatting="Nieuw.")]), "a.xlsx", user=alice, commit=True)
    assert report.committed and report.sheets[0].rows[0].action == "update"
    case.refresh_from_db()
    assert (case.summary, case.status, Case.objects.count()) == ("Nieuw.", "submitted", 1)


# --- bad input: a clear message, nothing written ------------------------------------


def assert_refused(report, text):
    assert not report.ok and not report.committed
    assert text in report.problem, report.problem
    assert counts() == (0, 0, 0)


def test_empty_file(alice):
    assert_refused(run_import(b"", "leeg.xlsx", user=alice, commit=True), "leeg")
    assert_refused(run_import(workbook("ods", cases=[]), "leeg.ods", user=alice, commit=True), "bevat geen casussen")


def test_renamed_sheet(alice):
    data = workbook(titles=("Blad1", "Keuzes", "Rolanalyses"))
    assert_refused(run_import(data, "a.xlsx", user=alice, commit=True), "“Blad1”")


def test_semicolon_separated_windows_1252_csv(alice):
    text = "Blad;Nr;Titel\r\nCasussen;1;Coördinatie\r\n"
    assert_refused(run_import(text.encode("cp1252"), "excel.csv", user=alice, commit=True), "Windows-1252")
    assert_refused(run_import(text.encode("utf-8"), "excel.csv", user=alice, commit=True), "puntkomma")


def test_formula_cell(alice):
    book = openpyxl.load_workbook(io.BytesIO(workbook()))
    book["Casussen"]["G2"] = "=HYPERLINK(\"http://x\")"
    out = io.BytesIO()
    book.save(out)
    assert_refused(run_import(out.getvalue(), "a.xlsx", user=alice, commit=True), "Cel G2 op blad “Casussen” bevat een formule")


def test_merged_cells(alice):
    book = openpyxl.load_workbook(io.BytesIO(workbook(cases=[case_row(1), case_row(2, "Twee")])))
    book["Casussen"].merge_cells("E2:E3")
    out = io.BytesIO()
    book.save(out)
    assert_refused(run_import(out.getvalue(), "a.xlsx", user=alice, commit=True), "samengevoegd (E2:E3)")


def test_too_large_is_refused_before_reading(alice):
    class Huge(bytes):
        def __len__(self):
            return MAX_BYTES + 1

        def strip(self):  # pragma: no cover - reading would be the bug
            raise AssertionError("read")

    assert_refused(run_import(Huge(b"x"), "groot.xlsx", user=alice, commit=True), "tot 10,0")


# --- export and the round trip ----------------------------------------------------


@pytest.fixture
def portfolio(utrecht, zuid_holland):
    tno = make_organisation(name="TNO", kind="knowledge_institution")
    case = make_case(organisation=utrecht, title="=Digital twin", status="published", with_parts=True)
    choice = case.choices.first()
    choice.supplier, choice.decided_on, choice.pros = tno, dt.date(2024, 5, 31), "+ snel\n- duur"
    choice.save()
    market = case.role_analyses.get(counterpart="knowledge_institutions")
    market.partners.set([tno, zuid_holland])
    make_case(organisation=zuid_holland, title="Kaartviewer", status="draft")
    return case


def snapshot():
    cases = [(c.title, c.organisation.name, c.department, c.policy_domain, c.kind, c.summary, c.goal, c.contact) for c in Case.objects.order_by("title")]
    choices = sorted(
        (c.case.title, c.layer.code, c.title, c.context, c.sourcing, c.maturity, c.supplier.name if c.supplier else "", c.pros, c.decided_on) for c in Choice.objects.all()
    )
    roles = sorted(
        (r.case.title, r.counterpart, r.role, r.explanation, tuple(sorted(p.name for p in r.partners.all()))) for r in RoleAnalysis.objects.all()
    )
    return cases, choices, roles


@pytest.mark.parametrize("fmt", ["ods", "xlsx", "csv"])
def test_round_trip(fmt, portfolio, cora):
    before = snapshot()
    data = export_portfolio(Case.objects.all(), fmt)
    Case.objects.all().delete()
    assert counts() == (0, 0, 0)
    report = run_import(data, f"portefeuille.{fmt}", user=cora, commit=True)
    assert report.committed, problems(report) or report.problem
    assert snapshot() == before
    assert set(Case.objects.values_list("status", flat=True)) == {"draft"}


# --- the pages ------------------------------------------------------------------------


def upload(client, data, name="teams.xlsx", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/cases/import/", {"file": SimpleUploadedFile(name, data), **extra}, **extra.pop("headers", {}))


def test_the_import_page_previews_then_confirms(client_for, alice, utrecht):
    client = client_for(alice)
    page = client.get("/cases/import/")
    assert page.status_code == 200 and "/cases/import/template.ods" in page.text
    preview = upload(client, workbook(choices=[choice_row()]))
    assert preview.status_code == 200
    assert "Logistiekmonitor" in preview.text and "Bevestigen en inlezen" in preview.text
    assert counts() == (0, 0, 0)
    token = client.session["spreadsheet_import"]["token"]
    assert client.post("/cases/import/confirm/", {"token": "0" * 32}).status_code == 302
    assert counts() == (0, 0, 0)
    done = client.post("/cases/import/confirm/", {"token": token})
    assert done.status_code == 302
    assert Case.objects.get().status == "draft" and Choice.objects.count() == 1
    # the same token cannot import twice
    client.post("/cases/import/confirm/", {"token": token})
    assert Case.objects.count() == 1


def test_the_preview_lists_problems_and_offers_no_confirmation(client_for, alice):
    page = upload(client_for(alice), workbook(cases=[case_row(organisation="Provincie Atlantis")]))
    assert page.status_code == 400
    assert "Onbekende organisatie: “Provincie Atlantis”." in page.text
    assert "Bevestigen en inlezen" not in page.text
    fragment = upload(client_for(alice), b"", "leeg.ods", headers={"HTTP_HX_REQUEST": "true"})
    assert fragment.status_code == 200 and 'id="import-report"' in fragment.text
    assert "<html" not in fragment.text


def test_a_file_over_the_limit_is_refused_by_its_size(client_for, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("groot.xlsx", b"x")
    big.size = MAX_BYTES + 1
    from cases.forms.spreadsheets import ImportForm

    form = ImportForm(data={}, files={"file": big}, user=alice)
    assert not form.is_valid() and "tot 10,0" in str(form.errors["file"])
    page = client_for(alice).post("/cases/import/", b"", content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(MAX_BYTES * 2))
    assert page.status_code == 413 and "groter dan 10 MB" in page.text


def test_only_those_who_may_create_cases_import(client_for, erik, olga):
    for persona in (erik, olga):
        assert client_for(persona).get("/cases/import/").status_code == 403


def test_the_export_holds_only_what_the_user_may_see_with_the_filters(client_for, bob, portfolio, utrecht):
    make_case(organisation=utrecht, title="Geheim concept", status="draft")
    client = client_for(bob)
    listing = client.get("/cases/?policy_domain=mobility")
    assert "/cases/export.ods?policy_domain=mobility" in listing.text
    response = client.get("/cases/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="stackwork-portefeuille.xlsx"'
    titles = [row[1] for row in tablib.Databook().load(response.content, "xlsx").sheets()[0]]
    assert sorted(titles) == ["'=Digital twin", "Kaartviewer"]  # bob's own draft, and the published case
    filtered = client.get(f"/cases/export.csv?organisation={utrecht.pk}")
    assert "Kaartviewer" not in filtered.content.decode() and "Digital twin" in filtered.content.decode()


def test_formulas_are_neutralised_in_every_format(portfolio, cora):
    for fmt in ("ods", "xlsx", "csv"):
        data = export_portfolio(Case.objects.all(), fmt)
        if fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(data))["Casussen"]
            cells = [c for row in sheet.iter_rows() for c in row]
            assert not [c for c in cells if c.data_type == "f"]
            assert "'=Digital twin" in [c.value for c in cells]
        elif fmt == "csv":
            text = data.decode("utf-8-sig")
            assert ",'=Digital twin," in text and "\n=" not in text and ",=" not in text
        else:
            assert b"table:formula" not in data
            assert "'=Digital twin" in [row[1] for row in tablib.Databook().load(data, "ods").sheets()[0]]


def test_the_template_offers_the_code_lists(client_for, alice):
    client = client_for(alice)
    xlsx = client.get("/cases/import/template.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Casussen", "Keuzes", "Rolanalyses", "Lijsten"]
    formulas = {dv.formula1 for dv in book["Keuzes"].data_validations.dataValidation}
    assert any(f.startswith("Lijsten!$") for f in formulas)
    assert "Zelf gebouwd" in [c.value for c in book["Lijsten"]["D"]]
    ods = client.get("/cases/import/template.ods")
    import zipfile

    content = zipfile.ZipFile(io.BytesIO(ods.content)).read("content.xml").decode()
    assert "of:cell-content-is-in-list" in content and "content-validation-name" in content
    csv_text = client.get("/cases/import/template.csv").content.decode("utf-8-sig")
    assert csv_text.startswith("Blad,Nr,Titel,Organisatie")
    # the template imports back as an empty file, with a clear message
    assert "bevat geen casussen" in run_import(ods.content, "sjabloon.ods", user=alice, commit=False).problem


def test_closed_results_export_and_open_ones_stay_secret(client_for, cora, erik):
    from cases.actions import do_cast_vote, do_session_step
    from tests.factories import make_direction, make_session

    direction = make_direction(code="R1", title="Bewezen technologie")
    session = make_session(directions=[direction], title="Sessie A")
    do_cast_vote(session=session, executive=erik, direction=direction, position="support", points=3)
    client = client_for(cora)
    assert client.get(f"/sessions/{session.pk}/results.ods").status_code == 403
    do_session_step(session, "close", by=cora)
    response = client.get(f"/sessions/{session.pk}/results.xlsx")
    assert response.status_code == 200
    sheet = tablib.Databook().load(response.content, "xlsx").sheets()[0]
    assert sheet.title == "Uitslag"
    row = dict(zip(sheet.headers, sheet[0], strict=True))
    assert (row["Code"], row["Voor"], row["Punten"]) == ("R1", 1, 3)
    assert "/results.csv" in client.get(f"/sessions/{session.pk}/results/").text


# --- the command line and the API -----------------------------------------------------


def test_the_command_prints_the_row_report(tmp_path, utrecht):
    from django.core.management import CommandError, call_command

    path = tmp_path / "teams.ods"
    path.write_bytes(workbook("ods", choices=[choice_row()], roles=[role_row()]))
    out = io.StringIO()
    call_command("import_cases", str(path), "--organisation", "Provincie Utrecht", "--dry-run", stdout=out)
    assert "rij 2: nieuw – Logistiekmonitor" in out.getvalue()
    assert counts() == (0, 0, 0)
    call_command("import_cases", str(path), "--organisation", "Provincie Utrecht", stdout=io.StringIO())
    case = Case.objects.get()
    assert (case.organisation, case.status, case.created_by) == (utrecht, "draft", None)
    bad = tmp_path / "slecht.xlsx"
    bad.write_bytes(workbook(cases=[case_row(organisation="Provincie Atlantis")]))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_cases", str(bad), stdout=out)
    assert "Organisatie: Onbekende organisatie: “Provincie Atlantis”." in out.getvalue()
    with pytest.raises(CommandError, match="Unknown organisation"):
        call_command("import_cases", str(path), "--organisation", "Atlantis")


def test_the_api_accepts_the_file_and_answers_the_report(alice, bob, utrecht, zuid_holland):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.api_support import token_client

    client = token_client(alice)

    def post(data, name="teams.xlsx", **fields):
        return client.post("/api/v1/cases/import/", {"file": SimpleUploadedFile(name, data), **fields}, format="multipart")

    checked = post(workbook(choices=[choice_row()]), dry_run="true")
    assert checked.status_code == 200 and checked.json()["ok"] and not checked.json()["committed"]
    assert counts() == (0, 0, 0)
    refused = post(workbook(cases=[case_row(organisation="Provincie Zuid-Holland")]))
    assert refused.status_code == 422
    row = refused.json()["sheets"][0]["rows"][0]
    assert row["row"] == 2 and row["problems"][0]["column"] == "Organisatie"
    assert post(b"", "leeg.xlsx").status_code == 400
    assert "file" in post(b"a;b", "x.txt").json()
    created = post(workbook(choices=[choice_row()]))
    assert created.status_code == 201 and created.json()["totals"]["new"] == 2
    assert Case.objects.get().organisation == utrecht


# --- a file written by LibreOffice ------------------------------------------------------


def soffice() -> str:
    import os

    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (libreoffice-calc) is required in CI")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    return found


def test_files_saved_by_libreoffice_import_cleanly(portfolio, cora, tmp_path):
    program = soffice()
    choice = portfolio.choices.first()
    choice.context = "Twee  spaties en\neen tweede regel"
    choice.save()
    before = snapshot()
    (tmp_path / "portefeuille.ods").write_bytes(export_portfolio(Case.objects.all(), "ods"))
    (tmp_path / "portefeuille-excel.xlsx").write_bytes(export_portfolio(Case.objects.all(), "xlsx"))
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"
    for source, target in (("portefeuille.ods", "xlsx"), ("portefeuille-excel.xlsx", "ods")):
        subprocess.run(
            [program, profile, "--headless", "--convert-to", target, "--outdir", str(tmp_path / "saved"), str(tmp_path / source)],
            check=True, capture_output=True, timeout=180,
        )
    for name in ("portefeuille.xlsx", "portefeuille-excel.ods"):
        Case.objects.all().delete()
        data = (tmp_path / "saved" / name).read_bytes()
        report = run_import(data, name, user=cora, commit=True)
        assert report.committed, problems(report) or report.problem
        assert snapshot() == before, name


def test_the_export_runs_a_fixed_number_of_queries(client_for, cora, utrecht):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cora)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/export.xlsx?status=published").status_code == 200
        return len(captured)

    make_case(organisation=utrecht, with_parts=True)
    few = queries()
    for _ in range(6):
        make_case(organisation=utrecht, with_parts=True)
    assert queries() == few
