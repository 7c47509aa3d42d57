"""Comply or explain (pas toe of leg uit): does a choice, or a role analysis,
follow the adopted directions?

For every adopted direction with rules (``GuidanceRule``), each choice and
each role analysis of a case *follows*, *deviates* or is *not applicable*.
The verdict is computed here from the data, never stored; a deviation needs
an explanation (``DeviationExplanation``), and a case with an unexplained
deviation is not complete (``Case.completeness``), so it cannot be submitted.

Every function that judges many cases reads the rules once, the parts of the
cases in prefetched lists and the explanations in one query: a fixed number
of queries whatever the number of cases, directions or rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import BoardSession, Case, Choice, Direction, Layer, RoleAnalysis
from .models_alignment import AlignmentSnapshot, DeviationExplanation, GuidanceRule

FOLLOWS = "follows"
DEVIATES = "deviates"
NOT_APPLICABLE = "not_applicable"

VERDICTS = {
    FOLLOWS: _lazy("Volgt"),
    DEVIATES: _lazy("Wijkt af"),
    NOT_APPLICABLE: _lazy("Niet van toepassing"),
}

# The four figures of the portfolio, the snapshots and the API.
BUCKETS = ("follows", "deviates_explained", "deviates_unexplained", "not_applicable")
BUCKET_LABELS = {
    "follows": _lazy("Volgt"),
    "deviates_explained": _lazy("Wijkt af, met uitleg"),
    "deviates_unexplained": _lazy("Wijkt af, zonder uitleg"),
    "not_applicable": _lazy("Niet van toepassing"),
}

MAX_EXPLANATION = 4000


class ExplanationRefused(Exception):
    """An explanation that cannot be saved. ``conflict`` is True when the
    thing does not deviate (the API answers 409), False for bad text (400)."""

    def __init__(self, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.conflict = conflict


@dataclass
class Guidance:
    """An adopted direction and its rules."""

    direction: Direction
    rules: list[GuidanceRule]


@dataclass
class Failure:
    rule: GuidanceRule
    actual: str  # the label of the value the choice or role analysis has

    @property
    def message(self) -> str:
        return _("%(code)s vraagt %(property)s “%(allowed)s”; hier is het “%(actual)s”.") % {
            "code": self.rule.direction.code,
            "property": self.rule.get_property_display().lower(),
            "allowed": (" " + _("of") + " ").join(self.rule.labels()),
            "actual": self.actual,
        }


@dataclass
class Item:
    """The verdict of one adopted direction on one choice or role analysis."""

    direction: Direction
    verdict: str
    choice: Choice | None = None
    analysis: RoleAnalysis | None = None
    failures: list[Failure] = field(default_factory=list)
    explanation: str = ""

    @property
    def bucket(self) -> str:
        if self.verdict == DEVIATES:
            return "deviates_explained" if self.explanation.strip() else "deviates_unexplained"
        return self.verdict

    @property
    def unexplained(self) -> bool:
        return self.bucket == "deviates_unexplained"

    @property
    def verdict_label(self) -> str:
        return str(VERDICTS[self.verdict])

    @property
    def bucket_label(self) -> str:
        return str(BUCKET_LABELS[self.bucket])

    @property
    def subject_title(self) -> str:
        if self.choice is not None:
            return self.choice.title
        return str(self.analysis.get_counterpart_display())

    @property
    def field_name(self) -> str:
        """The name of the explanation field in a form."""
        return f"explanation-{self.direction.code}"

    def anchor(self) -> str:
        if self.choice is not None:
            return f"choice-{self.choice.pk}"
        return f"role-{self.analysis.counterpart}"


# --- Reading the rules and judging --------------------------------------------


def guidance_in_force() -> list[Guidance]:
    """Every adopted direction with rules, each with its rules (one query)."""
    rules = (
        GuidanceRule.objects.filter(direction__status=Direction.Status.ADOPTED)
        .select_related("direction", "layer")
        .order_by("direction__code", "pk")
    )
    grouped: dict[int, Guidance] = {}
    for rule in rules:
        grouped.setdefault(rule.direction_id, Guidance(rule.direction, [])).rules.append(rule)
    return list(grouped.values())


def _choice_value(choice: Choice, prop: str) -> str:
    if prop == GuidanceRule.Property.MATURITY:
        return choice.maturity
    if prop == GuidanceRule.Property.SOURCING:
        return choice.sourcing
    supplier = choice.supplier if choice.supplier_id else None
    return supplier.kind if supplier is not None else GuidanceRule.NO_SUPPLIER


def _label(rule: GuidanceRule, value: str) -> str:
    return str(dict(GuidanceRule.value_choices(rule.property)).get(value, value or "–"))


def judge_choice(choice: Choice, rules: list[GuidanceRule]) -> tuple[str, list[Failure]]:
    """Follows when every rule for its layer holds; deviates when one fails;
    not applicable when the direction has no rule for its layer."""
    applicable = [
        rule
        for rule in rules
        if rule.property != GuidanceRule.Property.COUNTERPART_ROLE
        and (rule.layer_id is None or rule.layer_id == choice.layer_id)
    ]
    # a property not chosen yet (a form half filled in) is not judged
    applicable = [rule for rule in applicable if _choice_value(choice, rule.property)]
    if not applicable:
        return NOT_APPLICABLE, []
    failures = []
    for rule in applicable:
        value = _choice_value(choice, rule.property)
        if value not in rule.values:
            failures.append(Failure(rule, _label(rule, value)))
    return (DEVIATES if failures else FOLLOWS), failures


def judge_analysis(analysis: RoleAnalysis, rules: list[GuidanceRule]) -> tuple[str, list[Failure]]:
    """A role analysis not yet filled in is not judged: completeness asks for it."""
    applicable = [
        rule
        for rule in rules
        if rule.property == GuidanceRule.Property.COUNTERPART_ROLE
        and rule.counterpart == analysis.counterpart
    ]
    if not applicable or not analysis.role:
        return NOT_APPLICABLE, []
    failures = [
        Failure(rule, _label(rule, analysis.role))
        for rule in applicable
        if analysis.role not in rule.values
    ]
    return (DEVIATES if failures else FOLLOWS), failures


def explanations_for(case_ids) -> dict[tuple, str]:
    """``{("choice" | "analysis", id, direction_id): text}`` for these cases."""
    rows = (
        DeviationExplanation.objects.filter(choice__case_id__in=case_ids)
        .values_list("choice_id", "role_analysis_id", "direction_id", "text")
        .union(
            DeviationExplanation.objects.filter(role_analysis__case_id__in=case_ids).values_list(
                "choice_id", "role_analysis_id", "direction_id", "text"
            ),
            all=True,
        )
    )
    found = {}
    for choice_id, analysis_id, direction_id, text in rows:
        if choice_id is not None:
            found[("choice", choice_id, direction_id)] = text
        else:
            found[("analysis", analysis_id, direction_id)] = text
    return found


def case_items(case: Case, guidance: list[Guidance], explanations: dict) -> list[Item]:
    """Every verdict on one case: per direction, each choice then each role
    analysis. Reads ``case.choices`` and ``case.role_analyses`` as loaded
    (prefetched by the callers that judge many cases)."""
    items = []
    choices = list(case.choices.all())
    analyses = sorted(case.role_analyses.all(), key=lambda ra: ra.position)
    for entry in guidance:
        direction = entry.direction
        for choice in choices:
            verdict, failures = judge_choice(choice, entry.rules)
            text = explanations.get(("choice", choice.pk, direction.pk), "")
            items.append(
                Item(
                    direction,
                    verdict,
                    choice=choice,
                    failures=failures,
                    explanation=text if verdict == DEVIATES else "",
                )
            )
        for analysis in analyses:
            verdict, failures = judge_analysis(analysis, entry.rules)
            text = explanations.get(("analysis", analysis.pk, direction.pk), "")
            items.append(
                Item(
                    direction,
                    verdict,
                    analysis=analysis,
                    failures=failures,
                    explanation=text if verdict == DEVIATES else "",
                )
            )
    return items


def items_for_cases(
    cases: list[Case], guidance: list[Guidance] | None = None
) -> dict[int, list[Item]]:
    """The verdicts of many cases (their parts prefetched): two queries."""
    if guidance is None:
        guidance = guidance_in_force()
    if not guidance or not cases:
        return {case.pk: [] for case in cases}
    explanations = explanations_for([case.pk for case in cases])
    return {case.pk: case_items(case, guidance, explanations) for case in cases}


def unexplained_deviations(case: Case) -> list[Item]:
    """The deviations of one case that still need an explanation."""
    return [item for item in items_for_cases([case])[case.pk] if item.unexplained]


def attach(cases: list[Case]) -> None:
    """Give each case (parts prefetched) ``alignment_items``, and the
    unexplained ones as ``unexplained_deviations`` that ``completeness`` reads."""
    per_case = items_for_cases(cases)
    for case in cases:
        case.alignment_items = per_case[case.pk]
        case.unexplained_deviations = [item for item in per_case[case.pk] if item.unexplained]


def deviations_of(choice: Choice, guidance: list[Guidance], explanations: dict) -> list[Item]:
    """The directions an (unsaved) choice deviates from: the hint on the canvas."""
    found = []
    for entry in guidance:
        verdict, failures = judge_choice(choice, entry.rules)
        if verdict == DEVIATES:
            key = ("choice", choice.pk, entry.direction.pk)
            found.append(
                Item(
                    entry.direction,
                    verdict,
                    choice=choice,
                    failures=failures,
                    explanation=explanations.get(key, ""),
                )
            )
    return found


def counts(items) -> dict[str, int]:
    tally = dict.fromkeys(BUCKETS, 0)
    for item in items:
        tally[item.bucket] += 1
    return tally


# --- The portfolio ----------------------------------------------------------------


def _cases_with_parts(queryset) -> list[Case]:
    return list(
        queryset.select_related("organisation")
        .prefetch_related(
            "choices__layer",
            "choices__supplier",
            "role_analyses",
        )
        .order_by("title", "pk")
    )


def portfolio_cases(user) -> list[Case]:
    """What the viewer may see and what counts: not archived."""
    return _cases_with_parts(Case.objects.visible_to(user).exclude(status=Case.Status.ARCHIVED))


def portfolio(cases: list[Case], guidance: list[Guidance]) -> list[dict]:
    """Per adopted direction with rules: the four figures in all, per layer
    (and role analyses) and per organisation, and the deviations."""
    per_case = items_for_cases(cases, guidance)
    layers = list(Layer.objects.all())
    rows = []
    for entry in guidance:
        items = [
            item
            for case in cases
            for item in per_case[case.pk]
            if item.direction.pk == entry.direction.pk
        ]
        case_of = {}
        for case in cases:
            for item in per_case[case.pk]:
                case_of[id(item)] = case
        by_layer = []
        for layer in layers:
            part = [i for i in items if i.choice is not None and i.choice.layer_id == layer.pk]
            by_layer.append({"label": layer.display_name, **counts(part)})
        roles = [i for i in items if i.analysis is not None]
        by_layer.append({"label": _("Rolanalyses"), **counts(roles)})
        organisations = defaultdict(list)
        for item in items:
            organisations[case_of[id(item)].organisation].append(item)
        by_org = [
            {"label": organisation.name, **counts(part)}
            for organisation, part in sorted(organisations.items(), key=lambda kv: kv[0].name)
        ]
        deviations = [
            {"item": item, "case": case_of[id(item)]} for item in items if item.verdict == DEVIATES
        ]
        rows.append(
            {
                "direction": entry.direction,
                "rules": entry.rules,
                "totals": counts(items),
                "by_layer": by_layer,
                "by_organisation": by_org,
                "deviations": deviations,
            }
        )
    return rows


def totals_per_direction(cases: list[Case], guidance: list[Guidance]) -> dict[int, dict]:
    per_case = items_for_cases(cases, guidance)
    totals = {entry.direction.pk: dict.fromkeys(BUCKETS, 0) for entry in guidance}
    for items in per_case.values():
        for item in items:
            totals[item.direction.pk][item.bucket] += 1
    return totals


def published_totals() -> tuple[list[Guidance], dict[int, dict]]:
    """The province's figures: the published cases, as the board counts them."""
    guidance = guidance_in_force()
    cases = _cases_with_parts(Case.objects.published())
    return guidance, totals_per_direction(cases, guidance)


