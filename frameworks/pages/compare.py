"""Side by side: two to six frameworks, their facts and the features any source covers for them.

Each framework's side (``Column``) is made once per data version, in three queries
whatever the size of the data (its verdicts, its claims, their sources), and kept with
the facts held in memory (``facts``), which also give the frameworks and features. Only
features at least one of them has a value for are rows (the others are counted), so
the page grows with what is known about these frameworks, not with the data.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString

from frameworks.models import (
    Category,
    Claim,
    ClaimKind,
    Feature,
    FeatureGroup,
    Metric,
    Verdict,
    VerdictStatus,
)
from frameworks.models.statements import Statement
from frameworks.pages.cells import UNKNOWN, Cell, by_feature_group, claims_html, link
from frameworks.pages.detail import (
    DISPUTED_STATUS,
    FACT_KINDS,
    VERDICTS_OF,
    mark_superseded,
    oldest_first,
    with_shared_sources,
)
from frameworks.pages.facts import FactIndex, FrameworkFacts, current_index

MIN_FRAMEWORKS, MAX_FRAMEWORKS = 2, 6


class FrameworkSlugsField(forms.MultipleChoiceField):
    """Slugs of published frameworks, each checked against a set of them.

    A choice field walks its list of choices for every value, and assigning the
    list normalises each choice: at ten times the data, 320 frameworks, that was a
    tenth of a compare page. The page's picker (``Picker``) makes its own checkboxes.
    """

    slugs: frozenset[str] = frozenset()

    def valid_value(self, value) -> bool:
        return value in self.slugs


class CompareForm(forms.Form):
    f = FrameworkSlugsField(
        label="Frameworks",
        error_messages={
            "required": f"Pick {MIN_FRAMEWORKS} to {MAX_FRAMEWORKS} frameworks to compare.",
            "invalid_choice": "There is no published framework called “%(value)s”.",
        },
    )
    diff = forms.BooleanField(required=False, label="Only differences")
    # On phones two columns show at a time: the first framework and this one. A
    # preference, not a request: an unknown value falls back to the second.
    with_ = forms.CharField(required=False)

    def __init__(self, data, *, frameworks: list[FrameworkFacts]):
        if data is not None:
            data = data.copy()
            data.setlist("f", [slug for slug in data.getlist("f") if slug])  # ?f=&f=flask
            if "with" in data:
                data["with_"] = data["with"]
        super().__init__(data)
        self.fields["f"].slugs = frozenset([framework.slug for framework in frameworks])

    @property
    def nothing_chosen(self) -> bool:
        """A first visit: show the picker, not an error."""
        return not any(self.data.getlist("f"))

    def clean_f(self) -> list[str]:
        slugs = list(dict.fromkeys(self.cleaned_data["f"]))  # keep order, drop repeats
        if not MIN_FRAMEWORKS <= len(slugs) <= MAX_FRAMEWORKS:
            raise forms.ValidationError(
                f"Compare {MIN_FRAMEWORKS} to {MAX_FRAMEWORKS} frameworks; you picked {len(slugs)}."
            )
        return slugs

    def clean(self):
        cleaned = super().clean()
        slugs = cleaned.get("f") or []
        if slugs and cleaned.get("with_") not in slugs[1:]:
            cleaned["with_"] = slugs[1]
        return cleaned


def differs(values: list[str | None]) -> bool:
    """A real difference: two values known, and not equal (unknown is not a value)."""
    return len({value for value in values if value is not None}) > 1


def partly_known(values: list[str | None]) -> bool:
    """Known for some of them only, the known ones agreeing: not a difference, not sameness."""
    return (
        not differs(values)
        and any(v is None for v in values)
        and any(v is not None for v in values)
    )


@dataclass
class CompareCell:
    """One framework's value for one feature and the claims behind it; its markup is
    made once, as its column is kept for other comparisons (``Column``)."""

    cell: Cell
    claims: list[Claim]

    @cached_property
    def value(self) -> str | None:
        """The value compared with the others' (status and how), None where unknown."""
        return f"{self.cell.status}:{self.cell.how}" if self.cell.known else None

    @cached_property
    def html(self) -> str:
        return f"<td>{self.cell.status_html}{_sources_html(self.claims)}</td>"


def _sources_html(claims: list[Claim]) -> str:
    """A cell's claims, folded under their number; nothing when there are none."""
    if not claims:
        return ""
    count = len(claims)
    return (
        f"<details><summary>{count} source{pluralize(count)}</summary>"
        f"{claims_html(claims)}</details>"
    )


NO_CELL = CompareCell(UNKNOWN, [])  # no source speaks about it for this framework


