"""What each detail page shows, gathered in a fixed number of queries.

Views stay thin: they pick the object, call one of these, render the result.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower

from frameworks.models import (
    AdviceKind,
    Category,
    Claim,
    ClaimKind,
    Feature,
    FeatureGroup,
    Framework,
    Metric,
    PublicationStatus,
    Source,
    Verdict,
    VerdictStatus,
)
from frameworks.table import UNKNOWN, Cell

# The order in which a feature page lists frameworks: supported first.
STATUS_ORDER = [
    VerdictStatus.YES,
    VerdictStatus.PARTIAL,
    VerdictStatus.DISPUTED,
    VerdictStatus.NO,
    VerdictStatus.UNKNOWN,
]

CLAIM_RELATIONS = (
    "source", "via", "feature", "category", "based_on", "framework", "successor"
)  # fmt: skip


@dataclass
class FeatureRow:
    feature: Feature
    cell: Cell
    claims: list[Claim]


@dataclass
class Figure:
    metric: str
    verdict: Verdict | None
    claims: list[Claim]

    @property
    def label(self) -> str:
        return Metric(self.metric).label


@dataclass
class Fact:
    """A fact about the framework as a whole: its published value and the claims behind it."""

    kind: str
    verdict: Verdict | None
    claims: list[Claim]

    @property
    def label(self) -> str:
        return ClaimKind(self.kind).label


# The facts a framework page lists, in order.
FACT_KINDS = (
    ClaimKind.FIRST_RELEASE,
    ClaimKind.LATEST_RELEASE,
    ClaimKind.LIFECYCLE,
    ClaimKind.LICENCE,
    ClaimKind.PYTHON,
)


@dataclass
class FrameworkPage:
    framework: Framework
    memberships: list[tuple[Verdict, list[Claim]]]
    facts: list[Fact]
    figures: list[Figure]
    advice: dict[str, list[Claim]]
    feature_groups: list[tuple[FeatureGroup, list[FeatureRow]]]
    built_on: list[tuple[Framework, list[Claim]]]
    built_upon: list[tuple[Framework, list[Claim]]]
    lifecycle: Verdict | None
    sources: list[Source]
    alternatives: list[Framework]
    counts: dict[str, int] = field(default_factory=dict)


def framework_page(framework: Framework) -> FrameworkPage:
    claims = list(
        Claim.objects.filter(framework=framework)  # staff may preview a draft framework
        .without_draft_subjects()
        .select_related(*CLAIM_RELATIONS)
        .order_by("source__date", "source__slug", "id")
    )
    verdicts = list(
        Verdict.objects.filter(framework=framework).select_related(
            "feature", "category", "successor"
        )
    )
    mark_superseded(claims, verdicts)
    features = list(Feature.objects.published().in_display_order())
    upon_claims = list(
        Claim.objects.published()
        .filter(kind=ClaimKind.BUILT_ON, based_on=framework)
        .select_related(*CLAIM_RELATIONS)
    )

    by_kind: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_kind[claim.kind].append(claim)
    verdict_by_key = {_subject(v): v for v in verdicts}

    category_claims = _group(by_kind[ClaimKind.CATEGORY], lambda c: c.category_id)
    memberships = sorted(
        (
            (verdict, category_claims[verdict.category_id])
            for verdict in verdicts
            if verdict.kind == ClaimKind.CATEGORY and verdict.status == VerdictStatus.YES
        ),
        key=lambda item: item[0].category.position,
    )

    figure_claims = _group(by_kind[ClaimKind.FIGURE], lambda c: c.metric)
    figures = [
        Figure(
            metric,
            verdict_by_key.get(("figure", metric)),
            sorted(figure_claims[metric], key=lambda c: (c.as_of, c.source.slug), reverse=True),
        )
        for metric in Metric.values
        if figure_claims[metric]
    ]

    feature_claims = _group(by_kind[ClaimKind.FEATURE], lambda c: c.feature_id)
    groups: dict[int, tuple[FeatureGroup, list[FeatureRow]]] = {}
    for feature in features:
        verdict = verdict_by_key.get(("feature", feature.id))
        row = FeatureRow(
            feature, Cell.from_verdict(verdict) if verdict else UNKNOWN, feature_claims[feature.id]
        )
        groups.setdefault(feature.group_id, (feature.group, []))[1].append(row)

    advice: dict[str, list[Claim]] = {kind: [] for kind in AdviceKind.values}
    for claim in by_kind[ClaimKind.ADVICE]:
        advice[claim.advice_kind].append(claim)

    built_on = _group(by_kind[ClaimKind.BUILT_ON], lambda c: c.based_on)
    built_upon = _group(upon_claims, lambda c: c.framework)
    sources = sorted({claim.source for claim in claims}, key=lambda s: (s.date is None, s.date))

    known = [row for _, rows in groups.values() for row in rows if row.cell.known]
    return FrameworkPage(
        framework=framework,
        memberships=memberships,
        facts=[Fact(kind, verdict_by_key.get((kind,)), by_kind[kind]) for kind in FACT_KINDS],
        lifecycle=verdict_by_key.get((ClaimKind.LIFECYCLE,)),
        figures=figures,
        advice={kind: items for kind, items in advice.items() if items},
        feature_groups=list(groups.values()),
        built_on=list(built_on.items()),
        built_upon=list(built_upon.items()),
        sources=sources,
        alternatives=nearest_alternatives(framework),
        counts={
            "claims": len(claims),
            "known": len(known),
            "features": len(features),
            "disputed": sum(1 for row in known if row.cell.disputed),
        },
    )


def mark_superseded(claims: list[Claim], verdicts) -> None:
    """Set ``claim.superseded`` on each claim: did a newer primary source replace it?"""
    superseded = {claim_id for verdict in verdicts for claim_id in verdict.superseded}
    for claim in claims:
        claim.superseded = claim.id in superseded


def nearest_alternatives(framework: Framework, limit: int = 3) -> list[Framework]:
    """Published frameworks sharing a category, with the most supported features in common."""
    mine = Verdict.objects.supported(extensions=True).filter(framework=framework)
    shared_features = (
        Verdict.objects.supported(extensions=True)
        .filter(framework=OuterRef("pk"), feature_id__in=mine.values("feature_id"))
        .values("framework")
        .annotate(count=Count("pk"))
        .values("count")
    )
    my_categories = Verdict.objects.memberships().filter(framework=framework).values("category_id")
    neighbours = Verdict.objects.memberships().filter(category_id__in=my_categories)
    return list(
        Framework.objects.published()
        .exclude(pk=framework.pk)
        .filter(pk__in=neighbours.values("framework_id"))
        .annotate(shared=Coalesce(Subquery(shared_features), 0))
        .order_by("-shared", Lower("name"))[:limit]
    )


@dataclass
class FeatureSupport:
    framework: Framework
    cell: Cell
    claims: list[Claim]


def feature_page(feature: Feature) -> list[FeatureSupport]:
    """Every published framework's value for ``feature``, supported first, with claims."""
    frameworks = list(Framework.objects.published())
    verdicts = {
        v.framework_id: v for v in Verdict.objects.filter(kind=ClaimKind.FEATURE, feature=feature)
    }
    feature_claims = list(
        Claim.objects.published()
        .filter(feature=feature)
        .select_related("source", "via")
        .order_by("source__date", "id")
    )
    mark_superseded(feature_claims, verdicts.values())
    claims = _group(feature_claims, lambda c: c.framework_id)
    rows = [
        FeatureSupport(
            framework,
            Cell.from_verdict(verdicts[framework.id]) if framework.id in verdicts else UNKNOWN,
            claims[framework.id],
        )
        for framework in frameworks
    ]
    return sorted(rows, key=lambda row: STATUS_ORDER.index(row.cell.status))


