"""The stack canvas in place: a case's choices and role analyses, with and
without htmx."""


import pytest

from cases import actions
from cases.models import Case, Choice, Layer
from tests.factories import make_case, make_choice, make_organisation
from tests.page_support import HX, choice_data, field_error, hx

# Personas are also looked up by name (request.getfixturevalue), which pytest-django
# cannot see when it orders tests: say here that every test needs the database.
pytestmark = pytest.mark.django_db


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

        def deleted_meanwhile(chosen, *, by, **kwargs):
            Choice.objects.filter(pk=chosen.pk).delete()
            return original(chosen, by=by, **kwargs)

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
