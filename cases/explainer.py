"""The stack and the directions explained in about three minutes, from the
province's own cases: the numbers of the stack page (``/stack/``), the
reading view of the directions and the briefing's reading guide.

Every function takes the querysets the caller may show (the viewer's
published cases, the viewer's directions), so that only what the viewer may
see is counted. Each runs a fixed number of queries whatever the number of
cases: the counts are grouped in SQL, the examples picked by a window
function, the recurring pros and cons counted as conditional counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from .models import Case, Choice, Direction, Layer, LayerMeaning, RoleAnalysis
from .results import layer_summary

EXAMPLES_PER_LAYER = 3
THEMES_PER_SIDE = 2  # pros and cons per layer, roles per counterpart

# The reading order of the directions: what the board decided first.
STATUS_ORDER = [
    Direction.Status.ADOPTED,
    Direction.Status.PROPOSED,
    Direction.Status.DEFERRED,
    Direction.Status.REJECTED,
]


@dataclass(frozen=True)
class Theme:
    """A pro or con that comes back in many choices, recognised by words in
    the (Dutch) text of the choice's pros or cons."""

    code: str
    label: str
    words: tuple[str, ...]

    def q(self, field_name: str) -> Q:
        condition = Q()
        for word in self.words:
            condition |= Q(**{f"{field_name}__icontains": word})
        return condition


PRO_THEMES = [
    Theme(
        "no_own_effort",
        _("Geen eigen investering of beheer nodig"),
        (
            "geen eigen",
            "geen nieuwe",
            "inbegrepen",
            "beheer door de leverancier",
            "weinig werk",
            "hoeven weinig",
        ),
    ),
    Theme("open_free", _("Open of gratis beschikbaar"), ("gratis", "open", "vrij beschikbaar")),
    Theme(
        "shared_basis",
        _("Dezelfde basis als andere overheden"),
        (
            "dezelfde",
            "gedeeld",
            "landelijk",
            "landsdekkend",
            "vergelijk",
            "alle provincies",
            "andere overheden",
            "voor iedereen",
            "overal gelijk",
            "hergebruik",
        ),
    ),
    Theme(
        "proven",
        _("Bewezen, erkend of goed onderbouwd"),
        (
            "bewezen",
            "erkend",
            "onderbouwd",
            "bekende methode",
            "vaste definities",
            "vaste afspraken",
        ),
    ),
    Theme(
        "explainable",
        _("Begrijpelijk en uit te leggen"),
        ("begrijp", "uit te leggen", "herkenbaar"),
    ),
    Theme(
        "own_control",
        _("Eigen regie, kennis in huis"),
        ("regie", "in huis", "bij de provincie", "zelf controleren", "beheert de apparatuur zelf"),
    ),
    Theme(
        "fits",
        _("Sluit aan op beleid en bestaande werkwijze"),
        ("sluit aan", "past ", "past bij", "al kennen"),
    ),
    Theme("flexible", _("Snel en aan te passen"), ("snel", "aan te passen", "kiezen zelf")),
]

CON_THEMES = [
    Theme(
        "dependence",
        _("Afhankelijk van een andere partij"),
        (
            "afhankelijk",
            "geen invloed",
            "weinig invloed",
            "liggen bij",
            "ligt bij",
            "via de leverancier",
            "verbonden aan één",
            "vast in de opdracht",
            "overstappen",
        ),
    ),
    Theme("costs", _("Kosten en moeite"), ("kosten", "kost ", "licentie")),
    Theme(
        "upkeep",
        _("Eigen beheer, onderhoud of specialisten nodig"),
        (
            "beheer",
            "onderhoud",
            "specialist",
            "capaciteit",
            "bijgehouden",
            "actueel houden",
            "actueel moeten",
            "getraind",
            "documentatie",
            "ondersteuning",
        ),
    ),
    Theme(
        "data_gaps",
        _("Gegevens lopen achter of missen detail"),
        (
            "vertraging",
            "achter op",
            "grof",
            "detail",
            "scherpte",
            "alleen inzicht",
            "gaten",
            "niet altijd",
            "eens in de paar jaar",
            "nog niet in",
            "verschillen per",
        ),
    ),
    Theme(
        "uncertainty",
        _("Uitkomsten lastig uit te leggen of onzeker"),
        (
            "uit te leggen",
            "uitleg",
            "indicatie",
            "benadering",
            "nauwkeurigheid",
            "zekerder",
            "letterlijk",
            "controleren",
            "veranderen",
        ),
    ),
]

# The three counterparts of the role analysis, in plain language.
COUNTERPART_EXPLANATIONS = {
    RoleAnalysis.Counterpart.MARKET: _(
        "Bedrijven die producten, diensten of maatwerk leveren, zoals softwareleveranciers, "
        "cloudaanbieders en adviesbureaus."
    ),
    RoleAnalysis.Counterpart.CO_GOVERNMENTS: _(
        "Gemeenten, waterschappen, andere provincies en het Rijk, en samenwerkingsverbanden "
        "zoals IPO en BIJ12."
    ),
    RoleAnalysis.Counterpart.KNOWLEDGE_INSTITUTIONS: _(
        "Universiteiten, hogescholen en instituten zoals TNO en Deltares, die kennis, "
        "gegevens en modellen leveren."
    ),
}


@dataclass
class Tally:
    """One value with its label and how often it occurs."""

    value: str
    label: str
    count: int


@dataclass
class LayerStory:
    layer: Layer
    choices: int = 0
    cases: int = 0
    sourcing: dict[str, int] = field(default_factory=dict)
    maturity: dict[str, int] = field(default_factory=dict)
    examples: list[Choice] = field(default_factory=list)
    pros: list[Tally] = field(default_factory=list)
    cons: list[Tally] = field(default_factory=list)

    @property
    def top_sourcing(self) -> Tally | None:
        """The most frequent way of sourcing in this layer (the first in the
        model's order on a tie); None without choices."""
        return _most(self.sourcing, Choice.Sourcing)

    @property
    def proven(self) -> int:
        return self.maturity.get(Choice.Maturity.PROVEN, 0)


