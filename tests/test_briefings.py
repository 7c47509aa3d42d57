import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from cases import briefing
from cases.actions import do_session_step
from cases.charts import pdf
from cases.models import Briefing
from tests.factories import (
    make_case,
    make_coordinator,
    make_direction,
    make_session,
    make_user,
    make_vote,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def closed_session(utrecht, erik):
    make_case(organisation=utrecht, title="Logistieke monitor", with_parts=True)
    r1 = make_direction(code="R1", title="Voortbouwen op bewezen technologie")
    r2 = make_direction(code="R2", title="Samenwerking met kennisinstellingen")
    session = make_session(directions=[r1, r2], state="open", title="Sessie juni")
    other = make_user(role="executive", organisation=utrecht)
    make_vote(
        session=session,
        direction=r1,
        executive=erik,
        position="strongly_support",
        points=6,
        reason="Minder risico",
    )
    make_vote(session=session, direction=r1, executive=other, position="support", points=4)
    make_vote(session=session, direction=r2, executive=erik, position="oppose", points=1)
    session = do_session_step(session, "close", by=make_coordinator())
    return session


@pytest.fixture
def open_session(utrecht, erik):
    make_case(organisation=utrecht, title="Digitale tweeling", with_parts=True)
    r4 = make_direction(code="R4", title="Bestuurlijk kader voor digitale keuzes")
    session = make_session(directions=[r4], state="open", title="Sessie december")
    make_vote(
        session=session,
        direction=r4,
        executive=erik,
        position="oppose",
        points=3,
        reason="Geheim tot sluiting",
    )
    return session


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # one space for every run of white space: table cells wrap their text
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_results_briefing_shows_the_outcome(client_for, cora, closed_session):
    response = client_for(cora).get(f"/sessions/{closed_session.pk}/briefing.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    assert "RESULTATENBRIEFING" in text  # the cover's kicker is set in capitals
    assert "Bestuurlijke samenvatting" in text
    assert "Rangorde naar prioriteitspunten" in text
    assert "Minder risico" in text  # the reasons given
    assert "R1 Voortbouwen op bewezen technologie" in text
    assert "Logistieke monitor" in text  # annex: case summaries
    pages = len(PdfReader(io.BytesIO(content)).pages)
    assert f"2 / {pages}" in text  # page numbers


def test_agenda_briefing_has_no_votes(client_for, erik, open_session):
    response = client_for(erik).get(f"/sessions/{open_session.pk}/briefing.pdf")
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "AGENDABRIEFING" in text
    assert "R4 Bestuurlijk kader voor digitale keuzes" in text
    assert "Geheim tot sluiting" not in text
    assert "Rangorde" not in text and "Overeenstemming" not in text


def test_pdf_is_tagged_with_language_and_title(client_for, cora, closed_session):
    content = b"".join(
        client_for(cora).get(f"/sessions/{closed_session.pk}/briefing.pdf").streaming_content
    )
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert reader.metadata.title == "Resultatenbriefing: Sessie juni"
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()
    assert reader.pdf_header == "%PDF-1.7"


def test_english_briefing_for_an_english_user(client_for, cora, closed_session):
    client = client_for(cora)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = b"".join(client.get(f"/sessions/{closed_session.pk}/briefing.pdf").streaming_content)
    assert "RESULTS BRIEFING" in pdf_text(content)
    assert PdfReader(io.BytesIO(content)).trailer["/Root"]["/Lang"] == "en"


@pytest.mark.parametrize("persona", ["alice", "olga"])
def test_others_are_refused(request, client_for, closed_session, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/sessions/{closed_session.pk}/briefing.pdf").status_code == 403
    assert client.post(f"/sessions/{closed_session.pk}/briefings/new/").status_code == 403
    assert not Briefing.objects.exists()


def test_anonymous_goes_to_login(client, closed_session):
    response = client.get(f"/sessions/{closed_session.pk}/briefing.pdf")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_executive_cannot_get_a_draft_session_briefing(client_for, erik, cora):
    session = make_session(directions=[make_direction()], state="draft")
    assert client_for(erik).get(f"/sessions/{session.pk}/briefing.pdf").status_code == 404
    assert client_for(cora).get(f"/sessions/{session.pk}/briefing.pdf").status_code == 200
    assert client_for(cora).get("/sessions/999999/briefing.pdf").status_code == 404


def test_a_kept_briefing_is_served_unchanged_and_regenerating_makes_a_new_record(
    client_for, cora, closed_session
):
    client = client_for(cora)
    url = f"/sessions/{closed_session.pk}/briefing.pdf"
    first = client.get(url)
    first_bytes = b"".join(first.streaming_content)
    record = Briefing.objects.get()
    assert record.sha256 == first["X-Content-SHA256"]
    assert record.session_state == "closed" and record.created_by == cora
    import hashlib

    assert hashlib.sha256(first_bytes).hexdigest() == record.sha256

    again = b"".join(client.get(url).streaming_content)
    assert again == first_bytes  # nothing changed: served as it was handed out
    assert Briefing.objects.count() == 1

    response = client.post(f"/sessions/{closed_session.pk}/briefings/new/")
    assert response.status_code == 302
    assert Briefing.objects.count() == 2
    newest = Briefing.objects.first()
    assert newest.pk != record.pk
    assert newest.content_hash == record.content_hash  # from the same data
    kept = b"".join(
        client.get(f"/sessions/{closed_session.pk}/briefings/{record.pk}.pdf").streaming_content
    )
    assert kept == first_bytes

    listing = client.get(f"/sessions/{closed_session.pk}/briefings/")
    assert record.sha256 in listing.text and newest.sha256 in listing.text


def test_a_failed_render_leaves_no_record(client_for, cora, closed_session, media):
    with mock.patch.object(briefing, "render_pdf", side_effect=RuntimeError("boom")):
        response = client_for(cora).get(f"/sessions/{closed_session.pk}/briefing.pdf")
    assert response.status_code == 503
    assert "kon niet worden gemaakt" in response.text
    assert not Briefing.objects.exists()
    assert not any(media.rglob("*.pdf")) if media.exists() else True


def test_a_full_disk_gives_a_clear_message(client_for, cora, closed_session):
    from django.core.files.storage import FileSystemStorage

    with mock.patch.object(
        FileSystemStorage, "_save", side_effect=OSError(28, "No space left on device")
    ):
        response = client_for(cora).post(f"/sessions/{closed_session.pk}/briefings/new/")
    assert response.status_code == 503
    assert "opslag is vol" in response.text
    assert not Briefing.objects.exists()


def test_briefing_context_runs_a_fixed_number_of_queries(cora, closed_session, utrecht):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            briefing.briefing_context(closed_session, user=cora)
        return len(ctx.captured_queries)

    small = count()
    for _ in range(10):
        make_case(organisation=utrecht, with_parts=True)
    assert count() == small


def test_charts_are_svg_with_one_bar_per_vote_group(closed_session):
    import dataclasses

    from cases.results import POSITIONS, session_results

    results = session_results(closed_session)
    svg = pdf.distribution_chart(results)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # The same chart without votes draws the axes, the background and the
    # legend; every vote group adds one bar to that.
    nobody = [dataclasses.replace(r, counts=dict.fromkeys(POSITIONS, 0)) for r in results]
    baseline = pdf.distribution_chart(nobody).count('id="patch_')
    # R1: strongly support + support; R2: oppose -> three bars
    assert svg.count('id="patch_') == baseline + 3
    points = pdf.points_chart(results)
    # each bar labelled with its points (R1: 6 + 4, R2: 1)
    assert "> 10<" in points and "> 1<" in points
    empty = [{"layer": "L", "sourcing": dict.fromkeys(["in_house"], 0), "maturity": {}}]
    assert "<svg" in pdf.sourcing_chart(empty)


def _text_positions(content: bytes):
    """(page width, x, text) for every piece of text in the PDF."""
    reader = PdfReader(io.BytesIO(content))
    found = []
    for page in reader.pages:
        width = float(page.mediabox.width)

        def visit(text, cm, tm, font_dict, font_size, width=width):
            if text.strip():
                found.append((width, cm[4] + tm[4] * cm[0], text))

        page.extract_text(visitor_text=visit)
    return found


def test_edge_cases_render_and_stay_on_the_page(client_for, cora, utrecht):
    long_word = "Gegevensuitwisselingsovereenkomst" * 6  # no place to break
    make_case(
        organisation=utrecht,
        title=("Zeeuwse ĳsbaan-monitor met € en ë " * 9)[:300],
        summary=("Een zeer lange samenvatting met ë, ĳ en € erin. " * 80) + long_word,
        with_parts=True,
    )
    lonely = make_direction(code="R9", title=("Richting zonder onderbouwing " + long_word)[:200])
    session = make_session(directions=[lonely], state="closed", title="Sessie zonder stemmen")
    response = client_for(cora).get(f"/sessions/{session.pk}/briefing.pdf")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    text = pdf_text(content)
    assert "Zeeuwse ĳsbaan-monitor met € en ë" in text
    assert "0 van de" in text  # nobody voted
    margin = 18 / 25.4 * 72  # the right page margin, in points
    for width, x, piece in _text_positions(content):
        assert x < width - margin + 2, (x, width, piece[:40])


def test_renders_wait_for_the_slot_and_then_give_a_clear_message(
    client_for, cora, closed_session, monkeypatch
):
    monkeypatch.setattr(briefing, "RENDER_WAIT", 0.01)
    assert briefing._render_slot.acquire()
    try:
        response = client_for(cora).post(f"/sessions/{closed_session.pk}/briefings/new/")
    finally:
        briefing._render_slot.release()
    assert response.status_code == 503
    assert "Probeer het over een minuut opnieuw" in response.text
    assert not Briefing.objects.exists()


def test_a_closed_session_without_votes(client_for, cora):
    direction = make_direction(code="R8", title="Richting zonder stemmen")
    session = make_session(directions=[direction], state="closed")
    text = pdf_text(
        b"".join(client_for(cora).get(f"/sessions/{session.pk}/briefing.pdf").streaming_content)
    )
    assert "1 R8 Richting zonder stemmen 0 0 – nog geen besluit" in text


def test_the_session_page_lists_the_briefings(client_for, cora, erik, alice, closed_session):
    client = client_for(cora)
    client.get(f"/sessions/{closed_session.pk}/briefing.pdf")
    record = Briefing.objects.get()
    for persona in (cora, erik):
        page = client_for(persona).get(f"/sessions/{closed_session.pk}/")
        assert "Briefing (PDF)" in page.text and record.sha256 in page.text
    assert "Briefing (PDF)" not in client_for(alice).get(f"/sessions/{closed_session.pk}/").text


# The reading guide (Leeswijzer) that opens the agenda briefing


def test_the_agenda_briefings_first_pages_carry_the_reading_guide(client_for, erik, open_session):
    from cases.models import Layer

    make_direction(code="R1", title="Voortbouwen op bewezen technologie", status="adopted")
    make_direction(code="R9", title="Alles zelf bouwen", status="rejected")
    response = client_for(erik).get(f"/sessions/{open_session.pk}/briefing.pdf")
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    guide = " ".join(reader.pages[1].extract_text().split())  # right after the cover
    assert guide.startswith("Leeswijzer: de stack en de richtingen in drie minuten")
    names = [layer.name for layer in Layer.objects.order_by("position")]
    positions = [guide.index(" ".join(name.split())) for name in names]
    assert positions == sorted(positions)  # in stack order
    assert " ".join(Layer.objects.get(code="data").description.split()) in guide
    # the directions, adopted first, the rejected one last
    assert guide.index("R1 Voortbouwen") < guide.index("R4 Bestuurlijk") < guide.index("R9 Alles")
    assert "Inhoud" not in guide  # one page: the contents follow on the next
    contents = " ".join(reader.pages[2].extract_text().split())
    assert contents.startswith("Inhoud Leeswijzer")


def test_the_results_briefing_has_no_reading_guide(client_for, cora, closed_session):
    text = pdf_text(
        b"".join(
            client_for(cora).get(f"/sessions/{closed_session.pk}/briefing.pdf").streaming_content
        )
    )
    assert "Leeswijzer" not in text


def test_the_agenda_briefing_context_runs_a_fixed_number_of_queries(erik, open_session, utrecht):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            context = briefing.briefing_context(open_session, user=erik)
        assert "guide" in context
        return len(ctx.captured_queries)

    count()  # the user's roles are read once and kept on the user
    small = count()
    for i in range(10):
        make_case(organisation=utrecht, with_parts=True)
        make_direction(code=f"Q{i}", status="adopted")
    assert count() == small


# A briefing is keyed on the data it shows


def _download(client, session):
    response = client.get(f"/sessions/{session.pk}/briefing.pdf")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _change_direction_text(session):
    direction = session.agenda_items.first().direction
    direction.explanation = "Een nieuwe toelichting"
    direction.save()


def _record_outcome(session):
    from cases.actions import do_record_outcome

    do_record_outcome(
        session=session,
        direction=session.agenda_items.first().direction,
        decision="adopted",
        statement="Aangenomen met een nieuwe toelichting",
        by=make_coordinator(),
    )


def _vote(session):
    executive = make_user(role="executive")
    make_vote(session=session, direction=session.agenda_items.first().direction, executive=executive)


@pytest.mark.parametrize(
    ("fixture", "change", "shown"),
    [
        ("closed_session", _record_outcome, "Aangenomen met een nieuwe toelichting"),
        ("closed_session", _change_direction_text, "Een nieuwe toelichting"),
        ("open_session", _vote, "2 van de"),
        ("open_session", _change_direction_text, "Een nieuwe toelichting"),
    ],
)
def test_after_a_change_the_next_download_is_a_new_record_and_the_old_one_is_superseded(
    request, client_for, cora, fixture, change, shown
):
    session = request.getfixturevalue(fixture)
    client = client_for(cora)
    first = _download(client, session)
    old = Briefing.objects.get()
    change(session)
    second = _download(client, session)
    assert Briefing.objects.count() == 2
    new = Briefing.objects.exclude(pk=old.pk).get()
    assert new.content_hash != old.content_hash
    assert shown in pdf_text(second)
    assert shown not in pdf_text(first)
    assert new.content_hash in pdf_text(second).replace(" ", "")
    # the old record stays downloadable, as it was handed out
    kept = client.get(f"/sessions/{session.pk}/briefings/{old.pk}.pdf")
    assert b"".join(kept.streaming_content) == first
    # the list says which record is current
    listing = client.get(f"/sessions/{session.pk}/briefings/").content.decode()
    rows = {row.split("</tr>")[0] for row in listing.split("<tr>")[2:]}
    current = [row for row in rows if new.sha256 in row]
    superseded = [row for row in rows if old.sha256 in row]
    assert "Huidig" in current[0] and "Vervangen" not in current[0]
    assert "Vervangen" in superseded[0]
    # and downloading again without a change gives the same record
    assert _download(client, session) == second
    assert Briefing.objects.count() == 2