def record_snapshot(session: BoardSession) -> None:
    """Keep the alignment figures at the moment a session closes."""
    guidance, totals = published_totals()
    for entry in guidance:
        AlignmentSnapshot.objects.update_or_create(
            session=session, direction=entry.direction, defaults=totals[entry.direction.pk]
        )


def trend(user, directions=None) -> dict[int, list[dict]]:
    """Per direction the figures at each closed session the user may see,
    then now: ``{direction_id: [{"label", "date", follows…, "applicable"}]}``."""
    sessions = BoardSession.objects.visible_to(user).filter(state=BoardSession.State.CLOSED)
    snapshots = AlignmentSnapshot.objects.filter(session__in=sessions).select_related("session")
    if directions is not None:
        snapshots = snapshots.filter(direction__in=directions)
    series: dict[int, list[dict]] = defaultdict(list)
    for snap in snapshots.order_by("session__closed_at", "session__date", "pk"):
        figures = {name: getattr(snap, name) for name in BUCKETS}
        series[snap.direction_id].append(
            {
                "label": snap.session.title,
                "date": snap.session.closed_at or snap.session.date,
                **figures,
                "applicable": _applicable(figures),
            }
        )
    guidance, now = published_totals()
    for entry in guidance:
        if directions is not None and entry.direction not in directions:
            continue
        figures = now[entry.direction.pk]
        series[entry.direction.pk].append(
            {
                "label": _("Nu"),
                "date": None,
                **figures,
                "applicable": _applicable(figures),
                "now": True,
            }
        )
    return dict(series)


