"""Framework, feature, category and source pages, and the indexes: a fixed number of queries.

Each page is bounded whatever the size of the data: a framework page lists the
features sources cover for it (the others are counted per group), and lists
that grow with the data (a feature's frameworks, a category's members, the
sources, the features) come a page at a time.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString

from frameworks.models import (
    AdviceKind,
    Category,
    Claim,
    ClaimKind,
    Feature,
    FeatureGroup,
    Framework,
    How,
    Metric,
    PublicationStatus,
    Source,
    Verdict,
    VerdictStatus,
)
from frameworks.models.statements import Statement
from frameworks.pages.cells import Cell, by_feature_group, claims_html, link, marks_html
from frameworks.pages.facts import INTERFACE_FEATURES, FactIndex, current_index

PER_PAGE = 50
UNKNOWN_NAMED = 60  # on a framework page; the rest are counted
# The order in which a feature page lists frameworks: supported first.
STATUS_ORDER = [
    VerdictStatus.YES,
    VerdictStatus.PARTIAL,
    VerdictStatus.DISPUTED,
    VerdictStatus.NO,
    VerdictStatus.UNKNOWN,
]
CLAIM_RELATIONS = ("source", "via", "feature", "category", "based_on", "framework", "successor")
# The facts a framework page lists, in order.
FACT_KINDS = (
    ClaimKind.FIRST_RELEASE,
    ClaimKind.LATEST_RELEASE,
    ClaimKind.LIFECYCLE,
    ClaimKind.LICENCE,
    ClaimKind.PYTHON,
)


def mark_superseded(claims: list[Claim], verdicts) -> None:
    """Set ``claim.superseded`` on each claim: did a newer primary source replace it?"""
    superseded = {claim_id for verdict in verdicts for claim_id in verdict.superseded}
    for claim in claims:
        claim.superseded = claim.id in superseded


SOURCES = Statement(lambda ids: Source.objects.filter(pk__in=ids).order_by())


def with_shared_sources(claims: list[Claim]) -> list[Claim]:
    """Give the claims that cite one source one Source object between them, in one query.

    Hundreds of claims on a page cite a few dozen sources; a copy of the source per
    claim (select_related) cost more to build than the rest of the page.
    """
    # The ids read from each claim's __dict__ (claims loaded whole): through the foreign
    # keys' descriptors, each read is a Python call, and these loops make thousands.
    rows = [(claim, claim.__dict__) for claim in claims]
    ids = {row["source_id"] for _, row in rows} | {row["via_id"] for _, row in rows}
    ids.discard(None)
    sources = {source.id: source for source in SOURCES.run(sorted(ids))} if ids else {}
    # Cached as select_related would: assigning through the descriptors checks each
    # object against the router, which cost more than the query.
    source_field, via_field = Claim.source.field, Claim.via.field
    for claim, row in rows:
        source_field.set_cached_value(claim, sources[row["source_id"]])
        via_field.set_cached_value(claim, sources.get(row["via_id"]))
    return claims


def oldest_first(claims: list[Claim], *, then_by_source: bool = False) -> list[Claim]:
    """Sort claims by the date of their source, oldest first (undated ones last, where
    PostgreSQL puts NULL), then by the source's slug if asked, then in the order entered.

    Sorted here, from the sources ``with_shared_sources`` gave them, rather than by the
    query: ordering by the source joined every claim to its source in PostgreSQL."""

    def key(claim: Claim) -> tuple:
        date = claim.source.date
        return (date is None, date, claim.source.slug if then_by_source else "", claim.id)

    claims.sort(key=key)
    return claims


def _group(items, key) -> defaultdict:
    grouped: defaultdict = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped


def _subject(verdict: Verdict) -> tuple:
    if verdict.kind == ClaimKind.FEATURE:
        return ("feature", verdict.feature_id)
    if verdict.kind == ClaimKind.CATEGORY:
        return ("category", verdict.category_id)
    if verdict.kind == ClaimKind.FIGURE:
        return ("figure", verdict.metric)
    return (verdict.kind,)


# --- A framework ---------------------------------------------------------------------------


def _verdict_marks(verdict: Verdict | None) -> str:
    """The marks after a fact's published value: superseded, settled by the editors."""
    if verdict is None:
        return ""
    return marks_html(
        how_disputed=False, superseded=bool(verdict.superseded), resolved=verdict.resolved
    )


def _value_html(verdict: Verdict | None) -> str:
    return html.escape(verdict.value_display) if verdict is not None else ""


