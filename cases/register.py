"""Registrations in the national Algoritmeregister, publication standard 1.0.0.

Each algorithms-layer choice of a case is one registration. Its record — a
dict whose keys are exactly the standard's — is built from the case, the
choice and what the civil servant entered (``AlgorithmRegistration``);
``problems`` says, per field and in Dutch, what keeps it out of the register;
the coordinator exports the ready ones (``export_rows``, ``mark_exported``).
Every door — the case page, the register page, the downloads, the API and the
admin — reads the record, the readiness and the rules from here.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import permissions
from .csvsafe import SafeWriter
from .models import AlgorithmRegistration, Case, Choice, Layer

STANDARD_VERSION = "1.0.0"
LANG = "nld"
INTERNAL = "Intern ontwikkeld"
MAX_THEMES = 3

THEMES = (
    "Organisatie en bedrijfsvoering",
    "Cultuur en recreatie",
    "Economie",
    "Overheidsfinanciën",
    "Wonen",
    "Internationaal",
    "Migratie en integratie",
    "Natuur en milieu",
    "Onderwijs en wetenschap",
    "Openbare orde en veiligheid",
    "Recht",
    "Ruimte en infrastructuur",
    "Sociale zekerheid",
    "Verkeer",
    "Werk",
    "Zorg en gezondheid",
)
STATUSES = ("In ontwikkeling", "In gebruik", "Buiten gebruik")
IN_USE = "In gebruik"
PUBLICATION_CATEGORIES = (
    "Hoog-risico AI-systeem",
    "Impactvolle algoritmes",
    "Overige algoritmes",
)
GOAL_TAGS = frozenset({"div", "br", "p", "ul", "ol", "li"})

# The register's status follows the case's life cycle.
STATUS_OF_CASE = {
    Case.Status.DRAFT: "In ontwikkeling",
    Case.Status.SUBMITTED: "In ontwikkeling",
    Case.Status.PUBLISHED: "In gebruik",
    Case.Status.ARCHIVED: "Buiten gebruik",
}
# The register's themes that a policy domain belongs to.
THEMES_OF_DOMAIN = {
    Case.PolicyDomain.MOBILITY: ["Verkeer"],
    Case.PolicyDomain.SPATIAL_PLANNING: ["Ruimte en infrastructuur"],
    Case.PolicyDomain.HOUSING: ["Wonen"],
    Case.PolicyDomain.ENVIRONMENT_HEALTH: ["Natuur en milieu", "Zorg en gezondheid"],
    Case.PolicyDomain.NATURE: ["Natuur en milieu"],
    Case.PolicyDomain.ECONOMY: ["Economie"],
    Case.PolicyDomain.ENERGY: ["Natuur en milieu"],
    Case.PolicyDomain.WATER: ["Natuur en milieu"],
    Case.PolicyDomain.OTHER: [],
}


@dataclass(frozen=True)
class Field:
    """One field of the standard: its key, the Dutch title civil servants know
    it by, its kind, its limit and whether the register requires it.

    Kinds: ``text``, ``html`` (text with a few tags), ``choice`` (one of
    ``values``), ``themes``, ``date`` (``yyyy-mm``), ``contact`` (e-mail or
    https URL), ``https`` (https URL), ``url``, ``links`` (a list of title and
    link, with ``title_limit``), ``fixed`` (``values`` holds the one value)."""

    key: str
    title: str
    kind: str = "text"
    limit: int | None = None
    required: bool = False
    values: tuple = ()
    title_limit: int | None = None
    prefilled: bool = False
    entered: bool = True

    @property
    def label(self) -> str:
        return str(self.title)


# The table of ``algoritmeregister.md``, in its order; the export keeps it.
FIELDS = (
    Field("name", gettext_lazy("Naam"), limit=100, required=True, prefilled=True),
    Field(
        "description_short",
        gettext_lazy("Korte omschrijving"),
        limit=350,
        required=True,
        prefilled=True,
    ),
    Field("organization", gettext_lazy("Organisatie"), limit=100, required=True, prefilled=True),
    Field("category", gettext_lazy("Thema"), kind="themes", values=THEMES, prefilled=True),
    Field(
        "status", gettext_lazy("Status"), kind="choice", required=True, values=STATUSES,
        prefilled=True,
    ),
    Field("begin_date", gettext_lazy("Begindatum"), kind="date", limit=7),
    Field("end_date", gettext_lazy("Einddatum"), kind="date", limit=7),
    Field("contact_email", gettext_lazy("Contactgegevens"), kind="contact", limit=500, required=True),
    Field("website", gettext_lazy("Link naar publiekspagina"), kind="https", limit=500),
    Field(
        "publication_category",
        gettext_lazy("Publicatiecategorie"),
        kind="choice",
        required=True,
        values=PUBLICATION_CATEGORIES,
    ),
    Field("url", gettext_lazy("Link naar bronregistratie"), kind="https", limit=500),
    Field("goal", gettext_lazy("Doel en impact"), kind="html", limit=2500, prefilled=True),
    Field("proportionality", gettext_lazy("Afwegingen"), limit=2500, prefilled=True),
    Field("human_intervention", gettext_lazy("Menselijke tussenkomst"), limit=2500),
    Field("risks", gettext_lazy("Risicobeheer"), limit=2500),
    Field("lawful_basis", gettext_lazy("Wettelijke basis"), limit=2500),
    Field(
        "lawful_basis_grouping",
        gettext_lazy("Verwijzingen wettelijke basis"),
        kind="links",
        limit=500,
        title_limit=100,
    ),
    Field("process_index_url", gettext_lazy("Link naar verwerkingsregister"), kind="url", limit=500),
    Field(
        "impacttoetsen_grouping", gettext_lazy("Verwijzingen impacttoetsen"), kind="links", limit=500
    ),
    Field("impacttoetsen", gettext_lazy("Toelichting op impacttoetsen"), limit=2500),
    Field("source_data", gettext_lazy("Gegevens"), limit=2500),
    Field(
        "source_data_grouping",
        gettext_lazy("Verwijzingen gegevensbronnen"),
        kind="links",
        limit=500,
        title_limit=500,
    ),
    Field("methods_and_models", gettext_lazy("Technische werking"), limit=5000, prefilled=True),
    Field("provider", gettext_lazy("Leverancier"), limit=200, prefilled=True),
    Field("publiccode", gettext_lazy("Link naar broncode"), kind="url", limit=500),
    Field("lang", gettext_lazy("Taal"), kind="fixed", required=True, values=(LANG,), entered=False),
    Field(
        "standard_version",
        gettext_lazy("Versie publicatiestandaard"),
        kind="fixed",
        values=(STANDARD_VERSION,),
        entered=False,
    ),
    Field("source_id", gettext_lazy("Bron-ID"), limit=100, entered=False),
    Field("tags", gettext_lazy("Zoektermen"), limit=2500),
)
FIELD = {field.key: field for field in FIELDS}
KEYS = tuple(field.key for field in FIELDS)
# The fields a person fills in or changes, in the form's order.
ENTERED = tuple(field.key for field in FIELDS if field.entered)
PREFILLED = tuple(field.key for field in FIELDS if field.prefilled)


# --- The record --------------------------------------------------------------


def source_id(choice: Choice) -> str:
    """Stackwork's own id of the registration: the choice's, which never changes."""
    return f"stackwork-keuze-{choice.pk}"


def _join(parts: list[tuple[str, str]]) -> str:
    return "\n\n".join(f"{label}:\n{text.strip()}" for label, text in parts if text.strip())


def prefill(choice: Choice) -> dict:
    """What the case and the choice already say, per prefilled key. Reads
    ``choice.case.organisation`` and ``choice.supplier`` (select them along)."""
    case = choice.case
    if choice.supplier_id:
        provider = choice.supplier.name
    elif choice.sourcing == Choice.Sourcing.IN_HOUSE:
        provider = INTERNAL
    else:
        provider = ""
    return {
        "name": choice.title,
        "description_short": case.summary,
        "organization": case.organisation.name,
        "category": list(THEMES_OF_DOMAIN.get(case.policy_domain, [])),
        "status": STATUS_OF_CASE.get(case.status, ""),
        "goal": case.goal,
        "proportionality": _join(
            [
                ("Voordelen", choice.pros),
                ("Nadelen", choice.cons),
                ("Overwogen alternatieven", choice.options_considered),
                ("Onderbouwing", choice.rationale),
            ]
        ),
        "methods_and_models": choice.chosen,
        "provider": provider,
    }


def parse_links(text: str) -> list[dict]:
    """``title | link`` per line → ``[{"title", "link"}]``; a line without a
    bar is a title without a link (the readiness says so)."""
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        title, _bar, link = line.partition("|")
        items.append({"title": title.strip(), "link": link.strip()})
    return items


def format_links(items: list[dict]) -> str:
    return "\n".join(f"{item['title']} | {item['link']}" for item in items)


def _registration_of(choice: Choice) -> AlgorithmRegistration | None:
    try:
        return choice.registration
    except AlgorithmRegistration.DoesNotExist:
        return None


def record(choice: Choice, registration: AlgorithmRegistration | None = None) -> dict:
    """The registration as the register takes it: exactly the standard's keys,
    in its order. ``registration`` defaults to the choice's own (select it along)."""
    if registration is None:
        registration = _registration_of(choice)
    source = prefill(choice)
    values = {}
    for field in FIELDS:
        if field.key == "lang":
            value = LANG
        elif field.key == "standard_version":
            value = STANDARD_VERSION
        elif field.key == "source_id":
            value = source_id(choice)
        else:
            stored = getattr(registration, field.key, None) if registration else None
            if field.prefilled and stored is None:
                value = source[field.key]
            elif field.kind == "links":
                value = parse_links(stored or "")
            else:
                value = stored if stored is not None else ""
            if field.kind == "themes":
                value = list(value or [])
            elif isinstance(value, str):
                value = value.strip()
        values[field.key] = value
    return values


