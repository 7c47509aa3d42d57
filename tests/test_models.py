import pytest
from django.db import IntegrityError, transaction

from cases.actions import (
    VoteRefused,
    do_cast_vote,
    do_record_outcome,
    do_session_step,
)
from cases.models import Layer, RoleAnalysis, Vote
from tests.factories import make_case, make_direction, make_session, make_vote


def test_four_layers_exist_with_stable_codes(db):
    assert list(Layer.objects.values_list("code", flat=True)) == [
        "infrastructure",
        "data",
        "algorithms",
        "platforms",
    ]


def test_second_vote_for_same_session_direction_executive_fails(erik):
    direction = make_direction()
    session = make_session(directions=[direction])
    make_vote(session=session, direction=direction, executive=erik)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_vote(session=session, direction=direction, executive=erik, position="oppose")
    assert Vote.objects.count() == 1


def test_points_outside_zero_to_ten_are_refused_by_the_database(erik):
    direction = make_direction()
    session = make_session(directions=[direction])
    with pytest.raises(IntegrityError), transaction.atomic():
        make_vote(session=session, direction=direction, executive=erik, points=11)


def test_second_role_analysis_for_same_counterpart_fails(utrecht):
    case = make_case(organisation=utrecht)
    assert case.role_analyses.count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAnalysis.objects.create(case=case, counterpart="market")


def test_cast_vote_is_an_upsert_and_respects_the_points_budget(erik):
    r1, r2 = make_direction(), make_direction()
    session = make_session(directions=[r1, r2])
    do_cast_vote(session=session, executive=erik, direction=r1, position="support", points=6)
    do_cast_vote(session=session, executive=erik, direction=r1, position="oppose", points=7)
    assert Vote.objects.get().position == "oppose"
    with pytest.raises(VoteRefused) as refused:
        do_cast_vote(session=session, executive=erik, direction=r2, position="support", points=4)
    assert refused.value.field == "points"
    assert "3" in refused.value.message
    do_cast_vote(session=session, executive=erik, direction=r2, position="support", points=3)
    assert sorted(Vote.objects.values_list("points", flat=True)) == [3, 7]


def test_vote_after_close_is_refused_as_conflict(erik, cora):
    direction = make_direction()
    session = make_session(directions=[direction])
    do_session_step(session, "close", by=cora)
    with pytest.raises(VoteRefused) as refused:
        do_cast_vote(
            session=session, executive=erik, direction=direction, position="support", points=1
        )
    assert refused.value.conflict
    assert not Vote.objects.exists()


def test_only_executives_vote_and_only_on_the_agenda(alice, erik):
    on_agenda, elsewhere = make_direction(), make_direction()
    session = make_session(directions=[on_agenda])
    with pytest.raises(VoteRefused):
        do_cast_vote(
            session=session, executive=alice, direction=on_agenda, position="support", points=0
        )
    with pytest.raises(VoteRefused) as refused:
        do_cast_vote(
            session=session, executive=erik, direction=elsewhere, position="support", points=0
        )
    assert refused.value.field == "direction"


def test_outcome_sets_the_direction_status(cora):
    direction = make_direction()
    session = make_session(directions=[direction], state="closed")
    do_record_outcome(session=session, direction=direction, decision="amended", by=cora)
    direction.refresh_from_db()
    assert direction.status == "adopted"
    do_record_outcome(session=session, direction=direction, decision="deferred", by=cora)
    direction.refresh_from_db()
    assert direction.status == "deferred"


def test_completeness_names_what_is_missing(utrecht):
    case = make_case(organisation=utrecht)
    progress = case.completeness()
    assert progress["percent"] == 0
    assert len(progress["missing_layers"]) == 4 and len(progress["missing_roles"]) == 3
    full = make_case(organisation=utrecht, with_parts=True)
    assert full.completeness() == {
        "missing_layers": [],
        "missing_roles": [],
        "unexplained": [],
        "percent": 100,
        "complete": True,
    }
