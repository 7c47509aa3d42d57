"""Who may do what: the role predicates and the rules about one object.

Which rows a user may *read* is each model's ``QuerySet.visible_to(user)``
(in ``models.py``); everything a user may *do* is decided here, once, and
read by the pages, the htmx fragments, the API, the admin, the PDF and the
management commands alike. The life cycles (``lifecycle.py``) name these
rules as the "who may" of each step.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import BoardSession, Case, Choice, Direction, Role, roles_of

# What a person is told when ``can_edit_case`` says no.
CANNOT_EDIT_CASE = _("U mag deze casus niet wijzigen.")

# --- Roles ----------------------------------------------------------------


def is_civil_servant(user) -> bool:
    return Role.CIVIL_SERVANT in roles_of(user)


def is_executive(user) -> bool:
    return Role.EXECUTIVE in roles_of(user)


def is_coordinator(user) -> bool:
    """Coordinators, and superusers (who count as coordinators)."""
    return Role.COORDINATOR in roles_of(user)


def has_any_role(user) -> bool:
    """Logged in with at least one role: without one, Stackwork shows nothing."""
    return bool(roles_of(user))


def is_executive_or_coordinator(user) -> bool:
    """The board and those who prepare its sessions: the executive dashboard,
    the briefings."""
    return is_executive(user) or is_coordinator(user)


# --- Cases and their parts --------------------------------------------------


def can_create_case(user) -> bool:
    return is_coordinator(user) or (is_civil_servant(user) and user.organisation_id is not None)


def can_edit_case(user, case: Case) -> bool:
    """A coordinator edits every case; a civil servant the cases of their own
    organisation that are not archived. Choices and role analyses follow
    their case."""
    if is_coordinator(user):
        return True
    return (
        is_civil_servant(user)
        and user.organisation_id is not None
        and case.organisation_id == user.organisation_id
        and case.status != Case.Status.ARCHIVED
    )


# Why a case or a choice may not be deleted. Deleting is for a draft that no
# one else has read: what was published is archived, what is evidence stays.
CASE_NOT_A_DRAFT = _(
    "Alleen een concept dat nooit gepubliceerd is, kan worden verwijderd. "
    "Een coördinator kan deze casus archiveren."
)
CASE_WAS_PUBLISHED = _(
    "Deze casus is eerder gepubliceerd en wordt daarom niet verwijderd. "
    "Een coördinator kan hem archiveren."
)
CASE_IS_EVIDENCE = _(
    "Deze casus (of een keuze erin) onderbouwt ontwikkelrichting %(codes)s en kan daarom "
    "niet worden verwijderd. Een coördinator kan hem archiveren."
)
CHOICE_IS_EVIDENCE = _(
    "Deze keuze onderbouwt ontwikkelrichting %(codes)s en kan daarom niet worden verwijderd."
)


def _codes(directions) -> str:
    return ", ".join(sorted(set(directions.values_list("code", flat=True))))


def case_delete_refusal(case: Case) -> str | None:
    """Why this case may not be deleted, or None when it may be (by someone
    who may edit it): only a draft that was never published and that no
    direction cites, itself or through one of its choices."""
    if case.status != Case.Status.DRAFT:
        return str(CASE_NOT_A_DRAFT)
    if case.published_at is not None:
        return str(CASE_WAS_PUBLISHED)
    citing = Direction.objects.filter(
        Q(evidence_cases=case) | Q(evidence_choices__case=case)
    )
    if citing.exists():
        return str(CASE_IS_EVIDENCE) % {"codes": _codes(citing)}
    return None


def can_delete_case(user, case: Case) -> bool:
    return can_edit_case(user, case) and case_delete_refusal(case) is None


def choice_delete_refusal(choice: Choice) -> str | None:
    """A choice that a direction cites as evidence cannot disappear."""
    citing = Direction.objects.filter(evidence_choices=choice)
    if citing.exists():
        return str(CHOICE_IS_EVIDENCE) % {"codes": _codes(citing)}
    return None


def can_review_cases(user, case: Case | None = None) -> bool:
    """Publish, send back, archive and reopen cases."""
    return is_coordinator(user)


def edit_needs_review_again(user, case: Case) -> bool:
    """A published case changed by anyone but a coordinator goes back to
    'submitted', so a coordinator sees the change before it counts again."""
    return case.status == Case.Status.PUBLISHED and not is_coordinator(user)


# --- Directions and board sessions ------------------------------------------


def can_edit_directions(user) -> bool:
    return is_coordinator(user)


def can_manage_sessions(user, session: BoardSession | None = None) -> bool:
    """Create, edit, open and close board sessions and record their outcomes."""
    return is_coordinator(user)


def deadline_has_passed(user, session: BoardSession) -> bool:
    """The system, not a person, closes a session at its deadline: the step
    may be taken by anyone (the reminder run) once the deadline has passed."""
    return session.deadline_passed


def can_vote(user, session: BoardSession) -> bool:
    return is_executive(user) and session.state == BoardSession.State.OPEN


def can_see_turnout_per_direction(user, session: BoardSession) -> bool:
    """While a session is open, only coordinators see how many have voted on
    each direction (never how); once it has closed the full counts are part
    of the results, so everyone who may see the session sees them."""
    return session.state == BoardSession.State.CLOSED or is_coordinator(user)


def can_read_briefings(user) -> bool:
    return is_executive_or_coordinator(user)


# --- The audit trail --------------------------------------------------------


def can_read_audit_trail(user) -> bool:
    return is_coordinator(user)


# --- Notifications -----------------------------------------------------------


def can_see_mail_failures(user) -> bool:
    """Which e-mail did not go out (recipient, kind, error): coordinators."""
    return is_coordinator(user)


# --- The Algoritmeregister ---------------------------------------------------
# Reading a registration follows its case (``AlgorithmRegistration.objects.visible_to``):
# the own organisation and coordinators always, others once the case is published.


def can_edit_registration(user, case: Case) -> bool:
    """The case's own organisation and coordinators fill in its registrations."""
    return can_edit_case(user, case)


def can_export_register(user) -> bool:
    """The coordinator exports the ready registrations for the national register."""
    return is_coordinator(user)


# --- Spreadsheets -----------------------------------------------------------


def can_import_cases(user) -> bool:
    """Importing a spreadsheet creates cases: whoever may create one may import."""
    return can_create_case(user)


def can_import_into(user, organisation) -> bool:
    """A civil servant imports cases of their own organisation; a coordinator of any."""
    if is_coordinator(user):
        return True
    return is_civil_servant(user) and organisation.pk == user.organisation_id


# --- The stack explained ------------------------------------------------------


def can_edit_layer_texts(user) -> bool:
    """The layers' explanations (Dutch and English) on the stack page."""
    return is_coordinator(user)
