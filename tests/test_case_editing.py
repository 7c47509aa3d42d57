"""Recording cases: the case form, the status flow and the stack canvas in
place (choices and role analyses), with and without htmx."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.models import Case, Choice, Layer, RoleAnalysis
from tests.factories import make_case, make_choice, make_organisation, make_user

# Personas are also looked up by name (request.getfixturevalue), which pytest-django
# cannot see when it orders tests: say here that every test needs the database.
pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def hx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target}


def choice_data(**overrides) -> dict:
    data = {
        "title": "Hosting in de overheidscloud",
        "layer": "infrastructure",
        "sourcing": "shared_government",
        "maturity": "proven",
        "supplier": "",
        "chosen": "Een gedeelde omgeving van het Rijk.",
        "context": "",
        "options_considered": "",
        "pros": "Veilig en beheerd.",
        "cons": "",
        "rationale": "",
        "decided_by": "department",
        "decided_on": "2026-03-01",
    }
    data.update(overrides)
    return data


def case_data(**overrides) -> dict:
    data = {
        "title": "Digitale tweeling leefomgeving",
        "department": "Ruimte en Wonen",
        "policy_domain": "environment_health",
        "kind": "digital_twin",
        "summary": "Rekent gezondheidseffecten van groen door.",
        "goal": "Betere afwegingen.",
        "contact": "Team Data",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(utrecht):
    return make_case(organisation=utrecht, title="Concept Utrecht", status="draft")


@pytest.fixture
def published(utrecht):
    return make_case(organisation=utrecht, title="Gepubliceerd Utrecht", status="published")


def field_error(html: str, field_id: str) -> str:
    """The error text Django links to a field (``<id>_error``), or ''."""
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


# --- Case form --------------------------------------------------------------


class TestCaseCreate:
    def test_civil_servant_creates_a_draft_of_their_own_organisation(self, client_for, alice):
        client = client_for(alice)
        page = client.get("/cases/new/")
        assert page.status_code == 200
        assert 'name="organisation"' not in page.text  # always their own
        response = client.post("/cases/new/", case_data())
        case = Case.objects.get(title="Digitale tweeling leefomgeving")
        assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
        assert case.organisation == alice.organisation
        assert case.status == Case.Status.DRAFT
        assert case.created_by == alice and case.updated_by == alice
        assert sorted(case.role_analyses.values_list("counterpart", flat=True)) == sorted(
            RoleAnalysis.Counterpart.values
        )
        assert case.history.first().history_user == alice
        follow = client.get(case.get_absolute_url())
        assert "Leg nu per laag de keuzes vast" in follow.text

    def test_a_posted_organisation_is_ignored_for_a_civil_servant(
        self, client_for, alice, zuid_holland
    ):
        client_for(alice).post("/cases/new/", case_data(organisation=zuid_holland.pk))
        assert Case.objects.get().organisation == alice.organisation

    def test_coordinator_picks_the_organisation(self, client_for, cora, zuid_holland):
        response = client_for(cora).post("/cases/new/", case_data(organisation=zuid_holland.pk))
        assert response.status_code == 302
        assert Case.objects.get().organisation == zuid_holland

    def test_unknown_organisation_is_a_message_next_to_the_field(self, client_for, cora):
        response = client_for(cora).post("/cases/new/", case_data(organisation=999999))
        assert response.status_code == 200
        assert "geldige keuze" in field_error(response.text, "id_organisation")
        assert not Case.objects.exists()

    def test_empty_and_too_long_fields_keep_what_was_typed(self, client_for, alice):
        response = client_for(alice).post(
            "/cases/new/", case_data(title="", summary="x" * 4001, goal="Mijn doel")
        )
        assert response.status_code == 200
        assert "vereist" in field_error(response.text, "id_title")
        assert "4000" in field_error(response.text, "id_summary")
        assert "Mijn doel" in response.text and "Ruimte en Wonen" in response.text
        assert "Niet opgeslagen" in response.text
        assert not Case.objects.exists()

    def test_bad_choice_values_are_refused(self, client_for, alice):
        response = client_for(alice).post(
            "/cases/new/", case_data(policy_domain="nonsense", kind="")
        )
        assert response.status_code == 200
        assert field_error(response.text, "id_policy_domain")
        assert field_error(response.text, "id_kind")

    def test_double_submit_makes_one_case_and_says_why(self, client_for, alice):
        client = client_for(alice)
        assert client.post("/cases/new/", case_data()).status_code == 302
        again = client.post("/cases/new/", case_data())
        assert again.status_code == 200
        assert "al een casus met deze titel" in field_error(again.text, "id_title")
        assert Case.objects.count() == 1

    def test_a_race_on_the_title_is_a_form_error_not_a_500(self, client_for, alice, monkeypatch):
        client = client_for(alice)
        client.post("/cases/new/", case_data())
        # The colleague's case lands between the form's check and the insert.
        monkeypatch.setattr("cases.forms.cases.CaseForm.clean", lambda form: form.cleaned_data)
        again = client.post("/cases/new/", case_data())
        assert again.status_code == 200
        assert "al een casus met deze titel" in again.text
        assert Case.objects.count() == 1

    @pytest.mark.parametrize("persona", ["erik", "olga"])
    def test_executives_and_users_without_role_may_not_create(self, request, client_for, persona):
        client = client_for(request.getfixturevalue(persona))
        assert client.get("/cases/new/").status_code == 403
        assert client.post("/cases/new/", case_data()).status_code == 403
        assert not Case.objects.exists()

    def test_civil_servant_without_organisation_may_not_create(self, client_for, db):
        loner = make_user(role="civil_servant")
        assert client_for(loner).post("/cases/new/", case_data()).status_code == 403


class TestCaseEdit:
    def test_civil_servant_edits_a_draft(self, client_for, alice, draft):
        response = client_for(alice).post(f"/cases/{draft.pk}/edit/", case_data(title="Nieuw"))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.title == "Nieuw" and draft.status == "draft" and draft.updated_by == alice

    def test_editing_a_published_case_sends_it_back_to_review(self, client_for, alice, published):
        client = client_for(alice)
        page = client.get(f"/cases/{published.pk}/edit/")
        assert "terug naar “Ingediend”" in page.text
        response = client.post(
            f"/cases/{published.pk}/edit/", case_data(title="Gewijzigd"), follow=True
        )
        published.refresh_from_db()
        assert published.status == Case.Status.SUBMITTED and published.title == "Gewijzigd"
        assert "weer op “Ingediend”" in response.text
        latest = published.history.first()
        assert latest.status == "submitted" and latest.title == "Gewijzigd"

    def test_a_coordinator_edit_keeps_a_case_published(self, client_for, cora, published):
        client_for(cora).post(
            f"/cases/{published.pk}/edit/",
            case_data(title="Bijgewerkt", organisation=published.organisation_id),
        )
        published.refresh_from_db()
        assert published.title == "Bijgewerkt" and published.status == "published"

    def test_status_posted_with_the_form_is_ignored(self, client_for, alice, draft):
        client_for(alice).post(f"/cases/{draft.pk}/edit/", case_data(status="published"))
        draft.refresh_from_db()
        assert draft.status == "draft"

    def test_bad_input_keeps_the_text(self, client_for, alice, draft, utrecht):
        make_case(organisation=utrecht, title="Bestaat al")
        client = client_for(alice)
        response = client.post(
            f"/cases/{draft.pk}/edit/", case_data(title="Bestaat al", goal="Nieuw doel")
        )
        assert response.status_code == 200
        assert "al een casus met deze titel" in field_error(response.text, "id_title")
        assert "Nieuw doel" in response.text
        draft.refresh_from_db()
        assert draft.title == "Concept Utrecht"

    @pytest.mark.parametrize(
        ("persona", "which", "status"),
        [
            ("bob", "published", 403),  # sees it, may not change it
            ("bob", "draft", 404),  # may not even know it exists
            ("erik", "published", 403),
            ("erik", "draft", 404),
            ("olga", "published", 404),
        ],
    )
    def test_refusals(self, request, client_for, persona, which, status):
        case = request.getfixturevalue(which)
        client = client_for(request.getfixturevalue(persona))
        assert client.get(f"/cases/{case.pk}/edit/").status_code == status
        assert client.post(f"/cases/{case.pk}/edit/", case_data(title="X")).status_code == status
        case.refresh_from_db()
        assert case.title != "X"

    def test_archived_case_is_read_only_for_civil_servants(self, client_for, alice, utrecht):
        case = make_case(organisation=utrecht, status="archived")
        assert client_for(alice).post(f"/cases/{case.pk}/edit/", case_data()).status_code == 403


# --- Status flow --------------------------------------------------------------


class TestStatusFlow:
    def test_submit_publish(self, client_for, alice, cora, draft):
        client = client_for(alice)
        page = client.get(draft.get_absolute_url())
        assert f'action="/cases/{draft.pk}/status/submit/"' in page.text
        assert "/status/publish/" not in page.text
        assert client.get(f"/cases/{draft.pk}/status/submit/").status_code == 200
        response = client.post(f"/cases/{draft.pk}/status/submit/", follow=True)
        assert "is ingediend" in response.text
        draft.refresh_from_db()
        assert draft.status == "submitted"
        assert client.post(f"/cases/{draft.pk}/status/publish/").status_code == 403

        client = client_for(cora)
        assert f"/cases/{draft.pk}/status/publish/" in client.get(draft.get_absolute_url()).text
        client.post(f"/cases/{draft.pk}/status/publish/")
        draft.refresh_from_db()
        assert draft.status == "published" and draft.updated_by == cora

    def test_send_back_needs_a_remark_that_the_civil_servant_then_sees(
        self, client_for, alice, cora, utrecht
    ):
        case = make_case(organisation=utrecht, status="submitted")
        client = client_for(cora)
        response = client.post(f"/cases/{case.pk}/status/send_back/", {"remark": ""})
        assert response.status_code == 200
        assert "vereist" in field_error(response.text, "id_remark")
        case.refresh_from_db()
        assert case.status == "submitted"
        client.post(f"/cases/{case.pk}/status/send_back/", {"remark": "Vul de datalaag aan."})
        case.refresh_from_db()
        assert case.status == "draft" and case.review_remark == "Vul de datalaag aan."
        page = client_for(alice).get(case.get_absolute_url())
        assert "Teruggestuurd door een coördinator" in page.text
        assert "Vul de datalaag aan." in page.text

    def test_archive_and_reopen(self, client_for, cora, published):
        client = client_for(cora)
        client.post(f"/cases/{published.pk}/status/archive/")
        published.refresh_from_db()
        assert published.status == "archived"
        client.post(f"/cases/{published.pk}/status/reopen/")
        published.refresh_from_db()
        assert published.status == "draft"

    def test_pressing_submit_twice_is_not_an_error(self, client_for, alice, draft):
        client = client_for(alice)
        client.post(f"/cases/{draft.pk}/status/submit/")
        again = client.post(f"/cases/{draft.pk}/status/submit/", follow=True)
        assert again.status_code == 200
        assert "had deze status al" in again.text

    def test_a_step_the_status_does_not_allow_is_a_conflict(self, client_for, cora, draft):
        response = client_for(cora).post(f"/cases/{draft.pk}/status/publish/")
        assert response.status_code == 409
        assert "Dat kan niet bij een casus met status “Concept”" in response.text
        draft.refresh_from_db()
        assert draft.status == "draft"

    def test_unknown_action_is_not_found(self, client_for, cora, draft):
        assert client_for(cora).post(f"/cases/{draft.pk}/status/explode/").status_code == 404

    @pytest.mark.parametrize(
        ("persona", "action", "status"),
        [
            ("bob", "submit", 404),  # alice's draft is invisible to bob
            ("erik", "archive", 404),
            ("alice", "archive", 403),
            ("alice", "reopen", 403),
            ("olga", "submit", 404),
        ],
    )
    def test_refusals(self, request, client_for, draft, persona, action, status):
        client = client_for(request.getfixturevalue(persona))
        assert client.post(f"/cases/{draft.pk}/status/{action}/").status_code == status
        draft.refresh_from_db()
        assert draft.status == "draft"

    def test_executive_may_not_archive_a_published_case(self, client_for, erik, published):
        assert client_for(erik).post(f"/cases/{published.pk}/status/archive/").status_code == 403


# --- The case page: who sees which controls ----------------------------------------


class TestCanvasControls:
    def test_editor_sees_the_controls(self, client_for, alice, published):
        page = client_for(alice).get(published.get_absolute_url())
        assert f'href="/cases/{published.pk}/choices/new/?layer=data"' in page.text
        assert f"/cases/{published.pk}/roles/market/edit/" in page.text
        assert f"/cases/{published.pk}/edit/" in page.text
        assert 'id="canvas-status"' in page.text and 'role="status"' in page.text
        assert "js/canvas.js" in page.text

    @pytest.mark.parametrize("persona", ["bob", "erik"])
    def test_others_see_no_edit_controls(self, request, client_for, published, persona):
        make_choice(case=published)
        page = client_for(request.getfixturevalue(persona)).get(published.get_absolute_url())
        assert page.status_code == 200
        for marker in ("/choices/new/", "/edit/", "/delete/", "/status/"):
            assert marker not in page.text
        assert f"/cases/{published.pk}/history/" in page.text

    def test_case_page_runs_the_same_queries_for_5_and_200_cases(self, client_for, alice, utrecht):
        client = client_for(alice)
        layers = list(Layer.objects.all())
        cases = [make_case(organisation=utrecht, with_parts=True) for _ in range(5)]

        def count(url):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            return len(ctx.captured_queries)

        small = count(cases[0].get_absolute_url())
        for _ in range(195):
            make_case(organisation=utrecht, with_parts=True)
        for layer in layers * 10:
            make_choice(case=cases[0], layer=layer)
        assert count(cases[0].get_absolute_url()) == small


# --- Choices in place ------------------------------------------------------------


class TestChoiceCreate:
    def test_the_add_button_opens_a_form_in_the_layer(self, client_for, alice, draft):
        response = client_for(alice).get(
            f"/cases/{draft.pk}/choices/new/?layer=data", headers=hx("layer-data-add")
        )
        assert response.status_code == 200
        assert "<html" not in response.text
        assert 'id="layer-data-add"' in response.text
        assert 'hx-target="#layer-data-add"' in response.text
        assert '<option value="data" selected>' in response.text
        assert 'id="layer-data-add-title"' in response.text and "autofocus" in response.text

    def test_without_javascript_it_is_a_page(self, client_for, alice, draft):
        client = client_for(alice)
        page = client.get(f"/cases/{draft.pk}/choices/new/?layer=data")
        assert "<html" in page.text and "<h1>Nieuwe keuze</h1>" in page.text
        response = client.post(f"/cases/{draft.pk}/choices/new/?layer=data", choice_data())
        choice = Choice.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"{draft.get_absolute_url()}#choice-{choice.pk}"
        assert choice.case == draft and choice.layer.code == "infrastructure"
        assert choice.history.first().history_user == alice
        assert "is opgeslagen" in client.get(response["Location"]).text

    def test_saved_in_place_with_card_completeness_and_confirmation(self, client_for, alice, draft):
        response = client_for(alice).post(
            f"/cases/{draft.pk}/choices/new/?layer=infrastructure",
            choice_data(),
            headers=hx("layer-infrastructure-add"),
        )
        assert response.status_code == 200
        html = response.text
        choice = Choice.objects.get()
        # the card goes to its layer, a fresh add button takes the form's place
        assert 'hx-swap-oob="beforebegin:#layer-infrastructure-add"' in html
        assert f'id="choice-{choice.pk}"' in html
        assert html.count('id="layer-infrastructure-add"') == 1
        assert 'id="completeness" class="completeness"' in html and "14%" in html
        assert 'hx-swap-oob="innerHTML:#canvas-status"' in html
        assert "Keuze “Hosting in de overheidscloud” is opgeslagen." in html
        draft.refresh_from_db()
        assert draft.updated_by == alice

    def test_invalid_input_shows_errors_next_to_fields_and_keeps_the_text(
        self, client_for, alice, draft
    ):
        response = client_for(alice).post(
            f"/cases/{draft.pk}/choices/new/?layer=data",
            choice_data(title="", sourcing="bogus", pros="x" * 4001, chosen="Mijn tekst"),
            headers=hx("layer-data-add"),
        )
        assert response.status_code == 200
        html = response.text
        assert "vereist" in field_error(html, "layer-data-add-title")
        assert "geldige keuze" in field_error(html, "layer-data-add-sourcing")
        assert "4000" in field_error(html, "layer-data-add-pros")
        assert "Mijn tekst" in html
        assert 'aria-invalid="true"' in html
        assert not Choice.objects.exists()

    @pytest.mark.parametrize(
        ("field", "value"),
        [("layer", "basement"), ("supplier", "999999"), ("decided_on", "31-31-2026")],
    )
    def test_unknown_layer_supplier_or_bad_date(self, client_for, alice, draft, field, value):
        response = client_for(alice).post(
            f"/cases/{draft.pk}/choices/new/", choice_data(**{field: value})
        )
        assert response.status_code == 200
        assert field_error(response.text, f"choice-new-{field}")
        assert not Choice.objects.exists()

    def test_a_double_submit_makes_one_choice(self, client_for, alice, draft):
        client = client_for(alice)
        url = f"/cases/{draft.pk}/choices/new/?layer=infrastructure"
        client.post(url, choice_data(), headers=hx("layer-infrastructure-add"))
        again = client.post(url, choice_data(), headers=hx("layer-infrastructure-add"))
        assert again.status_code == 200
        assert "was al opgeslagen; er is geen tweede gemaakt" in again.text
        assert Choice.objects.count() == 1
        # a different choice with the same title is still welcome
        client.post(url, choice_data(pros="Anders"))
        assert Choice.objects.count() == 2

    def test_adding_to_a_published_case_sends_it_back_to_review(self, client_for, alice, published):
        response = client_for(alice).post(
            f"/cases/{published.pk}/choices/new/", choice_data(), headers=hx("layer-data-add")
        )
        published.refresh_from_db()
        assert published.status == "submitted"
        assert 'id="case-status" class="case-status" hx-swap-oob="true"' in response.text
        assert "Ingediend" in response.text

    @pytest.mark.parametrize(
        ("persona", "which", "status"),
        [
            ("bob", "published", 403),
            ("bob", "draft", 404),
            ("erik", "published", 403),
            ("olga", "published", 404),
        ],
    )
    def test_refusals(self, request, client_for, persona, which, status):
        case = request.getfixturevalue(which)
        client = client_for(request.getfixturevalue(persona))
        url = f"/cases/{case.pk}/choices/new/?layer=data"
        assert client.get(url).status_code == status
        assert client.post(url, choice_data(), headers=hx("layer-data-add")).status_code == status
        assert not Choice.objects.exists()

    def test_coordinator_may_add(self, client_for, cora, published):
        assert (
            client_for(cora).post(f"/cases/{published.pk}/choices/new/", choice_data()).status_code
            == 302
        )
        published.refresh_from_db()
        assert published.status == "published"


class TestChoiceEdit:
    @pytest.fixture
    def choice(self, draft):
        return make_choice(case=draft, layer=Layer.objects.get(code="data"), title="Oude titel")

    def test_edit_form_replaces_the_card(self, client_for, alice, draft, choice):
        response = client_for(alice).get(
            f"/cases/{draft.pk}/choices/{choice.pk}/edit/", headers=hx(f"choice-{choice.pk}")
        )
        assert f'id="choice-{choice.pk}"' in response.text
        assert 'value="Oude titel"' in response.text
        assert '<option value="data" selected>' in response.text  # stays in its layer
        assert f'hx-get="/cases/{draft.pk}/choices/{choice.pk}/"' in response.text  # cancel

    def test_cancel_gets_the_card_back(self, client_for, alice, draft, choice):
        response = client_for(alice).get(f"/cases/{draft.pk}/choices/{choice.pk}/", headers=HX)
        assert response.text.lstrip().startswith("<article")
        assert "Oude titel" in response.text and "Bewerken" in response.text

    def test_saved_in_place(self, client_for, alice, draft, choice):
        response = client_for(alice).post(
            f"/cases/{draft.pk}/choices/{choice.pk}/edit/",
            choice_data(title="Nieuwe titel", layer="data"),
            headers=hx(f"choice-{choice.pk}"),
        )
        assert response.status_code == 200
        assert response.text.lstrip().startswith("<article")
        assert "beforebegin" not in response.text
        choice.refresh_from_db()
        assert choice.title == "Nieuwe titel" and choice.sourcing == "shared_government"

    def test_moving_to_another_layer_moves_the_card(self, client_for, alice, draft, choice):
        response = client_for(alice).post(
            f"/cases/{draft.pk}/choices/{choice.pk}/edit/",
            choice_data(layer="platforms"),
            headers=hx(f"choice-{choice.pk}"),
        )
        assert 'hx-swap-oob="beforebegin:#layer-platforms-add"' in response.text
        choice.refresh_from_db()
        assert choice.layer.code == "platforms"

    def test_invalid_edit_keeps_the_text_and_the_choice(self, client_for, alice, draft, choice):
        response = client_for(alice).post(
            f"/cases/{draft.pk}/choices/{choice.pk}/edit/",
            choice_data(title="", rationale="Mijn onderbouwing"),
            headers=hx(f"choice-{choice.pk}"),
        )
        assert "vereist" in field_error(response.text, f"choice-{choice.pk}-title")
        assert "Mijn onderbouwing" in response.text
        choice.refresh_from_db()
        assert choice.title == "Oude titel"

    def test_editing_a_choice_deleted_in_another_tab(self, client_for, alice, draft, choice):
        client = client_for(alice)
        client.post(f"/cases/{draft.pk}/choices/{choice.pk}/delete/")
        response = client.post(
            f"/cases/{draft.pk}/choices/{choice.pk}/edit/",
            choice_data(title="Wat ik typte", layer="algorithms"),
            headers=hx(f"choice-{choice.pk}"),
        )
        assert response.status_code == 410
        assert "intussen verwijderd" in response.text
        assert 'value="Wat ik typte"' in response.text
        assert f'hx-post="/cases/{draft.pk}/choices/new/?layer=algorithms"' in response.text
        assert not Choice.objects.exists()  # not brought back behind the person's back
        # saving it as a new choice from that form
        saved = client.post(
            f"/cases/{draft.pk}/choices/new/?layer=algorithms",
            choice_data(title="Wat ik typte", layer="algorithms"),
            headers=hx(f"choice-{choice.pk}"),
        )
        assert saved.status_code == 200
        assert 'hx-swap-oob="beforebegin:#layer-algorithms-add"' in saved.text
        assert Choice.objects.get().title == "Wat ik typte"

    def test_a_delete_between_load_and_save_is_caught(self, client_for, alice, draft, choice):
        # The choice disappears after the view found it, before the write.
        original = actions.do_update_choice

        def deleted_meanwhile(chosen, *, by):
            Choice.objects.filter(pk=chosen.pk).delete()
            return original(chosen, by=by)

        client = client_for(alice)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(actions, "do_update_choice", deleted_meanwhile)
            response = client.post(
                f"/cases/{draft.pk}/choices/{choice.pk}/edit/", choice_data(title="Na")
            )
        assert response.status_code == 410
        assert 'value="Na"' in response.text
        assert not Choice.objects.exists()

    def test_opening_a_deleted_choice_says_so(self, client_for, alice, draft, choice):
        client = client_for(alice)
        pk = choice.pk
        choice.delete()
        response = client.get(f"/cases/{draft.pk}/choices/{pk}/edit/")
        assert response.status_code == 410
        assert "bestaat niet meer" in response.text

    def test_a_choice_of_another_case_is_not_found(self, client_for, alice, draft, utrecht):
        other = make_choice(case=make_case(organisation=utrecht, status="draft"))
        client = client_for(alice)
        assert client.get(f"/cases/{draft.pk}/choices/{other.pk}/edit/").status_code == 404
        assert client.post(f"/cases/{draft.pk}/choices/{other.pk}/delete/").status_code == 404
        assert client.get(f"/cases/{draft.pk}/choices/999999/edit/").status_code == 404
        assert Choice.objects.filter(pk=other.pk).exists()

    @pytest.mark.parametrize(("persona", "status"), [("bob", 403), ("erik", 403), ("olga", 404)])
    def test_refusals(self, request, client_for, published, persona, status):
        choice = make_choice(case=published, title="Blijft")
        client = client_for(request.getfixturevalue(persona))
        base = f"/cases/{published.pk}/choices/{choice.pk}"
        assert client.post(f"{base}/edit/", choice_data(title="Weg")).status_code == status
        assert client.post(f"{base}/delete/").status_code == status
        choice.refresh_from_db()
        assert choice.title == "Blijft"


class TestChoiceDelete:
    def test_confirmation_without_javascript(self, client_for, alice, draft):
        choice = make_choice(case=draft, title="Te verwijderen")
        client = client_for(alice)
        page = client.get(f"/cases/{draft.pk}/choices/{choice.pk}/delete/")
        assert page.status_code == 200 and "<html" in page.text
        assert "Keuze “Te verwijderen” verwijderen?" in page.text
        assert f'action="/cases/{draft.pk}/choices/{choice.pk}/delete/"' in page.text
        assert Choice.objects.filter(pk=choice.pk).exists()  # asking deletes nothing
        response = client.post(f"/cases/{draft.pk}/choices/{choice.pk}/delete/", follow=True)
        assert "Keuze “Te verwijderen” is verwijderd." in response.text
        assert not Choice.objects.filter(pk=choice.pk).exists()
        assert Choice.history.filter(id=choice.pk, history_type="-").get().history_user == alice

    def test_in_place_with_htmx(self, client_for, alice, draft):
        choice = make_choice(case=draft, title="Weg ermee")
        client = client_for(alice)
        confirm = client.get(
            f"/cases/{draft.pk}/choices/{choice.pk}/delete/", headers=hx(f"choice-{choice.pk}")
        )
        assert "<html" not in confirm.text and "Ja, verwijderen" in confirm.text
        response = client.post(
            f"/cases/{draft.pk}/choices/{choice.pk}/delete/", headers=hx(f"choice-{choice.pk}")
        )
        assert response.status_code == 200
        assert "Keuze “Weg ermee” is verwijderd." in response.text
        assert 'id="completeness"' in response.text
        again = client.post(
            f"/cases/{draft.pk}/choices/{choice.pk}/delete/", headers=hx(f"choice-{choice.pk}")
        )
        assert again.status_code == 200 and "was al verwijderd" in again.text


# --- Role analyses in place ----------------------------------------------------------


class TestRoleAnalysis:
    def test_fill_in_place(self, client_for, alice, draft, utrecht):
        partner = make_organisation(name="RIVM", kind="national_agency")
        client = client_for(alice)
        form = client.get(f"/cases/{draft.pk}/roles/market/edit/", headers=hx("role-market"))
        assert 'id="role-market"' in form.text and "<html" not in form.text
        assert 'type="checkbox"' in form.text and "<legend>" in form.text
        response = client.post(
            f"/cases/{draft.pk}/roles/market/edit/",
            {
                "role": "client",
                "explanation": "Wij kopen het dashboard in.",
                "pros": "Snel",
                "cons": "",
                "partners": [partner.pk, utrecht.pk],
            },
            headers=hx("role-market"),
        )
        assert response.status_code == 200
        assert "Opdrachtgever of afnemer" in response.text
        assert "Rolanalyse “Markt” is opgeslagen." in response.text
        assert "Provincie Utrecht, RIVM" in response.text
        analysis = draft.role_analyses.get(counterpart="market")
        assert analysis.is_filled and set(analysis.partners.all()) == {partner, utrecht}

    def test_without_javascript(self, client_for, alice, draft):
        client = client_for(alice)
        assert "<html" in client.get(f"/cases/{draft.pk}/roles/co_governments/edit/").text
        response = client.post(
            f"/cases/{draft.pk}/roles/co_governments/edit/",
            {"role": "partner", "explanation": "Samen met het Rijk."},
        )
        assert response["Location"] == f"{draft.get_absolute_url()}#role-co_governments"
        assert draft.role_analyses.get(counterpart="co_governments").role == "partner"

    def test_invalid_input_keeps_the_text(self, client_for, alice, draft):
        response = client_for(alice).post(
            f"/cases/{draft.pk}/roles/market/edit/",
            {"role": "", "explanation": "", "pros": "Mijn voordelen", "partners": ["999999"]},
            headers=hx("role-market"),
        )
        assert response.status_code == 200
        assert "vereist" in field_error(response.text, "role-market-role")
        assert "vereist" in field_error(response.text, "role-market-explanation")
        assert field_error(response.text, "role-market-partners")
        assert "Mijn voordelen" in response.text
        assert not draft.role_analyses.get(counterpart="market").is_filled

    def test_unknown_counterpart_is_not_found(self, client_for, alice, draft):
        assert client_for(alice).get(f"/cases/{draft.pk}/roles/press/edit/").status_code == 404

    def test_a_case_without_role_analyses_gets_them(self, client_for, alice, utrecht):
        case = Case.objects.create(
            organisation=utrecht, title="Oud", policy_domain="water", kind="model", summary="."
        )
        response = client_for(alice).post(
            f"/cases/{case.pk}/roles/market/edit/", {"role": "none", "explanation": "Geen."}
        )
        assert response.status_code == 302
        assert case.role_analyses.count() == 3

    @pytest.mark.parametrize(
        ("persona", "which", "status"),
        [("bob", "published", 403), ("bob", "draft", 404), ("erik", "published", 403)],
    )
    def test_refusals(self, request, client_for, persona, which, status):
        case = request.getfixturevalue(which)
        client = client_for(request.getfixturevalue(persona))
        response = client.post(
            f"/cases/{case.pk}/roles/market/edit/", {"role": "client", "explanation": "X"}
        )
        assert response.status_code == status
        assert not case.role_analyses.get(counterpart="market").is_filled

    def test_completing_the_last_part_reaches_100_percent(self, client_for, alice, utrecht):
        case = make_case(organisation=utrecht, status="draft", with_parts=True)
        analysis = case.role_analyses.get(counterpart="market")
        analysis.explanation = ""
        analysis.save()
        response = client_for(alice).post(
            f"/cases/{case.pk}/roles/market/edit/",
            {"role": "client", "explanation": "Ingekocht."},
            headers=hx("role-market"),
        )
        assert "100%" in response.text
        assert "Alle lagen hebben een keuze" in response.text
