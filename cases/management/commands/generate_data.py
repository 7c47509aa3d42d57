"""Add synthetic but realistic records for benchmarks and load tests.

Every case gets choices in all four layers and its three role analyses; the
directions get meanings per layer and evidence; the executives vote in one
closed session (with outcomes) and part of them in one open session.
"""

import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.actions import do_record_outcome, do_save_session, do_session_step
from cases.models import (
    MAX_POINTS_PER_SESSION,
    BoardSession,
    Case,
    Choice,
    Direction,
    Layer,
    LayerMeaning,
    Organisation,
    Outcome,
    Role,
    RoleAnalysis,
    User,
    Vote,
)

PROVINCES = [
    "Groningen",
    "Fryslân",
    "Drenthe",
    "Overijssel",
    "Flevoland",
    "Gelderland",
    "Utrecht",
    "Noord-Holland",
    "Zuid-Holland",
    "Zeeland",
    "Noord-Brabant",
    "Limburg",
]
PARTNERS = [
    ("RIVM", "national_agency"),
    ("CBS", "national_agency"),
    ("Kadaster (PDOK)", "national_agency"),
    ("Rijkswaterstaat", "national_agency"),
    ("NDW", "government_collaboration"),
    ("BIJ12", "government_collaboration"),
    ("TNO", "knowledge_institution"),
    ("Deltares", "knowledge_institution"),
    ("Wageningen University & Research", "knowledge_institution"),
    ("Hogeschool Utrecht", "knowledge_institution"),
    ("Tygron", "market_party"),
    ("Esri Nederland", "market_party"),
    ("Geodan", "market_party"),
    ("Panteia", "market_party"),
]
SUBJECTS = [
    ("Monitor goederenvervoer", "mobility", "monitor"),
    ("Dashboard woningbouwplannen", "housing", "dashboard"),
    ("Digital twin binnenstad", "environment_health", "digital_twin"),
    ("Voorspelmodel verkeersdrukte", "mobility", "model"),
    ("Kaartviewer natuurnetwerk", "nature", "map_viewer"),
    ("Stikstofmonitor Natura 2000", "nature", "monitor"),
    ("Energieatlas warmtetransitie", "energy", "map_viewer"),
    ("Klimaatstresstest wateroverlast", "water", "model"),
    ("Vestigingsmonitor bedrijventerreinen", "economy", "dashboard"),
    ("Planverkenner ruimtelijke inpassing", "spatial_planning", "digital_twin"),
]
CHOICE_TEMPLATES = {
    "infrastructure": [
        "Hosting in de cloud",
        "Eigen GIS-server",
        "Sensornetwerk langs provinciale wegen",
    ],
    "data": [
        "Basisregistraties via PDOK",
        "Eigen inwinning met tellussen",
        "Open data van het CBS",
    ],
    "algorithms": [
        "Trendanalyse op tijdreeksen",
        "Rekenmodel van een kennisinstelling",
        "Machine-learningmodel",
    ],
    "platforms": ["Webdashboard", "3D-viewer voor gemeenten", "Interne webapplicatie"],
}
POSITIONS = list(Vote.Position.values)


class Command(BaseCommand):
    help = "Add N synthetic cases, M executives and K directions with sessions and votes."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=50)
        parser.add_argument("--executives", type=int, default=12)
        parser.add_argument("--directions", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="also with DEBUG off")

    def handle(self, *args, cases, executives, directions, seed, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to add synthetic data and accounts with DEBUG off; use --force."
            )
        if min(cases, executives, directions) < 1:
            raise CommandError("--cases, --executives and --directions must each be at least 1.")
        rng = random.Random(seed)
        with transaction.atomic():
            run = Case.objects.count() + BoardSession.objects.count()  # keeps names unique per run
            orgs = self._organisations()
            provinces = [o for o in orgs if o.kind == "province"]
            partners = [o for o in orgs if o.kind != "province"]
            made_cases = self._cases(rng, cases, provinces, partners, run)
            made_directions = self._directions(rng, directions, made_cases, run)
            voters = self._executives(executives, provinces, run, seed)
            self._sessions(rng, made_directions, voters, run)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {cases} cases, {directions} directions, {executives} executives "
                f"(password: {settings.DEMO_PASSWORD}), a closed and an open session."
            )
        )

    def _organisations(self):
        rows = [(f"Provincie {name}", "province") for name in PROVINCES] + PARTNERS
        for name, kind in rows:
            Organisation.objects.get_or_create(name=name, defaults={"kind": kind})
        return list(Organisation.objects.filter(name__in=[name for name, _ in rows]))

    def _cases(self, rng, count, provinces, partners, run):
        layers = list(Layer.objects.all())
        new = []
        for i in range(count):
            subject, domain, kind = SUBJECTS[i % len(SUBJECTS)]
            org = provinces[i % len(provinces)]
            new.append(
                Case(
                    title=f"{subject} {run + i + 1}",
                    organisation=org,
                    department="Ruimte en Mobiliteit",
                    policy_domain=domain,
                    kind=kind,
                    summary=f"{subject} van {org.name}: brengt gegevens samen om beleidskeuzes te onderbouwen.",
                    goal="Beleidsmedewerkers en bestuur zicht geven op ontwikkelingen en effecten.",
                    status=Case.Status.PUBLISHED if rng.random() < 0.85 else Case.Status.SUBMITTED,
                    contact="adviseur Informatievoorziening",
                    is_illustrative=True,
                )
            )
        made = Case.objects.bulk_create(new)
        choices, analyses = [], []
        for case in made:
            for layer in layers:
                for n in range(rng.choice((1, 1, 2))):
                    supplier = rng.choice(partners) if rng.random() < 0.6 else None
                    choices.append(
                        Choice(
                            case=case,
                            layer=layer,
                            title=f"{rng.choice(CHOICE_TEMPLATES[layer.code])} ({n + 1})",
                            context="Welke oplossing past bij de vraag en bij de capaciteit van de organisatie?",
                            options_considered="- zelf bouwen\n- samen ontwikkelen\n- standaardproduct",
                            chosen="De gekozen oplossing sluit aan bij bestaande voorzieningen.",
                            sourcing=rng.choice(Choice.Sourcing.values),
                            maturity=rng.choice(Choice.Maturity.values),
                            supplier=supplier,
                            pros="Snel beschikbaar.\nBekend bij collega's.",
                            cons="Afhankelijkheid van een partij.",
                            rationale="Afweging van kosten, kennis en doorlooptijd.",
                            decided_by=rng.choice(Choice.DecidedBy.values),
                        )
                    )
            for counterpart in RoleAnalysis.Counterpart.values:
                analyses.append(
                    RoleAnalysis(
                        case=case,
                        counterpart=counterpart,
                        role=rng.choice(RoleAnalysis.Role.values),
                        explanation="De provincie werkt hierin samen en houdt de regie op de uitkomsten.",
                        pros="Kennis wordt gedeeld.",
                        cons="Afstemming kost tijd.",
                    )
                )
        Choice.objects.bulk_create(choices, batch_size=2000)
        RoleAnalysis.objects.bulk_create(analyses, batch_size=2000)
        return made

    def _directions(self, rng, count, cases, run):
        layers = list(Layer.objects.all())
        made = Direction.objects.bulk_create(
            [
                Direction(
                    code=f"G{run + i + 1}",
                    title=f"Synthetische ontwikkelrichting {run + i + 1}",
                    summary="Een richting om keuzes in de stack consistenter te maken.",
                    explanation="Toelichting bij de richting: wat zij vraagt van teams, afdelingen en bestuur.",
                )
                for i in range(count)
            ]
        )
        LayerMeaning.objects.bulk_create(
            [
                LayerMeaning(
                    direction=d,
                    layer=layer,
                    text=f"Wat {d.code} betekent voor {layer.name.lower()}.",
                )
                for d in made
                for layer in layers
            ]
        )
        through = Direction.evidence_cases.through
        through.objects.bulk_create(
            [
                through(direction_id=d.pk, case_id=case.pk)
                for d in made
                for case in rng.sample(cases, min(3, len(cases)))
            ]
        )
        return made

    def _executives(self, count, provinces, run, seed):
        password = make_password(settings.DEMO_PASSWORD)  # hash once: PBKDF2 is slow on purpose
        made = User.objects.bulk_create(
            [
                User(
                    username=f"gen{seed}-{run}-bestuurder{i + 1}",
                    first_name=f"Bestuurder {i + 1} (synthetisch)",
                    password=password,
                    organisation=provinces[i % len(provinces)],
                )
                for i in range(count)
            ]
        )
        Group.objects.get(name=Role.EXECUTIVE).user_set.add(*made)
        return made

    def _sessions(self, rng, directions, voters, run):
        # Sessions move through their life cycle like any other: a coordinator
        # opens and closes them.
        coordinator = User.objects.filter(groups__name=Role.COORDINATOR).first()
        if coordinator is None:
            coordinator = User.objects.create_user(
                username=f"coordinator-synthetisch-{run}", password=None
            )
            coordinator.groups.add(Group.objects.get(name=Role.COORDINATOR))
        sessions = []
        for title, date in (
            (f"Synthetische sessie {run + 1} (gesloten)", "2026-06-01"),
            (f"Synthetische sessie {run + 2} (open)", "2026-12-01"),
        ):
            session = BoardSession(title=title, date=date, description="Gegenereerd voor metingen.")
            do_save_session(session, agenda=list(directions), by=None)
            sessions.append(do_session_step(session, "open", by=coordinator))
        closed, opened = sessions
        votes = []
        for voter in voters:
            budget = MAX_POINTS_PER_SESSION
            for direction in directions:
                points = rng.randint(0, min(3, budget))
                budget -= points
                votes.append(
                    Vote(
                        session=closed,
                        direction=direction,
                        executive=voter,
                        position=rng.choice(POSITIONS),
                        points=points,
                        reason=rng.choice(
                            [
                                "",
                                "",
                                "Past bij de koers van de provincie.",
                                "Eerst meer onderbouwing nodig.",
                            ]
                        ),
                    )
                )
        Vote.objects.bulk_create(votes, batch_size=2000)
        do_session_step(closed, "close", by=coordinator)
        for direction in directions[: max(1, len(directions) // 2)]:
            do_record_outcome(
                session=closed,
                direction=direction,
                decision=rng.choice(Outcome.Decision.values),
                statement="Het bestuur besluit op basis van de stemming en de toelichtingen.",
            )
