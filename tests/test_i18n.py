"""English on request: texts built per request come out in the user's language."""

from tests.factories import make_direction, make_session


def test_ballot_help_text_follows_the_language(client_for, erik):
    session = make_session(directions=[make_direction(code="R1")])
    client = client_for(erik)
    assert "samen over alle richtingen hoogstens 10" in client.get(f"/sessions/{session.pk}/ballot/").text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/sessions/{session.pk}/ballot/").text
    assert "samen over alle richtingen" not in english
    assert "Your ballot" in english
