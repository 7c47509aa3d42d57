import pytest

from cases import permissions
from cases.models import BoardSession, Case, Choice, Direction, Vote
from tests.factories import make_case, make_choice, make_direction, make_session, make_vote


@pytest.fixture
def world(utrecht, zuid_holland):
    return {
        "utrecht_draft": make_case(organisation=utrecht, status="draft", title="U concept"),
        "utrecht_published": make_case(organisation=utrecht, status="published", title="U pub"),
        "zh_draft": make_case(organisation=zuid_holland, status="draft", title="ZH concept"),
        "zh_published": make_case(organisation=zuid_holland, status="published", title="ZH pub"),
        "zh_archived": make_case(organisation=zuid_holland, status="archived", title="ZH arch"),
    }


def titles(qs):
    return sorted(qs.values_list("title", flat=True))


@pytest.mark.parametrize(
    ("persona", "visible", "editable"),
    [
        ("alice", ["U concept", "U pub", "ZH arch", "ZH pub"], ["U concept", "U pub"]),
        ("bob", ["U pub", "ZH arch", "ZH concept", "ZH pub"], ["ZH concept", "ZH pub"]),
        ("erik", ["U pub", "ZH arch", "ZH pub"], []),
        (
            "cora",
            ["U concept", "U pub", "ZH arch", "ZH concept", "ZH pub"],
            ["U concept", "U pub", "ZH arch", "ZH concept", "ZH pub"],
        ),
        ("olga", [], []),
    ],
)
def test_case_visibility_and_editability(request, world, persona, visible, editable):
    user = request.getfixturevalue(persona)
    assert titles(Case.objects.visible_to(user)) == visible
    # can_edit_case is the rule every door runs (pages, API, admin actions)
    assert sorted(c.title for c in world.values() if permissions.can_edit_case(user, c)) == editable


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Case.objects.visible_to(AnonymousUser()).exists()
    assert not Direction.objects.visible_to(AnonymousUser()).exists()


def test_choices_follow_their_case(world, alice, bob):
    choice = make_choice(case=world["zh_draft"])
    assert not Choice.objects.visible_to(alice).filter(pk=choice.pk).exists()
    assert Choice.objects.visible_to(bob).filter(pk=choice.pk).exists()


def test_votes_are_secret_while_the_session_is_open(erik, cora, alice, utrecht):
    from tests.factories import make_user

    other = make_user(role="executive", organisation=utrecht)
    direction = make_direction()
    session = make_session(directions=[direction])
    mine = make_vote(session=session, direction=direction, executive=erik)
    theirs = make_vote(session=session, direction=direction, executive=other)
    assert list(Vote.objects.visible_to(erik)) == [mine]
    assert list(Vote.objects.visible_to(other)) == [theirs]
    assert not Vote.objects.visible_to(cora).exists()
    assert not Vote.objects.visible_to(alice).exists()
    session.state = BoardSession.State.CLOSED
    session.save()
    # anonymous (the default): after the close too, only one's own vote
    assert not Vote.objects.visible_to(cora).exists()
    assert list(Vote.objects.visible_to(erik)) == [mine]
    session.anonymous = False
    session.save()
    assert Vote.objects.visible_to(cora).count() == 2
    assert Vote.objects.visible_to(erik).count() == 2
    assert Vote.objects.visible_to(alice).count() == 2


def test_sessions_per_role(erik, cora, alice, olga):
    direction = make_direction()
    draft = make_session(directions=[direction], state="draft", title="draft")
    make_session(directions=[direction], state="open", title="open")
    make_session(directions=[direction], state="closed", title="closed")
    assert titles(BoardSession.objects.visible_to(cora)) == ["closed", "draft", "open"]
    assert titles(BoardSession.objects.visible_to(erik)) == ["closed", "open"]
    assert titles(BoardSession.objects.visible_to(alice)) == ["closed"]
    assert not BoardSession.objects.visible_to(olga).exists()
    assert permissions.can_manage_sessions(cora, draft)
    assert not permissions.can_manage_sessions(erik, draft)
    assert not permissions.can_manage_sessions(alice, draft)
