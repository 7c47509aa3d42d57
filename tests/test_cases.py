"""Cases: the list with its filters (in place with htmx, kept in the URL),
the case page, the case form and the life-cycle steps."""

import re

import pytest
from django.db import connection
from django.db import connection as default_connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, Layer, RoleAnalysis
from tests.factories import make_case, make_choice, make_organisation, make_user
from tests.page_support import case_data, field_error

# Personas are also looked up by name (request.getfixturevalue), which pytest-django
# cannot see when it orders tests: say here that every test needs the database.
pytestmark = pytest.mark.django_db

HX_RESULTS = {"HX-Request": "true", "HX-Target": "case-results"}


@pytest.fixture
def cases(utrecht, zuid_holland):
    data = Layer.objects.get(code="data")
    platforms = Layer.objects.get(code="platforms")
    twin = make_case(
        organisation=utrecht,
        title="Digitale tweeling",
        policy_domain="environment_health",
        kind="digital_twin",
        summary="Groene Baten in 3D.",
    )
    make_choice(case=twin, layer=data, sourcing="co_development")
    monitor = make_case(organisation=zuid_holland, title="Logistieke monitor")
    make_choice(case=monitor, layer=platforms, sourcing="co_development")
    make_choice(case=monitor, layer=data, sourcing="off_the_shelf")
    make_case(organisation=zuid_holland, title="Stikstofmodel", policy_domain="nature")
    make_case(organisation=utrecht, title="Eigen concept", status="draft")
    make_case(organisation=zuid_holland, title="Concept elders", status="draft")
    return twin


def titles_in(html: str) -> set[str]:
    known = {
        "Digitale tweeling",
        "Logistieke monitor",
        "Stikstofmodel",
        "Eigen concept",
        "Concept elders",
    }
    return {title for title in known if f">{title}</a>" in html}


