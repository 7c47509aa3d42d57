"""Who may see and change what: the one place the rules live.

Views, forms, the admin and the API all go through these QuerySets and
role checks, so a rule is written once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from .models import User

CIVIL_SERVANT = "civil_servant"
EXECUTIVE = "executive"
COORDINATOR = "coordinator"
ROLES = (CIVIL_SERVANT, EXECUTIVE, COORDINATOR)


def roles_of(user) -> frozenset[str]:
    """The role codes a user holds, read once per request object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_stackwork_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        user._stackwork_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def is_civil_servant(user) -> bool:
    return has_role(user, CIVIL_SERVANT)


def is_executive(user) -> bool:
    return has_role(user, EXECUTIVE)


def is_coordinator(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, COORDINATOR)


def has_any_role(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user))


# Case statuses that everybody with a role may read.
PUBLIC_CASE_STATUSES = ("published", "archived")


def _case_visible_q(user: User, prefix: str = "") -> Q | None:
    """None means: everything. An empty Q(pk__in=[]) means nothing."""
    if is_coordinator(user):
        return None
    if not has_any_role(user):
        return Q(**{f"{prefix}pk__in": []})
    q = Q(**{f"{prefix}status__in": PUBLIC_CASE_STATUSES})
    if is_civil_servant(user) and user.organisation_id:
        q |= Q(**{f"{prefix}organisation_id": user.organisation_id})
    return q


def _case_editable_q(user: User, prefix: str = "") -> Q | None:
    if is_coordinator(user):
        return None
    if is_civil_servant(user) and user.organisation_id:
        return Q(**{f"{prefix}organisation_id": user.organisation_id}) & ~Q(
            **{f"{prefix}status": "archived"}
        )
    return Q(**{f"{prefix}pk__in": []})


def _filter(qs: models.QuerySet, q: Q | None) -> models.QuerySet:
    return qs if q is None else qs.filter(q)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        return _filter(self, _case_visible_q(user))

    def editable_by(self, user) -> CaseQuerySet:
        return _filter(self, _case_editable_q(user))

    def published(self) -> CaseQuerySet:
        return self.filter(status="published")


class CasePartQuerySet(models.QuerySet):
    """Choices and role analyses: they follow the rules of their case."""

    def visible_to(self, user):
        return _filter(self, _case_visible_q(user, "case__"))

    def editable_by(self, user):
        return _filter(self, _case_editable_q(user, "case__"))


class DirectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if has_any_role(user) else self.none()

    def editable_by(self, user):
        return self if is_coordinator(user) else self.none()


class BoardSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        if is_coordinator(user):
            return self
        if is_executive(user):
            return self.exclude(state="draft")
        if has_any_role(user):
            return self.filter(state="closed")
        return self.none()

    def editable_by(self, user):
        return self if is_coordinator(user) else self.none()


class VoteQuerySet(models.QuerySet):
    """Votes are secret while their session is open: only the voter sees
    their own; everyone who may see a closed session sees its votes."""

    def visible_to(self, user):
        if not has_any_role(user):
            return self.none()
        from .models import BoardSession

        closed = BoardSession.objects.visible_to(user).filter(state="closed")
        return self.filter(Q(executive_id=user.pk) | Q(session__in=closed))

    def editable_by(self, user):
        if not is_executive(user):
            return self.none()
        return self.filter(executive_id=user.pk, session__state="open")


class OutcomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .models import BoardSession

        return self.filter(session__in=BoardSession.objects.visible_to(user))

    def editable_by(self, user):
        return self if is_coordinator(user) else self.none()


def can_vote(user, session) -> bool:
    return is_executive(user) and session.state == "open"


def can_edit_case(user, case) -> bool:
    if is_coordinator(user):
        return True
    return (
        is_civil_servant(user)
        and user.organisation_id is not None
        and case.organisation_id == user.organisation_id
        and case.status != "archived"
    )


def can_create_case(user) -> bool:
    return is_coordinator(user) or (is_civil_servant(user) and user.organisation_id is not None)


def can_manage_sessions(user) -> bool:
    """Create, edit, open and close board sessions and record their outcomes."""
    return is_coordinator(user)


def can_edit_directions(user) -> bool:
    return is_coordinator(user)


def can_see_turnout_per_direction(user) -> bool:
    """While a session is open, executives see only the overall turnout;
    coordinators also see how many have voted per direction (never how)."""
    return is_coordinator(user)


# Status actions on a case: who may take them. Whether the case's current
# status allows the move is the life cycle's business (Case.TRANSITIONS and
# actions.CASE_ACTIONS); this says only which role may ask for it.
CASE_ACTIONS_FOR_EDITORS = ("submit",)
CASE_ACTIONS_FOR_COORDINATORS = ("publish", "send_back", "archive", "reopen")


def may_take_case_action(user, case, action: str) -> bool:
    """A civil servant of the case's organisation submits; a coordinator
    publishes, sends back, archives and reopens."""
    if action in CASE_ACTIONS_FOR_EDITORS:
        return can_edit_case(user, case)
    if action in CASE_ACTIONS_FOR_COORDINATORS:
        return is_coordinator(user)
    return False


def edit_needs_review_again(user, case) -> bool:
    """A published case changed by anyone but a coordinator goes back to
    'submitted', so a coordinator sees the change before it counts again."""
    return case.status == "published" and not is_coordinator(user)
