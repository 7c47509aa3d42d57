"""Load the illustrative demo data and the demo accounts, once.

Running it again changes nothing: every record is looked up by its natural key
(organisation name, case title, direction code, session title, username) and
only created when missing; existing records, also ones edited since, are left
as they are.
"""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.actions import do_cast_vote, do_record_outcome, do_save_session, do_session_step
from cases.models import (
    AlgorithmRegistration,
    BoardSession,
    Case,
    Choice,
    Direction,
    Layer,
    LayerMeaning,
    Organisation,
    Role,
    RoleAnalysis,
    User,
)
from cases.models_alignment import DeviationExplanation, GuidanceRule
from cases.register import do_save_registration

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
HOME_ORGANISATION = "Provincie Utrecht"

# username, role, display name (a role, never a real person's name)
DEMO_ACCOUNTS = [
    ("ambtenaar", Role.CIVIL_SERVANT, "Adviseur Ruimte (voorbeeld)"),
    ("bestuurder", Role.EXECUTIVE, "Gedeputeerde Mobiliteit (voorbeeld)"),
    ("bestuurder2", Role.EXECUTIVE, "Gedeputeerde Ruimte (voorbeeld)"),
    ("bestuurder3", Role.EXECUTIVE, "Gedeputeerde Natuur (voorbeeld)"),
    ("bestuurder4", Role.EXECUTIVE, "Gedeputeerde Economie (voorbeeld)"),
    ("bestuurder5", Role.EXECUTIVE, "Directeur Digitalisering (voorbeeld)"),
    ("coordinator", Role.COORDINATOR, "Coördinator digitale stack (voorbeeld)"),
]


