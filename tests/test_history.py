"""The history of a case, read by a person: who, when, which field, old → new."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.history import case_history
from cases.models import Choice
from tests.factories import make_case, make_choice, make_organisation

# Personas are also looked up by name (request.getfixturevalue), which pytest-django
# cannot see when it orders tests: say here that every test needs the database.
pytestmark = pytest.mark.django_db


def changes_of(entry) -> dict:
    return {change.label: (change.old, change.new) for change in entry.changes}


def text(html: str) -> str:
    """The page as a person reads it: tags out, whitespace folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def recorded(client_for, alice, cora, utrecht):
    """A case recorded through the UI: created, a choice added and changed,
    a role analysis filled, submitted, published, a choice deleted."""
    rivm = make_organisation(name="RIVM", kind="national_agency")
    client = client_for(alice)
    client.post(
        "/cases/new/",
        {
            "title": "Groene Baten",
            "policy_domain": "environment_health",
            "kind": "model",
            "summary": "Rekent het effect van groen.",
        },
    )
    from cases.models import Case

    case = Case.objects.get(title="Groene Baten")
    base = {"sourcing": "in_house", "maturity": "proven", "layer": "algorithms"}
    client.post(f"/cases/{case.pk}/choices/new/", {**base, "title": "Eigen model"})
    choice = Choice.objects.get(title="Eigen model")
    client.post(
        f"/cases/{case.pk}/choices/{choice.pk}/edit/",
        {
            **base,
            "title": "Model van het RIVM",
            "sourcing": "shared_government",
            "supplier": rivm.pk,
        },
    )
    client.post(
        f"/cases/{case.pk}/roles/knowledge_institutions/edit/",
        {"role": "partner", "explanation": "Samen met het RIVM.", "partners": [rivm.pk]},
    )
    # The rest of the case, filled in without a trace (bulk writes keep no
    # history) so that it is complete and can be submitted.
    from cases.models import Layer, RoleAnalysis

    Choice.objects.bulk_create(
        [
            Choice(
                case=case,
                layer=layer,
                title=f"Keuze {layer.code}",
                sourcing="in_house",
                maturity="proven",
            )
            for layer in Layer.objects.exclude(code="algorithms")
        ]
    )
    RoleAnalysis.objects.filter(case=case).exclude(counterpart="knowledge_institutions").update(
        role="client", explanation="Toelichting."
    )
    client.post(f"/cases/{case.pk}/status/submit/")
    client_for(cora).post(f"/cases/{case.pk}/status/publish/")
    client = client_for(alice)
    client.post(f"/cases/{case.pk}/choices/new/", {**base, "title": "Tijdelijk", "layer": "data"})
    temporary = Choice.objects.get(title="Tijdelijk")
    client.post(f"/cases/{case.pk}/choices/{temporary.pk}/delete/")
    return case


def test_the_trail_says_who_changed_what(recorded, alice, cora):
    entries = case_history(recorded)
    subjects = [(e.subject, e.action, e.who) for e in entries]
    assert subjects[:3] == [
        ("Keuze “Tijdelijk” in de laag Datacollectie", "deleted", "alice"),
        ("Casus", "changed", "alice"),  # published → submitted by the new choice
        ("Keuze “Tijdelijk” in de laag Datacollectie", "created", "alice"),
    ]
    created = next(e for e in entries if e.subject == "Casus" and e.action == "created")
    assert changes_of(created)["titel"] == ("", "Groene Baten")
    assert changes_of(created)["status"] == ("", "Concept")
    assert "voorbeeld" not in changes_of(created)

    choice_change = next(
        e for e in entries if e.action == "changed" and e.subject.startswith("Keuze “Model")
    )
    assert changes_of(choice_change) == {
        "keuze": ("Eigen model", "Model van het RIVM"),
        "sourcing": ("Zelf gebouwd", "Gedeeld met medeoverheden"),
        "leverancier of partner": ("", "RIVM"),
    }
    role = next(e for e in entries if e.subject == "Rolanalyse Kennisinstellingen")
    # the save and the partners it set read as one change
    assert changes_of(role) == {
        "rol van de provincie": ("", "Partner of co-creator"),
        "toelichting": ("", "Samen met het RIVM."),
        "partnerorganisaties": ("", "RIVM"),
    }
    statuses = [(changes_of(e)["status"], e.who) for e in entries if "status" in changes_of(e)]
    assert statuses == [
        (("Gepubliceerd", "Ingediend"), "alice"),
        (("Ingediend", "Gepubliceerd"), "cora"),
        (("Concept", "Ingediend"), "alice"),
        (("", "Concept"), "alice"),
    ]
    # empty role analyses made with the case are not news
    assert not [e for e in entries if e.subject.startswith("Rolanalyse Markt")]


def test_the_page_shows_it_in_dutch(client_for, alice, recorded):
    response = client_for(alice).get(f"/cases/{recorded.pk}/history/")
    assert response.status_code == 200
    page = text(response.text)
    assert "Geschiedenis van “Groene Baten”" in page
    assert "Keuze “Model van het RIVM” in de laag Algoritmes en modellen gewijzigd" in page
    assert "Sourcing Zelf gebouwd Gedeeld met medeoverheden" in page
    assert "door alice" in page
    assert "in_house" not in response.text and "shared_government" not in response.text


def test_english_reader_gets_english_labels(client_for, alice, recorded):
    client = client_for(alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = text(client.get(f"/cases/{recorded.pk}/history/").text)
    assert "Supplier or partner (leeg) RIVM" in page or "Supplier or partner (empty) RIVM" in page
    assert "Built in-house Shared with co-governments" in page


@pytest.mark.parametrize(("persona", "status"), [("bob", 404), ("olga", 404), ("cora", 200)])
def test_history_follows_who_may_see_the_case(request, client_for, utrecht, persona, status):
    draft = make_case(organisation=utrecht, status="draft")
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/cases/{draft.pk}/history/").status_code == status


def test_published_history_is_readable_by_others(client_for, bob, cora, recorded):
    assert client_for(bob).get(f"/cases/{recorded.pk}/history/").status_code == 404  # submitted
    client_for(cora).post(f"/cases/{recorded.pk}/status/publish/")
    assert client_for(bob).get(f"/cases/{recorded.pk}/history/").status_code == 200


def test_fixed_number_of_queries(client_for, alice, utrecht):
    client = client_for(alice)
    small_case = make_case(organisation=utrecht, status="draft")
    make_choice(case=small_case)
    big_case = make_case(organisation=utrecht, status="draft", with_parts=True)
    suppliers = [make_organisation() for _ in range(5)]
    for i in range(30):
        choice = make_choice(case=big_case, supplier=suppliers[i % 5])
        choice.title = f"Aangepast {i}"
        choice.save()
        if i % 3 == 0:
            choice.delete()
    for analysis in big_case.role_analyses.all():
        analysis.partners.set(suppliers[:3])

    def count(case):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/cases/{case.pk}/history/").status_code == 200
        return len(ctx.captured_queries)

    assert count(big_case) == count(small_case)