def _applicable(figures: dict) -> int:
    return figures["follows"] + figures["deviates_explained"] + figures["deviates_unexplained"]


# --- Writes ---------------------------------------------------------------------------


def _clean_text(text) -> str:
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise ExplanationRefused(_("Leg uit waarom deze keuze afwijkt; een lege uitleg telt niet."))
    if len(text) > MAX_EXPLANATION:
        raise ExplanationRefused(
            _("Een uitleg heeft ten hoogste %(max)d tekens; deze heeft er %(length)d.")
            % {"max": MAX_EXPLANATION, "length": len(text)}
        )
    return text


def do_explain(
    *,
    direction: Direction,
    choice: Choice | None = None,
    analysis: RoleAnalysis | None = None,
    text,
    by,
) -> DeviationExplanation:
    """Save why a choice or role analysis deviates from an adopted direction.
    Refused (``conflict``) when it does not deviate from it now."""
    text = _clean_text(text)
    with transaction.atomic():
        case_id = choice.case_id if choice is not None else analysis.case_id
        Case.objects.select_for_update().filter(pk=case_id).first()
        entry = next((g for g in guidance_in_force() if g.direction.pk == direction.pk), None)
        if choice is not None:
            current = Choice.objects.select_related("supplier").filter(pk=choice.pk).first()
            verdict = judge_choice(current, entry.rules)[0] if entry and current else NOT_APPLICABLE
        else:
            current = RoleAnalysis.objects.filter(pk=analysis.pk).first()
            verdict = (
                judge_analysis(current, entry.rules)[0] if entry and current else NOT_APPLICABLE
            )
        if verdict != DEVIATES:
            raise ExplanationRefused(
                _("Dit wijkt niet af van %(code)s; er valt niets uit te leggen.")
                % {"code": direction.code},
                conflict=True,
            )
        lookup = {"choice": current} if choice is not None else {"role_analysis": current}
        explanation, _created = DeviationExplanation.objects.update_or_create(
            direction=direction, **lookup, defaults={"text": text, "updated_by": by}
        )
    return explanation


