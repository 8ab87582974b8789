"""The rule: whether each framework meets each need, its explanation, and the ranking.

Written out, with a worked example, in docs/data.md ("How /choose/ ranks frameworks").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Lower

from frameworks.models import (
    AdviceKind,
    Category,
    Claim,
    ClaimKind,
    Framework,
    How,
    Lifecycle,
    PublicationStatus,
    Support,
    Verdict,
    VerdictStatus,
)
from frameworks.pages.cells import UNKNOWN, Cell
from frameworks.pages.choose.needs import COUNTS_WORDING, ChooseForm, Need

RESULTS_IN_FULL = 10  # ranked frameworks shown with every reason; the rest in a short list
TOP = 3  # "compare the top three"
ADVICE_KINDS = (AdviceKind.CONSIDER_IF, AdviceKind.THINK_TWICE_IF)


class Outcome:
    MET = "met"
    MISSED = "missed"
    CHECK = "check"  # unknown or disputed: never counted as met

    LABELS = {MET: "Meets it", MISSED: "Misses it", CHECK: "Check before you choose"}
    SYMBOLS = {MET: "✓", MISSED: "✗", CHECK: "?"}


# --- The rule ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    outcome: str
    reason: str  # in words, for the page and the exports; empty when the value says it all


WAYS = {
    How.BUILT_IN: "built in",
    How.OFFICIAL_EXTENSION: "an official extension",
    How.THIRD_PARTY: "a third-party package",
}


def _hows(hows) -> str:
    return " or ".join(WAYS[how] for how in sorted(hows, key=How.values.index))


def assess(need: Need, cell: Cell, sides: frozenset[str] = frozenset()) -> Assessment:
    """Whether a published value meets a need. ``sides``: the ways the sources name, when
    they agree that it is supported but not on how (counted claims only, superseded ones out).
    """
    counted = Support(need.counts).hows  # None: any way counts, an unstated one too
    counts_label = COUNTS_WORDING[need.counts]
    if cell.status == VerdictStatus.UNKNOWN:
        return Assessment(Outcome.CHECK, "No source settles it.")
    if cell.status == VerdictStatus.DISPUTED:
        return Assessment(Outcome.CHECK, "Sources disagree on whether it is supported.")
    if cell.status == VerdictStatus.NO:
        return Assessment(Outcome.MISSED, "Not supported, a source says.")
    if cell.status == VerdictStatus.PARTIAL:
        return Assessment(Outcome.MISSED, f"Only partly{': ' + cell.note if cell.note else '.'}")
    # Supported: does the way count?
    if counted is None:
        if cell.how_disputed:
            return Assessment(
                Outcome.MET, f"Sources differ on how ({_hows(sides)}); any way counts."
            )
        return Assessment(Outcome.MET, "")
    if cell.how_disputed:
        if sides and all(how in counted for how in sides):
            return Assessment(
                Outcome.MET, f"Sources differ on how ({_hows(sides)}); either way counts."
            )
        if not any(how in counted for how in sides):
            return Assessment(
                Outcome.MISSED,
                f"Only as {_hows(sides)}, the sources say; you count {counts_label}.",
            )
        return Assessment(Outcome.CHECK, f"Sources disagree on how ({_hows(sides)}).")
    if not cell.how:
        return Assessment(Outcome.CHECK, "Supported, but no source says how.")
    if cell.how not in counted:
        return Assessment(Outcome.MISSED, f"Only as {WAYS[cell.how]}; you count {counts_label}.")
    return Assessment(Outcome.MET, "")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def assess_python(wanted: str, verdict: dict | None) -> Assessment:
    """Runs on ``wanted``, where a source says which Python it needs (unknown does not rule out)."""
    if verdict is None:
        return Assessment(Outcome.CHECK, "No source says which Python it needs.")
    if verdict["disputed"] or not verdict["python_min"]:
        return Assessment(Outcome.CHECK, "Sources disagree on which Python it needs.")
    low, high = verdict["python_min"], verdict["python_max"]
    if _version(wanted) < _version(low):
        return Assessment(Outcome.MISSED, f"Needs Python {low} or newer.")
    if high and _version(wanted) > _version(high):
        return Assessment(Outcome.MISSED, f"Supports Python {low} to {high} only.")
    return Assessment(
        Outcome.MET, f"Python {low} to {high}." if high else f"Python {low} and newer."
    )


def assess_lifecycle(wanted: str, verdict: dict | None) -> Assessment:
    stages = {
        "active": (Lifecycle.ACTIVE,),
        "maintained": (Lifecycle.ACTIVE, Lifecycle.MAINTENANCE),
    }
    if verdict is None:
        return Assessment(Outcome.CHECK, "No source says whether it is still developed.")
    if verdict["disputed"] or not verdict["lifecycle"]:
        return Assessment(Outcome.CHECK, "Sources disagree on its lifecycle.")
    stage = Lifecycle(verdict["lifecycle"])
    words = stage.label + (
        f" since {verdict['year']}" if verdict["year"] and stage != Lifecycle.ACTIVE else ""
    )
    if stage in stages[wanted]:
        return Assessment(Outcome.MET, f"{words}.")
    return Assessment(Outcome.MISSED, f"{words}.")


def assess_category(category: Category, verdict: dict | None) -> Assessment:
    """In the category when the published membership says so, as the table's filter counts it."""
    if verdict is None or verdict["status"] != VerdictStatus.YES:
        said_no = verdict is not None
        return Assessment(
            Outcome.MISSED,
            f"A source says it is not {category.name.lower()}."
            if said_no
            else f"No source puts it in {category.name}.",
        )
    if verdict["disputed"]:
        return Assessment(Outcome.MET, f"{category.name}, though some sources file it elsewhere.")
    return Assessment(Outcome.MET, "")


