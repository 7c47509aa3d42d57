"""The Algoritmeregister: registrations prefilled from the case and the choice,
their readiness against publication standard 1.0.0, the case-page form, the
coordinator's export (API, JSON, CSV) and who may do what, through every door."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import register
from cases.models import AlgorithmRegistration, Layer, User
from tests.api_support import token_client
from tests.factories import make_case, make_choice, make_coordinator, make_organisation
from tests.page_support import HX, hx

API = "/api/v1/algoritmeregister/"
TABLE = Path(__file__).resolve().parent.parent / "docs" / "algoritmeregister.md"


def algorithms():
    return Layer.objects.get(code="algorithms")


def make_registered(*, case, title="Rekenmodel", ready=True, **values):
    """An algorithms-layer choice with its registration, ready unless told."""
    choice = make_choice(case=case, layer=algorithms(), title=title, sourcing="in_house")
    base = {"description_short": "Een kort model.", "contact_email": "info@voorbeeld.example"}
    if ready:
        base["publication_category"] = "Overige algoritmes"
    base.update(values)
    coordinator = User.objects.filter(groups__name="coordinator").first() or make_coordinator()
    register.do_save_registration(choice, base, version=None, by=coordinator)
    return choice


@pytest.fixture
def twin(utrecht, cora):
    """A published case of Utrecht with a ready registration."""
    case = make_case(organisation=utrecht, title="Digitale tweeling", status="published")
    case.goal = "Gezondere plannen."
    case.save()
    return make_registered(case=case, title="Hittemodel")


# --- The standard's table, read from algoritmeregister.md ------------------------


def standard_table() -> dict:
    """Key → (limit or None, required, permitted values or None), from the
    Markdown table and the list of themes under it."""
    text = TABLE.read_text(encoding="utf-8")
    fields = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].startswith("`"):
            continue
        key, _title, kind, limit, required = cells
        permitted = re.findall(r"`([^`]+)`", kind.partition("one of:")[2]) or None
        if "only" in kind:
            permitted = re.findall(r"`([^`]+)`", kind)
        if kind.startswith("`1.0.0`"):
            permitted = ["1.0.0"]
        fields[key.strip("`")] = {
            "limit": int(limit) if limit.isdigit() else None,
            "required": required == "yes",
            "permitted": permitted,
            "kind": kind,
        }
    themes_text = text.split("`category` values (Thema):")[1].split("\n\n")[0]
    themes = [theme.strip().rstrip(".") for theme in themes_text.replace("\n", " ").split("·")]
    return {"fields": fields, "themes": themes}


def violations(record: dict, table: dict) -> list[str]:
    """Everything in one exported record that the table does not allow."""
    fields = table["fields"]
    found = []
    if list(record) != list(fields):
        found.append(f"keys {list(record)} are not the table's {list(fields)}")
    for key, rule in fields.items():
        value = record.get(key)
        if rule["required"] and value in ("", None, []):
            found.append(f"{key}: required but empty")
        if key == "category":
            if len(value) > 3 or not set(value) <= set(table["themes"]):
                found.append(f"{key}: {value}")
            continue
        if key.endswith("_grouping"):
            limits = re.findall(r"(title|link) \((\d+)\)", rule["kind"])
            for item in value:
                if set(item) != {"title", "link"} or not item["title"] or not item["link"]:
                    found.append(f"{key}: {item}")
                for part, limit in limits:
                    if len(item[part]) > int(limit):
                        found.append(f"{key}.{part}: longer than {limit}")
            continue
        if not isinstance(value, str):
            found.append(f"{key}: not a text")
            continue
        if rule["limit"] is not None and len(value) > rule["limit"]:
            found.append(f"{key}: {len(value)} > {rule['limit']}")
        if rule["permitted"] and value and value not in rule["permitted"]:
            found.append(f"{key}: {value!r} not in {rule['permitted']}")
        if "yyyy-mm" in rule["kind"] and value and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
            found.append(f"{key}: {value!r} is not yyyy-mm")
        if "https URL" in rule["kind"] and value and "e-mail" not in rule["kind"]:
            if not value.startswith("https://"):
                found.append(f"{key}: {value!r} is not an https URL")
        if "e-mail address or https URL" in rule["kind"] and value:
            if not (re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", value) or value.startswith("https://")):
                found.append(f"{key}: {value!r}")
    return found


def test_the_table_is_read_as_the_standard_says():
    table = standard_table()
    fields = table["fields"]
    assert len(fields) == 29 and list(fields)[0] == "name" and list(fields)[-1] == "tags"
    assert fields["description_short"]["limit"] == 350 and fields["name"]["required"]
    assert fields["status"]["permitted"] == ["In ontwikkeling", "In gebruik", "Buiten gebruik"]
    assert fields["lang"]["permitted"] == ["nld"]
    assert fields["standard_version"]["permitted"] == ["1.0.0"]
    assert len(table["themes"]) == 16 and "Zorg en gezondheid" in table["themes"]
    # and the domain's table is the same one
    assert register.KEYS == tuple(fields)
    for key, rule in fields.items():
        field = register.FIELD[key]
        assert field.required == rule["required"], key
        if rule["limit"] is not None:
            assert field.limit == rule["limit"], key
    assert list(register.THEMES) == table["themes"]


def test_the_checker_catches_what_it_must():
    table = standard_table()
    good = {key: "" for key in table["fields"]}
    good.update(
        name="Model", description_short="Kort.", organization="Provincie", status="In gebruik",
        contact_email="a@b.nl", publication_category="Overige algoritmes", lang="nld",
        standard_version="1.0.0", category=[], lawful_basis_grouping=[],
        impacttoetsen_grouping=[], source_data_grouping=[],
    )
    assert violations(good, table) == []
    for change in (
        {"name": "x" * 101},
        {"status": "Actief"},
        {"category": ["Verkeer", "Wonen", "Werk", "Recht"]},
        {"begin_date": "2024-13"},
        {"website": "http://a.nl"},
        {"contact_email": "bellen"},
        {"lang": "eng"},
        {"lawful_basis_grouping": [{"title": "Wet", "link": ""}]},
    ):
        assert violations({**good, **change}, table), change


@pytest.mark.django_db
def test_every_exported_record_is_valid_field_by_field(cora, utrecht, zuid_holland):
    call_command("load_demo", "--force", stdout=io.StringIO())
    case = make_case(organisation=zuid_holland, title="Model met alles", status="archived")
    make_registered(
        case=case,
        title="Alles ingevuld",
        category=["Verkeer", "Werk"],
        begin_date="2020-01",
        end_date="2024-12",
        website="https://voorbeeld.example/model",
        lawful_basis_grouping="Omgevingswet | https://wetten.overheid.nl/BWBR0037885",
        impacttoetsen_grouping="DPIA | https://voorbeeld.example/dpia\nIAMA | https://voorbeeld.example/iama",
        source_data_grouping="CBS | https://opendata.cbs.nl",
    )
    # one registration per kind of violation: none of them may be exported
    broken = [
        {"name": "x" * 150},
        {"category": ["Verkeer", "Wonen", "Werk", "Recht"]},
        {"category": ["Vervoer"]},
        {"status": "Actief"},
        {"publication_category": "Laag risico"},
        {"begin_date": "maart 2024"},
        {"end_date": "2024-3"},
        {"contact_email": "bel ons"},
        {"website": "http://voorbeeld.example"},
        {"url": "ftp://voorbeeld.example"},
        {"goal": "<script>alert(1)</script>"},
        {"lawful_basis_grouping": "Omgevingswet"},
        {"source_data_grouping": "CBS | " + "https://a.nl/" + "x" * 500},
        {"tags": "x" * 2501},
    ]
    for number, values in enumerate(broken):
        make_registered(case=case, title=f"Kapot {number}", **values)
    response = token_client(cora).get(API)
    assert response.status_code == 200
    records = response.json()
    assert len(records) >= 3
    names = {record["name"] for record in records}
    assert "Alles ingevuld" in names
    assert not any(name.startswith("Kapot") or name == "x" * 150 for name in names)
    table = standard_table()
    for record in records:
        assert violations(record, table) == [], record["name"]
        assert record["lang"] == "nld" and record["standard_version"] == "1.0.0"


# --- Prefilling --------------------------------------------------------------------


@pytest.mark.django_db
def test_prefilled_from_the_case_and_the_choice(utrecht):
    supplier = make_organisation(name="RIVM", kind="national_agency")
    case = make_case(
        organisation=utrecht, title="Groene baten", status="submitted",
        policy_domain="environment_health",
    )
    case.goal = "Gezondheid meewegen."
    case.save()
    choice = make_choice(case=case, layer=algorithms(), title="Effectmodel", supplier=supplier,
                         sourcing="shared_government")
    choice.chosen, choice.pros, choice.cons = "Kengetallen per hectare.", "Snel.", "Grof."
    choice.options_considered = "- eigen model"
    choice.save()
    record = register.record(choice)
    assert list(record) == list(register.KEYS)
    assert record["name"] == "Effectmodel"
    assert record["organization"] == "Provincie Utrecht"
    assert record["description_short"] == "Een samenvatting."
    assert record["goal"] == "Gezondheid meewegen."
    assert record["methods_and_models"] == "Kengetallen per hectare."
    assert record["provider"] == "RIVM"
    assert record["category"] == ["Natuur en milieu", "Zorg en gezondheid"]
    assert record["status"] == "In ontwikkeling"
    assert "Voordelen:\nSnel." in record["proportionality"]
    assert "Nadelen:\nGrof." in record["proportionality"]
    assert "Overwogen alternatieven:\n- eigen model" in record["proportionality"]
    assert record["source_id"] == f"stackwork-keuze-{choice.pk}"
    assert (record["lang"], record["standard_version"]) == ("nld", "1.0.0")
    # what Stackwork does not hold stays empty for the civil servant
    assert record["contact_email"] == record["publication_category"] == ""

    in_house = make_choice(case=case, layer=algorithms(), title="Eigen", sourcing="in_house")
    assert register.record(in_house)["provider"] == "Intern ontwikkeld"
    for status, shown in [("published", "In gebruik"), ("archived", "Buiten gebruik")]:
        case.status = status
        case.save()
        in_house.refresh_from_db()
        assert register.record(in_house)["status"] == shown


@pytest.mark.django_db
def test_a_prefilled_value_follows_the_case_until_changed(utrecht, cora):
    case = make_case(organisation=utrecht, title="Monitor")
    choice = make_registered(case=case, title="Trendmodel", name="Trendmodel")
    assert AlgorithmRegistration.objects.get(choice=choice).name is None  # same as the choice
    choice.title = "Trendanalyse"
    choice.save()
    choice.refresh_from_db()
    assert register.record(choice)["name"] == "Trendanalyse"
    register.do_save_registration(choice, {"name": "Eigen naam"}, version=None, by=cora)
    choice.title = "Nog anders"
    choice.save()
    choice.refresh_from_db()
    assert register.record(choice)["name"] == "Eigen naam"
    assert register.record(choice)["source_id"] == f"stackwork-keuze-{choice.pk}"


# --- Readiness --------------------------------------------------------------------


def ready_values(**changes) -> dict:
    values = {key: "" for key in register.KEYS}
    values.update(
        name="Model", description_short="Kort.", organization="Provincie Utrecht",
        status="In gebruik", contact_email="info@voorbeeld.example",
        publication_category="Overige algoritmes", lang="nld", standard_version="1.0.0",
        source_id="stackwork-keuze-1", category=["Verkeer"], lawful_basis_grouping=[],
        impacttoetsen_grouping=[], source_data_grouping=[],
    )
    values.update(changes)
    return values


@pytest.mark.parametrize(
    "change, key, message",
    [
        ({"contact_email": ""}, "contact_email", "Verplicht voor het register"),
        ({"name": ""}, "name", "Verplicht voor het register"),
        ({"publication_category": ""}, "publication_category", "Verplicht"),
        ({"description_short": "x" * 351}, "description_short", "Te lang: 351 tekens"),
        ({"methods_and_models": "x" * 5001}, "methods_and_models", "ten hoogste 5000"),
        ({"provider": "x" * 201}, "provider", "ten hoogste 200"),
        ({"category": ["Verkeer", "Vervoer"]}, "category", "Geen thema van het register: Vervoer"),
        ({"category": ["Verkeer", "Wonen", "Werk", "Recht"]}, "category", "ten hoogste 3"),
        ({"status": "Actief"}, "status", "Niet toegestaan; kies uit: In ontwikkeling"),
        ({"publication_category": "Laag risico"}, "publication_category", "Niet toegestaan"),
        ({"begin_date": "03-2024"}, "begin_date", "jjjj-mm"),
        ({"begin_date": "2024-13"}, "begin_date", "jjjj-mm"),
        ({"end_date": "2024-03"}, "end_date", "leeg zolang het algoritme in gebruik is"),
        ({"status": "Buiten gebruik", "begin_date": "2024-05", "end_date": "2024-03"}, "end_date",
         "vóór de begindatum"),
        ({"contact_email": "bel de afdeling"}, "contact_email", "e-mailadres of een https-link"),
        ({"contact_email": "http://voorbeeld.example"}, "contact_email", "https-link"),
        ({"website": "http://voorbeeld.example"}, "website", "met https:// begint"),
        ({"url": "voorbeeld.example"}, "url", "met https:// begint"),
        ({"publiccode": "github"}, "publiccode", "geldige link"),
        ({"goal": "<p>Doel</p><script>x</script>"}, "goal", "niet: script"),
        ({"lawful_basis_grouping": [{"title": "Omgevingswet", "link": ""}]},
         "lawful_basis_grouping", "Regel 1: geef een titel en een link"),
        ({"lawful_basis_grouping": [{"title": "x" * 101, "link": "https://a.nl"}]},
         "lawful_basis_grouping", "Regel 1, titel: Te lang"),
        ({"source_data_grouping": [{"title": "CBS", "link": "geen link"}]},
         "source_data_grouping", "geen geldige URL"),
        ({"lang": "eng"}, "lang", "Niet toegestaan"),
    ],
)
def test_readiness_names_each_kind_of_violation(change, key, message):
    found = register.problems(ready_values(**change))
    assert list(found) == [key]
    assert message in " ".join(found[key])


def test_a_ready_record_has_no_problems():
    assert register.problems(ready_values()) == {}
    assert register.problems(ready_values(goal="<p>Doel</p><ul><li>een</li></ul>")) == {}
    assert register.problems(ready_values(contact_email="https://voorbeeld.example/contact")) == {}


# --- The case page: the registration filled in place ----------------------------------


def form_data(registration, **changes) -> dict:
    data = {"version": registration.version}
    for key in register.ENTERED:
        value = registration.values[key]
        if register.FIELD[key].kind == "links":
            value = register.format_links(value)
        data[key] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_case_page_shows_each_registration_with_what_is_missing(client_for, alice, utrecht):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    make_registered(case=case, title="Klaar model")
    make_choice(case=case, layer=algorithms(), title="Nieuw model")
    make_choice(case=case, layer=Layer.objects.get(code="data"), title="Geen algoritme")
    html = client_for(alice).get(case.get_absolute_url()).content.decode()
    section = html[html.index('id="register"'):]
    assert "Klaar voor het register" in section
    assert "Nog niet klaar voor het register" in section
    assert "Contactgegevens</strong>: Verplicht voor het register" in section
    assert "Geen algoritme" not in section


@pytest.mark.django_db
def test_filling_the_missing_field_in_place_makes_it_ready(client_for, alice, utrecht):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    choice = make_registered(case=case, title="Model", contact_email="")
    client = client_for(alice)
    url = f"/cases/{case.pk}/register/{choice.pk}/edit/"
    form = client.get(url, headers=hx(f"registration-{choice.pk}"))
    html = form.content.decode()
    assert "<html" not in html
    note = re.search(rf'id="registration-{choice.pk}-contact_email_readiness">(.*?)</p>', html, re.S)
    assert "Verplicht voor het register" in note.group(1)
    assert f'aria-describedby="registration-{choice.pk}-contact_email_helptext registration-{choice.pk}-contact_email_readiness"' in html
    registration = register.get_registration(alice, case.pk, choice.pk)
    response = client.post(url, form_data(registration, contact_email="info@utrecht.example"), headers=HX)
    assert response.status_code == 200
    card = response.content.decode()
    assert "Klaar voor het register" in card and "is opgeslagen en klaar" in card
    assert register.get_registration(alice, case.pk, choice.pk).ready


@pytest.mark.django_db
def test_without_javascript_the_form_is_a_page_and_saving_redirects(client_for, alice, utrecht):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    choice = make_registered(case=case, title="Model", contact_email="")
    client = client_for(alice)
    url = f"/cases/{case.pk}/register/{choice.pk}/edit/"
    assert "<html" in client.get(url).content.decode()
    registration = register.get_registration(alice, case.pk, choice.pk)
    response = client.post(url, form_data(registration, contact_email="https://utrecht.example/c"))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{case.pk}/#registration-{choice.pk}")
    assert register.get_registration(alice, case.pk, choice.pk).ready


@pytest.mark.django_db
def test_bad_input_is_kept_with_a_message(client_for, alice, utrecht):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    choice = make_registered(case=case, title="Model")
    client = client_for(alice)
    url = f"/cases/{case.pk}/register/{choice.pk}/edit/"
    registration = register.get_registration(alice, case.pk, choice.pk)
    data = form_data(registration, status="Actief", risks="Mijn zorgvuldige tekst")
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Niet opgeslagen." in html and "Mijn zorgvuldige tekst" in html
    assert register.get_registration(alice, case.pk, choice.pk).values["risks"] == ""
    # too long for the register is saved, and pointed out beside the field
    response = client.post(url, form_data(registration, description_short="x" * 400))
    assert response.status_code == 302
    saved = register.get_registration(alice, case.pk, choice.pk)
    assert saved.values["description_short"] == "x" * 400
    assert "Te lang: 400 tekens" in " ".join(saved.problems["description_short"])


@pytest.mark.django_db
def test_two_editors_do_not_erase_each_other(client_for, alice, cora, utrecht):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    choice = make_registered(case=case, title="Model")
    opened = register.get_registration(alice, case.pk, choice.pk)
    register.do_save_registration(choice, {"risks": "Tekst van de coördinator"},
                                  version=opened.version, by=cora)
    url = f"/cases/{case.pk}/register/{choice.pk}/edit/"
    response = client_for(alice).post(url, form_data(opened, risks="Tekst van Alice"), headers=HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Iemand anders heeft deze registratie intussen opgeslagen" in html
    assert "Tekst van Alice" in html
    assert register.get_registration(alice, case.pk, choice.pk).values["risks"] == "Tekst van de coördinator"


@pytest.mark.django_db
def test_the_preview_shows_the_record_as_the_register_does(client_for, erik, twin):
    response = client_for(erik).get(f"/cases/{twin.case_id}/register/{twin.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Voorbeeld zoals het register het toont" in html
    assert "<dt>Korte omschrijving</dt>" not in html  # shown under the name, as the register does
    assert "Een kort model." in html and "<dt>Publicatiecategorie</dt>" in html
    assert f"stackwork-keuze-{twin.pk}" in html


# --- Who may do what, through every door ---------------------------------------------


@pytest.mark.django_db
def test_others_read_once_published_and_never_edit(client_for, bob, erik, olga, utrecht, twin):
    draft = make_case(organisation=utrecht, title="Concept", status="draft")
    hidden = make_registered(case=draft, title="Verborgen")
    for user in (bob, erik):
        client = client_for(user)
        assert client.get(f"/cases/{twin.case_id}/register/{twin.pk}/").status_code == 200
        assert client.get(f"/cases/{twin.case_id}/register/{twin.pk}/edit/").status_code == 403
        assert client.post(f"/cases/{twin.case_id}/register/{twin.pk}/edit/", {}).status_code == 403
        assert client.get(f"/cases/{draft.pk}/register/{hidden.pk}/").status_code == 404
        html = client.get(twin.case.get_absolute_url()).content.decode()
        assert "Hittemodel" in html and f"/register/{twin.pk}/edit/" not in html
    assert client_for(olga).get(f"/cases/{twin.case_id}/register/{twin.pk}/").status_code == 404
    # a choice of another case, or not in the algorithms layer, is no registration
    data = make_choice(case=twin.case, layer=Layer.objects.get(code="data"))
    assert client_for(erik).get(f"/cases/{twin.case_id}/register/{data.pk}/").status_code == 404
    assert client_for(erik).get(f"/cases/{draft.pk}/register/{twin.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_domain_refuses_an_editor_from_elsewhere(bob, twin):
    with pytest.raises(PermissionDenied):
        register.do_save_registration(twin, {"risks": "x"}, version=None, by=bob)


@pytest.mark.django_db
def test_only_coordinators_export(client_for, alice, bob, erik, olga, cora, twin):
    for user in (alice, bob, erik, olga):
        assert token_client(user).get(API).status_code == 403
        assert client_for(user).get("/algoritmeregister/").status_code in (403, 404)
        assert client_for(user).get("/algoritmeregister/algoritmeregister.json").status_code in (403, 404)
    assert token_client(None).get(API).status_code == 401
    assert token_client(cora).get(API).status_code == 200
    assert client_for(cora).get("/algoritmeregister/").status_code == 200


@pytest.mark.django_db
def test_the_admin_follows_the_same_rules(client, cora, bob, utrecht, twin):
    from django.contrib.auth.models import Permission

    draft = make_case(organisation=utrecht, title="Concept", status="draft")
    hidden = make_registered(case=draft, title="Verborgen")
    bob.is_staff = True
    bob.save()
    bob.user_permissions.set(Permission.objects.filter(codename__endswith="algorithmregistration"))
    client.force_login(bob)
    listing = client.get("/admin/cases/algorithmregistration/").content.decode()
    assert "Hittemodel" in listing and "Verborgen" not in listing
    stored = AlgorithmRegistration.objects.get(choice=twin)
    response = client.post(f"/admin/cases/algorithmregistration/{stored.pk}/change/", {"risks": "x"})
    assert response.status_code == 403
    assert client.get(f"/admin/cases/algorithmregistration/{hidden.registration.pk}/change/").status_code == 302
    client.force_login(cora)
    page = client.get(f"/admin/cases/algorithmregistration/{stored.pk}/change/")
    assert page.status_code == 200
    form = {
        name: (value or "")
        for name, value in page.context["adminform"].form.initial.items()
        if name in register.ENTERED
    }
    form["category"] = "null"
    form["risks"] = "Via het beheer"
    response = client.post(f"/admin/cases/algorithmregistration/{stored.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    stored.refresh_from_db()
    assert stored.risks == "Via het beheer" and stored.updated_by == cora


# --- The export --------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_holds_only_ready_records_unless_asked(cora, utrecht, twin):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    unready = make_registered(case=case, title="Half", ready=False)
    make_choice(case=case, layer=algorithms(), title="Niets ingevuld")
    client = token_client(cora)
    records = client.get(API).json()
    assert [record["name"] for record in records] == ["Hittemodel"]
    assert list(records[0]) == list(register.KEYS)
    assert records[0]["source_id"] == f"stackwork-keuze-{twin.pk}"
    everything = client.get(API + "?all=1").json()
    by_id = {row["source_id"]: row for row in everything}
    assert len(everything) == 3
    assert by_id[f"stackwork-keuze-{unready.pk}"]["ready"] is False
    assert by_id[f"stackwork-keuze-{unready.pk}"]["missing"] == ["publication_category"]
    assert by_id[f"stackwork-keuze-{twin.pk}"]["missing"] == []
    assert by_id[f"stackwork-keuze-{twin.pk}"]["record"] == records[0]
    assert client.get(API + "?all=maybe").status_code == 400


@pytest.mark.django_db
def test_a_registration_changed_after_its_export_is_out_of_date(client_for, cora, twin):
    client = client_for(cora)
    assert client.get("/algoritmeregister/algoritmeregister.json").status_code == 200
    item = register.get_registration(cora, twin.case_id, twin.pk)
    assert item.exported and not item.out_of_date
    page = client.get("/algoritmeregister/").content.decode()
    assert "Verouderd" not in page
    register.do_save_registration(twin, {"risks": "Nieuw risico"}, version=None, by=cora)
    assert register.get_registration(cora, twin.case_id, twin.pk).out_of_date
    assert "Verouderd" in client.get("/algoritmeregister/").content.decode()
    assert "Verouderd: gewijzigd na de laatste export" in client.get(twin.case.get_absolute_url()).content.decode()
    # a change in the source counts too
    token_client(cora).get(API)
    assert not register.get_registration(cora, twin.case_id, twin.pk).out_of_date
    twin.title = "Hittemodel 2"
    twin.save()
    assert register.get_registration(cora, twin.case_id, twin.pk).out_of_date


@pytest.mark.django_db
def test_downloads_as_json_and_csv(client_for, cora, utrecht, twin):
    client = client_for(cora)
    response = client.get("/algoritmeregister/algoritmeregister.json")
    assert response["Content-Disposition"] == 'attachment; filename="algoritmeregister.json"'
    assert [record["name"] for record in json.loads(response.content)] == ["Hittemodel"]
    response = client.get("/algoritmeregister/algoritmeregister.csv?all=1")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [*register.KEYS, "missing"]
    assert rows[1][0] == "Hittemodel" and rows[1][-1] == ""
    assert client.get("/algoritmeregister/algoritmeregister.xml").status_code == 404


@pytest.mark.django_db
def test_csv_neutralises_formula_cells(client_for, cora, utrecht):
    case = make_case(organisation=utrecht, title="Monitor")
    starts = ['=HYPERLINK("https://kwaad.example")', "+1+1", "-2+3", "@SUM(A1)"]
    for number, start in enumerate(starts):
        make_registered(case=case, title=f"Model {number}", tags=start)
    response = client_for(cora).get("/algoritmeregister/algoritmeregister.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    tags = [row[list(register.KEYS).index("tags")] for row in rows[1:]]
    assert sorted(tags) == sorted(f"'{start}" for start in starts)
    # texts are trimmed in the record; the tab and CR starts are held by tests/test_exports


@pytest.mark.django_db
def test_export_runs_a_fixed_number_of_queries(cora, utrecht, zuid_holland):
    client = token_client(cora)

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        return len(queries.captured_queries)

    def add(number: int, prefix: str) -> None:
        for index in range(number):
            org = utrecht if index % 2 else zuid_holland
            case = make_case(organisation=org, title=f"{prefix} {index}")
            make_registered(case=case, title=f"{prefix} model {index}")
            make_choice(case=case, layer=algorithms(), title=f"{prefix} leeg {index}")

    add(2, "Klein")
    small = {path: count(path) for path in (API, API + "?all=1")}
    add(30, "Groot")
    large = {path: count(path) for path in (API, API + "?all=1")}
    assert small == large
    assert max(small.values()) <= 8, small
    web = client_for_page(cora)
    assert page_queries(web, "/algoritmeregister/") == page_queries(web, "/algoritmeregister/")


def client_for_page(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def page_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_register_page_and_case_page_run_a_fixed_number_of_queries(utrecht, cora):
    client = client_for_page(cora)
    case = make_case(organisation=utrecht, title="Monitor")
    make_registered(case=case, title="Eerste")
    before = (page_queries(client, "/algoritmeregister/"), page_queries(client, case.get_absolute_url()))
    for index in range(10):
        make_registered(case=case, title=f"Model {index}")
        other = make_case(organisation=utrecht, title=f"Andere {index}")
        make_registered(case=other, title=f"Ander model {index}")
    after = (page_queries(client, "/algoritmeregister/"), page_queries(client, case.get_absolute_url()))
    assert before == after


# --- Demo data --------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_has_ready_and_not_ready_registrations():
    call_command("load_demo", "--force", stdout=io.StringIO())
    coordinator = User.objects.get(username="coordinator")
    registrations = register.registrations_for(coordinator)
    stored = [item for item in registrations if item.stored]
    ready = [item for item in stored if item.ready]
    not_ready = [item for item in stored if not item.ready]
    assert len(ready) >= 2
    assert len(not_ready) == 1
    assert not_ready[0].missing == ["contact_email"]
    assert register.FIELD["contact_email"].required
    assert not_ready[0].values["contact_email"] == ""
    # loading again changes nothing
    call_command("load_demo", "--force", stdout=io.StringIO())
    assert AlgorithmRegistration.objects.count() == len(stored)


@pytest.mark.django_db
def test_readiness_speaks_english_on_request(client_for, alice, utrecht):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    make_registered(case=case, title="Model", contact_email="")
    client = client_for(alice)
    assert "Verplicht voor het register" in client.get(case.get_absolute_url()).text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(case.get_absolute_url()).text
    assert "Contact details</strong>: Required by the register; fill this in." in english
    assert "Verplicht voor het register" not in english


@pytest.mark.django_db
def test_a_form_without_its_version_is_a_conflict_not_an_overwrite(client_for, alice, cora, utrecht):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    choice = make_registered(case=case, title="Model", risks="Bewaard")
    opened = register.get_registration(alice, case.pk, choice.pk)
    url = f"/cases/{case.pk}/register/{choice.pk}/edit/"
    for version in ("", "abc", "-3"):
        data = form_data(opened, risks="Overschreven", version=version)
        response = client_for(alice).post(url, data, headers=HX)
        assert response.status_code == 409
        assert "Overschreven" in response.text
    assert register.get_registration(alice, case.pk, choice.pk).values["risks"] == "Bewaard"


@pytest.mark.django_db
def test_the_form_opens_on_the_first_field_the_register_needs(client_for, alice, utrecht):
    case = make_case(organisation=utrecht, title="Monitor", status="draft")
    choice = make_registered(case=case, title="Model", contact_email="")
    html = client_for(alice).get(f"/cases/{case.pk}/register/{choice.pk}/edit/", headers=HX).text
    assert re.search(r'<input[^>]*name="contact_email"[^>]*autofocus', html)
    assert len(re.findall(r"autofocus", html)) == 1
