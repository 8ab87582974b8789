"""The rule: whether each framework meets each need, its explanation, and the ranking.

Written out, with a worked example, in docs/data.md ("How /choose/ ranks frameworks").
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.db import router
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString

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
from frameworks.models.statements import Statement
from frameworks.pages.cells import UNKNOWN, Cell, claims_html, link
from frameworks.pages.choose.needs import COUNTS_WORDING, ChooseForm, Need
from frameworks.pages.detail import oldest_first, with_shared_sources
from frameworks.pages.facts import current_index, model_from

# The page is bounded whatever the number of frameworks; the exports hold every one.
RESULTS_IN_FULL = 10  # ranked frameworks shown with every reason; the rest in a short list
RESULTS_LISTED = 50  # ranked frameworks the page names, those in full included
RULED_OUT_LISTED = 50  # frameworks ruled out that the page names
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
        said_no = verdict is not None and verdict["status"] == VerdictStatus.NO
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


def _earned(need: Need | None, outcome: str) -> int:
    return need.points if need and outcome == Outcome.MET else 0


def _built_in(outcome: str, how: str) -> bool:
    return outcome == Outcome.MET and how == How.BUILT_IN


def _rules_out(kind: str, outcome: str) -> bool:
    """A must-have or a constraint not met; a Python version no source states does not."""
    if kind == "nice" or outcome == Outcome.MET:
        return False
    return not (kind == "python" and outcome == Outcome.CHECK)


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
        return _earned(self.need, self.outcome)

    @property
    def built_in(self) -> bool:
        return self.cell is not None and _built_in(self.outcome, self.cell.how)

    @property
    def rules_out(self) -> bool:
        return _rules_out(self.kind, self.outcome)

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

    @property
    def outcome_html(self) -> str:
        return (
            f'<span class="outcome o-{html.escape(self.outcome)}"><span aria-hidden="true">'
            f"{self.symbol}</span> {html.escape(self.outcome_label)}</span>"
        )

    def html(self, framework_url: str) -> str:
        """The point's markup, made here rather than by a template: a ranking shows dozens
        of points, and the template's partial was most of the cost of the page."""
        hint = (
            f' <span class="hint">({html.escape(self.need.wording)})</span>'
            if self.need and self.kind != "interface"
            else ""
        )
        earned = f' <span class="earned">+{self.earned}</span>' if self.earned else ""
        reason = f'<span class="reason">{html.escape(self.reason)}</span>' if self.reason else ""
        if self.claims:
            count = len(self.claims)
            evidence = (
                f'<details class="evidence"><summary>Who says so: {count} source'
                f"{pluralize(count)}</summary>{claims_html(self.sources)}</details>"
            )
        else:
            evidence = (
                f'<a class="evidence" href="{html.escape(framework_url)}#'
                f'{html.escape(self.anchor)}">Who says so</a>'
            )
        return (
            f'\n<li class="point o-{html.escape(self.outcome)}">\n'
            f"  {self.outcome_html}\n"
            f'  <strong class="point-label">{html.escape(self.label)}</strong>{hint}{earned}:\n'
            f"  {self.cell.status_html if self.cell else ''}\n"
            f"  {reason}\n"
            f"  {evidence}\n"
            "</li>\n"
        )


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
    def points_html(self) -> SafeString:
        return self._html_of(self.points)

    @property
    def constraints_html(self) -> SafeString:
        return self._html_of(self.constraints)

    def _html_of(self, points: list[Point]) -> SafeString:
        url = self.framework.get_absolute_url()
        return SafeString("".join([point.html(url) for point in points]))  # every value escaped

    @property
    def ruled_out_html(self) -> SafeString:
        """Why it is ruled out, in one line: the first point it misses, and the others named."""
        framework, (first, *others) = self.framework, self.misses
        url = html.escape(framework.get_absolute_url())
        cell = f" {first.cell.status_html}" if first.cell else ""
        reason = f' <span class="reason">{html.escape(first.reason)}</span>' if first.reason else ""
        also = (
            f' <span class="also">Also misses: {html.escape(", ".join(p.label for p in others))}.'
            "</span>"
            if others
            else ""
        )
        return SafeString(  # every value escaped
            f'<li id="out-{html.escape(framework.slug)}"><a href="{url}">'
            f"{html.escape(framework.name)}</a>: "
            f'<strong class="point-label">{html.escape(first.label)}</strong> '
            f"{first.outcome_html}{cell}{reason} "
            f'<a href="{url}#{html.escape(first.anchor)}">Who says so</a>{also}</li>'
        )

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