class Command(BaseCommand):
    help = "Load the demo data and demo accounts (only with DEBUG on, or with --force)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even though DEBUG is off (never on a production server)",
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data and demo accounts with DEBUG off: this looks like "
                "production. Use --force if this is really a demo server."
            )
        data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        self.created = 0
        with transaction.atomic():
            orgs = self._organisations(data["organisations"])
            users = self._accounts(orgs)
            layers = {layer.code: layer for layer in Layer.objects.all()}
            cases, choices = self._cases(data["cases"], orgs, layers)
            directions = self._directions(data["directions"], layers, cases, choices)
            self._explanations(data["cases"], cases, directions, users)
            self._sessions(data["sessions"], directions, users)
            self._registrations(data.get("registrations", []), choices, users)
        if self.created:
            self.stdout.write(
                self.style.SUCCESS(f"Demo data loaded: {self.created} records created.")
            )
            self.stdout.write(
                "Demo accounts: "
                + ", ".join(name for name, _, _ in DEMO_ACCOUNTS)
                + f" (password: {settings.DEMO_PASSWORD})"
            )
        else:
            self.stdout.write("Demo data already present; nothing changed.")

    def _get_or_create(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.created += created
        return obj, created

    def _organisations(self, rows) -> dict[str, Organisation]:
        orgs = {}
        for row in rows:
            orgs[row["name"]], _ = self._get_or_create(
                Organisation, name=row["name"], defaults={"kind": row["kind"]}
            )
        return orgs

    def _accounts(self, orgs) -> dict[str, User]:
        home = orgs[HOME_ORGANISATION]
        users = {}
        for username, role, display_name in DEMO_ACCOUNTS:
            user, created = self._get_or_create(
                User,
                username=username,
                defaults={
                    "first_name": display_name,
                    "organisation": home,
                    "is_staff": role == Role.COORDINATOR,
                },
            )
            if created:
                user.set_password(settings.DEMO_PASSWORD)
                user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=role))
            users[username] = user
        return users

    def _cases(self, rows, orgs, layers):
        cases, choices = {}, {}
        for row in rows:
            case, created = self._get_or_create(
                Case,
                organisation=orgs[row["organisation"]],
                title=row["title"],
                defaults={
                    key: row[key]
                    for key in (
                        "department",
                        "policy_domain",
                        "kind",
                        "summary",
                        "goal",
                        "status",
                        "contact",
                        "is_illustrative",
                    )
                },
            )
            cases[case.title] = case
            if created:
                for item in row["choices"]:
                    fields = {
                        k: v
                        for k, v in item.items()
                        if k not in ("layer", "supplier", "explanations")
                    }
                    Choice.objects.create(
                        case=case,
                        layer=layers[item["layer"]],
                        supplier=orgs[item["supplier"]] if item.get("supplier") else None,
                        **{**fields, "decided_on": fields.get("decided_on") or None},
                    )
                    self.created += 1
                for item in row["role_analyses"]:
                    analysis = RoleAnalysis.objects.create(
                        case=case,
                        **{k: v for k, v in item.items() if k not in ("partners", "explanations")},
                    )
                    analysis.partners.set([orgs[name] for name in item["partners"]])
                    self.created += 1
            for choice in case.choices.all():
                choices[(case.title, choice.title)] = choice
        return cases, choices

    def _directions(self, rows, layers, cases, choices):
        directions = {}
        for row in rows:
            direction, created = self._get_or_create(
                Direction,
                code=row["code"],
                defaults={k: row[k] for k in ("title", "summary", "explanation", "status")},
            )
            directions[direction.code] = direction
            if created:
                for code, text in row["meanings"].items():
                    LayerMeaning.objects.create(direction=direction, layer=layers[code], text=text)
                direction.evidence_cases.set([cases[title] for title in row["evidence_cases"]])
                direction.evidence_choices.set(
                    [choices[(case, choice)] for case, choice in row["evidence_choices"]]
                )
                for rule in row.get("rules", []):
                    GuidanceRule.objects.create(
                        direction=direction,
                        layer=layers[rule["layer"]] if rule.get("layer") else None,
                        property=rule["property"],
                        counterpart=rule.get("counterpart", ""),
                        values=rule["values"],
                    )
                    self.created += 1
        return directions

    def _explanations(self, rows, cases, directions, users):
        """Comply or explain: the demo's explanations of deviations."""
        for row in rows:
            case = cases[row["title"]]
            parts = [
                ({"choice": choice}, item)
                for item in row["choices"]
                for choice in case.choices.filter(title=item["title"])
            ] + [
                ({"role_analysis": analysis}, item)
                for item in row["role_analyses"]
                for analysis in case.role_analyses.filter(counterpart=item["counterpart"])
            ]
            for lookup, item in parts:
                for code, text in item.get("explanations", {}).items():
                    self._get_or_create(
                        DeviationExplanation,
                        direction=directions[code],
                        **lookup,
                        defaults={"text": text, "updated_by": users["ambtenaar"]},
                    )

    def _sessions(self, rows, directions, users):
        for row in rows:
            session, created = self._get_or_create(
                BoardSession,
                title=row["title"],
                defaults={
                    "date": row["date"],
                    "description": row["description"],
                    "created_by": users["coordinator"],
                },
            )
            if not created:
                continue
            do_save_session(
                session, agenda=[directions[code] for code in row["agenda"]], by=users["coordinator"]
            )
            do_session_step(session, "open", by=users["coordinator"])
            for vote in row["votes"]:
                do_cast_vote(
                    session=session,
                    direction=directions[vote["direction"]],
                    executive=users[vote["executive"]],
                    position=vote["position"],
                    points=vote["points"],
                    reason=vote.get("reason", ""),
                )
                self.created += 1
            if row["state"] == BoardSession.State.CLOSED:
                do_session_step(session, "close", by=users["coordinator"])
            for outcome in row["outcomes"]:
                do_record_outcome(
                    session=session,
                    direction=directions[outcome["direction"]],
                    decision=outcome["decision"],
                    statement=outcome["statement"],
                    review_date=outcome.get("review_date"),
                    by=users["coordinator"],
                )
                self.created += 1

    def _registrations(self, rows, choices, users):
        """Algoritmeregister entries of some algorithms-layer choices, written
        as the case's own organisation would (``register.do_save_registration``)."""
        for row in rows:
            choice = choices[(row["case"], row["choice"])]
            if AlgorithmRegistration.objects.filter(choice=choice).exists():
                continue
            values = {k: v for k, v in row.items() if k not in ("case", "choice")}
            do_save_registration(choice, values, version=None, by=users["coordinator"])
            self.created += 1