@dataclass
class CounterpartStory:
    counterpart: str
    label: str
    explanation: str
    analyses: int = 0
    roles: list[Tally] = field(default_factory=list)


def _most(counts: dict[str, int], kind) -> Tally | None:
    ranked = _ranked(counts, kind)
    return ranked[0] if ranked else None


def _ranked(counts: dict[str, int], kind) -> list[Tally]:
    """Non-zero counts, most frequent first, ties in the model's order."""
    labels = dict(kind.choices)
    order = list(kind.values)
    return [
        Tally(value, labels[value], n)
        for value, n in sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
        if n and value in labels
    ]


def _choices_of(cases: QuerySet) -> QuerySet:
    return Choice.objects.filter(case__in=cases.values("pk")).order_by()


def stack_story(cases: QuerySet) -> dict:
    """The four layers in stack order, each with its numbers over the given
    (published, visible) cases, and the three counterparts with the roles
    the province takes most. Seven queries whatever the number of cases."""
    summary = layer_summary(cases)  # layers, sourcing, maturity: three queries
    stories = {
        row["layer"].pk: LayerStory(
            layer=row["layer"], sourcing=row["sourcing"], maturity=row["maturity"]
        )
        for row in summary
    }
    # Counts and recurring pros and cons per layer, in one grouped query.
    themes = {f"pro_{t.code}": t for t in PRO_THEMES} | {f"con_{t.code}": t for t in CON_THEMES}
    annotations = {
        "n_choices": Count("pk"),
        "n_cases": Count("case_id", distinct=True),
        **{
            key: Count("pk", filter=theme.q("pros" if key.startswith("pro_") else "cons"))
            for key, theme in themes.items()
        },
    }
    for row in _choices_of(cases).values("layer_id").annotate(**annotations):
        story = stories[row["layer_id"]]
        story.choices, story.cases = row["n_choices"], row["n_cases"]
        for side in ("pro", "con"):
            found = [
                Tally(theme.code, theme.label, row[key])
                for key, theme in themes.items()
                if key.startswith(f"{side}_") and row[key]
            ]
            found.sort(key=lambda c: -c.count)  # stable: ties keep the list's order
            setattr(story, f"{side}s", found[:THEMES_PER_SIDE])
    # Examples: per layer the first choice of each way of sourcing (one query),
    # then the ways that occur most in that layer.
    firsts = (
        _choices_of(cases)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("layer_id"), F("sourcing")],
                order_by=[F("case__title").asc(), F("pk").asc()],
            )
        )
        .filter(rank=1)
        .select_related("case")
        .only("pk", "title", "layer_id", "sourcing", "maturity", "case__id", "case__title")
    )
    by_layer: dict[int, dict[str, Choice]] = {}
    for choice in firsts:
        by_layer.setdefault(choice.layer_id, {})[choice.sourcing] = choice
    for layer_id, story in stories.items():
        candidates = by_layer.get(layer_id, {})
        story.examples = [
            candidates[item.value]
            for item in _ranked(story.sourcing, Choice.Sourcing)
            if item.value in candidates
        ][:EXAMPLES_PER_LAYER]
    return {
        "layers": list(stories.values()),
        "counterparts": counterpart_stories(cases),
    }


def counterpart_stories(cases: QuerySet) -> list[CounterpartStory]:
    """Per counterpart the roles the province took, most frequent first. One query."""
    counts: dict[str, dict[str, int]] = {value: {} for value in RoleAnalysis.Counterpart.values}
    for counterpart, role, n in (
        RoleAnalysis.objects.filter(case__in=cases.values("pk"))
        .exclude(role="")
        .order_by()
        .values_list("counterpart", "role")
        .annotate(n=Count("pk"))
        .values_list("counterpart", "role", "n")
    ):
        counts[counterpart][role] = n
    return [
        CounterpartStory(
            counterpart=value,
            label=label,
            explanation=COUNTERPART_EXPLANATIONS[value],
            analyses=sum(counts[value].values()),
            roles=_ranked(counts[value], RoleAnalysis.Role)[:THEMES_PER_SIDE],
        )
        for value, label in RoleAnalysis.Counterpart.choices
    ]


@dataclass
class DirectionBrief:
    direction: Direction
    asks: str
    meanings: list[tuple[Layer, str]]
    evidence: list[Case]


_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)", re.DOTALL)


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = _SENTENCE.match(text)
    return match.group(1) if match else text


def directions_in_brief(directions: QuerySet, cases: QuerySet) -> list[DirectionBrief]:
    """Each direction in a few sentences — what it asks (its summary), what it
    means per layer (the first sentence of each meaning), its evidence cases
    among the given cases — ordered adopted, proposed, deferred, rejected.
    Three queries whatever the number of directions."""
    rows = directions.prefetch_related(
        Prefetch("meanings", queryset=LayerMeaning.objects.select_related("layer")),
        Prefetch(
            "evidence_cases",
            queryset=cases.only("pk", "title").order_by("title", "pk"),
            to_attr="visible_evidence",
        ),
    )
    ordered = sorted(rows, key=lambda d: (_status_rank(d.status), d.code))
    return [
        DirectionBrief(
            direction=direction,
            asks=first_sentence(direction.summary),
            meanings=[
                (meaning.layer, first_sentence(meaning.text))
                for meaning in direction.meanings.all()
                if meaning.text.strip()
            ],
            evidence=direction.visible_evidence,
        )
        for direction in ordered
    ]


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)
