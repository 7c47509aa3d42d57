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
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db import models
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms.cases import CaseForm
from .forms.choices import ChoiceForm, RoleAnalysisForm
from .models import (
    AuditEvent,
    BoardSession,
    Case,
    Choice,
    Direction,
    Layer,
    Organisation,
    Outcome,
    Role,
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
    # AuditEvent.action
    "created": gettext_lazy("aangemaakt"),
    "changed": gettext_lazy("gewijzigd"),
    "deleted": gettext_lazy("verwijderd"),
    "roles_changed": gettext_lazy("rollen gewijzigd"),
    "password_changed": gettext_lazy("wachtwoord gewijzigd"),
    "token_created": gettext_lazy("token aangemaakt"),
    "logged_out": gettext_lazy("uitgelogd (token ingetrokken)"),
    "tokens_revoked": gettext_lazy("tokens ingetrokken"),
    "generated": gettext_lazy("gemaakt"),
    "agenda_changed": gettext_lazy("agenda gewijzigd"),
    "evidence_changed": gettext_lazy("onderbouwing gewijzigd"),
    "sign_on_linked": gettext_lazy("gekoppeld aan single sign-on"),
    "sign_on_link_requested": gettext_lazy("koppeling aan single sign-on wacht op bevestiging"),
}

REASONS = {
    "password_changed": gettext_lazy("wachtwoord gewijzigd"),
    "role_removed": gettext_lazy("rol ingetrokken"),
}

EVENT_FIELDS = {
    "roles": gettext_lazy("rollen"),
    "reason": gettext_lazy("reden"),
    "expiry": gettext_lazy("geldig tot"),
    "agenda": gettext_lazy("agenda"),
    "evidence_cases": gettext_lazy("onderbouwende casussen"),
    "evidence_choices": gettext_lazy("onderbouwende keuzes"),
    "file": gettext_lazy("bestand"),
    "email": gettext_lazy("e-mailadres"),
}


def _text(field: str):
    return Cast(F(field), CharField())


def _parts(*fields):
    """Several columns in one text column, split again by ``_split``."""
    pieces = []
    for name in fields:
        if pieces:
            pieces.append(Value("|"))
        pieces.append(Coalesce(_text(name), Value("")))
    return Concat(*pieces, output_field=CharField())


def _split(text: str, n: int) -> list[str]:
    parts = (text or "").split("|")
    # A title may hold "|": the first part takes what is left over.
    extra = len(parts) - n
    if extra > 0:
        parts = ["|".join(parts[: extra + 1]), *parts[extra + 1 :]]
    return parts + [""] * (n - len(parts))


def _choice_label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def _role_analysis(text: str) -> str:
    counterpart, case = _split(text, 2)
    return _("%(counterpart)s in “%(case)s”") % {
        "counterpart": _choice_label(RoleAnalysis.Counterpart.choices, counterpart),
        "case": case,
    }


def _is_true(text: str) -> bool:
    return text.lower() in ("1", "t", "true")


def _vote(text: str) -> str:
    code, session, position, anonymous = _split(text, 4)
    if _is_true(anonymous):
        # An anonymous session: no row ties a position to a person.
        return _("Stem op %(code)s in “%(session)s”") % {"code": code, "session": session}
    return _("Stem op %(code)s in “%(session)s”: %(position)s") % {
        "code": code,
        "session": session,
        "position": _choice_label(Vote.Position.choices, position),
    }


def _outcome(text: str) -> str:
    code, session, decision = _split(text, 3)
    return _("%(code)s in “%(session)s”: %(decision)s") % {
        "code": code,
        "session": session,
        "decision": _choice_label(Outcome.Decision.choices, decision),
    }


def _same(text: str) -> str:
    return text


def _event_rows(kind: str):
    def build():
        return AuditEvent.objects.filter(kind=kind)

    return build


# kind → (label, history or event queryset, object description in SQL, its
# rendering for the reader, the history model or None for events)
SOURCES = {
    "case": (gettext_lazy("Casus"), lambda: Case.history.all(), lambda: _text("title"), _same),
    "choice": (
        gettext_lazy("Keuze"),
        lambda: Choice.history.all(),
        lambda: _text("title"),
        _same,
    ),
    "roleanalysis": (
        gettext_lazy("Rolanalyse"),
        lambda: RoleAnalysis.history.all(),
        lambda: _parts("counterpart", "case__title"),
        _role_analysis,
    ),
    "direction": (
        gettext_lazy("Ontwikkelrichting"),
        lambda: Direction.history.all(),
        lambda: Concat(F("code"), Value(" "), F("title"), output_field=CharField()),
        _same,
    ),
    "session": (
        gettext_lazy("Sessie"),
        lambda: BoardSession.history.all(),
        lambda: _text("title"),
        _same,
    ),
    "vote": (
        gettext_lazy("Stem"),
        # secret until the session closes
        lambda: Vote.history.filter(session__state=BoardSession.State.CLOSED),
        lambda: _parts("direction__code", "session__title", "position", "session__anonymous"),
        _vote,
    ),
    "outcome": (
        gettext_lazy("Besluit"),
        lambda: Outcome.history.all(),
        lambda: _parts("direction__code", "session__title", "decision"),
        _outcome,
    ),
    **{
        kind: (label, _event_rows(kind), lambda: _text("subject"), _same)
        for kind, label in AuditEvent.Kind.choices
    },
}
HISTORY_MODELS = {
    "case": Case,
    "choice": Choice,
    "roleanalysis": RoleAnalysis,
    "direction": Direction,
    "session": BoardSession,
    "outcome": Outcome,
}
EVENT_KINDS = set(AuditEvent.Kind.values)