@dataclass(eq=False)
class Standing:
    """Where a framework stands, worked out for every framework before any is explained: the
    page explains the few it shows (a Result each), the exports every one."""

    framework: tuple[int, str, str]  # id, slug, name
    score: int
    built_in: int
    misses: int
    rank: int = 0
    result: Result | None = None

    @property
    def sort_key(self) -> tuple:
        """As ``Result.sort_key`` (ranked) and the ruled-out order."""
        _, slug, name = self.framework
        if self.misses:
            return (self.misses, name.lower(), slug)
        return (-self.score, -self.built_in, name.lower(), slug)


@dataclass
class Choice:
    form: ChooseForm
    needs: list[Need]
    standings: list[Standing]  # ranked, in order, then ruled out, in order
    ranked_count: int
    in_full: int  # how many ranked results carry their sources and advice
    explain: Callable[[Standing], Result] = field(repr=False)

    def _results(self, standings: list[Standing]) -> list[Result]:
        for standing in standings:
            if standing.result is None:
                standing.result = self.explain(standing)
        return [standing.result for standing in standings]

    @cached_property
    def ranked(self) -> list[Result]:
        """Every ranked framework, explained (the exports; the page shows some)."""
        return self._results(self.standings[: self.ranked_count])

    @cached_property
    def ruled_out(self) -> list[Result]:
        return self._results(self.standings[self.ranked_count :])

    @property
    def ruled_out_count(self) -> int:
        return len(self.standings) - self.ranked_count

    @property
    def shown_in_full(self) -> list[Result]:
        return self._results(self.standings[: min(self.in_full, self.ranked_count)])

    @property
    def shown_briefly(self) -> list[Result]:
        listed = min(max(self.in_full, RESULTS_LISTED), self.ranked_count)
        return self._results(self.standings[self.in_full : listed])

    @property
    def more_ranked(self) -> int:
        """Ranked frameworks the page does not name."""
        return max(0, self.ranked_count - max(self.in_full, RESULTS_LISTED))

    @property
    def shown_in_full_html(self) -> SafeString:
        """Each result shown in full: rank, score, summary, points and advice.

        Made here: a template spent more on looking up each result's dozen values than
        on the rest of the ranking.
        """
        musts, nices = len(self.musts), len(self.nices)
        return SafeString(  # every value escaped
            "".join([self._result_html(result, musts, nices) for result in self.shown_in_full])
        )

    @staticmethod
    def _result_html(result: Result, musts: int, nices: int) -> str:
        framework = result.framework
        name = html.escape(framework.name)
        summary = f"Meets all {musts} must-have{pluralize(musts)}" if musts else "No must-haves"
        if nices:
            summary += f"; {result.nice_met} of {nices} nice-to-have{pluralize(nices)}"
        built_in, to_check, score = result.built_in, result.to_check, result.score
        summary += f"; {built_in} need{pluralize(built_in)} built in"
        if to_check:
            summary += f"; <strong>{to_check} to check before you choose</strong>"
        advice = ""
        if result.advice:
            items = "".join(
                [
                    f"<li><strong>{html.escape(claim.get_advice_kind_display())}</strong> "
                    f"{html.escape(claim.text)} "
                    f"<cite>{link(claim.source.get_absolute_url(), claim.source.title)}</cite></li>"
                    for claim in result.advice
                ]
            )
            advice = (
                f'\n        <aside class="advice" aria-label="What the sources advise about'
                f' {name}">\n          <h4>What the sources advise</h4>\n          <ul>\n'
                f"            {items}\n          </ul>\n        </aside>\n        "
            )
        return (
            f'\n    <li class="result" id="rank-{html.escape(framework.slug)}">\n'
            f'      <h3><span class="rank">{result.rank}.</span> '
            f"{link(framework.get_absolute_url(), framework.name)} <span"
            f' class="score">{score} point{pluralize(score)}</span></h3>\n'
            f'      <p class="result-summary">{summary}.</p>\n'
            '      <div class="result-body">\n'
            f'        <ul class="points" aria-label="Why {name}">\n'
            f"          {result.points_html}\n          {result.constraints_html}\n"
            f"        </ul>\n        {advice}\n      </div>\n    </li>\n    "
        )

    @property
    def ruled_out_shown(self) -> list[Result]:
        start = self.ranked_count
        return self._results(self.standings[start : start + RULED_OUT_LISTED])

    @property
    def more_ruled_out(self) -> int:
        return max(0, self.ruled_out_count - RULED_OUT_LISTED)

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
        return (
            self._results(self.standings[: min(TOP, self.ranked_count)])
            if self.ranked_count >= 2
            else []
        )