def completeness_by_title(html: str) -> dict[str, str]:
    """The "Volledig" column of the case list, row by row: {title: "40%"}."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    found = {}
    for row in rows:
        title = re.search(r'<a href="/cases/\d+/">([^<]+)</a>', row)
        percent = re.search(r'<td class="number">(\d+%)</td>', row)
        if title and percent:
            found[title.group(1)] = percent.group(1)
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Digitale tweeling", "Logistieke monitor", "Stikstofmodel", "Eigen concept"}),
        ("status=draft", {"Eigen concept"}),
        ("policy_domain=nature", {"Stikstofmodel"}),
        ("search=groene+baten", {"Digitale tweeling"}),
        ("layer=data&sourcing=co_development", {"Digitale tweeling"}),
        ("layer=platforms&sourcing=co_development", {"Logistieke monitor"}),
        ("sourcing=co_development", {"Digitale tweeling", "Logistieke monitor"}),
        ("layer=data", {"Digitale tweeling", "Logistieke monitor"}),
        ("layer=infrastructure", set()),
    ],
)
def test_filters(client_for, alice, cases, query, expected):
    response = client_for(alice).get(f"/cases/?{query}")
    assert response.status_code == 200
    assert titles_in(response.text) == expected


def test_filter_on_organisation(client_for, alice, cases, zuid_holland):
    response = client_for(alice).get(f"/cases/?organisation={zuid_holland.pk}")
    assert titles_in(response.text) == {"Logistieke monitor", "Stikstofmodel"}


def test_a_case_with_two_matching_choices_is_listed_once(client_for, alice, cases):
    make_choice(case=cases, layer=Layer.objects.get(code="data"), sourcing="co_development")
    response = client_for(alice).get("/cases/?sourcing=co_development")
    assert response.text.count(">Digitale tweeling</a>") == 1
    assert "2 casussen gevonden" in response.text


def test_htmx_gets_only_the_results(client_for, alice, cases):
    response = client_for(alice).get("/cases/?status=published", headers=HX_RESULTS)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<section id="case-results"')
    assert "<html" not in html and 'name="status"' not in html
    assert titles_in(html) == {"Digitale tweeling", "Logistieke monitor", "Stikstofmodel"}
    assert "HX-Request" in response["Vary"]


def test_back_button_after_a_cache_miss_gets_the_whole_page(client_for, alice, cases):
    response = client_for(alice).get(
        "/cases/?status=draft", headers={**HX_RESULTS, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.text
    assert '<option value="draft" selected>' in response.text


def test_the_form_updates_the_list_in_place_and_keeps_the_filters_in_the_url(
    client_for, alice, cases
):
    html = client_for(alice).get("/cases/?layer=data&sourcing=off_the_shelf").text
    assert 'hx-get="/cases/"' in html and 'hx-push-url="true"' in html
    assert 'hx-target="#case-results"' in html
    assert 'action="/cases/"' in html and 'method="get"' in html  # works without JavaScript
    assert '<option value="data" selected>' in html
    assert '<option value="off_the_shelf" selected>' in html
    assert titles_in(html) == {"Logistieke monitor"}


def test_a_bad_filter_is_reported_and_the_others_still_apply(client_for, alice, cases):
    response = client_for(alice).get("/cases/?layer=basement&policy_domain=nature")
    assert response.status_code == 200
    assert 'id="id_layer_error"' in response.text
    assert titles_in(response.text) == {"Stikstofmodel"}


def test_bad_input_is_never_an_error(client_for, alice, cases):
    client = client_for(alice)
    for query in ("organisation=abc", "page=-1", "page=99999", "search=" + "x" * 500, "status=x"):
        assert client.get(f"/cases/?{query}").status_code == 200


def test_pagination_keeps_the_filters(client_for, alice, utrecht):
    for i in range(25):
        make_case(organisation=utrecht, title=f"Casus {i:02d}", policy_domain="water")
    make_case(organisation=utrecht, title="Ander domein")
    client = client_for(alice)
    first = client.get("/cases/?policy_domain=water")
    assert "Pagina 1 van 2" in first.text
    assert 'href="?policy_domain=water&amp;page=2"' in first.text
    assert 'hx-get="?policy_domain=water&amp;page=2"' in first.text
    second = client.get("/cases/?policy_domain=water&page=2", headers=HX_RESULTS)
    assert "Casus 24" in second.text and "Ander domein" not in second.text


def test_only_cases_the_person_may_see(client_for, bob, erik, cases):
    assert titles_in(client_for(bob).get("/cases/").text) == {
        "Digitale tweeling",
        "Logistieke monitor",
        "Stikstofmodel",
        "Concept elders",
    }
    assert "Eigen concept" not in client_for(erik).get("/cases/?status=draft").text


def test_new_case_button_only_for_who_may_create(client_for, alice, erik, cases):
    assert 'href="/cases/new/"' in client_for(alice).get("/cases/").text
    assert 'href="/cases/new/"' not in client_for(erik).get("/cases/").text


def test_completeness_percentage_per_case(client_for, alice, utrecht):
    make_case(organisation=utrecht, title="Half", with_parts=False)
    make_case(organisation=utrecht, title="Heel", with_parts=True)
    make_choice(case=make_case(organisation=utrecht, title="Begonnen"))  # 1 of 7 parts
    html = client_for(alice).get("/cases/").text
    assert completeness_by_title(html) == {"Half": "0%", "Heel": "100%", "Begonnen": "14%"}


def test_list_runs_the_same_queries_for_5_and_200_cases(client_for, alice, utrecht, zuid_holland):
    client = client_for(alice)
    for _ in range(5):
        make_case(organisation=utrecht, with_parts=True)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/cases/", "/cases/?layer=data&sourcing=in_house&search=Casus", "/cases/?page=2"]
    small = [count(url) for url in urls]
    for i in range(195):
        make_case(organisation=utrecht if i % 2 else zuid_holland, with_parts=True)
    assert [count(url) for url in urls] == small
    htmx = {"HTTP_HX_REQUEST": "true"}
    with CaptureQueriesContext(connection) as ctx:
        client.get("/cases/?layer=data", **htmx)
    assert len(ctx.captured_queries) <= small[0]


def test_organisation_filter_offers_only_organisations_with_visible_cases(client_for, bob):
    hidden = make_organisation(name="Alleen concepten")
    make_case(organisation=hidden, status="draft")
    shown = make_organisation(name="Met publicatie")
    make_case(organisation=shown)
    html = client_for(bob).get("/cases/").text
    assert f'<option value="{shown.pk}">Met publicatie</option>' in html
    assert "Alleen concepten" not in html


# --- The case page and the list, as a reader ---------------------------------


def test_case_list_shows_visible_cases_with_completeness(client_for, alice, utrecht, zuid_holland):
    make_case(organisation=utrecht, title="Eigen concept", status="draft")
    make_case(organisation=zuid_holland, title="Ander concept", status="draft")
    make_case(organisation=zuid_holland, title="Compleet", with_parts=True)
    response = client_for(alice).get("/cases/")
    assert response.status_code == 200
    assert "Eigen concept" in response.text and "Compleet" in response.text
    assert "Ander concept" not in response.text
    assert completeness_by_title(response.text) == {"Eigen concept": "0%", "Compleet": "100%"}


def test_case_list_paginates(client_for, alice, utrecht):
    for i in range(25):
        make_case(organisation=utrecht, title=f"Casus {i:02d}")
    client = client_for(alice)
    first = client.get("/cases/")
    assert "Casus 19" in first.text and "Casus 20" not in first.text
    assert "Pagina 1 van 2" in first.text
    second = client.get("/cases/?page=2")
    assert "Casus 24" in second.text and "Casus 00" not in second.text
    assert client.get("/cases/?page=abc").status_code == 200


def test_case_list_filter_bad_input_is_shown_next_to_its_field(client_for, alice, utrecht):
    make_case(organisation=utrecht, title="Watermonitor", policy_domain="water")
    make_case(organisation=utrecht, title="Woningbouwmonitor", policy_domain="housing")
    response = client_for(alice).get(
        "/cases/?organisation=999999&status=nonsense&policy_domain=water"
    )
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in field_error(response.text, "id_organisation")
    assert "Selecteer een geldige keuze" in field_error(response.text, "id_status")
    # the valid filter still applies, the bad ones are left out
    assert completeness_by_title(response.text).keys() == {"Watermonitor"}
    # and what the person typed stays in the form
    assert '<option value="water" selected>' in response.text


def test_case_page_shows_the_stack_and_role_grid(client_for, alice, utrecht):
    case = make_case(organisation=utrecht, title="Digitale tweeling", with_parts=True)
    response = client_for(alice).get(case.get_absolute_url())
    assert response.status_code == 200
    for layer in Layer.objects.all():
        assert layer.name in response.text
    for label in ("Markt", "Medeoverheden", "Kennisinstellingen"):
        assert label in response.text
    assert response.text.count('class="choice-card"') == 4
    assert "100%" in response.text


def test_case_page_of_a_draft_elsewhere_is_not_found(client_for, bob, utrecht):
    case = make_case(organisation=utrecht, status="draft")
    assert client_for(bob).get(case.get_absolute_url()).status_code == 404


def test_user_without_role_sees_no_cases(client_for, olga, utrecht):
    case = make_case(organisation=utrecht)
    client = client_for(olga)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert "geen rol" in client.get("/").text


def _count_queries(client, url):
    with CaptureQueriesContext(default_connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_page_and_list_run_a_fixed_number_of_queries(client_for, alice, utrecht):
    client = client_for(alice)
    layers = list(Layer.objects.all())
    cases = [make_case(organisation=utrecht, with_parts=True) for _ in range(5)]
    small_detail = _count_queries(client, cases[0].get_absolute_url())
    small_list = _count_queries(client, "/cases/")
    for _ in range(45):
        case = make_case(organisation=utrecht, with_parts=True)
        for layer in layers:
            make_choice(case=case, layer=layer)
    big = make_case(organisation=utrecht, with_parts=True)
    for layer in layers * 5:
        make_choice(case=big, layer=layer)
    assert _count_queries(client, big.get_absolute_url()) == small_detail
    assert _count_queries(client, "/cases/") == small_list
    # session, user, roles, the unread notifications in the header, the rules
    # in force for comply-or-explain, then the page's own data
    assert small_detail <= 14 and small_list <= 15


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
    def test_submit_publish(self, client_for, alice, cora, complete_draft):
        draft = complete_draft
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

    def test_pressing_submit_twice_is_not_an_error(self, client_for, alice, complete_draft):
        draft = complete_draft
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