DISPUTED = '<span aria-hidden="true">≠</span> Disputed'  # in the infobox
DISPUTED_STATUS = f'<span class="status s-disputed">{DISPUTED}</span>'  # in a section

# A fact's and a figure's markup (the infobox's line, the section with its claims) is
# made here rather than in the template: each was a dozen lookups, and pages show ten.


def _disputed(verdict: Verdict | None) -> bool:
    return verdict is not None and verdict.disputed


def _infobox_line(label: str, value: str) -> SafeString:
    """A line of the infobox; ``value`` is markup, every value in it escaped."""
    return SafeString(f"\n      <div><dt>{html.escape(label)}</dt><dd>{value}</dd></div>\n      ")


def _fact_section(anchor: str, label: str, body: str) -> SafeString:
    """A fact's or a figure's section; ``body`` is markup, every value in it escaped."""
    return SafeString(
        f'\n    <section id="{anchor}" aria-labelledby="{anchor}-title">\n'
        f'    <h3 id="{anchor}-title">{html.escape(label)}</h3>\n'
        f"    {body}\n    </section>\n    "
    )


@dataclass
class Fact:
    """A fact about the framework as a whole: its published value and the claims behind it."""

    kind: str
    verdict: Verdict | None
    claims: list[Claim]
    label: str = ""

    def __post_init__(self) -> None:
        self.label = self.label or ClaimKind(self.kind).label

    @property
    def anchor(self) -> str:
        return f"fact-{self.kind}"

    @property
    def infobox_html(self) -> SafeString:
        if not self.claims:
            return _infobox_line(self.label, '<span class="u">Unknown</span>')
        shown = DISPUTED if _disputed(self.verdict) else _value_html(self.verdict)
        marks = _verdict_marks(self.verdict)
        return _infobox_line(self.label, f'<a href="#{self.anchor}">{shown}</a>{marks}')

    @property
    def section_html(self) -> SafeString:
        if not self.claims:
            unknown = '<p class="u">Unknown: no source says.</p>'
            return _fact_section(self.anchor, self.label, unknown)
        shown = (
            f"{DISPUTED_STATUS} the sources say different things:"
            if _disputed(self.verdict)
            else _value_html(self.verdict)
        )
        body = (
            f'\n    <p class="fact">{shown}{_verdict_marks(self.verdict)}</p>\n    '
            f"{claims_html(self.claims)}\n    "
        )
        return _fact_section(self.anchor, self.label, body)


@dataclass
class Figure:
    metric: str
    verdict: Verdict | None
    claims: list[Claim]

    @property
    def label(self) -> str:
        return Metric(self.metric).label

    @property
    def anchor(self) -> str:
        return f"figure-{self.metric}"

    @property
    def infobox_html(self) -> SafeString:
        shown = DISPUTED if _disputed(self.verdict) else _value_html(self.verdict)
        return _infobox_line(self.label, f'<a href="#{self.anchor}">{shown}</a>')

    @property
    def section_html(self) -> SafeString:
        if _disputed(self.verdict):
            year = f"{self.verdict.as_of:%Y}" if self.verdict.as_of else ""
            shown = f"{DISPUTED_STATUS} the sources give different values for {year}:"
        else:
            shown = _value_html(self.verdict)
        body = (
            f'<p class="fact">{shown}{_verdict_marks(self.verdict)} <span class="hint">newest'
            f" first; older values are history</span></p>\n    {claims_html(self.claims)}"
        )
        return _fact_section(self.anchor, self.label, body)


@dataclass
class FeatureRow:
    feature: Feature
    cell: Cell
    claims: list[Claim]

    @property
    def html(self) -> SafeString:
        """The row's markup, made here rather than by the template: a page lists dozens."""
        feature, cell = self.feature, self.cell
        note = f'<p class="note">{html.escape(cell.note)}</p>' if cell.note else ""
        return SafeString(  # every value escaped (see pages/cells.py on SafeString)
            f'<tr id="f-{html.escape(feature.slug)}"><th scope="row">'
            f"{link(feature.get_absolute_url(), feature.name)}</th>"
            f"<td>{cell.status_html}{note}</td><td>{claims_html(self.claims)}</td></tr>"
        )


@dataclass
class Interface:
    """WSGI and ASGI for the infobox: the published values of those two features."""

    feature: Feature
    cell: Cell


@dataclass
class Alternative:
    framework: Framework
    shared: int  # supported features in common
    categories: list[str]  # the categories they share

    @property
    def why(self) -> str:
        both = " and ".join(self.categories)
        return f"{both}; {self.shared} supported feature{'s' if self.shared != 1 else ''} in common"


@dataclass
class FrameworkPage:
    framework: Framework
    memberships: list[tuple[Verdict, list[Claim]]]
    other_categories: list[tuple[Verdict, list[Claim]]]  # said not in it, or left open
    facts: list[Fact]
    figures: list[Figure]
    interfaces: list[Interface]
    advice: dict[str, list[Claim]]
    feature_groups: list[tuple[FeatureGroup, list[FeatureRow]]]
    unknown_by_group: list[tuple[FeatureGroup, list[Feature]]]
    unknown_more: int  # unknown features not named
    built_on: list[tuple[Framework, list[Claim]]]
    built_upon: list[tuple[Framework, list[Claim]]]
    lifecycle: Verdict | None
    sources: list[Source]
    alternatives: list[Alternative]
    counts: dict[str, int] = field(default_factory=dict)

    # Lists of links made here rather than by template loops: dozens of items each.

    @property
    def unknown_html(self) -> SafeString:
        """The features no source speaks about for it, by group: their names only."""
        return SafeString(  # every value escaped
            "".join(
                [
                    f"<li><strong>{html.escape(group.name)}:</strong> "
                    + ", ".join(
                        [
                            link(
                                feature.get_absolute_url(),
                                feature.name,
                                element_id=f"f-{feature.slug}",
                            )
                            for feature in features
                        ]
                    )
                    + "</li>"
                    for group, features in self.unknown_by_group
                ]
            )
        )

    @property
    def sources_html(self) -> SafeString:
        return SafeString(  # every value escaped
            "".join(
                [
                    f"<li>{link(source.get_absolute_url(), source.citation)}"
                    + (f", {html.escape(source.publisher)}" if source.publisher else "")
                    + "</li>"
                    for source in self.sources
                ]
            )
        )


# The queries every framework page runs, compiled once per process (models/statements.py):
# its claims, with the published claims that another framework is built on it.
CLAIMS_ABOUT = Statement(
    lambda framework_id: (
        Claim.objects.filter(
            Q(framework_id=framework_id)
            | Q(
                kind=ClaimKind.BUILT_ON,
                based_on_id=framework_id,
                framework__status=PublicationStatus.PUBLISHED,
            )
        )
        .without_draft_subjects()
        .order_by()  # sorted once their sources are loaded
    ),
)
VERDICTS_OF = Statement(
    lambda framework_ids: Verdict.objects.filter(framework_id__in=framework_ids)
)
FRAMEWORK = Statement(lambda framework_id: Framework.objects.published().filter(pk=framework_id))


def visible_framework(user, slug: str) -> Framework:
    """The framework with this slug that this visitor may see, or a 404.

    Staff may preview drafts: the ORM looks them up. Everyone else sees published
    frameworks, whose ids the facts held in memory know, so the page reads its
    framework with a statement compiled once rather than a query built each time.
    """
    if user.is_staff:
        return get_object_or_404(Framework.objects.visible_to(user), slug=slug)
    facts = current_index().frameworks_by_slug.get(slug)
    found = FRAMEWORK.run(facts.id) if facts is not None else []
    if not found or found[0].slug != slug:  # renamed since the facts were loaded
        raise Http404("No published framework has this address.")
    return found[0]


def framework_page(framework: Framework) -> FrameworkPage:
    index = current_index()  # the published taxonomy and frameworks, held in memory
    claims, upon_claims = [], []  # staff may preview a draft framework
    for claim in with_shared_sources(CLAIMS_ABOUT.run(framework.id)):
        (claims if claim.framework_id == framework.id else upon_claims).append(claim)
    oldest_first(claims, then_by_source=True)
    index.with_references(claims, "feature", "category", "successor", "based_on")
    # All about this framework, or built upon it: no join, and no query per claim.
    framework_field, based_on_field = Claim.framework.field, Claim.based_on.field
    for claim in claims:
        framework_field.set_cached_value(claim, framework)
    for claim in upon_claims:
        based_on_field.set_cached_value(claim, framework)
        if (other := index.framework_by_id(claim.framework_id)) is not None:
            framework_field.set_cached_value(claim, other)
    upon_claims.sort(key=lambda claim: (claim.framework.slug, claim.source.slug, claim.id))
    verdicts = VERDICTS_OF.run([framework.id])
    index.with_references(verdicts, "feature", "category", "successor")
    mark_superseded(claims, verdicts)
    by_kind: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_kind[claim.kind].append(claim)
    verdict_by_key = {_subject(v): v for v in verdicts}

    category_claims = _group(by_kind[ClaimKind.CATEGORY], lambda c: c.category_id)
    category_verdicts = sorted(
        (
            (verdict, category_claims[verdict.category_id])
            for verdict in verdicts
            if verdict.kind == ClaimKind.CATEGORY
        ),
        key=lambda item: item[0].category.position,
    )
    memberships = [item for item in category_verdicts if item[0].status == VerdictStatus.YES]
    # A source that says it is not in one, or compares it with one without classifying it.
    other_categories = [item for item in category_verdicts if item[0].status != VerdictStatus.YES]

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

    def covered(feature: Feature) -> FeatureRow | None:
        verdict = verdict_by_key.get(("feature", feature.id))
        if verdict is None and not feature_claims[feature.id]:
            return None
        return FeatureRow(feature, Cell.of(verdict), feature_claims[feature.id])

    # The features the sources speak about for it, and the interface features; not
    # every feature: the page costs the same however many features there are.
    spoken_of = {key[1] for key in verdict_by_key if key[0] == "feature"} | set(feature_claims)
    features = index.features_in_order(spoken_of, INTERFACE_FEATURES)
    feature_groups = by_feature_group(features, covered)
    # Features no source speaks about for it: only their names, grouped, and only the
    # first of them; the rest are counted.
    unknown, unknown_total = index.features_not_in(
        {row.feature.id for _, rows in feature_groups for row in rows}, UNKNOWN_NAMED
    )
    unknown_by_group = by_feature_group(unknown, lambda f: f)
    interfaces = [
        Interface(feature, Cell.of(verdict_by_key.get(("feature", feature.id))))
        for feature in features
        if feature.slug in INTERFACE_FEATURES
    ]

    advice: dict[str, list[Claim]] = {kind: [] for kind in AdviceKind.values}
    for claim in by_kind[ClaimKind.ADVICE]:
        advice[claim.advice_kind].append(claim)

    built_on = _group(by_kind[ClaimKind.BUILT_ON], lambda c: c.based_on)
    built_upon = _group(upon_claims, lambda c: c.framework)
    sources = sorted({claim.source for claim in claims}, key=lambda s: (s.as_of is None, s.as_of))
    known = [row for _, rows in feature_groups for row in rows if row.cell.known]
    return FrameworkPage(
        framework=framework,
        memberships=memberships,
        other_categories=other_categories,
        facts=[Fact(kind, verdict_by_key.get((kind,)), by_kind[kind]) for kind in FACT_KINDS],
        figures=figures,
        interfaces=interfaces,
        advice={AdviceKind(kind).label: items for kind, items in advice.items() if items},
        feature_groups=feature_groups,
        unknown_by_group=unknown_by_group,
        unknown_more=unknown_total - len(unknown),
        built_on=list(built_on.items()),
        built_upon=list(built_upon.items()),
        lifecycle=verdict_by_key.get((ClaimKind.LIFECYCLE,)),
        sources=sources,
        alternatives=nearest_alternatives(
            framework, [verdict for verdict, _ in memberships], verdicts, index
        ),
        counts={
            "claims": len(claims),
            "known": len(known),
            "features": sum(len(rows) for _, rows in feature_groups) + unknown_total,
            "disputed": sum(1 for row in known if row.cell.disputed),
            "superseded": sum(1 for claim in claims if claim.superseded),
        },
    )


def nearest_alternatives(
    framework: Framework,
    memberships: list[Verdict],
    verdicts: list[Verdict],
    index: FactIndex,
    limit: int = 3,
) -> list[Alternative]:
    """The published frameworks most like this one: in a shared category, most features shared.

    "Shared" counts features both support, in any way (built in, extension or package).
    Counted over the published facts held in memory (``pages.facts``): no query,
    and the cost follows the number of frameworks, not of their claims.
    """
    names = {m.category_id: m.category.name for m in memberships}
    if not names:  # in no category: no neighbours to look for
        return []
    supported = {
        v.feature_id
        for v in verdicts
        if v.kind == ClaimKind.FEATURE and v.status == VerdictStatus.YES
    }
    return [
        Alternative(candidate, shared, [names[c] for c, _ in candidate.categories if c in names])
        for candidate, shared in index.nearest(framework.id, supported, set(names), limit)
    ]