FRAMEWORK_FIELDS = ("id", "slug", "name")
VERDICT_FIELDS = (
    "framework_id", "kind", "feature_id", "status", "how", "detail", "note", "since",
    "disputed", "resolved", "superseded", "lifecycle", "year", "python_min", "python_max",
)  # fmt: skip


def _wanted_verdicts(lifecycle: bool, python: bool) -> Statement:
    """The published values a ranking reads: those of the chosen features and category
    and, when a constraint asks, every framework's lifecycle or Python versions."""

    def build(feature_ids: list[int], category_ids: list[int]):
        wanted = Q(kind=ClaimKind.FEATURE, feature_id__in=feature_ids) | Q(
            kind=ClaimKind.CATEGORY, category_id__in=category_ids
        )
        if lifecycle:
            wanted |= Q(kind=ClaimKind.LIFECYCLE)
        if python:
            wanted |= Q(kind=ClaimKind.PYTHON)
        return Verdict.objects.filter(
            wanted, framework__status=PublicationStatus.PUBLISHED
        ).values_list(*VERDICT_FIELDS)

    return Statement(build)


# One per combination of constraints, each compiled once per process and number of
# features (models/statements.py); an empty list leaves its kind out of the query.
WANTED_VERDICTS = {
    (lifecycle, python): _wanted_verdicts(lifecycle, python)
    for lifecycle in (False, True)
    for python in (False, True)
}