def digest(values: dict) -> str:
    return hashlib.sha256(
        json.dumps(values, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()


# --- Readiness ----------------------------------------------------------------

DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
TAG = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_email = EmailValidator()
_https = URLValidator(schemes=["https"])
_url = URLValidator(schemes=["http", "https"])


def _valid(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _too_long(value: str, limit: int | None) -> str | None:
    if limit is not None and len(value) > limit:
        return _("Te lang: %(length)d tekens; het register neemt er ten hoogste %(limit)d.") % {
            "length": len(value),
            "limit": limit,
        }
    return None


def _field_problems(field: Field, value, values: dict) -> list[str]:
    """What is wrong with one value against the standard ([] when nothing)."""
    if value in ("", [], None):
        return [_("Verplicht voor het register; vul dit in.")] if field.required else []
    found = []
    if field.kind == "themes":
        wrong = [theme for theme in value if theme not in THEMES]
        if wrong:
            found.append(
                _("Geen thema van het register: %(values)s.") % {"values": ", ".join(map(str, wrong))}
            )
        if len(value) > MAX_THEMES:
            found.append(_("Kies ten hoogste %(max)d thema's.") % {"max": MAX_THEMES})
        if len(set(value)) < len(value):
            found.append(_("Elk thema maar één keer."))
        return found
    if field.kind == "links":
        for number, item in enumerate(value, start=1):
            title, link = item.get("title", ""), item.get("link", "")
            if not title or not link:
                found.append(
                    _("Regel %(n)d: geef een titel en een link, gescheiden door “|”.")
                    % {"n": number}
                )
                continue
            long_title = _too_long(title, field.title_limit)
            if long_title:
                found.append(_("Regel %(n)d, titel: %(problem)s") % {"n": number, "problem": long_title})
            long_link = _too_long(link, field.limit)
            if long_link:
                found.append(_("Regel %(n)d, link: %(problem)s") % {"n": number, "problem": long_link})
            elif not _valid(_url, link):
                found.append(_("Regel %(n)d: de link is geen geldige URL.") % {"n": number})
        return found
    if field.kind in ("choice", "fixed"):
        if value not in field.values:
            found.append(
                _("Niet toegestaan; kies uit: %(values)s.") % {"values": ", ".join(field.values)}
            )
        return found
    long = _too_long(value, field.limit)
    if field.kind == "date":
        if not DATE.fullmatch(value):
            found.append(_("Schrijf de datum als jjjj-mm, bijvoorbeeld 2024-03."))
        elif field.key == "end_date":
            if values.get("status") == IN_USE:
                found.append(_("Laat de einddatum leeg zolang het algoritme in gebruik is."))
            begin = values.get("begin_date", "")
            if DATE.fullmatch(begin or "") and value < begin:
                found.append(_("De einddatum ligt vóór de begindatum."))
        return found
    if long:
        found.append(long)
    if field.kind == "contact" and not (_valid(_email, value) or _valid(_https, value)):
        found.append(_("Geef een e-mailadres of een https-link."))
    elif field.kind == "https" and not _valid(_https, value):
        found.append(_("Geef een link die met https:// begint."))
    elif field.kind == "url" and not _valid(_url, value):
        found.append(_("Geef een geldige link (https://…)."))
    elif field.kind == "html":
        tags = {tag.lower() for tag in TAG.findall(value)} - GOAL_TAGS
        if tags:
            found.append(
                _("Alleen de opmaak div, br, p, ul, ol en li is toegestaan, niet: %(tags)s.")
                % {"tags": ", ".join(sorted(tags))}
            )
    return found


def problems(values: dict) -> dict[str, list[str]]:
    """Per key, what keeps the record out of the register, in the table's
    order; empty when it is ready."""
    found = {}
    for field in FIELDS:
        messages = _field_problems(field, values.get(field.key), values)
        if messages:
            found[field.key] = messages
    return found


@dataclass
class Registration:
    """A registration as the pages read it: the choice, its stored row, the
    record, what is wrong with it and whether it changed since its export."""

    choice: Choice
    stored: AlgorithmRegistration | None
    values: dict
    problems: dict

    @property
    def ready(self) -> bool:
        return not self.problems

    @property
    def exported(self) -> bool:
        return bool(self.stored and self.stored.exported_digest)

    @property
    def out_of_date(self) -> bool:
        """Exported once, and the record changed since (in Stackwork or in its source)."""
        return self.exported and self.stored.exported_digest != digest(self.values)

    @property
    def missing(self) -> list[str]:
        return list(self.problems)

    @property
    def version(self) -> int:
        return self.stored.version if self.stored else 0

    @property
    def problem_list(self) -> list[tuple[str, str, list[str]]]:
        return [(key, FIELD[key].label, messages) for key, messages in self.problems.items()]


def registration_of(choice: Choice) -> Registration:
    stored = _registration_of(choice)
    values = record(choice, stored)
    return Registration(choice, stored, values, problems(values))


def algorithm_choices():
    """The choices that are registrations, with what their records read (one query)."""
    return (
        Choice.objects.filter(layer__code=Layer.Code.ALGORITHMS)
        .select_related("case__organisation", "supplier", "registration")
        .order_by("case__organisation__name", "case__title", "case_id", "pk")
    )


def registrations_for(user, *, case: Case | None = None) -> list[Registration]:
    """The registrations the user may read (of one case, or all), one query."""
    choices = algorithm_choices().visible_to(user)
    if case is not None:
        choices = choices.filter(case=case)
    return [registration_of(choice) for choice in choices]


def get_registration(user, case_pk: int, choice_pk: int) -> Registration | None:
    """The registration of a visible algorithms-layer choice, or None."""
    choice = algorithm_choices().visible_to(user).filter(case_id=case_pk, pk=choice_pk).first()
    return registration_of(choice) if choice is not None else None


# --- Writing ------------------------------------------------------------------


class RegistrationConflict(Exception):
    """Someone saved the registration after this person opened it."""


def do_save_registration(
    choice: Choice, values: dict, *, version: int | None, by
) -> AlgorithmRegistration:
    """Store what the person entered: a prefilled value equal to the case's is
    stored as None, so it keeps following the case. ``version`` is the one the
    form was opened with; None skips the check (the admin, which has its own)."""
    if not permissions.can_edit_registration(by, choice.case):
        raise PermissionDenied(permissions.CANNOT_EDIT_CASE)
    if choice.layer.code != Layer.Code.ALGORITHMS:
        raise ValidationError(_("Alleen keuzes in de laag algoritmes hebben een registratie."))
    source = prefill(choice)
    with transaction.atomic():
        AlgorithmRegistration.objects.get_or_create(choice=choice)
        stored = AlgorithmRegistration.objects.select_for_update().get(choice=choice)
        if version is not None and stored.version != version:
            raise RegistrationConflict
        for key, value in values.items():
            field = FIELD[key]
            if not field.entered:
                continue
            if field.kind == "links" and isinstance(value, list):
                value = format_links(value)
            if field.prefilled:
                same = value == source[key] if field.kind == "themes" else (
                    (value or "").strip() == (source[key] or "").strip()
                )
                value = None if same else value
            setattr(stored, key, value)
        stored.version += 1
        stored.updated_by = by
        stored.save()
    choice.registration = stored
    return stored


def mark_exported(registrations: list[Registration]) -> None:
    """Note what the export held, so a later change shows as out of date.
    One upsert, whatever the number (rows are made for choices without one)."""
    ready = [item for item in registrations if item.ready]
    if not ready:
        return
    now = timezone.now()
    AlgorithmRegistration.objects.bulk_create(
        [
            AlgorithmRegistration(
                choice_id=item.choice.pk, exported_at=now, exported_digest=digest(item.values)
            )
            for item in ready
        ],
        update_conflicts=True,
        unique_fields=["choice"],
        update_fields=["exported_at", "exported_digest"],
    )


def export_rows(registrations: list[Registration], *, include_all: bool) -> list[dict]:
    """The API and the JSON download: the ready records as they are, or with
    ``include_all`` every registration with its readiness beside the record."""
    if not include_all:
        return [item.values for item in registrations if item.ready]
    return [
        {
            "source_id": item.values["source_id"],
            "ready": item.ready,
            "out_of_date": item.out_of_date,
            "missing": item.missing,
            "messages": {key: list(messages) for key, messages in item.problems.items()},
            "record": item.values,
        }
        for item in registrations
    ]


# --- CSV ------------------------------------------------------------------------

def _csv_value(value) -> str:
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return json.dumps(value, ensure_ascii=False)
        return ", ".join(value)
    return str(value)


def export_csv(registrations: list[Registration], *, include_all: bool) -> str:
    """One row per record, the standard's keys as the header; with
    ``include_all`` also the not-ready ones and a ``missing`` column."""
    out = io.StringIO()
    writer = SafeWriter(out)
    header = list(KEYS) + (["missing"] if include_all else [])
    writer.writerow(header)
    for item in registrations:
        if not include_all and not item.ready:
            continue
        row = [_csv_value(item.values[key]) for key in KEYS]
        if include_all:
            row.append(" ".join(item.missing))
        writer.writerow(row)
    return out.getvalue()


# --- The preview, as the register shows a record ---------------------------------

PREVIEW_SECTIONS = (
    (
        gettext_lazy("Algemene informatie"),
        ("organization", "category", "status", "begin_date", "end_date", "contact_email",
         "website", "publication_category", "url"),
    ),
    (
        gettext_lazy("Verantwoord gebruik"),
        ("goal", "proportionality", "human_intervention", "risks", "lawful_basis",
         "lawful_basis_grouping", "process_index_url", "impacttoetsen_grouping", "impacttoetsen"),
    ),
    (
        gettext_lazy("Werking"),
        ("source_data", "source_data_grouping", "methods_and_models", "provider", "publiccode"),
    ),
    (
        gettext_lazy("Metagegevens"),
        ("source_id", "tags", "lang", "standard_version"),
    ),
)


def preview(values: dict) -> list[dict]:
    """The record in the register's sections, for the preview page."""
    return [
        {
            "title": title,
            "rows": [
                {"key": key, "label": FIELD[key].label, "value": values[key], "kind": FIELD[key].kind}
                for key in keys
            ],
        }
        for title, keys in PREVIEW_SECTIONS
    ]