# --- A feature -----------------------------------------------------------------------------


@dataclass
class FeatureSupport:
    feature: Feature
    framework: Framework
    cell: Cell
    claims: list[Claim]

    @property
    def html(self) -> SafeString:
        """The row's markup, made here as the framework page's feature rows are."""
        cell = self.cell
        note = f'<p class="note">{html.escape(cell.note)}</p>' if cell.note else ""
        href = f"{self.framework.get_absolute_url()}#f-{self.feature.slug}"
        return SafeString(  # every value escaped
            "<tr>\n"
            f'    <th scope="row"><a href="{html.escape(href)}">'
            f"{html.escape(self.framework.name)}</a></th>\n"
            f"    <td>{cell.status_html}{note}</td>\n"
            f"    <td>{claims_html(self.claims)}</td>\n"
            "  </tr>"
        )


@dataclass
class FeaturePage:
    rows: list[FeatureSupport]  # frameworks with a value, supported first: this page of them
    page: Page
    counts: dict[str, int]  # built in, extension, third-party, partial, no, disputed, unknown
    unknown: list[Framework]  # the first of those no source speaks for
    unknown_total: int

    @property
    def unknown_html(self) -> SafeString:
        """Links to the first frameworks no source speaks for: up to fifty of them."""
        return SafeString(  # every value escaped
            ", ".join(
                [link(framework.get_absolute_url(), framework.name) for framework in self.unknown]
            )
        )


CLAIMS_ON_FEATURE = Statement(
    lambda feature_id, framework_ids: (
        Claim.objects.published()
        .filter(feature_id=feature_id, framework_id__in=framework_ids)
        .order_by()  # oldest_first, once their sources are loaded
    ),
)


# Every published framework's value of a feature, as small rows: (framework id,
# status, how). The page orders, pages and counts them here, with the frameworks' names
# from the facts held in memory, then reads the full values of the page it shows.
VALUES_OF_FEATURE = Statement(
    lambda feature_id: (
        Verdict.objects.filter(
            kind=ClaimKind.FEATURE,
            feature_id=feature_id,
            framework__status=PublicationStatus.PUBLISHED,
        )
        .values_list("framework_id", "status", "how")
        .order_by()
    ),
)
CELLS_OF_FEATURE = Statement(
    lambda feature_id, framework_ids: Verdict.objects.filter(
        kind=ClaimKind.FEATURE, feature_id=feature_id, framework_id__in=framework_ids
    ).order_by(),
)


def feature_page(feature: Feature, page_number=1, *, paged: bool = True) -> FeaturePage:
    """Which published frameworks support ``feature``, how, and who says so."""
    index = current_index()  # every published framework, in name order
    values = VALUES_OF_FEATURE.rows(feature.id)
    counts = _support_counts(values, published=len(index.frameworks))
    # Supported first, then by name.
    rank = {status: position for position, status in enumerate(STATUS_ORDER)}
    values.sort(key=lambda row: (rank.get(row[1], len(rank)), index.name_rank(row[0])))
    ids = [framework_id for framework_id, _, _ in values]
    page = Paginator(ids, PER_PAGE).get_page(page_number) if paged else None
    shown_ids = list(page.object_list) if page is not None else ids
    cells = {cell.framework_id: cell for cell in CELLS_OF_FEATURE.run(feature.id, shown_ids)}
    shown = [cells[framework_id] for framework_id in shown_ids if framework_id in cells]
    frameworks = index.frameworks_by_id([cell.framework_id for cell in shown])
    claims = oldest_first(with_shared_sources(CLAIMS_ON_FEATURE.run(feature.id, shown_ids)))
    mark_superseded(claims, shown)
    by_framework = _group(claims, lambda c: c.framework_id)
    known = {framework_id for framework_id, status, _ in values if status != VerdictStatus.UNKNOWN}
    unknown = [framework.id for framework in index.frameworks if framework.id not in known]
    unknown_frameworks = index.frameworks_by_id(unknown[:PER_PAGE])
    return FeaturePage(
        rows=[
            FeatureSupport(
                feature, frameworks[framework_id], Cell.of(cell), by_framework[framework_id]
            )
            for cell in shown
            if (framework_id := cell.framework_id) in frameworks  # not deleted meanwhile
        ],
        page=page,
        counts=counts,
        unknown=list(unknown_frameworks.values()),
        unknown_total=counts["unknown"],
    )


def _support_counts(values: list[tuple], *, published: int) -> dict[str, int]:
    """How many of the ``published`` frameworks get the feature in each way, from their
    values (framework id, status, how); and how many values there are, for paging."""
    counts = dict.fromkeys(
        ("verdicts", "built_in", "official_extension", "third_party", "how_unknown",
         "partial", "no", "disputed", "known"), 0
    )  # fmt: skip
    ways = {How.BUILT_IN: "built_in", How.OFFICIAL_EXTENSION: "official_extension",
            How.THIRD_PARTY: "third_party", "": "how_unknown"}  # fmt: skip
    for _, status, how in values:
        counts["verdicts"] += 1
        if status != VerdictStatus.UNKNOWN:
            counts["known"] += 1
        if status == VerdictStatus.YES and how in ways:
            counts[ways[how]] += 1
        elif status in (VerdictStatus.PARTIAL, VerdictStatus.NO, VerdictStatus.DISPUTED):
            counts[status] += 1
    counts["supported"] = sum(
        counts[key] for key in ("built_in", "official_extension", "third_party", "how_unknown")
    )
    counts["unknown"] = published - counts["known"]
    return counts


# --- Indexes, categories, sources ------------------------------------------------------------


def features_index(page_number=1) -> tuple[list[tuple[FeatureGroup, list[Feature]]], Page]:
    """Features by group, with how many frameworks support each and how: a page of groups."""
    published = Verdict.objects.features().filter(framework__status=PublicationStatus.PUBLISHED)

    def count(**condition) -> Coalesce:
        counted = (
            published.filter(feature=OuterRef("pk"), status=VerdictStatus.YES, **condition)
            .values("feature")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return Coalesce(Subquery(counted), 0)

    groups = Paginator(FeatureGroup.objects.order_by("position", "name"), 10).get_page(page_number)
    features = (
        Feature.objects.published()
        .filter(group__in=list(groups.object_list))
        .in_display_order()
        .annotate(
            supported=count(),
            built_in=count(how=How.BUILT_IN),
            official_extension=count(how=How.OFFICIAL_EXTENSION),
            third_party=count(how=How.THIRD_PARTY),
        )
    )
    return by_feature_group(features, lambda feature: feature), groups


def category_members(category: Category, page_number=1) -> tuple[list, Page]:
    verdicts = (
        Verdict.objects.memberships()
        .filter(category=category, framework__status=PublicationStatus.PUBLISHED)
        .select_related("framework")
        .order_by(Lower("framework__name"))
    )
    page = Paginator(verdicts, PER_PAGE).get_page(page_number)
    shown = list(page.object_list)
    claims = _group(
        Claim.objects.published()
        .filter(
            kind=ClaimKind.CATEGORY,
            category=category,
            framework_id__in=[v.framework_id for v in shown],
        )
        .select_related("source", "via", "category"),
        lambda c: c.framework_id,
    )
    return [(verdict, claims[verdict.framework_id]) for verdict in shown], page


def source_claims(source: Source, page_number=1) -> tuple[list[tuple[Framework, list]], Page]:
    """Published claims that cite ``source`` (directly or via another article), a page at a time."""
    claims = (
        Claim.objects.published()
        .filter(Q(source=source) | Q(via=source))
        .select_related(*CLAIM_RELATIONS)
        .order_by(
            Lower("framework__name"), "kind", "feature__group__position", "feature__position", "id"
        )  # ending with the id: the same order on every request, and pages that do not overlap
    )
    page = Paginator(claims, 100).get_page(page_number)
    shown = list(page.object_list)
    mark_superseded(shown, Verdict.objects.filter(framework_id__in={c.framework_id for c in shown}))
    return list(_group(shown, lambda c: c.framework).items()), page


def sources_index(page_number=1) -> Page:
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

    sources = (
        Source.objects.select_related("framework")
        .annotate(claim_count=count("source"), relayed_count=count("via"))
        .order_by(F("framework__name").asc(nulls_first=True), "kind", "-date", "title", "pk")
    )
    return Paginator(sources, PER_PAGE).get_page(page_number)


def categories_index() -> list[Category]:
    members = Count(
        "verdicts",
        filter=Q(
            verdicts__framework__status=PublicationStatus.PUBLISHED,
            verdicts__status=VerdictStatus.YES,
        ),
    )
    return list(Category.objects.annotate(member_count=members).order_by("position"))
