"""The audit trail read for people: the history of one case for everyone
who may see it, and the whole trail for coordinators.

Votes appear in the whole trail only once their session has closed: while it
is open nobody but the voter may know a vote, and that holds here too.


django-simple-history keeps a row per save of the case, its choices and its
role analyses. This turns those rows into entries a civil servant can read:
who, when, which field (its Dutch name) and the old → new value as the UI
shows it (labels, not codes; organisation names, not ids). It runs a fixed
number of queries however long the trail is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms.cases import CaseForm
from .forms.choices import ChoiceForm, RoleAnalysisForm
from .models import (
    BoardSession,
    Case,
    Choice,
    Direction,
    Layer,
    Organisation,
    Outcome,
    RoleAnalysis,
    User,
    Vote,
)

# Saves by one person of one object this close together are one change for
# a reader: a role analysis is saved, then its partners are set.
MERGE_WINDOW = timedelta(seconds=5)

# The fields a person edits in the forms, plus what the status flow changes.
CASE_FIELDS = (*CaseForm.Meta.fields, "status", "review_remark", "is_illustrative")
CHOICE_FIELDS = tuple(ChoiceForm.Meta.fields)
ROLE_FIELDS = tuple(name for name in RoleAnalysisForm.Meta.fields if name != "partners")


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    who: str
    action: str  # "created", "changed" or "deleted"
    subject: str
    changes: list[Change] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {
            "created": _("aangemaakt"),
            "changed": _("gewijzigd"),
            "deleted": _("verwijderd"),
        }[self.action]


def case_history(case: Case) -> list[Entry]:
    """Every change to the case and its parts, newest first."""
    case_records = list(
        case.history.select_related("history_user").order_by("history_date", "history_id")
    )
    choice_records = list(
        Choice.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    role_records = list(
        RoleAnalysis.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    partner_model = RoleAnalysis.history.model._meta.get_field(
        "historicalroleanalysis_partners"
    ).related_model
    partners: dict[int, set[int]] = defaultdict(set)
    for history_id, organisation_id in partner_model.objects.filter(
        history__case_id=case.pk
    ).values_list("history_id", "organisation_id"):
        partners[history_id].add(organisation_id)

    organisation_ids = {case.organisation_id}
    organisation_ids.update(r.organisation_id for r in case_records)
    organisation_ids.update(r.supplier_id for r in choice_records if r.supplier_id)
    for ids in partners.values():
        organisation_ids.update(ids)
    names = {
        Organisation: {o.pk: str(o) for o in Organisation.objects.filter(pk__in=organisation_ids)},
        Layer: {layer.pk: str(layer) for layer in Layer.objects.all()},
    }

    entries: list[Entry] = []
    for records in _by_object(case_records):
        entries += _entries(records, Case, CASE_FIELDS, names, lambda r: _("Casus"))
    for records in _by_object(choice_records):
        entries += _entries(
            records,
            Choice,
            CHOICE_FIELDS,
            names,
            lambda r: (
                _("Keuze “%(title)s” in de laag %(layer)s")
                % {"title": r.title, "layer": names[Layer].get(r.layer_id, "?")}
            ),
        )
    for records in _by_object(role_records):
        entries += _entries(
            records,
            RoleAnalysis,
            ROLE_FIELDS,
            names,
            lambda r: (
                _("Rolanalyse %(counterpart)s")
                % {"counterpart": RoleAnalysis.Counterpart(r.counterpart).label}
            ),
            partners=partners,
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _by_object(records: list) -> list[list]:
    grouped: dict[int, list] = defaultdict(list)
    for record in records:
        grouped[record.id].append(record)
    return list(grouped.values())


def _events(records: list, field_names, *, merge_m2m: bool) -> list[tuple]:
    """(record before, first record, last record) per change a person made.

    Setting a role analysis's partners writes a second record right after
    the first; a record that changes no field but the partners, by the same
    person within moments, belongs to the change before it.
    """
    events: list[list] = []
    before = None
    for record in records:
        if events:
            last = events[-1][2]
            if (
                merge_m2m
                and record.history_type == "~"
                and last.history_type != "-"
                and record.history_user_id == last.history_user_id
                and record.history_date - last.history_date <= MERGE_WINDOW
                and all(_raw(record, name) == _raw(last, name) for name in field_names)
            ):
                events[-1][2] = record
                before = record
                continue
        events.append([before, record, record])
        before = record
    return [tuple(event) for event in events]


def _raw(record, name: str):
    return getattr(record, record._meta.get_field(name).attname)


def _entries(records, model, field_names, names, subject, *, partners=None) -> list[Entry]:
    entries = []
    for before, first, after in _events(records, field_names, merge_m2m=partners is not None):
        if first.history_type == "-":
            action, changes = "deleted", []
        else:
            old = before if first.history_type != "+" else None
            changes = [
                change
                for name in field_names
                if (change := _change(model, name, old, after, names)) is not None
            ]
            if partners is not None:
                change = _partner_change(model, old, after, partners, names)
                if change is not None:
                    changes.append(change)
            action = "created" if first.history_type == "+" else "changed"
            if not changes and (action == "changed" or model is RoleAnalysis):
                continue  # a save that changed nothing a reader sees
        user = first.history_user
        entries.append(
            Entry(
                when=after.history_date,
                who=str(user) if user else _("onbekend"),
                action=action,
                subject=subject(after),
                changes=changes,
            )
        )
    return entries


def _change(model, name, old_record, new_record, names) -> Change | None:
    model_field = model._meta.get_field(name)
    if old_record is None and isinstance(model_field, models.BooleanField):
        if not getattr(new_record, name):
            return None  # "not an example" is no news when a case is made
    old = _display(model_field, old_record, names) if old_record is not None else ""
    new = _display(model_field, new_record, names)
    if old == new:
        return None
    return Change(label=str(model_field.verbose_name), old=old, new=new)


def _partner_change(model, old_record, new_record, partners, names) -> Change | None:
    def listed(record) -> str:
        if record is None:
            return ""
        found = (names[Organisation].get(pk, "?") for pk in partners.get(record.history_id, ()))
        return ", ".join(sorted(found))

    old, new = listed(old_record), listed(new_record)
    if old == new:
        return None
    return Change(label=str(model._meta.get_field("partners").verbose_name), old=old, new=new)


def _display(model_field: models.Field, record, names) -> str:
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation:
        return names[model_field.related_model].get(value, _("(verwijderd)"))
    if isinstance(model_field, models.BooleanField):
        return _("ja") if value else _("nee")
    if isinstance(value, date):
        return formats.date_format(value, "j F Y")
    return str(value)


# --- The whole trail, for coordinators ---------------------------------------


ACTIONS = {
    "+": gettext_lazy("aangemaakt"),
    "~": gettext_lazy("gewijzigd"),
    "-": gettext_lazy("verwijderd"),
}


def _text(field: str):
    return Cast(F(field), CharField())


# kind → (label, history queryset builder, object description)
SOURCES = {
    "case": (gettext_lazy("Casus"), lambda: Case.history.all(), lambda: _text("title")),
    "choice": (gettext_lazy("Keuze"), lambda: Choice.history.all(), lambda: _text("title")),
    "roleanalysis": (
        gettext_lazy("Rolanalyse"),
        lambda: RoleAnalysis.history.all(),
        lambda: Concat(
            Value("#"), _text("case_id"), Value(" "), F("counterpart"), output_field=CharField()
        ),
    ),
    "direction": (
        gettext_lazy("Ontwikkelrichting"),
        lambda: Direction.history.all(),
        lambda: Concat(F("code"), Value(" "), F("title"), output_field=CharField()),
    ),
    "session": (gettext_lazy("Sessie"), lambda: BoardSession.history.all(), lambda: _text("title")),
    "vote": (
        gettext_lazy("Stem"),
        # secret until the session closes
        lambda: Vote.history.filter(session__state=BoardSession.State.CLOSED),
        lambda: Concat(
            Value("#"),
            _text("session_id"),
            Value(" "),
            _text("direction_id"),
            Value(" "),
            F("position"),
            output_field=CharField(),
        ),
    ),
    "outcome": (
        gettext_lazy("Besluit"),
        lambda: Outcome.history.all(),
        lambda: Concat(
            Value("#"), _text("session_id"), Value(" "), F("decision"), output_field=CharField()
        ),
    ),
}


def audit_entries(trail_filter=None, kind: str = ""):
    """One query: the union of the history tables, newest first. ``trail_filter``
    (a validated ``forms.audit.AuditFilter``) narrows each table alike; ``kind``
    keeps one table."""
    parts = []
    for source, (_label, history, describe) in SOURCES.items():
        if kind and kind != source:
            continue
        qs = history()
        if trail_filter is not None and trail_filter.is_bound:
            trail_filter.is_valid()  # a bad filter is left out, the valid ones apply
            qs = trail_filter.filter_queryset(qs)
        parts.append(
            qs.order_by()
            .annotate(audit_kind=Value(source, output_field=CharField()), audit_label=describe())
            .values_list(
                "history_date", "history_type", "history_user_id", "audit_kind", "id", "audit_label"
            )
        )
    if not parts:
        return []
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date")


def audit_rows(entries) -> list[dict]:
    entries = list(entries)
    users = User.objects.in_bulk({e[2] for e in entries if e[2]})
    return [
        {
            "when": when,
            "action": ACTIONS.get(action, action),
            "user": users.get(user_id),
            "kind": SOURCES[kind][0],
            "object_id": object_id,
            "description": description,
        }
        for when, action, user_id, kind, object_id, description in entries
    ]