def build_choice(form: ChooseForm, *, in_full: int | None = RESULTS_IN_FULL) -> Choice:
    """Rank the published frameworks for a valid form; ``in_full=None``: every result in full."""
    needs = form.needs
    category, lifecycle, python = (
        form.chosen_category,
        form.chosen_lifecycle,
        form.chosen_python,
    )
    # By name, as the facts held in memory for this data version list them.
    frameworks = [(f.id, f.slug, f.name) for f in current_index().frameworks]
    feature_ids = [need.feature.id for need in needs]

    cells: dict[tuple[int, int], dict] = {}
    facts: dict[str, dict[int, dict]] = defaultdict(dict)
    wanted = WANTED_VERDICTS[(lifecycle != "any", bool(python))]
    for row in wanted.rows(feature_ids, [category.id] if category else []):
        verdict = dict(zip(VERDICT_FIELDS, row, strict=True))
        if verdict["kind"] == ClaimKind.FEATURE:
            cells[(verdict["framework_id"], verdict["feature_id"])] = verdict
        else:
            facts[verdict["kind"]][verdict["framework_id"]] = verdict

    # In the order the explanation lists them: category, (the interface,) lifecycle, Python.
    constraints = []
    if category:
        constraints.append(
            Constraint(
                "category",
                category.name,
                "categories",
                partial(assess_category, category),
                facts[ClaimKind.CATEGORY],
            )
        )
    if lifecycle != "any":
        constraints.append(
            Constraint(
                "lifecycle",
                "Lifecycle",
                "fact-lifecycle",
                partial(assess_lifecycle, lifecycle),
                facts[ClaimKind.LIFECYCLE],
            )
        )
    if python:
        constraints.append(
            Constraint(
                "python",
                f"Python {python}",
                "fact-python",
                partial(assess_python, python),
                facts[ClaimKind.PYTHON],
            )
        )
    judge = Judge(
        needs, cells, _how_sides(cells), constraints, router.db_for_read(Framework) or "default"
    )

    standings = judge.standings(frameworks)
    ranked = sorted((s for s in standings if not s.misses), key=lambda s: s.sort_key)
    for rank, standing in enumerate(ranked, start=1):
        standing.rank = rank
    ruled_out = sorted((s for s in standings if s.misses), key=lambda s: s.sort_key)
    choice = Choice(
        form,
        needs,
        ranked + ruled_out,
        len(ranked),
        len(ranked) if in_full is None else in_full,
        judge.explain,
    )
    # Exports carry every framework's sources; the page, those of the results shown in full.
    shown = [*choice.ranked, *choice.ruled_out] if in_full is None else choice.shown_in_full
    _attach_evidence(shown, feature_ids, cells)
    return choice


@dataclass(frozen=True)
class Constraint:
    kind: str  # category, lifecycle, python
    label: str
    anchor: str
    assess: Callable[[dict | None], Assessment]  # a framework's fact (None: none) -> outcome
    facts: dict[int, dict]  # by framework


