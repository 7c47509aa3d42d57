"""Small keyword-only factories for test data."""

import itertools

from django.contrib.auth.models import Group
from django.utils import timezone

from cases.actions import do_create_role_analyses
from cases.models import (
    AgendaItem,
    BoardSession,
    Case,
    Choice,
    Direction,
    Layer,
    Organisation,
    RoleAnalysis,
    User,
    Vote,
)

_seq = itertools.count(1)


def make_organisation(*, name: str | None = None, kind: str = "province") -> Organisation:
    return Organisation.objects.get_or_create(
        name=name or f"Organisatie {next(_seq)}", defaults={"kind": kind}
    )[0]


def make_user(
    *,
    username: str | None = None,
    role: str | None = None,
    organisation: Organisation | None = None,
    password: str = "secret-pass-123",
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_seq)}", password=password, organisation=organisation
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_coordinator(*, username: str | None = None) -> User:
    """A coordinator to take the steps only coordinators may take (open and
    close a session) in tests about something else."""
    return make_user(username=username, role="coordinator")


def make_case(
    *,
    organisation: Organisation,
    title: str | None = None,
    status: str = "published",
    policy_domain: str = "mobility",
    kind: str = "dashboard",
    summary: str = "Een samenvatting.",
    with_parts: bool = False,
) -> Case:
    case = Case.objects.create(
        organisation=organisation,
        title=title or f"Casus {next(_seq)}",
        status=status,
        policy_domain=policy_domain,
        kind=kind,
        summary=summary,
        # a case made published (or archived) here counts as published once
        published_at=timezone.now() if status in ("published", "archived") else None,
    )
    do_create_role_analyses(case)
    if with_parts:
        for layer in Layer.objects.all():
            make_choice(case=case, layer=layer)
        for analysis in case.role_analyses.all():
            analysis.role = RoleAnalysis.Role.CLIENT
            analysis.explanation = "Toelichting."
            analysis.save()
    return case


def make_choice(
    *,
    case: Case,
    layer: Layer | None = None,
    title: str | None = None,
    sourcing: str = "in_house",
    maturity: str = "proven",
    supplier: Organisation | None = None,
) -> Choice:
    return Choice.objects.create(
        case=case,
        layer=layer or Layer.objects.get(code="data"),
        title=title or f"Keuze {next(_seq)}",
        sourcing=sourcing,
        maturity=maturity,
        supplier=supplier,
    )


def make_direction(
    *, code: str | None = None, title: str = "Een richting", status: str = "proposed"
) -> Direction:
    return Direction.objects.create(
        code=code or f"R{next(_seq)}", title=title, summary="Samenvatting.", status=status
    )


def make_session(
    *, directions: list[Direction], state: str = "open", title: str | None = None
) -> BoardSession:
    session = BoardSession.objects.create(
        title=title or f"Sessie {next(_seq)}", date="2026-12-01", state=state
    )
    for position, direction in enumerate(directions, start=1):
        AgendaItem.objects.create(session=session, direction=direction, position=position)
    return session


def make_vote(
    *,
    session: BoardSession,
    direction: Direction,
    executive: User,
    position: str = "support",
    points: int = 0,
    reason: str = "",
) -> Vote:
    return Vote.objects.create(
        session=session,
        direction=direction,
        executive=executive,
        position=position,
        points=points,
        reason=reason,
    )


def make_executives(*, count: int, organisation: Organisation | None = None) -> list[User]:
    """Many executives at once, without hashing a password for each."""
    start = next(_seq)
    users = User.objects.bulk_create(
        [
            User(username=f"exec{start}-{i}", password="!", organisation=organisation)
            for i in range(count)
        ]
    )
    group = Group.objects.get(name="executive")
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=group.pk) for user in users]
    )
    return users
