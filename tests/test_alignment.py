"""Comply or explain: rules on directions, verdicts computed from the data,
explanations, the refusal to submit an incomplete case, the portfolio, the
trend between sessions and the API.

Personas: alice (civil servant, Utrecht), bob (civil servant, Zuid-Holland),
erik (executive), cora (coordinator), olga (no role)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import alignment
from cases.actions import do_case_step, do_record_outcome, do_session_step
from cases.models import Case, Choice, Direction, Layer
from cases.models_alignment import AlignmentSnapshot, DeviationExplanation, GuidanceRule
from tests.api_support import token_client
from tests.factories import (
    make_case,
    make_choice,
    make_direction,
    make_organisation,
    make_session,
)

API = "/api/v1"


def layer(code: str) -> Layer:
    return Layer.objects.get(code=code)


def rule(direction, prop, values, *, layer_code=None, counterpart=""):
    return GuidanceRule.objects.create(
        direction=direction,
        property=prop,
        values=values,
        layer=layer(layer_code) if layer_code else None,
        counterpart=counterpart,
    )


@pytest.fixture
def r1(db):
    """R1, adopted: every layer asks for proven technology."""
    direction = make_direction(code="R1", title="Bewezen technologie", status="adopted")
    rule(direction, "maturity", ["proven"])
    return direction


@pytest.fixture
def experimental_draft(utrecht, r1):
    """A draft of Utrecht, complete but for one experimental choice (R1)."""
    case = make_case(organisation=utrecht, title="Proef met AI", status="draft", with_parts=True)
    choice = case.choices.get(layer__code="algorithms")
    choice.maturity = "experimental"
    choice.save()
    return case


def verdicts(case) -> dict:
    case = Case.objects.with_parts().get(pk=case.pk)
    return {
        (i.direction.code, i.choice.layer.code if i.choice else i.analysis.counterpart): i.verdict
        for i in alignment.items_for_cases([case])[case.pk]
    }


# --- Verdicts on known data ---------------------------------------------------


def test_maturity_rule_on_all_layers(utrecht, r1):
    case = make_case(organisation=utrecht)
    make_choice(case=case, layer=layer("data"), maturity="proven")
    make_choice(case=case, layer=layer("platforms"), maturity="emerging")
    found = verdicts(case)
    assert found[("R1", "data")] == "follows"
    assert found[("R1", "platforms")] == "deviates"
    # a maturity rule says nothing about the role analyses
    assert found[("R1", "market")] == "not_applicable"


def test_sourcing_rule_for_one_layer(utrecht):
    r5 = make_direction(code="R5", status="adopted")
    rule(r5, "sourcing", ["shared_government", "open_source"], layer_code="data")
    case = make_case(organisation=utrecht)
    make_choice(case=case, layer=layer("data"), sourcing="off_the_shelf")
    make_choice(case=case, layer=layer("platforms"), sourcing="off_the_shelf")
    found = verdicts(case)
    assert found[("R5", "data")] == "deviates"
    assert found[("R5", "platforms")] == "not_applicable"


def test_supplier_kind_rule(utrecht):
    r2 = make_direction(code="R2", status="adopted")
    rule(r2, "supplier_kind", ["knowledge_institution"], layer_code="algorithms")
    tno = make_organisation(name="TNO", kind="knowledge_institution")
    bureau = make_organisation(name="Bureau", kind="market_party")
    with_tno, with_bureau, alone = (make_case(organisation=utrecht) for _ in range(3))
    make_choice(case=with_tno, layer=layer("algorithms"), supplier=tno)
    make_choice(case=with_bureau, layer=layer("algorithms"), supplier=bureau)
    make_choice(case=alone, layer=layer("algorithms"), supplier=None)
    assert verdicts(with_tno)[("R2", "algorithms")] == "follows"
    assert verdicts(with_bureau)[("R2", "algorithms")] == "deviates"
    # no supplier is a value of its own: it deviates unless the rule names it
    assert verdicts(alone)[("R2", "algorithms")] == "deviates"
    GuidanceRule.objects.filter(direction=r2).update(values=["knowledge_institution", "none"])
    assert verdicts(alone)[("R2", "algorithms")] == "follows"


def test_counterpart_role_rule(utrecht):
    r2 = make_direction(code="R2", status="adopted")
    rule(r2, "counterpart_role", ["partner"], counterpart="knowledge_institutions")
    case = make_case(organisation=utrecht)
    analysis = case.role_analyses.get(counterpart="knowledge_institutions")
    assert verdicts(case)[("R2", "knowledge_institutions")] == "not_applicable"  # not filled in
    analysis.role, analysis.explanation = "none", "Geen kennisinstelling."
    analysis.save()
    assert verdicts(case)[("R2", "knowledge_institutions")] == "deviates"
    analysis.role = "partner"
    analysis.save()
    assert verdicts(case)[("R2", "knowledge_institutions")] == "follows"
    assert verdicts(case)[("R2", "market")] == "not_applicable"


@pytest.mark.parametrize("status", ["proposed", "rejected", "deferred"])
def test_rules_of_a_direction_not_adopted_do_not_count(utrecht, status):
    direction = make_direction(code="R9", status=status)
    rule(direction, "maturity", ["proven"])
    case = make_case(organisation=utrecht)
    make_choice(case=case, maturity="experimental")
    assert verdicts(case) == {}


def test_adopting_a_direction_puts_its_rules_in_force(utrecht, cora):
    direction = make_direction(code="R1", status="proposed")
    rule(direction, "maturity", ["proven"])
    case = make_case(organisation=utrecht)
    make_choice(case=case, layer=layer("data"), maturity="experimental")
    session = make_session(directions=[direction], state="closed")
    do_record_outcome(session=session, direction=direction, decision="adopted", by=cora)
    assert verdicts(case)[("R1", "data")] == "deviates"
    do_record_outcome(session=session, direction=direction, decision="rejected", by=cora)
    assert verdicts(case) == {}


# --- Completeness and the refusal to submit ---------------------------------


def test_unexplained_deviation_makes_a_case_incomplete(experimental_draft):
    progress = experimental_draft.completeness()
    assert not progress["complete"]
    assert [item.direction.code for item in progress["unexplained"]] == ["R1"]
    assert progress["percent"] == round(100 * 7 / 8)


def test_civil_servant_cannot_submit_until_explained_ui(client_for, alice, experimental_draft):
    client = client_for(alice)
    url = f"/cases/{experimental_draft.pk}/status/submit/"
    refused = client.post(url)
    assert refused.status_code == 409
    assert "wijkt af van R1 zonder uitleg" in refused.content.decode()
    experimental_draft.refresh_from_db()
    assert experimental_draft.status == "draft"

    choice = experimental_draft.choices.get(maturity="experimental")
    explain = f"/cases/{experimental_draft.pk}/choices/{choice.pk}/explanations/R1/"
    page = client.get(explain)
    assert "Uitleg" in page.content.decode()
    client.post(explain, {"text": "Een proef van een jaar, daarna evaluatie."})
    assert client.post(url).status_code == 302
    experimental_draft.refresh_from_db()
    assert experimental_draft.status == "submitted"


def test_civil_servant_cannot_submit_until_explained_api(alice, experimental_draft):
    client = token_client(alice)
    url = f"{API}/cases/{experimental_draft.pk}/status/"
    refused = client.post(url, {"action": "submit"}, format="json")
    assert refused.status_code == 409
    assert "R1" in refused.json()["detail"]
    choice = experimental_draft.choices.get(maturity="experimental")
    put = client.put(
        f"{API}/choices/{choice.pk}/explanations/R1/",
        {"explanation": "Een proef van een jaar."},
        format="json",
    )
    assert put.status_code == 200
    assert put.json() == {
        "direction": "R1",
        "choice": choice.pk,
        "counterpart": None,
        "verdict": "deviates",
        "explanation": "Een proef van een jaar.",
    }
    assert client.post(url, {"action": "submit"}, format="json").status_code == 200


def test_an_empty_case_cannot_be_submitted_through_any_door(client_for, alice, cora, utrecht):
    empty = make_case(organisation=utrecht, title="Leeg", status="draft")
    # the page: refused, and the checklist says what is missing
    response = client_for(alice).post(f"/cases/{empty.pk}/status/submit/")
    assert response.status_code == 409
    text = response.content.decode()
    assert "0%" in text
    assert "Nog geen keuze in de laag" in text and "Rolanalyse" in text
    # the API
    api = token_client(alice).post(
        f"{API}/cases/{empty.pk}/status/", {"action": "submit"}, format="json"
    )
    assert api.status_code == 409
    assert "niet volledig" in api.json()["detail"]
    # the admin action
    cora.is_superuser = True  # the admin itself needs model permissions
    cora.save()
    admin = client_for(cora).post(
        "/admin/cases/case/",
        {"action": "step_submit", "_selected_action": [empty.pk]},
        follow=True,
    )
    assert "niet volledig" in admin.text
    empty.refresh_from_db()
    assert empty.status == "draft"


def test_the_case_page_lists_what_is_missing(client_for, alice, experimental_draft):
    page = client_for(alice).get(experimental_draft.get_absolute_url()).content.decode()
    assert "wijkt af van R1 zonder uitleg" in page
    assert "Leg uit waarom" in page
    assert "R1 vraagt volwassenheid “Bewezen”; hier is het “Experimenteel”." in page


# --- Explanations follow the data ---------------------------------------------


def test_explanation_outlives_an_edit_that_keeps_the_deviation(
    client_for, alice, experimental_draft
):
    choice = experimental_draft.choices.get(maturity="experimental")
    alignment.do_explain(
        direction=Direction.objects.get(code="R1"), choice=choice, text="Proef.", by=alice
    )
    from tests.page_support import choice_data

    client = client_for(alice)
    edit = f"/cases/{experimental_draft.pk}/choices/{choice.pk}/edit/"
    client.post(edit, choice_data(title="Andere titel", layer="algorithms", maturity="emerging"))
    assert DeviationExplanation.objects.filter(choice=choice).get().text == "Proef."
    client.post(edit, choice_data(title="Andere titel", layer="algorithms", maturity="proven"))
    assert not DeviationExplanation.objects.filter(choice=choice).exists()
    assert DeviationExplanation.history.filter(choice_id=choice.pk, history_type="-").exists()


def test_a_new_rule_reevaluates_and_drops_explanations_that_no_longer_apply(
    utrecht, cora, alice, r1
):
    case = make_case(organisation=utrecht)
    choice = make_choice(case=case, layer=layer("data"), maturity="emerging")
    alignment.do_explain(direction=r1, choice=choice, text="Nodig.", by=alice)
    only = GuidanceRule.objects.get(direction=r1)
    only.values = ["proven", "emerging"]
    alignment.do_save_rule(only)
    assert verdicts(case)[("R1", "data")] == "follows"
    assert not DeviationExplanation.objects.exists()


def test_explanation_of_10000_characters_is_refused_with_input_kept(
    client_for, alice, experimental_draft
):
    choice = experimental_draft.choices.get(maturity="experimental")
    from tests.page_support import choice_data

    long_text = "x" * 10_000
    response = client_for(alice).post(
        f"/cases/{experimental_draft.pk}/choices/{choice.pk}/edit/",
        {
            **choice_data(title="Nieuwe titel", layer="algorithms", maturity="experimental"),
            "explanation-R1": long_text,
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "ten hoogste 4000 tekens" in text
    assert long_text in text  # kept in the field
    choice.refresh_from_db()
    assert choice.title != "Nieuwe titel"  # nothing half-saved
    api = token_client(alice).put(
        f"{API}/choices/{choice.pk}/explanations/R1/", {"explanation": long_text}, format="json"
    )
    assert api.status_code == 400 and "explanation" in api.json()


def test_saving_a_choice_with_its_explanation(client_for, alice, experimental_draft):
    from tests.page_support import choice_data

    client_for(alice).post(
        f"/cases/{experimental_draft.pk}/choices/new/",
        {
            **choice_data(title="Nog een proef", layer="data", maturity="experimental"),
            "explanation-R1": "Alleen voor de proef.",
        },
    )
    choice = Choice.objects.get(title="Nog een proef")
    assert DeviationExplanation.objects.get(choice=choice).text == "Alleen voor de proef."


def test_the_hint_before_saving(client_for, alice, experimental_draft):
    client = client_for(alice)
    url = f"/cases/{experimental_draft.pk}/alignment/hint/"
    hint = client.post(
        url, {"layer": "platforms", "maturity": "experimental"}, HTTP_HX_REQUEST="true"
    )
    text = hint.content.decode()
    assert "R1 vraagt volwassenheid “Bewezen”; hier is het “Experimenteel”." in text
    assert 'name="explanation-R1"' in text
    assert (
        client.post(url, {"layer": "platforms", "maturity": "proven"}).content.decode().strip()
        == ""
    )
    # a case of another province: no hint, no hint that it exists
    other = make_case(organisation=make_organisation(name="Provincie Zuid-Holland"), status="draft")
    assert client.post(f"/cases/{other.pk}/alignment/hint/", {}).status_code == 404


def test_choice_form_shows_the_explanation_field_for_a_deviating_choice(
    client_for, alice, experimental_draft
):
    choice = experimental_draft.choices.get(maturity="experimental")
    page = client_for(alice).get(f"/cases/{experimental_draft.pk}/choices/{choice.pk}/edit/")
    assert 'name="explanation-R1"' in page.content.decode()


# --- The API --------------------------------------------------------------------


def test_api_case_alignment(alice, erik, bob, experimental_draft):
    response = token_client(alice).get(f"{API}/cases/{experimental_draft.pk}/alignment/")
    assert response.status_code == 200
    body = response.json()
    assert body["case"] == experimental_draft.pk
    choices = [i for i in body["items"] if i["choice"] is not None]
    analyses = [i for i in body["items"] if i["counterpart"] is not None]
    assert len(choices) == 4 and len(analyses) == 3
    assert sorted(i["verdict"] for i in choices) == ["deviates", "follows", "follows", "follows"]
    assert {i["verdict"] for i in analyses} == {"not_applicable"}
    assert all(
        set(i) == {"direction", "choice", "counterpart", "verdict", "explanation"}
        for i in body["items"]
    )
    # a draft of another organisation is not there for bob, nor for an executive
    assert (
        token_client(bob).get(f"{API}/cases/{experimental_draft.pk}/alignment/").status_code == 404
    )
    assert (
        token_client(erik).get(f"{API}/cases/{experimental_draft.pk}/alignment/").status_code == 404
    )


def test_api_explanation_refusals(alice, bob, cora, utrecht, experimental_draft, r1):
    client = token_client(alice)
    deviating = experimental_draft.choices.get(maturity="experimental")
    following = experimental_draft.choices.get(layer__code="data")
    url = f"{API}/choices/{deviating.pk}/explanations/R1/"
    assert client.put(url, {"explanation": ""}, format="json").status_code == 400
    assert client.put(url, {"explanation": "   "}, format="json").status_code == 400
    assert client.put(url, {}, format="json").status_code == 400
    not_deviating = client.put(
        f"{API}/choices/{following.pk}/explanations/R1/", {"explanation": "Waarom?"}, format="json"
    )
    assert not_deviating.status_code == 409
    assert (
        client.put(
            f"{API}/choices/{deviating.pk}/explanations/R77/", {"explanation": "x"}, format="json"
        ).status_code
        == 404
    )
    assert token_client(bob).put(url, {"explanation": "x"}, format="json").status_code == 404
    published = make_case(organisation=make_organisation(name="Provincie Zuid-Holland"))
    theirs = make_choice(case=published, maturity="experimental")
    forbidden = client.put(
        f"{API}/choices/{theirs.pk}/explanations/R1/", {"explanation": "x"}, format="json"
    )
    assert forbidden.status_code == 403
    assert not DeviationExplanation.objects.exists()


def test_api_portfolio_counts_what_the_viewer_may_see(alice, bob, cora, experimental_draft):
    def figures(user):
        items = token_client(user).get(f"{API}/alignment/").json()["items"]
        return {item["direction"]: item for item in items}

    assert figures(alice)["R1"]["deviates_unexplained"] == 1  # her own draft
    assert figures(cora)["R1"]["deviates_unexplained"] == 1
    assert figures(bob)["R1"]["deviates_unexplained"] == 0  # a draft of Utrecht
    assert figures(bob)["R1"]["follows"] == 0
    assert set(figures(alice)["R1"]) == {
        "direction",
        "title",
        "follows",
        "deviates_explained",
        "deviates_unexplained",
        "not_applicable",
    }


def test_api_schema_has_the_alignment_endpoints(client_for, cora):
    schema = client_for(cora).get(f"{API}/schema/?format=json").json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/cases/{id}/alignment/"] or "get" in paths.get(
        "/api/v1/cases/{pk}/alignment/", {}
    )
    put_path = next(p for p in paths if p.startswith("/api/v1/choices/") and "explanations" in p)
    assert {"200", "400", "409"} <= set(paths[put_path]["put"]["responses"])
    assert "get" in paths["/api/v1/alignment/"]


# --- The portfolio view -----------------------------------------------------------


def test_portfolio_counts_only_what_the_viewer_may_see(client_for, alice, bob, experimental_draft):
    mine = client_for(alice).get("/alignment/").content.decode()
    assert "Proef met AI" in mine  # the deviation listed and linked
    assert f"/cases/{experimental_draft.pk}/#choice-" in mine
    client_for(bob)
    theirs = client_for(bob).get("/alignment/").content.decode()
    assert "Proef met AI" not in theirs


def test_portfolio_table_per_layer_and_organisation(client_for, cora, utrecht, r1):
    case = make_case(organisation=utrecht)
    make_choice(case=case, layer=layer("data"), maturity="proven")
    make_choice(case=case, layer=layer("algorithms"), maturity="experimental")
    rows = alignment.portfolio(alignment.portfolio_cases(cora), alignment.guidance_in_force())
    (row,) = rows
    assert row["totals"] == {
        "follows": 1,
        "deviates_explained": 0,
        "deviates_unexplained": 1,
        "not_applicable": 3,
    }
    per_layer = {part["label"]: part for part in row["by_layer"]}
    assert per_layer[layer("algorithms").display_name]["deviates_unexplained"] == 1
    assert per_layer["Rolanalyses"]["not_applicable"] == 3
    assert row["by_organisation"][0]["label"] == "Provincie Utrecht"
    page = client_for(cora).get("/alignment/").content.decode()
    assert 'id="alignment-chart"' in page and "<table" in page


def test_portfolio_refuses_a_user_without_a_role(client_for, olga):
    assert client_for(olga).get("/alignment/").status_code == 403
    assert token_client(olga).get(f"{API}/alignment/").status_code == 403


# --- Over time ----------------------------------------------------------------------


def test_closing_a_session_records_the_figures_and_the_trend_shows(
    client_for, erik, cora, utrecht, r1
):
    case = make_case(organisation=utrecht)
    make_choice(case=case, layer=layer("data"), maturity="proven")
    make_choice(case=case, layer=layer("platforms"), maturity="experimental")
    session = make_session(directions=[r1], state="open", title="Maartsessie")
    do_session_step(session, "close", by=cora)
    snapshot = AlignmentSnapshot.objects.get(session=session, direction=r1)
    assert (snapshot.follows, snapshot.deviates_unexplained) == (1, 1)
    make_choice(case=case, layer=layer("algorithms"), maturity="proven")
    page = client_for(erik).get("/directions/R1/").content.decode()
    assert (
        "R1: 1 van 2 keuzes en rolanalyses volgden de richting bij “Maartsessie”, nu 2 van 3."
        in page
    )
    home = client_for(erik).get("/").content.decode()
    assert "1 van 2 gevolgd bij “Maartsessie”, nu 2 van 3." in home


def test_coordinator_review_shows_deviations_and_explanations(
    client_for, cora, alice, experimental_draft
):
    choice = experimental_draft.choices.get(maturity="experimental")
    alignment.do_explain(
        direction=Direction.objects.get(code="R1"),
        choice=choice,
        text="Proef van een jaar.",
        by=alice,
    )
    do_case_step(experimental_draft, "submit", by=alice)
    review = (
        client_for(cora).get(f"/cases/{experimental_draft.pk}/status/publish/").content.decode()
    )
    assert "Afwijkingen van aangenomen ontwikkelrichtingen" in review
    assert "Proef van een jaar." in review


# --- Rules: the coordinator's form ------------------------------------------------


def test_rule_form_bad_input(client_for, cora, r1):
    client = client_for(cora)
    url = "/directions/R1/rules/new/"
    empty = client.post(url, {"property": "maturity"})
    assert "Kies ten minste één waarde" in empty.content.decode()
    unknown = client.post(url, {"property": "colour", "values": ["maturity:proven"]})
    assert unknown.status_code == 200 and "colour" in unknown.content.decode()
    mixed = client.post(url, {"property": "maturity", "values": ["sourcing:in_house"]})
    assert "horen niet bij de gekozen eigenschap" in mixed.content.decode()
    role_without_counterpart = client.post(
        url, {"property": "counterpart_role", "values": ["counterpart_role:partner"]}
    )
    assert "Kies de tegenpartij" in role_without_counterpart.content.decode()
    assert GuidanceRule.objects.filter(direction=r1).count() == 1
    ok = client.post(
        url, {"property": "sourcing", "layer": layer("data").pk, "values": ["sourcing:open_source"]}
    )
    assert ok.status_code == 302
    assert GuidanceRule.objects.filter(direction=r1, property="sourcing").get().values == [
        "open_source"
    ]


def test_only_coordinators_write_rules(client_for, alice, erik, r1):
    for user in (alice, erik):
        assert (
            client_for(user)
            .post(
                "/directions/R1/rules/new/", {"property": "maturity", "values": ["maturity:proven"]}
            )
            .status_code
            == 403
        )
    assert GuidanceRule.objects.filter(direction=r1).count() == 1


def test_direction_without_rules_is_guidance_in_words(client_for, erik):
    make_direction(code="R3", status="adopted")
    page = client_for(erik).get("/directions/R3/").content.decode()
    assert "richtinggevend in woorden" in page


# --- A fixed number of queries ------------------------------------------------------


def _populate(count: int, organisation, r1):
    tno = make_organisation(name="TNO", kind="knowledge_institution")
    rule(r1, "supplier_kind", ["knowledge_institution"], layer_code="algorithms")
    r2 = make_direction(code=f"R2-{count}", status="adopted")
    rule(r2, "counterpart_role", ["partner"], counterpart="knowledge_institutions")
    for _ in range(count):
        case = make_case(organisation=organisation, with_parts=True)
        choice = case.choices.get(layer__code="algorithms")
        choice.maturity, choice.supplier = "experimental", tno
        choice.save()
        DeviationExplanation.objects.create(direction=r1, choice=choice, text="Uitleg.")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/alignment/", "/cases/", "/", f"{API}/alignment/", "/directions/R1/"],
)
def test_alignment_pages_run_a_fixed_number_of_queries(client_for, cora, utrecht, r1, url):
    client = client_for(cora)
    _populate(2, utrecht, r1)
    small = _queries(client, url)
    _populate(12, utrecht, r1)
    assert _queries(client, url) == small


def test_case_alignment_api_runs_a_fixed_number_of_queries(cora, utrecht, r1):
    client = token_client(cora)
    small_case = make_case(organisation=utrecht, with_parts=True)
    big_case = make_case(organisation=utrecht, with_parts=True)
    for _ in range(10):
        make_choice(case=big_case, maturity="experimental")
    for code in ("R7", "R8", "R9"):
        rule(make_direction(code=code, status="adopted"), "sourcing", ["in_house"])
    small = _queries(client, f"{API}/cases/{small_case.pk}/alignment/")
    assert _queries(client, f"{API}/cases/{big_case.pk}/alignment/") == small


def test_case_page_runs_a_fixed_number_of_queries(client_for, alice, utrecht, r1):
    client = client_for(alice)
    small_case = make_case(organisation=utrecht, status="draft", with_parts=True)
    big_case = make_case(organisation=utrecht, status="draft", with_parts=True)
    for _ in range(10):
        choice = make_choice(case=big_case, maturity="experimental")
        DeviationExplanation.objects.create(direction=r1, choice=choice, text="Uitleg.")
    assert _queries(client, big_case.get_absolute_url()) == _queries(
        client, small_case.get_absolute_url()
    )


# --- Demo data ----------------------------------------------------------------------


def test_demo_data_carries_rules_and_all_three_kinds_of_verdict(db, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    with_rules = set(GuidanceRule.objects.values_list("direction__code", flat=True))
    assert with_rules == {"R1", "R2", "R5"}
    kinds = {p for p in GuidanceRule.objects.values_list("property", flat=True)}
    assert {"maturity", "sourcing", "supplier_kind", "counterpart_role"} <= kinds
    cases = alignment._cases_with_parts(Case.objects.all())
    buckets = {item.bucket for items in alignment.items_for_cases(cases).values() for item in items}
    assert {"follows", "deviates_explained", "deviates_unexplained"} <= buckets
    ambtenaar_org = Case.objects.get(title__startswith="Logistieke Monitor").organisation
    draft = Case.objects.get(organisation=ambtenaar_org, status="draft")
    progress = draft.completeness()
    assert not progress["complete"]
    assert progress["missing_layers"] == [] and progress["missing_roles"] == []
    assert [item.direction.code for item in progress["unexplained"]] == ["R1"]
    # the closed demo session recorded its figures
    assert AlignmentSnapshot.objects.filter(direction__code="R1").exists()
    call_command("load_demo", verbosity=0)  # again: nothing changes
    assert (
        DeviationExplanation.objects.count()
        == DeviationExplanation.objects.values("pk").distinct().count()
    )


def test_rule_model_refuses_bad_rules(r1):
    from django.core.exceptions import ValidationError

    for bad in (
        GuidanceRule(direction=r1, property="colour", values=["red"]),
        GuidanceRule(direction=r1, property="maturity", values=[]),
        GuidanceRule(direction=r1, property="maturity", values=["shiny"]),
        GuidanceRule(direction=r1, property="counterpart_role", values=["partner"]),
    ):
        with pytest.raises(ValidationError):
            bad.full_clean()
