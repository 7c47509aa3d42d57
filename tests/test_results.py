import pytest

from cases.results import agreement_index, session_results, turnout
from tests.factories import make_direction, make_session, make_user, make_vote


def counts(**kw):
    base = dict.fromkeys(["strongly_support", "support", "neutral", "oppose", "strongly_oppose"], 0)
    base.update(kw)
    return base


@pytest.mark.parametrize(
    ("distribution", "expected"),
    [
        (counts(support=5), 1.0),  # unanimous
        (counts(strongly_support=3, strongly_oppose=3), 0.0),  # split between the extremes
        (counts(strongly_support=1, support=1, neutral=1, oppose=1, strongly_oppose=1), 0.293),
        (counts(support=1, neutral=1), 0.75),  # scores 1 and 0: sd 0.5
        (counts(), None),
    ],
)
def test_agreement_index_on_known_distributions(distribution, expected):
    assert agreement_index(distribution) == expected


def test_session_results_are_secret_while_open(erik):
    direction = make_direction()
    session = make_session(directions=[direction])
    make_vote(session=session, direction=direction, executive=erik)
    with pytest.raises(PermissionError):
        session_results(session)
    assert turnout(session)["voted"] == 1


def test_session_results_count_rank_and_reason(utrecht):
    r1, r2 = make_direction(code="R1"), make_direction(code="R2")
    session = make_session(directions=[r1, r2], state="closed")
    voters = [make_user(role="executive", organisation=utrecht) for _ in range(3)]
    make_vote(session=session, direction=r1, executive=voters[0], position="support", points=2)
    make_vote(
        session=session,
        direction=r1,
        executive=voters[1],
        position="oppose",
        points=1,
        reason="Te duur",
    )
    make_vote(
        session=session, direction=r2, executive=voters[0], position="strongly_support", points=8
    )
    results = session_results(session)
    assert [r.direction.code for r in results] == ["R1", "R2"]
    first, second = results
    assert first.counts["support"] == 1 and first.counts["oppose"] == 1
    assert (first.points, first.voters, first.rank) == (3, 2, 2)
    assert (second.points, second.rank, second.agreement) == (8, 1, 1.0)
    assert first.reasons == [{"position": "oppose", "position_label": "Tegen", "reason": "Te duur"}]
    assert turnout(session) == {"eligible": 3, "voted": 2, "per_direction": {r1.pk: 2, r2.pk: 1}}


def test_layer_summary_counts_like_the_stack_map(utrecht):
    from cases.models import Case, Layer
    from cases.results import layer_summary, stack_map
    from tests.factories import make_case, make_choice

    case = make_case(organisation=utrecht, with_parts=True)
    make_choice(case=case, layer=Layer.objects.get(code="data"), sourcing="open_source",
                maturity="experimental")
    make_case(organisation=utrecht, status="draft", with_parts=True)  # not published: not counted
    published = Case.objects.published()
    assert layer_summary(published) == stack_map(published)["summary"]
    data = next(row for row in layer_summary(published) if row["layer"].code == "data")
    assert data["sourcing"]["open_source"] == 1 and data["sourcing"]["in_house"] == 1