@dataclass
class CompareRow:
    feature: Feature
    cells: list[CompareCell]

    @cached_property
    def values(self) -> list[str | None]:
        """Each framework's value, None where unknown (read three times per row)."""
        return [cell.value for cell in self.cells]

    @property
    def differs(self) -> bool:
        return differs(self.values)

    @property
    def known_for_some_only(self) -> bool:
        return partly_known(self.values)

    @property
    def html(self) -> SafeString:
        """The row's markup, made here: six columns of claim lists for every feature were
        most of the cost of the page when a template rendered them."""
        values = self.values
        if differs(values):
            css, hint = "differs", ' <span class="vh">(differs)</span>'
        elif partly_known(values):
            css, hint = "partly-known", ' <span class="vh">(known for some only)</span>'
        else:
            css, hint = "", ""
        feature = self.feature
        cells = "".join([cell.html for cell in self.cells])
        return SafeString(  # every value escaped (see pages/cells.py on SafeString)
            f'<tr class="{css}"><th scope="row">'
            f"{link(feature.get_absolute_url(), feature.name)}{hint}</th>{cells}</tr>"
        )


@dataclass
class FactCell:
    verdict: Verdict | None
    claims: list[Claim]

    @cached_property
    def text(self) -> str:
        """The published value in words; every counted value when disputed."""
        if not self.claims or self.verdict is None:
            return ""
        if self.verdict.disputed:
            values = dict.fromkeys(
                claim.value_display for claim in self.claims if not claim.superseded
            )
            return " or ".join(values)
        return self.verdict.value_display

    @property
    def value(self) -> str | None:
        return (self.text or None) if self.claims else None

    @cached_property
    def html(self) -> str:
        if not self.claims:
            return '<td><span class="u">Unknown</span></td>'
        disputed = (
            f"{DISPUTED_STATUS} " if self.verdict is not None and self.verdict.disputed else ""
        )
        return f"<td>{disputed}{html.escape(self.text)}{_sources_html(self.claims)}</td>"


@dataclass
class FactRow:
    label: str
    cells: list[FactCell]

    @property
    def differs(self) -> bool:
        return differs([cell.value for cell in self.cells])

    @property
    def html(self) -> SafeString:
        """The row's markup, made here as the feature rows' is."""
        css, hint = ("", "")
        if self.differs:
            css, hint = ' class="differs"', ' <span class="vh">(differs)</span>'
        cells = "".join([cell.html for cell in self.cells])
        return SafeString(  # every value escaped
            f'<tr{css}><th scope="row">{html.escape(self.label)}{hint}</th>{cells}</tr>'
        )


@dataclass
class Comparison:
    frameworks: list[FrameworkFacts]
    focus: str
    only_differences: bool
    memberships: list[list[tuple[Category, bool]]]
    facts: list[FactRow]
    groups: list[tuple[FeatureGroup, list[CompareRow]]]
    difference_count: int
    partly_known_count: int
    unknown_count: int  # features no source covers for any of them

    @property
    def slugs(self) -> list[str]:
        return [framework.slug for framework in self.frameworks]

    @property
    def focus_position(self) -> int:
        """1-based position of the framework shown beside the first on phones."""
        return self.slugs.index(self.focus) + 1


@dataclass
class Picker:
    """The frameworks the compare page offers to tick: the chosen ones, then the first
    others by name, up to a limit; the table (search, filters, paging) reaches the rest."""

    frameworks: list[FrameworkFacts]
    more: int
    chosen: frozenset[str] = frozenset()  # the slugs ticked

    LIMIT = 100

    @classmethod
    def of(cls, frameworks: list[FrameworkFacts], chosen) -> Picker:
        chosen = frozenset(chosen or ())
        picked = [framework for framework in frameworks if framework.slug in chosen]
        others = [framework for framework in frameworks if framework.slug not in chosen]
        shown = picked + others[: max(0, cls.LIMIT - len(picked))]
        shown.sort(key=lambda framework: framework.name.lower())
        return cls(shown, len(frameworks) - len(shown), chosen)

    @property
    def options_html(self) -> SafeString:
        """A checkbox for each framework shown, made here: a hundred of them."""
        return SafeString(  # every value escaped
            "".join(
                [
                    f'\n        <label class="option"><input type="checkbox" name="f" '
                    f'value="{html.escape(framework.slug)}" id="c-{html.escape(framework.slug)}"'
                    f"{' checked' if framework.slug in self.chosen else ''}> "
                    f"{html.escape(framework.name)}</label>\n      "
                    for framework in self.frameworks
                ]
            )
        )


# Compiled once per process and number of frameworks (models/statements.py).
COMPARED_CLAIMS = Statement(
    lambda framework_ids: (
        Claim.objects.filter(framework_id__in=framework_ids)
        .exclude(kind__in=[ClaimKind.ADVICE, ClaimKind.CATEGORY, ClaimKind.BUILT_ON])
        .without_draft_subjects()
        .order_by()  # oldest_first, once their sources are loaded
    ),
)


def published_frameworks() -> list[FrameworkFacts]:
    """Every published framework, by name: held in memory for this data version."""
    return current_index().frameworks


# The rows of facts: each kind of fact, then each figure (a figure no source gives for
# any of the frameworks compared is left out).
FACT_ROWS = [(ClaimKind(kind).label, kind, kind) for kind in FACT_KINDS] + [
    (Metric(metric).label, ClaimKind.FIGURE, metric) for metric in Metric.values
]