# --- The result --------------------------------------------------------------------------------


@dataclass
class Point:
    """One reason in a framework's explanation: a need or a constraint, and how it fares."""

    kind: str  # must, nice, interface, category, lifecycle, python
    label: str
    outcome: str
    reason: str
    anchor: str  # where on the framework page the evidence is
    need: Need | None = None
    cell: Cell | None = None
    claims: list[Claim] = field(default_factory=list)

    @property
    def earned(self) -> int:
        return self.need.points if self.need and self.outcome == Outcome.MET else 0

    @property
    def built_in(self) -> bool:
        return (
            self.outcome == Outcome.MET and self.cell is not None and self.cell.how == How.BUILT_IN
        )

    @property
    def rules_out(self) -> bool:
        """A must-have or a constraint not met; a Python version no source states does not."""
        if self.kind == "nice" or self.outcome == Outcome.MET:
            return False
        return not (self.kind == "python" and self.outcome == Outcome.CHECK)

    @property
    def outcome_label(self) -> str:
        return Outcome.LABELS[self.outcome]

    @property
    def symbol(self) -> str:
        return Outcome.SYMBOLS[self.outcome]

    @property
    def sources(self) -> list[Claim]:
        """The claims the value stands on, then the superseded ones."""
        return sorted(self.claims, key=lambda claim: claim.superseded)


@dataclass
class Result:
    framework: Framework
    points: list[Point]  # needs: must-haves, then nice-to-haves
    constraints: list[Point]
    advice: list[Claim] = field(default_factory=list)
    rank: int = 0

    @property
    def score(self) -> int:
        return sum(point.earned for point in self.points)

    @property
    def built_in(self) -> int:
        return sum(1 for point in self.points if point.built_in)

    @property
    def to_check(self) -> int:
        return sum(1 for p in [*self.points, *self.constraints] if p.outcome == Outcome.CHECK)

    @property
    def misses(self) -> list[Point]:
        """Must-haves not met, in the visitor's order, then constraints not met."""
        musts = [p for p in self.points if p.rules_out]
        return musts + [p for p in self.constraints if p.rules_out]

    @property
    def nice_met(self) -> int:
        return sum(1 for p in self.points if p.kind == "nice" and p.outcome == Outcome.MET)

    @property
    def sort_key(self) -> tuple:
        return (-self.score, -self.built_in, self.framework.name.lower(), self.framework.slug)


@dataclass
class Choice:
    form: ChooseForm
    needs: list[Need]
    ranked: list[Result]
    ruled_out: list[Result]
    in_full: int  # how many ranked results carry their sources and advice

    @property
    def shown_in_full(self) -> list[Result]:
        return self.ranked[: self.in_full]

    @property
    def shown_briefly(self) -> list[Result]:
        return self.ranked[self.in_full :]

    @property
    def musts(self) -> list[Need]:
        return [need for need in self.needs if need.must and not need.interface]

    @property
    def nices(self) -> list[Need]:
        return [need for need in self.needs if not need.must]

    @property
    def most_points(self) -> int:
        return sum(need.points for need in self.needs)

    @property
    def top(self) -> list[Result]:
        return self.ranked[:TOP] if len(self.ranked) >= 2 else []