def _filter_events(qs, trail_filter):
    if trail_filter is None or not trail_filter.is_bound:
        return qs
    trail_filter.is_valid()
    data = trail_filter.form.cleaned_data
    if data.get("user"):
        qs = qs.filter(actor=data["user"])
    if data.get("object_id"):
        qs = qs.filter(object_id=data["object_id"])
    if data.get("date_from"):
        qs = qs.filter(at__date__gte=data["date_from"])
    if data.get("date_to"):
        qs = qs.filter(at__date__lte=data["date_to"])
    return qs


def audit_entries(trail_filter=None, kind: str = ""):
    """One query: the union of the history tables and the audit events, newest
    first. ``trail_filter`` (a validated ``forms.audit.AuditFilter``) narrows
    each table alike; ``kind`` keeps one kind."""
    parts = []
    for source, (_label, rows, describe, _render) in SOURCES.items():
        if kind and kind != source:
            continue
        qs = rows()
        if source in EVENT_KINDS:
            qs = _filter_events(qs, trail_filter)
            columns = ("at", "action", "actor_id", "audit_kind", "object_id", "audit_label", "pk")
        else:
            if trail_filter is not None and trail_filter.is_bound:
                trail_filter.is_valid()  # a bad filter is left out, the valid ones apply
                qs = trail_filter.filter_queryset(qs)
            columns = (
                "history_date",
                "history_type",
                "history_user_id",
                "audit_kind",
                "id",
                "audit_label",
                "history_id",
            )
        parts.append(
            qs.order_by()
            .annotate(audit_kind=Value(source, output_field=CharField()), audit_label=describe())
            .values_list(*columns)
        )
    if not parts:
        return []
    first, *rest = parts
    newest = "-at" if first.model is AuditEvent else "-history_date"
    return first.union(*rest, all=True).order_by(newest)


def audit_rows(entries) -> list[dict]:
    """The rows as a person reads them: labels in their language, names of
    people, and what changed. A fixed number of queries per page."""
    entries = list(entries)
    users = User.objects.in_bulk({e[2] for e in entries if e[2]})
    event_ids = [e[6] for e in entries if e[3] in EVENT_KINDS]
    events = AuditEvent.objects.in_bulk(event_ids) if event_ids else {}
    changes = _history_changes(entries)
    rows = []
    for when, action, user_id, kind, object_id, description, entry_id in entries:
        label, _rows, _describe, render = SOURCES[kind]
        if kind in EVENT_KINDS:
            event = events.get(entry_id)
            found = _event_changes(event) if event is not None else []
        else:
            found = changes.get((kind, entry_id), [])
        rows.append(
            {
                "when": when,
                "action": ACTIONS.get(action, action),
                "user": users.get(user_id),
                "kind": label,
                "object_id": object_id if object_id is not None else "",
                "description": render(description or ""),
                "changes": found,
            }
        )
    return rows


SKIPPED_FIELDS = {"id", "created_at", "updated_at", "opened_at", "closed_at", "recorded_at"}


def _history_changes(entries) -> dict:
    """(kind, history id) → the changes of that save against the one before,
    for the history tables (one query per kind on the page; never votes)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for _when, action, _user, kind, object_id, _description, _entry in entries:
        if action == "~" and kind in HISTORY_MODELS:
            wanted[kind].add(object_id)
    found = {}
    needed = {(e[3], e[6]) for e in entries}
    for kind, ids in wanted.items():
        model = HISTORY_MODELS[kind]
        kept = {f.attname for f in model.history.model._meta.concrete_fields}
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in SKIPPED_FIELDS and not f.is_relation and f.attname in kept
        ]
        before = {}
        for record in model.history.filter(id__in=ids).order_by("id", "history_date", "history_id"):
            previous = before.get(record.id)
            before[record.id] = record
            if previous is None or (kind, record.history_id) not in needed:
                continue
            changes = []
            for model_field in fields:
                old = _display(model_field, previous, {})
                new = _display(model_field, record, {})
                if old != new:
                    changes.append(
                        Change(str(model_field.verbose_name), _short(old), _short(new))
                    )
            found[(kind, record.history_id)] = changes
    return found


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _event_changes(event: AuditEvent) -> list[Change]:
    model = None
    if event.model:
        try:
            model = apps.get_model(event.model)
        except (LookupError, ValueError):
            model = None
    changes = []
    for item in event.changes or []:
        name = item.get("field", "")
        old, new = item.get("old"), item.get("new")
        if name == "roles":
            label = EVENT_FIELDS["roles"]
            old, new = (
                ", ".join(_choice_label(Role.choices, code) for code in value or []) or "–"
                for value in (old, new)
            )
        elif name == "reason":
            label, new = EVENT_FIELDS["reason"], str(REASONS.get(new, new))
        elif name == "expiry":
            label, new = EVENT_FIELDS["expiry"], _when(new)
        elif name.startswith("inline:"):
            try:
                label = apps.get_model(name.removeprefix("inline:"))._meta.verbose_name
            except (LookupError, ValueError):
                label = name
        elif name in EVENT_FIELDS:
            label = EVENT_FIELDS[name]
        else:
            label, old, new = _field_values(model, name, old, new)
        changes.append(Change(str(label), _value(old), _value(new)))
    return changes


def _field_values(model, name, old, new):
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return name, old, new
    label = getattr(model_field, "verbose_name", name)
    if getattr(model_field, "choices", None):
        choices = dict(model_field.flatchoices)
        old, new = (str(choices.get(v, v)) if v not in (None, "") else "" for v in (old, new))
    return label, old, new


def _when(value) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value or "")
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


def _value(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return _short(str(value))