@dataclass
class Column:
    """One framework's side of every comparison it is in: its categories, its facts, and
    its value for each feature a source covers, with the claims behind them.

    Made from the database once per data version and kept with the facts
    (``FactIndex.kept``): there are thousands of pairs and trios of frameworks but
    only one column per framework, so a comparison never asked for before costs no
    query and no markup for the frameworks already shown in another one.
    """

    memberships: list[tuple[Category, bool]]  # categories it is in, and whether disputed
    facts: dict[tuple[str, str], FactCell]  # (kind, subject) -> cell, for FACT_ROWS
    cells: dict[int, CompareCell]  # feature id -> cell, for each feature with a verdict or claim
    covered: frozenset[int]  # the features with a verdict

    @classmethod
    def load_many(cls, index: FactIndex, ids: list[int]) -> dict[int, Column]:
        """The columns of these frameworks, in three queries whatever their number;
        ``index``: the facts of this data version (taxonomy and frameworks)."""
        verdicts = VERDICTS_OF.run(ids)
        claims = oldest_first(with_shared_sources(COMPARED_CLAIMS.run(ids)))
        index.with_references(verdicts, "category", "successor")
        index.with_references(claims, "successor")
        mark_superseded(claims, verdicts)

        verdict_of: dict[tuple, Verdict] = {}
        memberships: dict[int, list[tuple[Category, bool]]] = defaultdict(list)
        for verdict in verdicts:
            if verdict.kind == ClaimKind.CATEGORY and verdict.status == VerdictStatus.YES:
                memberships[verdict.framework_id].append((verdict.category, verdict.disputed))
            subject = verdict.feature_id or verdict.category_id or verdict.metric or verdict.kind
            verdict_of[(verdict.framework_id, verdict.kind, subject)] = verdict
        claims_of: dict[tuple, list[Claim]] = defaultdict(list)
        for claim in claims:
            subject = claim.feature_id or claim.category_id or claim.metric or claim.kind
            claims_of[(claim.framework_id, claim.kind, subject)].append(claim)

        covered: dict[int, set[int]] = defaultdict(set)  # rows: features with a verdict
        cited: dict[int, set[int]] = defaultdict(set)  # cells: those with a claim, too
        for verdict in verdicts:
            if verdict.kind == ClaimKind.FEATURE:
                covered[verdict.framework_id].add(verdict.feature_id)
        for framework_id, kind, subject in claims_of:
            if kind == ClaimKind.FEATURE:
                cited[framework_id].add(subject)
        return {
            i: cls(
                memberships=sorted(memberships[i], key=lambda item: item[0].position),
                facts={
                    (kind, subject): FactCell(
                        verdict_of.get((i, kind, subject)), claims_of[(i, kind, subject)]
                    )
                    for _, kind, subject in FACT_ROWS
                },
                cells={
                    feature_id: CompareCell(
                        Cell.of(verdict_of.get((i, ClaimKind.FEATURE, feature_id))),
                        claims_of[(i, ClaimKind.FEATURE, feature_id)],
                    )
                    for feature_id in covered[i] | cited[i]
                },
                covered=frozenset(covered[i]),
            )
            for i in ids
        }


def build_comparison(form: CompareForm, frameworks: list[FrameworkFacts]) -> Comparison:
    """``form`` must be valid; ``frameworks`` are the published ones it chose from."""
    by_slug = {framework.slug: framework for framework in frameworks}
    chosen = [by_slug[slug] for slug in form.cleaned_data["f"]]
    index = current_index()
    columns = index.kept.get_many(
        [("compare column", framework.id) for framework in chosen],
        lambda keys: {
            ("compare column", i): column
            for i, column in Column.load_many(index, [i for _, i in keys]).items()
        },
    )
    features = index.features_in_order(set().union(*[column.covered for column in columns]))

    only_differences = bool(form.cleaned_data.get("diff"))
    facts = []
    for label, kind, subject in FACT_ROWS:
        row = FactRow(label, [column.facts[(kind, subject)] for column in columns])
        if kind != ClaimKind.FIGURE or any(cell.claims for cell in row.cells):
            facts.append(row)
    rows = [
        CompareRow(feature, [column.cells.get(feature.id, NO_CELL) for column in columns])
        for feature in features
    ]
    return Comparison(
        frameworks=chosen,
        focus=form.cleaned_data["with_"],
        only_differences=only_differences,
        memberships=[column.memberships for column in columns],
        facts=[row for row in facts if row.differs] if only_differences else facts,
        groups=by_feature_group(
            features,
            lambda feature, rows={row.feature.id: row for row in rows}: (
                None if only_differences and not rows[feature.id].differs else rows[feature.id]
            ),
        ),
        difference_count=sum(1 for row in rows if row.differs),
        partly_known_count=sum(1 for row in rows if row.known_for_some_only),
        unknown_count=index.feature_total - len(features),
    )