def category_members(category: Category) -> list[tuple[Verdict, list[Claim]]]:
    verdicts = (
        Verdict.objects.memberships()
        .filter(category=category, framework__status=PublicationStatus.PUBLISHED)
        .select_related("framework")
        .order_by(Lower("framework__name"))
    )
    claims = _group(
        Claim.objects.published()
        .filter(kind=ClaimKind.CATEGORY, category=category)
        .select_related("source", "via", "category"),
        lambda c: c.framework_id,
    )
    return [(verdict, claims[verdict.framework_id]) for verdict in verdicts]


def source_claims(source: Source) -> list[tuple[Framework, list[Claim]]]:
    """Every published claim that cites ``source`` (directly or via another article)."""
    claims = (
        Claim.objects.published()
        .filter(Q(source=source) | Q(via=source))
        .select_related(*CLAIM_RELATIONS)
        .order_by(Lower("framework__name"), "kind", "feature__group__position", "feature__position")
    )
    return list(_group(claims, lambda c: c.framework).items())


def features_index() -> list[tuple[FeatureGroup, list[Feature]]]:
    supported = (
        Verdict.objects.supported(extensions=True)
        .filter(feature=OuterRef("pk"), framework__status=PublicationStatus.PUBLISHED)
        .values("feature")
        .annotate(count=Count("pk"))
        .values("count")
    )
    features = (
        Feature.objects.published()
        .in_display_order()
        .annotate(supported=Coalesce(Subquery(supported), 0))
    )
    groups: dict[int, tuple[FeatureGroup, list[Feature]]] = {}
    for feature in features:
        groups.setdefault(feature.group_id, (feature.group, []))[1].append(feature)
    return list(groups.values())


def sources_index() -> list[Source]:
    """Sources with how many published claims they make, and relay for articles."""
    published = Claim.objects.published()

    def count(field: str) -> Coalesce:
        counted = (
            published.filter(**{field: OuterRef("pk")})
            .values(field)
            .annotate(count=Count("pk"))
            .values("count")
        )
        return Coalesce(Subquery(counted), 0)

    return list(
        Source.objects.annotate(claim_count=count("source"), relayed_count=count("via")).order_by(
            "kind", "-date", "title"
        )
    )


def categories_index() -> list[Category]:
    members = Count(
        "verdicts",
        filter=Q(verdicts__framework__status=PublicationStatus.PUBLISHED),
    )
    return list(Category.objects.annotate(member_count=members).order_by("position"))


def _subject(verdict: Verdict) -> tuple:
    if verdict.kind == ClaimKind.FEATURE:
        return ("feature", verdict.feature_id)
    if verdict.kind == ClaimKind.CATEGORY:
        return ("category", verdict.category_id)
    if verdict.kind == ClaimKind.FIGURE:
        return ("figure", verdict.metric)
    return (verdict.kind,)


def _group(items, key) -> defaultdict:
    grouped: defaultdict = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped
