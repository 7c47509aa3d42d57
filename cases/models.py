"""The domain of the digital stack: cases and their choices per layer, role
analyses, development directions, board sessions, votes and outcomes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .concurrency import Versioned

MAX_POINTS_PER_SESSION = 10


class InvalidTransition(ValidationError):
    """A status change that the life cycle does not allow (``cases.lifecycle``)."""


class Role(models.TextChoices):
    """The three roles of Stackwork, held as Django groups of the same name."""

    CIVIL_SERVANT = "civil_servant", _("Ambtenaar")
    EXECUTIVE = "executive", _("Bestuurder")
    COORDINATOR = "coordinator", _("Coördinator")


def roles_of(user) -> frozenset[str]:
    """The role codes a user holds, read once per user object. A superuser
    counts as a coordinator; an inactive or anonymous user holds none.
    ``cases.permissions`` turns these into the rules."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_stackwork_roles", None)
    if cached is None:
        held = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if user.is_superuser:
            held.add(Role.COORDINATOR)
        cached = user._stackwork_roles = frozenset(held)
    return cached


# --- Visibility: which rows a user may read --------------------------------
# Each model's QuerySet.visible_to(user) is the one statement of who may
# read it; the pages, the API, the admin and the PDF all start from it.

# Everybody with a role may read a published case, and an archived one that
# was published before: archiving a draft must not make it public.
def _public_case_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": "published"}) | Q(
        **{f"{prefix}status": "archived", f"{prefix}published_at__isnull": False}
    )


def _case_visible_q(user, prefix: str = "") -> Q | None:
    """None means: everything. An empty Q(pk__in=[]) means nothing."""
    roles = roles_of(user)
    if Role.COORDINATOR in roles:
        return None
    if not roles:
        return Q(**{f"{prefix}pk__in": []})
    q = _public_case_q(prefix)
    if Role.CIVIL_SERVANT in roles and user.organisation_id:
        q |= Q(**{f"{prefix}organisation_id": user.organisation_id})
    return q


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        q = _case_visible_q(user)
        return self if q is None else self.filter(q)

    def published(self) -> CaseQuerySet:
        return self.filter(status=Case.Status.PUBLISHED)

    def with_parts(self) -> CaseQuerySet:
        """With the choices (their layer and supplier) and the role analyses
        (their partners): what the canvas, the API and completeness read."""
        return self.prefetch_related(
            models.Prefetch("choices", queryset=Choice.objects.select_related("layer", "supplier")),
            models.Prefetch(
                "role_analyses", queryset=RoleAnalysis.objects.prefetch_related("partners")
            ),
        )


class CasePartQuerySet(models.QuerySet):
    """Choices and role analyses: they follow the rules of their case."""

    def visible_to(self, user):
        q = _case_visible_q(user, "case__")
        return self if q is None else self.filter(q)


class DirectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if roles_of(user) else self.none()


class BoardSessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Coordinators see every session, executives all but drafts, civil
        servants the closed ones."""
        roles = roles_of(user)
        if Role.COORDINATOR in roles:
            return self
        if Role.EXECUTIVE in roles:
            return self.exclude(state=BoardSession.State.DRAFT)
        if roles:
            return self.filter(state=BoardSession.State.CLOSED)
        return self.none()


class VoteQuerySet(models.QuerySet):
    """Votes are secret while their session is open: only the voter sees
    their own; everyone who may see a closed session sees its votes."""

    def visible_to(self, user):
        if not roles_of(user):
            return self.none()
        # In an anonymous session (the default) a vote stays the voter's own:
        # once it closes only the figures are public, never who took which position.
        closed = BoardSession.objects.visible_to(user).filter(
            state=BoardSession.State.CLOSED, anonymous=False
        )
        return self.filter(Q(executive_id=user.pk) | Q(session__in=closed))


class OutcomeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(session__in=BoardSession.objects.visible_to(user))


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Provincie")
        MUNICIPALITY = "municipality", _("Gemeente")
        WATER_BOARD = "water_board", _("Waterschap")
        NATIONAL_AGENCY = "national_agency", _("Rijksorganisatie")
        GOVERNMENT_COLLABORATION = "government_collaboration", _("Samenwerkingsverband")
        KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Kennisinstelling")
        MARKET_PARTY = "market_party", _("Marktpartij")

    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # The language of the e-mail Stackwork sends this person (notifications).
    language = models.CharField(
        _("taal van e-mail"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Layer(models.Model):
    """One of the four layers of the digital stack, created by a migration."""

    class Code(models.TextChoices):
        INFRASTRUCTURE = "infrastructure", _("Harde infrastructuur")
        DATA = "data", _("Datacollectie")
        ALGORITHMS = "algorithms", _("Algoritmes en modellen")
        PLATFORMS = "platforms", _("Platforms en diensten")

    code = models.CharField(_("code"), max_length=20, choices=Code.choices, unique=True)
    name = models.CharField(_("naam"), max_length=100)
    description = models.TextField(
        _("beschrijving"),
        blank=True,
        help_text=_("In eenvoudige taal (B1): wat de laag is en waarom het bestuur erom geeft."),
    )
    description_en = models.TextField(
        _("beschrijving in het Engels"),
        blank=True,
        help_text=_("Dezelfde uitleg in het Engels, voor wie Stackwork in het Engels gebruikt."),
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), unique=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("laag")
        verbose_name_plural = _("lagen")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The editable Dutch name; in another language the translated label."""
        if translation.get_language() == settings.LANGUAGE_CODE:
            return self.name
        return self.get_code_display()

    @property
    def display_description(self) -> str:
        """The Dutch description, or in English the English one; the standard
        text when that is empty."""
        language = translation.get_language()
        if language == settings.LANGUAGE_CODE:
            return self.description
        if language.startswith("en") and self.description_en.strip():
            return self.description_en
        return str(LAYER_DESCRIPTIONS.get(self.code, self.description))


# The standard descriptions, translatable; the Dutch ones are also in the database.
LAYER_DESCRIPTIONS = {
    "infrastructure": _(
        "Sensoren, netwerken, hosting en rekenkracht: de fysieke en technische basis "
        "waarop een toepassing draait."
    ),
    "data": _(
        "Bronnen, inwinning, opslag, kwaliteit en eigenaarschap van de gegevens die een "
        "toepassing gebruikt."
    ),
    "algorithms": _(
        "Analyses, rekenregels, simulaties en AI-modellen die van data informatie maken."
    ),
    "platforms": _(
        "Dashboards, digital twins, portalen en diensten waarmee gebruikers met de "
        "uitkomsten werken."
    ),
}


# The one case title an organisation may use once (the constraint below).
TITLE_IN_USE = _("Deze organisatie heeft al een casus met deze titel.")


class Case(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        SUBMITTED = "submitted", _("Ingediend")
        PUBLISHED = "published", _("Gepubliceerd")
        ARCHIVED = "archived", _("Gearchiveerd")

    class PolicyDomain(models.TextChoices):
        MOBILITY = "mobility", _("Mobiliteit")
        SPATIAL_PLANNING = "spatial_planning", _("Ruimtelijke ordening")
        HOUSING = "housing", _("Wonen")
        ENVIRONMENT_HEALTH = "environment_health", _("Gezonde leefomgeving")
        NATURE = "nature", _("Natuur en stikstof")
        ECONOMY = "economy", _("Economie")
        ENERGY = "energy", _("Energie en klimaat")
        WATER = "water", _("Water")
        OTHER = "other", _("Overig")

    class Kind(models.TextChoices):
        MONITOR = "monitor", _("Monitor")
        DASHBOARD = "dashboard", _("Dashboard")
        MODEL = "model", _("Reken- of voorspelmodel")
        MAP_VIEWER = "map_viewer", _("Kaartviewer")
        DIGITAL_TWIN = "digital_twin", _("Digital twin")
        OTHER = "other", _("Overig")

    title = models.CharField(_("titel"), max_length=300)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, related_name="cases"
    )
    department = models.CharField(_("afdeling"), max_length=200, blank=True)
    policy_domain = models.CharField(
        _("beleidsdomein"), max_length=32, choices=PolicyDomain.choices
    )
    kind = models.CharField(_("soort toepassing"), max_length=32, choices=Kind.choices)
    summary = models.TextField(_("samenvatting"), max_length=4000)
    goal = models.TextField(_("doel"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    review_remark = models.TextField(_("opmerking bij terugsturen"), blank=True, max_length=4000)
    # When it last went to review: the coordinator's queue is oldest first.
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    published_at = models.DateTimeField(
        _("eerst gepubliceerd op"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Gezet bij de eerste publicatie; daarna blijft de casus openbaar leesbaar."),
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_illustrative = models.BooleanField(
        _("voorbeeld"),
        default=False,
        help_text=_("Illustratieve casus, geen verslag van een echte toepassing."),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gewijzigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "published", "archived"]),
                name="case_status_valid",
            ),
            models.UniqueConstraint(fields=["organisation", "title"], name="case_title_per_org"),
        ]
        indexes = [models.Index(fields=["status", "organisation"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.pk])

    @property
    def was_sent_back(self) -> bool:
        """A draft with a coordinator's remark: sent back, waiting for the
        civil servant (the remark is cleared by the next step)."""
        return self.status == self.Status.DRAFT and bool(self.review_remark)

    def completeness(self, layers=None) -> dict:
        """Which layers still lack a choice, which role analyses are empty and
        which deviations from adopted directions are not explained.

        Reads prefetched ``choices`` and ``role_analyses`` when present, and
        ``unexplained_deviations`` when ``alignment.attach`` gave them; pass
        the layers to avoid a query per case.
        """
        if layers is None:
            layers = list(Layer.objects.all())
        unexplained = getattr(self, "unexplained_deviations", None)
        if unexplained is None:
            from .alignment import unexplained_deviations  # it reads these models

            unexplained = unexplained_deviations(self)
        layer_ids = {choice.layer_id for choice in self.choices.all()}
        filled = {ra.counterpart for ra in self.role_analyses.all() if ra.is_filled}
        missing_layers = [layer for layer in layers if layer.pk not in layer_ids]
        missing_roles = [
            (value, label)
            for value, label in RoleAnalysis.Counterpart.choices
            if value not in filled
        ]
        total = len(layers) + len(RoleAnalysis.Counterpart.choices) + len(unexplained)
        done = total - len(missing_layers) - len(missing_roles) - len(unexplained)
        return {
            "missing_layers": missing_layers,
            "missing_roles": missing_roles,
            "unexplained": unexplained,
            "percent": round(100 * done / total) if total else 100,
            "complete": done == total,
        }


class Choice(Versioned):
    """One decision in one layer of a case, shaped like an architecture
    decision record."""

    class Sourcing(models.TextChoices):
        IN_HOUSE = "in_house", _("Zelf gebouwd")
        CO_DEVELOPMENT = "co_development", _("Samen ontwikkeld")
        SHARED_GOVERNMENT = "shared_government", _("Gedeeld met medeoverheden")
        OPEN_SOURCE = "open_source", _("Open source hergebruikt")
        OFF_THE_SHELF = "off_the_shelf", _("Standaardproduct of SaaS")
        OUTSOURCED = "outsourced", _("Maatwerk uitbesteed")

    class Maturity(models.TextChoices):
        PROVEN = "proven", _("Bewezen")
        EMERGING = "emerging", _("In opkomst")
        EXPERIMENTAL = "experimental", _("Experimenteel")

    class DecidedBy(models.TextChoices):
        TEAM = "team", _("Team")
        DEPARTMENT = "department", _("Afdeling")
        BOARD = "board", _("Bestuur")

    case = models.ForeignKey(
        Case, verbose_name=_("casus"), on_delete=models.CASCADE, related_name="choices"
    )
    layer = models.ForeignKey(
        Layer, verbose_name=_("laag"), on_delete=models.PROTECT, related_name="choices"
    )
    title = models.CharField(_("keuze"), max_length=200)
    context = models.TextField(_("vraag en context"), max_length=4000, blank=True)
    options_considered = models.TextField(_("overwogen opties"), max_length=4000, blank=True)
    chosen = models.TextField(_("gekozen oplossing"), max_length=4000, blank=True)
    sourcing = models.CharField(_("sourcing"), max_length=32, choices=Sourcing.choices)
    maturity = models.CharField(_("volwassenheid"), max_length=16, choices=Maturity.choices)
    supplier = models.ForeignKey(
        Organisation,
        verbose_name=_("leverancier of partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplied_choices",
    )
    pros = models.TextField(_("voordelen"), max_length=4000, blank=True)
    cons = models.TextField(_("nadelen"), max_length=4000, blank=True)
    rationale = models.TextField(_("onderbouwing"), max_length=4000, blank=True)
    decided_by = models.CharField(
        _("besloten door"), max_length=16, choices=DecidedBy.choices, blank=True
    )
    decided_on = models.DateField(_("besloten op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    objects = CasePartQuerySet.as_manager()

    class Meta:
        ordering = ["layer__position", "created_at", "pk"]
        verbose_name = _("keuze")
        verbose_name_plural = _("keuzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    sourcing__in=[
                        "in_house",
                        "co_development",
                        "shared_government",
                        "open_source",
                        "off_the_shelf",
                        "outsourced",
                    ]
                ),
                name="choice_sourcing_valid",
            ),
            models.CheckConstraint(
                condition=Q(maturity__in=["proven", "emerging", "experimental"]),
                name="choice_maturity_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.case.get_absolute_url()}#choice-{self.pk}"


class RoleAnalysis(Versioned):
    """The role the province took towards one counterpart in one case."""

    class Counterpart(models.TextChoices):
        MARKET = "market", _("Markt")
        CO_GOVERNMENTS = "co_governments", _("Medeoverheden")
        KNOWLEDGE_INSTITUTIONS = "knowledge_institutions", _("Kennisinstellingen")

    class Role(models.TextChoices):
        CLIENT = "client", _("Opdrachtgever of afnemer")
        PARTNER = "partner", _("Partner of co-creator")
        ORCHESTRATOR = "orchestrator", _("Regisseur")
        FINANCIER = "financier", _("Financier")
        USER = "user", _("Gebruiker")
        SUPPLIER = "supplier", _("Leverancier")
        NONE = "none", _("Geen rol")

    case = models.ForeignKey(
        Case, verbose_name=_("casus"), on_delete=models.CASCADE, related_name="role_analyses"
    )
    counterpart = models.CharField(_("tegenpartij"), max_length=32, choices=Counterpart.choices)
    role = models.CharField(
        _("rol van de provincie"), max_length=16, choices=Role.choices, blank=True
    )
    explanation = models.TextField(_("toelichting"), max_length=4000, blank=True)
    pros = models.TextField(_("voordelen"), max_length=4000, blank=True)
    cons = models.TextField(_("nadelen"), max_length=4000, blank=True)
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partnerorganisaties"), blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"], m2m_fields=[partners])

    objects = CasePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("rolanalyse")
        verbose_name_plural = _("rolanalyses")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "counterpart"], name="one_role_analysis_per_counterpart"
            ),
            models.CheckConstraint(
                condition=Q(counterpart__in=["market", "co_governments", "knowledge_institutions"]),
                name="role_analysis_counterpart_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_counterpart_display()}"

    @property
    def is_filled(self) -> bool:
        return bool(self.role and self.explanation.strip())

    @property
    def position(self) -> int:
        return list(self.Counterpart.values).index(self.counterpart)


class Direction(Versioned):
    """A development direction (ontwikkelrichting) the province can set."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Voorgesteld")
        ADOPTED = "adopted", _("Aangenomen")
        REJECTED = "rejected", _("Verworpen")
        DEFERRED = "deferred", _("Aangehouden")

    code = models.CharField(_("code"), max_length=10, unique=True)
    title = models.CharField(_("titel"), max_length=200)
    summary = models.TextField(_("samenvatting"), max_length=2000)
    explanation = models.TextField(_("toelichting"), max_length=8000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    evidence_cases = models.ManyToManyField(
        Case, verbose_name=_("onderbouwende casussen"), blank=True, related_name="directions"
    )
    evidence_choices = models.ManyToManyField(
        Choice, verbose_name=_("onderbouwende keuzes"), blank=True, related_name="directions"
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "version"])

    objects = DirectionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("ontwikkelrichting")
        verbose_name_plural = _("ontwikkelrichtingen")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class LayerMeaning(models.Model):
    """What a direction means for one layer of the stack."""

    direction = models.ForeignKey(
        Direction,
        verbose_name=_("ontwikkelrichting"),
        on_delete=models.CASCADE,
        related_name="meanings",
    )
    layer = models.ForeignKey(Layer, verbose_name=_("laag"), on_delete=models.PROTECT)
    text = models.TextField(_("betekenis"), max_length=4000)

    class Meta:
        ordering = ["layer__position"]
        verbose_name = _("betekenis per laag")
        verbose_name_plural = _("betekenis per laag")
        constraints = [
            models.UniqueConstraint(fields=["direction", "layer"], name="one_meaning_per_layer")
        ]

    def __str__(self) -> str:
        return f"{self.direction.code} – {self.layer}"


class BoardSession(Versioned):
    """A meeting at which executives weigh directions (bestuurlijke sessie)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("In voorbereiding")
        OPEN = "open", _("Open voor stemmen")
        CLOSED = "closed", _("Gesloten")

    title = models.CharField(_("titel"), max_length=200)
    date = models.DateField(_("datum"))
    description = models.TextField(_("beschrijving"), max_length=4000, blank=True)
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.DRAFT)
    anonymous = models.BooleanField(
        _("anoniem"),
        default=True,
        help_text=_(
            "Aan: geen pagina, export, API of audittrail koppelt een standpunt aan een persoon."
        ),
    )
    directions = models.ManyToManyField(
        Direction, through="AgendaItem", verbose_name=_("agenda"), related_name="sessions"
    )
    opened_at = models.DateTimeField(_("geopend op"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    # Set by a coordinator; the session closes itself then (cases.reminders).
    deadline = models.DateTimeField(_("sluit automatisch op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["version"])

    objects = BoardSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("bestuurlijke sessie")
        verbose_name_plural = _("bestuurlijke sessies")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "open", "closed"]), name="session_state_valid"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.deadline <= timezone.now()

class AgendaItem(models.Model):
    session = models.ForeignKey(
        BoardSession,
        verbose_name=_("sessie"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    direction = models.ForeignKey(
        Direction,
        verbose_name=_("ontwikkelrichting"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))

    class Meta:
        ordering = ["session", "position"]
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "direction"], name="direction_once_per_agenda"
            ),
            models.UniqueConstraint(fields=["session", "position"], name="agenda_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.direction}"


class Vote(models.Model):
    """One executive's position on one direction in one session."""

    class Position(models.TextChoices):
        STRONGLY_SUPPORT = "strongly_support", _("Sterk voor")
        SUPPORT = "support", _("Voor")
        NEUTRAL = "neutral", _("Neutraal")
        OPPOSE = "oppose", _("Tegen")
        STRONGLY_OPPOSE = "strongly_oppose", _("Sterk tegen")

    # Score of each position on a symmetric scale, used by the results.
    SCORES = {
        "strongly_support": 2,
        "support": 1,
        "neutral": 0,
        "oppose": -1,
        "strongly_oppose": -2,
    }

    session = models.ForeignKey(
        BoardSession, verbose_name=_("sessie"), on_delete=models.CASCADE, related_name="votes"
    )
    direction = models.ForeignKey(
        Direction,
        verbose_name=_("ontwikkelrichting"),
        on_delete=models.PROTECT,
        related_name="votes",
    )
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bestuurder"),
        on_delete=models.PROTECT,
        related_name="votes",
    )
    position = models.CharField(_("standpunt"), max_length=20, choices=Position.choices)
    points = models.PositiveSmallIntegerField(
        _("prioriteitspunten"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_POINTS_PER_SESSION)],
    )
    reason = models.TextField(_("motivering"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("uitgebracht op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["session", "direction", "executive"]
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "direction", "executive"], name="one_vote_per_executive"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=MAX_POINTS_PER_SESSION),
                name="vote_points_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    position__in=[
                        "strongly_support",
                        "support",
                        "neutral",
                        "oppose",
                        "strongly_oppose",
                    ]
                ),
                name="vote_position_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.direction.code} – {self.executive}"

    @property
    def score(self) -> int:
        return self.SCORES[self.position]


class Outcome(models.Model):
    """The board's decision on one direction after a session (besluit)."""

    class Decision(models.TextChoices):
        ADOPTED = "adopted", _("Aangenomen")
        REJECTED = "rejected", _("Verworpen")
        AMENDED = "amended", _("Geamendeerd aangenomen")
        DEFERRED = "deferred", _("Aangehouden")

    # An amended direction is adopted in its amended form.
    DIRECTION_STATUS = {
        "adopted": Direction.Status.ADOPTED,
        "amended": Direction.Status.ADOPTED,
        "rejected": Direction.Status.REJECTED,
        "deferred": Direction.Status.DEFERRED,
    }

    session = models.ForeignKey(
        BoardSession, verbose_name=_("sessie"), on_delete=models.CASCADE, related_name="outcomes"
    )
    direction = models.ForeignKey(
        Direction,
        verbose_name=_("ontwikkelrichting"),
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    decision = models.CharField(_("besluit"), max_length=16, choices=Decision.choices)
    statement = models.TextField(_("toelichting bij het besluit"), max_length=4000, blank=True)
    review_date = models.DateField(_("evaluatiedatum"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now=True)
    history = HistoricalRecords()

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["session", "direction__code"]
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "direction"], name="one_outcome_per_direction"
            )
        ]

    def __str__(self) -> str:
        return f"{self.direction.code}: {self.get_decision_display()}"


class Briefing(models.Model):
    """A generated board briefing, kept as it was handed out."""

    session = models.ForeignKey(
        BoardSession, verbose_name=_("sessie"), on_delete=models.CASCADE, related_name="briefings"
    )
    session_state = models.CharField(
        _("status van de sessie"), max_length=16, choices=BoardSession.State.choices
    )
    language = models.CharField(_("taal"), max_length=8, default="nl")
    file = models.FileField(_("bestand"), upload_to="briefings/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # The hash of the data the briefing shows (``briefing.content_hash``): the
    # record is current while the data still has this hash.
    content_hash = models.CharField(_("inhoudshash"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(_("grootte in bytes"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")

    def __str__(self) -> str:
        return f"{self.session} – {self.created_at:%Y-%m-%d %H:%M}"


# Models kept in modules of their own; imported here so that they load with
# the app and ``from cases.models import …`` finds them.
from .models_audit import AuditEvent, FormSubmission, SignOnIdentity  # noqa: E402, F401
from .models_notifications import MailOptOut, Notification  # noqa: E402, F401

# The Algoritmeregister fields of an algorithms-layer choice (``cases.register``).
from .register_model import AlgorithmRegistration  # noqa: E402, F401
