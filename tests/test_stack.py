"""The stack explained ("De digitale stack", /stack/), the directions in three
minutes (/stack/directions/), the layers' explanations and their form."""

import html
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import explainer
from cases.models import Case, Choice, Direction, Layer, RoleAnalysis
from tests.factories import make_case, make_choice, make_direction, make_organisation


def section(html_text: str, element_id: str) -> str:
    """The HTML of the <section id=…> (sections nest at most one deep here)."""
    start = html_text.index(f'<section id="{element_id}"')
    return html_text[start : html_text.index("</section>", start)]


def prose_words(html_text: str) -> int:
    """The words a reader reads on the page: the main content without its
    scripts and tables (the tables repeat the chart's numbers)."""
    main = html_text[html_text.index("<main") : html_text.index("</main>")]
    main = re.sub(r"<(script|table)\b.*?</\1>", " ", main, flags=re.S)
    return len(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


@pytest.fixture
def stack(utrecht, zuid_holland):
    layers = {layer.code: layer for layer in Layer.objects.all()}
    monitor = make_case(organisation=utrecht, title="Logistieke monitor")
    twin = make_case(organisation=zuid_holland, title="Digitale tweeling")
    utrecht_draft = make_case(organisation=utrecht, title="Schets Utrecht", status="draft")
    other_draft = make_case(organisation=zuid_holland, title="Schets Zuid-Holland", status="draft")
    hosting = make_choice(
        case=monitor,
        layer=layers["infrastructure"],
        title="Hosting bij de leverancier",
        sourcing="outsourced",
    )
    hosting.cons = "De provincie is afhankelijk van één partij.\nOverstappen kost moeite."
    hosting.save()
    make_choice(case=twin, layer=layers["infrastructure"], title="Eigen meetlussen")
    ndw = make_choice(
        case=monitor, layer=layers["data"], title="Open data NDW", sourcing="shared_government"
    )
    ndw.pros = "Gratis en open."
    ndw.save()
    make_choice(case=twin, layer=layers["data"], title="PDOK", sourcing="shared_government")
    make_choice(case=twin, layer=layers["data"], title="Eigen sensoren", maturity="experimental")
    make_choice(
        case=twin, layer=layers["algorithms"], title="Groene Baten", sourcing="co_development"
    )
    # Choices in drafts: never counted, never an example
    make_choice(case=utrecht_draft, layer=layers["platforms"], title="Conceptdashboard")
    make_choice(case=other_draft, layer=layers["data"], title="Geheime bron")
    for case, role in ((monitor, "client"), (twin, "client")):
        RoleAnalysis.objects.filter(case=case, counterpart="market").update(role=role)
    RoleAnalysis.objects.filter(case=twin, counterpart="knowledge_institutions").update(
        role="partner"
    )
    RoleAnalysis.objects.filter(case=utrecht_draft, counterpart="market").update(role="financier")
    adopted = make_direction(
        code="R1", title="Voortbouwen op bewezen technologie", status="adopted"
    )
    adopted.evidence_cases.set([monitor, other_draft])
    make_direction(code="R5", title="Gedeeld datafundament", status="adopted")
    make_direction(code="R4", title="Bestuurlijk kader", status="deferred")
    make_direction(code="R7", title="Samen met medeoverheden", status="proposed")
    make_direction(code="R9", title="Alles zelf bouwen", status="rejected")
    return {"monitor": monitor, "twin": twin, "utrecht_draft": utrecht_draft}


# /stack/


@pytest.mark.parametrize("persona", ["erik", "cora"])  # cora may see every draft
def test_the_four_layers_in_stack_order_with_counts_that_match_the_data(
    request, client_for, persona, stack
):
    response = client_for(request.getfixturevalue(persona)).get("/stack/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>De digitale stack</h1>" in page
    assert "Alle cijfers komen uit 2 gepubliceerde casussen." in page
    ids = re.findall(r'<section id="layer-(\w+)"', page)
    assert ids == ["infrastructure", "data", "algorithms", "platforms"]
    for layer in Layer.objects.all():
        text = section(page, f"layer-{layer.code}")
        published = Choice.objects.filter(layer=layer, case__status="published")
        assert layer.description in text  # the layer's own, editable explanation
        if published.exists():
            cases = published.values("case").distinct().count()
            n = published.count()
            expected = f"{n} keuze{'s' if n != 1 else ''} vast in deze laag, in {cases} casus"
            assert expected + ("sen." if cases != 1 else ".") in text
        else:
            assert "Nog geen gepubliceerde keuzes in deze laag." in text
    data = section(page, "layer-data")
    assert "De provincie legde 3 keuzes vast in deze laag, in 2 casussen." in data
    assert "Het vaakst: gedeeld met medeoverheden (2 van 3)." in data
    assert "2 van de 3 gebruiken bewezen technologie." in data
    # the platforms layer has only a draft's choice
    assert "Nog geen gepubliceerde keuzes" in section(page, "layer-platforms")


def test_example_choices_only_from_published_cases_and_linked(client_for, alice, cora, stack):
    published = set(Choice.objects.filter(case__status="published").values_list("pk", flat=True))
    for persona in (alice, cora):  # alice may see her own draft, cora every draft
        page = client_for(persona).get("/stack/").content.decode()
        shown = set()
        for layer in Layer.objects.all():
            linked = re.findall(
                r'href="/cases/\d+/#choice-(\d+)"', section(page, f"layer-{layer.code}")
            )
            assert len(linked) <= 3
            assert bool(linked) == Choice.objects.filter(layer=layer, pk__in=published).exists()
            shown |= {int(pk) for pk in linked}
        assert shown and shown <= published
        assert "Conceptdashboard" not in page and "Geheime bron" not in page
        assert "Schets" not in page


def test_at_most_three_examples_per_layer_the_most_frequent_sourcing_first(stack):
    story = explainer.stack_story(Case.objects.published())
    data = next(s for s in story["layers"] if s.layer.code == "data")
    assert [c.title for c in data.examples] == ["PDOK", "Eigen sensoren"]  # the first case by title
    assert all(len(s.examples) <= explainer.EXAMPLES_PER_LAYER for s in story["layers"])


def test_recurring_pros_and_cons_and_the_roles_of_the_province(client_for, erik, stack):
    page = client_for(erik).get("/stack/").content.decode()
    infrastructure = section(page, "layer-infrastructure")
    assert "Afhankelijk van een andere partij" in infrastructure
    assert "Open of gratis beschikbaar" in section(page, "layer-data")
    story = explainer.stack_story(Case.objects.published())
    market, co_governments, knowledge = story["counterparts"]
    assert (market.counterpart, market.analyses) == ("market", 2)  # not the draft's financier
    assert [(r.value, r.count) for r in market.roles] == [("client", 2)]
    assert co_governments.roles == []
    assert [(r.value, r.count) for r in knowledge.roles] == [("partner", 1)]
    assert "opdrachtgever of afnemer" in page and "(2 van 2)" in page


def test_each_adopted_direction_and_only_those(client_for, erik, stack):
    page = client_for(erik).get("/stack/").content.decode()
    decided = page[page.index('id="adopted-heading"') :]
    for direction in Direction.objects.all():
        link = f'href="/directions/{direction.code}/"'
        assert (link in decided) == (direction.status == "adopted"), direction.code


@pytest.mark.parametrize("persona", ["alice", "erik", "cora"])
def test_in_the_main_navigation_for_every_role(request, client_for, persona, stack):
    page = client_for(request.getfixturevalue(persona)).get("/").content.decode()
    nav = page[page.index('<nav class="site-nav"') : page.index("</nav>")]
    assert '<a href="/stack/"' in nav and "De digitale stack" in nav
    current = client_for(request.getfixturevalue(persona)).get("/stack/").content.decode()
    assert '<a href="/stack/" aria-current="page">' in current


def test_nobody_without_a_role_is_shown_a_number_or_a_case(client_for, olga, stack):
    page = client_for(olga).get("/stack/").content.decode()
    assert "Alle cijfers komen uit 0 gepubliceerde casussen." in page
    assert "Logistieke monitor" not in page and "Hosting bij de leverancier" not in page
    assert "Voortbouwen op bewezen technologie" not in page
    assert page.count("Nog geen gepubliceerde keuzes in deze laag.") == 4


def test_anonymous_goes_to_login(client, stack):
    response = client.get("/stack/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_mix_is_a_chart_with_its_table(client_for, erik, stack):
    page = client_for(erik).get("/stack/").content.decode()
    for chart in ("stack-sourcing-chart", "stack-maturity-chart"):
        assert f'<div class="chart" data-chart="{chart}" role="img"' in page
        assert f'<script id="{chart}" type="application/json">' in page
    assert page.count('<table class="table chart-table">') == 2
    assert "<script>" not in page  # no inline script: the CSP holds


def test_the_page_prints_well(client_for, erik, stack):
    from django.contrib.staticfiles import finders

    page = client_for(erik).get("/stack/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/explainer.css">' in page
    css = open(finders.find("css/explainer.css"), encoding="utf-8").read()
    printed = css[css.index("@media print") :]
    assert ".site-header" in printed and ".no-print" in printed and "break-inside: avoid" in printed


def _published_cases(count, organisation):
    layers = list(Layer.objects.all())
    cases = Case.objects.bulk_create(
        [
            Case(
                organisation=organisation,
                title=f"Bulkcasus {organisation.pk}-{i}",
                status="published",
                policy_domain="mobility",
                kind="dashboard",
                summary="Samenvatting.",
            )
            for i in range(count)
        ]
    )
    sourcing = Choice.Sourcing.values
    Choice.objects.bulk_create(
        [
            Choice(
                case=case,
                layer=layer,
                title=f"Keuze {case.pk}-{layer.code}",
                sourcing=sourcing[(case.pk + layer.position) % len(sourcing)],
                maturity="proven",
                pros="Geen eigen beheer nodig.",
                cons="Afhankelijk van de leverancier.",
            )
            for case in cases
            for layer in layers
        ]
    )
    RoleAnalysis.objects.bulk_create(
        [
            RoleAnalysis(case=case, counterpart=counterpart, role="user", explanation="Zo.")
            for case in cases
            for counterpart in RoleAnalysis.Counterpart.values
        ]
    )
    directions = Direction.objects.bulk_create(
        [
            Direction(
                code=f"B{organisation.pk}-{i}",
                title="Richting",
                summary="Vraag.",
                status=Direction.Status.values[i % 4],
            )
            for i in range(max(1, count // 20))
        ]
    )
    for direction in directions:
        direction.evidence_cases.set(cases[:3])


def test_a_fixed_number_of_queries_for_6_and_300_cases(client_for, erik):
    client = client_for(erik)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _published_cases(6, make_organisation(name="Klein"))
    small = [count("/stack/"), count("/stack/directions/")]
    _published_cases(294, make_organisation(name="Groot"))
    page = client.get("/stack/").content.decode()
    assert "Alle cijfers komen uit 300 gepubliceerde casussen." in page
    assert "De provincie legde 300 keuzes vast in deze laag, in 300 casussen." in page
    assert [count("/stack/"), count("/stack/directions/")] == small
    assert small[0] <= 16 and small[1] <= 10


def test_readable_in_about_three_minutes_with_the_demo_data(client_for, db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    from cases.models import User

    client = client_for(User.objects.get(username="bestuurder"))
    for url in ("/stack/", "/stack/directions/"):
        words = prose_words(client.get(url).content.decode())
        # about 250 words a minute for plain Dutch (B1)
        assert 300 < words <= 800, (url, words)


# The layers' explanations: Dutch and English, edited by coordinators


def test_the_layers_explanations_in_english_on_request(client_for, erik, stack):
    client = client_for(erik)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/stack/").content.decode()
    for layer in Layer.objects.all():
        assert layer.description_en and html.escape(layer.description_en) in page
        assert layer.description not in page
    assert "<h1>The digital stack</h1>" in page


def test_a_coordinator_edits_the_explanation_in_dutch_and_english(client_for, cora, stack):
    client = client_for(cora)
    page = client.get("/stack/").content.decode()
    assert 'href="/stack/data/edit/"' in page
    response = client.post(
        "/stack/data/edit/",
        {"description": "Gegevens: waar ze vandaan komen.", "description_en": "Data: its origin."},
    )
    assert response.status_code == 302 and response["Location"] == "/stack/#layer-data"
    layer = Layer.objects.get(code="data")
    assert (layer.description, layer.description_en) == (
        "Gegevens: waar ze vandaan komen.",
        "Data: its origin.",
    )
    assert "Gegevens: waar ze vandaan komen." in client.get("/stack/").content.decode()


@pytest.mark.parametrize("persona", ["alice", "erik", "olga"])
def test_others_may_not_edit_the_explanations(request, client_for, persona, stack):
    client = client_for(request.getfixturevalue(persona))
    before = Layer.objects.get(code="data").description
    assert 'href="/stack/data/edit/"' not in client.get("/stack/").content.decode()
    assert client.get("/stack/data/edit/").status_code == 403
    assert client.post("/stack/data/edit/", {"description": "Weg"}).status_code == 403
    assert Layer.objects.get(code="data").description == before


def test_bad_input_keeps_the_text_and_says_why(client_for, cora, stack):
    client = client_for(cora)
    before = Layer.objects.get(code="data").description
    response = client.post("/stack/data/edit/", {"description": "", "description_en": "Kept."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Geef de uitleg in het Nederlands" in page and "Kept." in page
    response = client.post("/stack/data/edit/", {"description": "x" * 2001, "description_en": ""})
    assert response.status_code == 200 and "form-field__error" in response.content.decode()
    assert Layer.objects.get(code="data").description == before
    assert client.get("/stack/moon/edit/").status_code == 404


# The directions in three minutes


def test_directions_in_three_minutes_ordered_by_status(client_for, erik, stack):
    response = client_for(erik).get("/stack/directions/")
    assert response.status_code == 200
    page = response.content.decode()
    codes = re.findall(r'<h3 id="direction-([\w-]+)"', page)
    assert codes == ["R1", "R5", "R7", "R4", "R9"]  # adopted, proposed, deferred, rejected
    headings = re.findall(r'<h2 id="status-\d+">([^<]+)</h2>', page)
    assert headings == ["Aangenomen", "Voorgesteld", "Aangehouden", "Verworpen"]


def test_a_direction_in_brief_asks_means_per_layer_and_rests_on_cases(client_for, alice, stack):
    from cases.models import LayerMeaning

    r1 = Direction.objects.get(code="R1")
    r1.summary = "Kies eerst bewezen technologie. Bouw alleen maatwerk waar nodig."
    r1.save()
    LayerMeaning.objects.create(
        direction=r1,
        layer=Layer.objects.get(code="platforms"),
        text="Gebruik standaardplatforms. Beperk maatwerk.",
    )
    page = client_for(alice).get("/stack/directions/").content.decode()
    brief = page[page.index('id="direction-R1"') : page.index('id="direction-R5"')]
    assert "Kies eerst bewezen technologie." in brief and "Bouw alleen" not in brief
    assert "Platforms en diensten</span>: Gebruik standaardplatforms." in brief
    assert f'<a href="/cases/{stack["monitor"].pk}/">Logistieke monitor</a>' in brief
    assert "Schets Zuid-Holland" not in page  # another organisation's draft evidence


def test_the_directions_list_links_to_the_reading_view(client_for, erik, stack):
    page = client_for(erik).get("/directions/").content.decode()
    assert 'href="/stack/directions/"' in page


def test_nobody_without_a_role_reads_directions(client_for, olga, stack):
    page = client_for(olga).get("/stack/directions/").content.decode()
    assert "Er zijn nog geen ontwikkelrichtingen." in page
    assert "direction-R1" not in page and "Voortbouwen" not in page


def test_first_sentence():
    assert explainer.first_sentence("Eén. Twee.") == "Eén."
    assert explainer.first_sentence("Geen punt") == "Geen punt"
    assert explainer.first_sentence("Versie 1.5 is er. Daarna") == "Versie 1.5 is er."