@dataclass
class Judge:
    """The rule, applied to the published values fetched for one visitor's needs.

    ``standings`` places every framework; ``explain`` writes out, point by point, the few
    a page shows (or all, for the exports). Both judge each value with ``assess`` and count
    it with ``_earned``, ``_built_in`` and ``_rules_out``, so they always agree.
    """

    needs: list[Need]
    cells: dict[tuple[int, int], dict]  # (framework, feature): its published value
    sides: dict[tuple[int, int], frozenset[str]]
    constraints: list[Constraint]
    db: str

    def judge(self, need: Need, framework_id: int | None) -> tuple[Assessment, Cell]:
        key = (framework_id, need.feature.id)
        verdict = self.cells.get(key)
        cell = Cell.of(verdict) if verdict else UNKNOWN
        return assess(need, cell, self.sides.get(key, frozenset())), cell

    @staticmethod
    def kind(need: Need) -> str:
        return "interface" if need.interface else need.role

    def explain(self, standing: Standing) -> Result:
        framework_id = standing.framework[0]
        values = dict(zip(FRAMEWORK_FIELDS, standing.framework, strict=True))
        points, constraints = [], []
        for need in self.needs:
            judged, cell = self.judge(need, framework_id)
            point = Point(
                self.kind(need),
                need.feature.name,
                judged.outcome,
                judged.reason,
                f"f-{need.feature.slug}",
                need=need,
                cell=cell,
            )
            (constraints if need.interface else points).append(point)
        for constraint in self.constraints:
            judged = constraint.assess(constraint.facts.get(framework_id))
            point = Point(
                constraint.kind, constraint.label, judged.outcome, judged.reason, constraint.anchor
            )
            constraints.insert(0 if constraint.kind == "category" else len(constraints), point)
        return Result(
            model_from(Framework, self.db, values), points, constraints, rank=standing.rank
        )

    def standings(self, frameworks: list[tuple[int, str, str]]) -> list[Standing]:
        """Every framework's points, needs met built in and misses.

        A framework with no published value for a need (or no fact for a constraint) fares
        as unknown does, the same for every one: that is counted once for all, then
        corrected for the values there are. Most frameworks have none for most features.
        """
        base = [0, 0, 0]  # points, needs met built in, misses

        def tally(need: Need | None, kind: str, judged: Assessment, how: str) -> tuple:
            """As a Result counts: points and built in over the needs, the interface aside
            (a constraint), and misses over needs and constraints."""
            outcome = judged.outcome
            built_in = kind in ("must", "nice") and _built_in(outcome, how)
            return _earned(need, outcome), built_in, _rules_out(kind, outcome)

        def add(standing: Standing | None, known: tuple, unknown: tuple) -> None:
            if standing is not None:  # a value for a framework not listed: none, but be safe
                standing.score += known[0] - unknown[0]
                standing.built_in += known[1] - unknown[1]
                standing.misses += known[2] - unknown[2]

        by_feature: dict[int, list[tuple[Need, tuple]]] = defaultdict(list)
        for need in self.needs:
            unknown, cell = self.judge(need, None)  # no framework: unknown
            counted = tally(need, self.kind(need), unknown, cell.how)
            base = [a + b for a, b in zip(base, counted, strict=True)]
            by_feature[need.feature.id].append((need, counted))
        unknown_facts = []
        for constraint in self.constraints:
            counted = tally(None, constraint.kind, constraint.assess(None), "")
            base = [a + b for a, b in zip(base, counted, strict=True)]
            unknown_facts.append(counted)
        standings = {row[0]: Standing(row, *base) for row in frameworks}

        for framework_id, feature_id in self.cells:
            for need, unknown in by_feature[feature_id]:
                judged, cell = self.judge(need, framework_id)
                known = tally(need, self.kind(need), judged, cell.how)
                add(standings.get(framework_id), known, unknown)
        for constraint, unknown in zip(self.constraints, unknown_facts, strict=True):
            for framework_id, fact in constraint.facts.items():
                known = tally(None, constraint.kind, constraint.assess(fact), "")
                add(standings.get(framework_id), known, unknown)
        return list(standings.values())


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


# The claims behind the points of the results shown, and their advice: one query for
# both, as compare reads them (oldest first, drafts' claims left out), compiled once per
# process and shape (models/statements.py).
EVIDENCE = Statement(
    lambda framework_ids, feature_ids: (
        Claim.objects.filter(framework_id__in=framework_ids)
        .filter(
            Q(kind=ClaimKind.FEATURE, feature_id__in=feature_ids)
            | Q(kind=ClaimKind.ADVICE, advice_kind__in=ADVICE_KINDS)
        )
        .without_draft_subjects()
        .order_by()  # oldest_first, once their sources are loaded
    ),
)


def _attach_evidence(results: list[Result], feature_ids: list[int], cells: dict) -> None:
    """The claims behind each point, and the advice, for the results shown in full."""
    if not results:
        return
    ids = [result.framework.id for result in results]
    claims = defaultdict(list)
    advice = defaultdict(list)
    evidence = with_shared_sources(EVIDENCE.run(ids, feature_ids))
    for claim in oldest_first(evidence, then_by_source=True):
        if claim.kind == ClaimKind.ADVICE:
            advice[claim.framework_id].append(claim)
            continue
        verdict = cells.get((claim.framework_id, claim.feature_id))
        claim.superseded = bool(verdict) and claim.id in verdict["superseded"]
        claims[(claim.framework_id, claim.feature_id)].append(claim)
    for result in results:
        for point in [*result.points, *result.constraints]:
            if point.need is not None:
                point.claims = claims[(result.framework.id, point.need.feature.id)]
        # Grouped by kind ("consider it if" first), oldest first within each.
        result.advice = sorted(advice[result.framework.id], key=lambda claim: claim.advice_kind)