def validate_texts(texts: dict[str, str]) -> dict[str, str]:
    """Errors per direction code for texts that are too long (empty ones are skipped)."""
    errors = {}
    for code, text in texts.items():
        if text and text.strip() and len(text.strip()) > MAX_EXPLANATION:
            try:
                _clean_text(text)
            except ExplanationRefused as refusal:
                errors[code] = refusal.message
    return errors


def do_save_explanations(*, choice: Choice, texts: dict[str, str], by) -> None:
    """The explanations typed in the choice form, for the directions the saved
    choice deviates from; empty ones are left out."""
    directions = {d.code: d for d in Direction.objects.filter(code__in=list(texts))}
    for code, text in texts.items():
        if code in directions and text and text.strip():
            try:
                do_explain(direction=directions[code], choice=choice, text=text, by=by)
            except ExplanationRefused:
                continue  # it no longer deviates: nothing to keep


def prune_explanations(*, case_ids=None, direction_ids=None) -> int:
    """Drop the explanations of what no longer deviates from an adopted
    direction (the history keeps them). Run after every write that can
    change a verdict: a choice or role analysis edited, a rule changed, a
    direction adopted."""
    guidance = {entry.direction.pk: entry for entry in guidance_in_force()}
    explanations = DeviationExplanation.objects.select_related(
        "direction", "choice__supplier", "role_analysis"
    )
    if case_ids is not None:
        explanations = explanations.filter(choice__case_id__in=case_ids) | explanations.filter(
            role_analysis__case_id__in=case_ids
        )
    if direction_ids is not None:
        explanations = explanations.filter(direction_id__in=direction_ids)
    stale = []
    for explanation in explanations:
        entry = guidance.get(explanation.direction_id)
        if explanation.direction.status != Direction.Status.ADOPTED:
            continue  # not in force: kept for when it is adopted again
        if entry is None:  # adopted, but no rule left
            stale.append(explanation.pk)
            continue
        if explanation.choice_id is not None:
            verdict = judge_choice(explanation.choice, entry.rules)[0]
        else:
            verdict = judge_analysis(explanation.role_analysis, entry.rules)[0]
        if verdict != DEVIATES:
            stale.append(explanation.pk)
    if stale:
        for explanation in DeviationExplanation.objects.filter(pk__in=stale):
            explanation.delete()  # one by one: each deletion in the history
    return len(stale)