def build_choice(form: ChooseForm, *, in_full: int | None = RESULTS_IN_FULL) -> Choice:
    """Rank the published frameworks for a valid form; ``in_full=None``: every result in full."""
    needs = form.needs
    category, lifecycle, python = (
        form.chosen_category,
        form.chosen_lifecycle,
        form.chosen_python,
    )
    frameworks = list(Framework.objects.published().order_by(Lower("name")).only("slug", "name"))
    feature_ids = [need.feature.id for need in needs]

    wanted = Q(kind=ClaimKind.FEATURE, feature_id__in=feature_ids)
    if lifecycle != "any":
        wanted |= Q(kind=ClaimKind.LIFECYCLE)
    if python:
        wanted |= Q(kind=ClaimKind.PYTHON)
    if category:
        wanted |= Q(kind=ClaimKind.CATEGORY, category=category)
    cells: dict[tuple[int, int], dict] = {}
    facts: dict[tuple[int, str], dict] = {}
    for verdict in Verdict.objects.filter(
        wanted, framework__status=PublicationStatus.PUBLISHED
    ).values(
        "framework_id", "kind", "feature_id", "status", "how", "detail", "note", "since",
        "disputed", "resolved", "superseded", "lifecycle", "year", "python_min", "python_max",
    ):  # fmt: skip
        if verdict["kind"] == ClaimKind.FEATURE:
            cells[(verdict["framework_id"], verdict["feature_id"])] = verdict
        else:
            facts[(verdict["framework_id"], verdict["kind"])] = verdict
    sides = _how_sides(cells)

    results = []
    for framework in frameworks:
        points = []
        for need in needs:
            verdict = cells.get((framework.id, need.feature.id))
            cell = Cell.of(verdict) if verdict else UNKNOWN
            judged = assess(need, cell, sides.get((framework.id, need.feature.id), frozenset()))
            points.append(
                Point(
                    "interface" if need.interface else need.role,
                    need.feature.name,
                    judged.outcome,
                    judged.reason,
                    f"f-{need.feature.slug}",
                    need=need,
                    cell=cell,
                )
            )
        constraints = [point for point in points if point.kind == "interface"]
        points = [point for point in points if point.kind != "interface"]
        if category:
            judged = assess_category(category, facts.get((framework.id, ClaimKind.CATEGORY)))
            constraints.insert(
                0, Point("category", category.name, judged.outcome, judged.reason, "categories")
            )
        if lifecycle != "any":
            judged = assess_lifecycle(lifecycle, facts.get((framework.id, ClaimKind.LIFECYCLE)))
            constraints.append(
                Point("lifecycle", "Lifecycle", judged.outcome, judged.reason, "fact-lifecycle")
            )
        if python:
            judged = assess_python(python, facts.get((framework.id, ClaimKind.PYTHON)))
            constraints.append(
                Point("python", f"Python {python}", judged.outcome, judged.reason, "fact-python")
            )
        results.append(Result(framework, points, constraints))

    ranked = sorted((r for r in results if not r.misses), key=lambda r: r.sort_key)
    for rank, result in enumerate(ranked, start=1):
        result.rank = rank
    ruled_out = sorted(
        (r for r in results if r.misses),
        key=lambda r: (len(r.misses), r.framework.name.lower(), r.framework.slug),
    )
    # Exports carry every framework's sources; the page, those of the results shown in full.
    _attach_evidence(results if in_full is None else ranked[:in_full], feature_ids, cells)
    return Choice(form, needs, ranked, ruled_out, len(ranked) if in_full is None else in_full)


def _how_sides(cells: dict[tuple[int, int], dict]) -> dict[tuple[int, int], frozenset[str]]:
    """For cells where sources agree it is supported but not on how: the ways they name."""
    split = {key for key, verdict in cells.items() if Cell.of(verdict).how_disputed}
    if not split:
        return {}
    superseded = {claim_id for key in split for claim_id in cells[key]["superseded"]}
    found: dict[tuple[int, int], set[str]] = defaultdict(set)
    claims = Claim.objects.filter(
        kind=ClaimKind.FEATURE,
        framework_id__in={framework for framework, _ in split},
        feature_id__in={feature for _, feature in split},
        status__in=[VerdictStatus.YES, VerdictStatus.PARTIAL],
    ).exclude(how="")
    for claim_id, framework, feature, how in claims.values_list(
        "id", "framework_id", "feature_id", "how"
    ):
        if claim_id not in superseded and (framework, feature) in split:
            found[(framework, feature)].add(how)
    return {key: frozenset(hows) for key, hows in found.items()}


def _attach_evidence(results: list[Result], feature_ids: list[int], cells: dict) -> None:
    """The claims behind each point, and the advice, for the results shown in full."""
    if not results:
        return
    ids = [result.framework.id for result in results]
    claims = defaultdict(list)
    for claim in (
        Claim.objects.filter(
            kind=ClaimKind.FEATURE, framework_id__in=ids, feature_id__in=feature_ids
        )
        .select_related("source", "via")
        .order_by("source__date", "source__slug", "id")
    ):
        verdict = cells.get((claim.framework_id, claim.feature_id))
        claim.superseded = bool(verdict) and claim.id in verdict["superseded"]
        claims[(claim.framework_id, claim.feature_id)].append(claim)
    advice = defaultdict(list)
    for claim in (
        Claim.objects.filter(
            kind=ClaimKind.ADVICE, framework_id__in=ids, advice_kind__in=ADVICE_KINDS
        )
        .select_related("source", "via")
        .order_by("advice_kind", "source__date", "id")
    ):
        advice[claim.framework_id].append(claim)
    for result in results:
        for point in [*result.points, *result.constraints]:
            if point.need is not None:
                point.claims = claims[(result.framework.id, point.need.feature.id)]
        result.advice = advice[result.framework.id]
