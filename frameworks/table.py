"""The comparison table: filtered rows, their cells and the facet counts.

Seven queries whatever the size of the data: categories, features (with their
groups), the rows, their cells, and three facet counts. Templates, CSV and
JSON all read the same ``ComparisonTable``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import QueryDict

from frameworks.filters import (
    INTERFACES,
    LIFECYCLES,
    FrameworkFilterSet,
    interface_condition,
    lifecycle_condition,
)
from frameworks.models import (
    Category,
    ClaimKind,
    Feature,
    FeatureGroup,
    Framework,
    How,
    PublicationStatus,
    Verdict,
    VerdictStatus,
)

STATUS_LABELS = {
    VerdictStatus.YES: "Yes",
    VerdictStatus.PARTIAL: "Partial",
    VerdictStatus.NO: "No",
    VerdictStatus.UNKNOWN: "Unknown",
    VerdictStatus.DISPUTED: "Disputed",
}
HOW_LABELS = {
    How.BUILT_IN: "built in",
    How.OFFICIAL_EXTENSION: "official extension",
    How.THIRD_PARTY: "third-party",
}


@dataclass(frozen=True)
class Cell:
    """A published feature value as a table cell shows it."""

    status: str = VerdictStatus.UNKNOWN
    how: str = ""
    detail: str = ""
    note: str = ""
    since: str = ""
    disputed: bool = False
    resolved: bool = False
    superseded: int = 0  # how many older claims a newer primary source replaced

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def how_label(self) -> str:
        return HOW_LABELS.get(self.how, "")

    @property
    def known(self) -> bool:
        return self.status != VerdictStatus.UNKNOWN

    @property
    def how_disputed(self) -> bool:
        """Agreed on the status, not on how; a disputed status says so itself."""
        return self.disputed and self.status != VerdictStatus.DISPUTED

    @classmethod
    def from_verdict(cls, verdict: Verdict | dict) -> Cell:
        get = verdict.get if isinstance(verdict, dict) else lambda name: getattr(verdict, name)
        return cls(
            status=get("status"),
            how=get("how"),
            detail=get("detail"),
            note=get("note"),
            since=get("since"),
            disputed=get("disputed"),
            resolved=get("resolved"),
            superseded=len(get("superseded") or ()),
        )


UNKNOWN = Cell()


@dataclass(frozen=True)
class Membership:
    category: Category
    disputed: bool


@dataclass
class Row:
    framework: Framework
    memberships: list[Membership]
    cells: list[tuple[Feature, Cell]]


@dataclass
class Option:
    value: str
    label: str
    count: int | None  # None when the filters are invalid and nothing was counted
    selected: bool


@dataclass
class VisibleGroup:
    group: FeatureGroup
    features: list[Feature]


@dataclass
class ComparisonTable:
    filterset: FrameworkFilterSet
    features: list[Feature]
    groups: list[FeatureGroup]
    rows: list[Row] = field(default_factory=list)
    visible_groups: list[VisibleGroup] = field(default_factory=list)
    facets: dict[str, list] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.filterset.is_valid()

    @property
    def visible_features(self) -> list[Feature]:
        return [feature for visible in self.visible_groups for feature in visible.features]


def load_reference_lists() -> tuple[list[Category], list[Feature], list[FeatureGroup]]:
    categories = list(Category.objects.order_by("position", "name"))
    features = list(Feature.objects.published().in_display_order())
    groups = list({feature.group_id: feature.group for feature in features}.values())
    return categories, features, groups


def build_table(data: QueryDict) -> ComparisonTable:
    categories, features, groups = load_reference_lists()
    filterset = FrameworkFilterSet(
        data,
        queryset=Framework.objects.published(),
        categories=categories,
        features=features,
        groups=groups,
    )
    table = ComparisonTable(filterset, features, groups)
    if not filterset.is_valid():
        table.facets = _facets(filterset, None, categories, features)
        return table

    options = filterset.options
    table.visible_groups = [
        VisibleGroup(group, [f for f in features if f.group_id == group.id])
        for group in groups
        if group.slug not in options["hidden_groups"]
    ]
    frameworks = list(filterset.qs)
    ids = [framework.id for framework in frameworks]

    cells: dict[int, dict[int, Cell]] = defaultdict(dict)
    memberships: dict[int, list[Membership]] = defaultdict(list)
    category_by_id = {category.id: category for category in categories}
    verdicts = Verdict.objects.filter(framework_id__in=ids).filter(
        Q(kind=ClaimKind.FEATURE, feature__status=PublicationStatus.PUBLISHED)
        | Q(kind=ClaimKind.CATEGORY, status=VerdictStatus.YES)
    )
    for verdict in verdicts.values(
        "framework_id", "kind", "feature_id", "category_id", "status", "how", "detail", "note",
        "since", "disputed", "resolved", "superseded",
    ):  # fmt: skip
        if verdict["kind"] == ClaimKind.CATEGORY:
            memberships[verdict["framework_id"]].append(
                Membership(category_by_id[verdict["category_id"]], verdict["disputed"])
            )
        else:
            cells[verdict["framework_id"]][verdict["feature_id"]] = Cell.from_verdict(verdict)

    position = {category.id: index for index, category in enumerate(categories)}
    visible = table.visible_features
    for framework in frameworks:
        framework_cells = cells[framework.id]
        table.rows.append(
            Row(
                framework,
                sorted(memberships[framework.id], key=lambda m: position[m.category.id]),
                [(feature, framework_cells.get(feature.id, UNKNOWN)) for feature in visible],
            )
        )
    table.facets = _facets(filterset, ids, categories, features)
    return table


def _facets(filterset, ids: list[int] | None, categories, features) -> dict[str, list]:
    """How many frameworks would remain if each option were chosen.

    With invalid filters (``ids`` None) the options are still listed, with what
    was chosen ticked and no counts, so that fixing one filter keeps the others.
    """
    options = filterset.options
    interface, lifecycle = options["interface"], options["lifecycle"]
    if ids is None:
        in_category, with_feature, counted = {}, {}, {}
    else:
        in_category, with_feature, counted = _facet_counts(filterset, ids, options)

    def count(counts: dict, key) -> int | None:
        return None if ids is None else counts.get(key, 0)

    feature_groups: dict[int, tuple[FeatureGroup, list[Option]]] = {}
    for f in features:
        option = Option(f.slug, f.name, count(with_feature, f.id), f.slug in options["features"])
        feature_groups.setdefault(f.group_id, (f.group, []))[1].append(option)
    return {
        "feature_groups": list(feature_groups.values()),
        "category": [
            Option(c.slug, c.name, count(in_category, c.id), c.slug in options["categories"])
            for c in categories
        ],
        "interface": [
            Option(value, label, count(counted, f"interface_{value}"), value == interface)
            for value, label in INTERFACES
        ],
        "lifecycle": [
            Option(value, label, count(counted, f"lifecycle_{value}"), value == lifecycle)
            for value, label in [("", "Not discontinued"), *LIFECYCLES]
        ],
    }


def _facet_counts(filterset, ids: list[int], options: dict) -> tuple[dict, dict, dict]:
    in_category = dict(
        Verdict.objects.memberships()
        .filter(framework_id__in=ids)
        .values_list("category_id")
        .annotate(count=Count("framework_id", distinct=True))
    )
    with_feature = dict(
        Verdict.objects.supported(extensions=options["extensions"])
        .filter(framework_id__in=ids)
        .values_list("feature_id")
        .annotate(count=Count("framework_id", distinct=True))
    )

    # Interface and development are single choices: count each option on the
    # rows filtered by everything else, in one query.
    others = filterset.without("interface", "lifecycle")
    interface, lifecycle = options["interface"], options["lifecycle"]
    counts = {}
    for value, _ in INTERFACES:
        condition = interface_condition(value) & lifecycle_condition(lifecycle)
        counts[f"interface_{value}"] = Count("pk", filter=condition)
    for value, _ in [("", ""), *LIFECYCLES]:
        condition = lifecycle_condition(value)
        if interface:
            condition &= interface_condition(interface)
        counts[f"lifecycle_{value}"] = Count("pk", filter=condition)
    counted = others.aggregate(**counts)

    return in_category, with_feature, counted