def do_save_rule(rule: GuidanceRule) -> GuidanceRule:
    with transaction.atomic():
        Direction.objects.select_for_update().filter(pk=rule.direction_id).first()
        rule.full_clean()
        rule.save()
        prune_explanations(direction_ids=[rule.direction_id])
    return rule


def do_delete_rule(rule: GuidanceRule) -> None:
    with transaction.atomic():
        Direction.objects.select_for_update().filter(pk=rule.direction_id).first()
        direction_id = rule.direction_id
        rule.delete()
        prune_explanations(direction_ids=[direction_id])


def annotate_parts(case: Case) -> list[Item]:
    """Judge one case (parts prefetched) and hang the verdicts on its parts:
    ``choice.alignment`` and ``analysis.alignment`` (directions that do not
    apply left out), ``case.unexplained_deviations`` for completeness."""
    items = items_for_cases([case])[case.pk]
    per_choice, per_analysis = defaultdict(list), defaultdict(list)
    for item in items:
        if item.verdict == NOT_APPLICABLE:
            continue
        if item.choice is not None:
            per_choice[item.choice.pk].append(item)
        else:
            per_analysis[item.analysis.pk].append(item)
    for choice in case.choices.all():
        choice.alignment = per_choice.get(choice.pk, [])
    for analysis in case.role_analyses.all():
        analysis.alignment = per_analysis.get(analysis.pk, [])
    case.alignment_items = items
    case.unexplained_deviations = [item for item in items if item.unexplained]
    return items


def dashboard_trend(user) -> list[dict]:
    """For the executive dashboard: per adopted direction with rules, its
    figures at the last closed session and now."""
    series = trend(user)
    rows = []
    for entry in guidance_in_force():
        points = series.get(entry.direction.pk, [])
        now = points[-1] if points else None
        before = points[-2] if len(points) > 1 else None
        rows.append({"direction": entry.direction, "before": before, "now": now})
    return rows
