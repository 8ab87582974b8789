"""The comparison table: a page of filtered rows, their cells, the filters' counts and chips.

A bounded page whatever the size of the data: at most ``ROWS_PER_PAGE`` rows,
the chosen feature groups as columns (the features a visitor requires come
first), and "must have" options for the shown groups only. Filtering, counting,
sorting and paging read the frameworks' facts held in memory for the current
data version (``facts``); a request queries only the cells of the rows it shows
(and a search, when there is one). Templates, CSV and JSON read the same
``ComparisonTable``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from frameworks.filters import INTERFACES, LIFECYCLES, FrameworkFilterSet
from frameworks.models import Category, Feature, FeatureGroup, Support, Verdict
from frameworks.pages.cells import UNKNOWN, Cell
from frameworks.pages.facts import (
    MAX_COLUMN_CHOICES,
    FrameworkFacts,
    FrameworkRows,
    current_index,
)

ROWS_PER_PAGE = 30
MAX_HINTS = 4  # an empty result suggests at most this many filters to drop


@dataclass(frozen=True)
class Membership:
    category: Category
    disputed: bool


@dataclass
class Row:
    framework: FrameworkFacts
    memberships: list[Membership]
    cells: list[tuple[Feature, Cell]]
    supported_features: int  # counted in the ways the table's "Count as support" says

    @property
    def html(self) -> SafeString:
        """The whole ``<tr>``: the framework (a box to tick for comparing, its categories),
        then its cells, each linking to its value on the framework's page. Made in Python:
        a page has thirty rows, and the template language took a third of its time."""
        framework = self.framework
        slug, name = escape(framework.slug), escape(framework.name)
        url = escape(framework.get_absolute_url())
        categories = ", ".join(
            [
                escape(m.category.name) + (DISPUTED_MARK if m.disputed else "")
                for m in self.memberships
            ]
        )
        cells = "".join(
            [cell.table_cell(f"{url}#f-{_escaped(feature.slug)}") for feature, cell in self.cells]
        )
        return mark_safe(  # noqa: S308 - every value is escaped, Cell.table_cell's too
            f'<tr><th scope="row"><input type="checkbox" form="pick" name="f" value="{slug}" '
            f'id="pick-{slug}"><label for="pick-{slug}" class="vh">Compare {name}</label> '
            f'<a href="{url}">{name}</a><small>{categories}</small></th>{cells}</tr>'
        )


@lru_cache(maxsize=4096)  # a page repeats each column's slug in every row
def _escaped(text: str) -> str:
    return escape(text)


DISPUTED_MARK = ' <span class="mark-disputed" title="Sources disagree">≠</span>'


@dataclass
class Option:
    """One choice of a filter: a checkbox or radio button, with how many it would leave."""

    name: str  # the query parameter
    value: str
    label: str
    count: int | None  # None when not counted (invalid filters, or not a count)
    selected: bool
    input_type: str = "checkbox"

    @property
    def html(self) -> SafeString:
        """Its ``<label>`` with the input; changing it applies at once with htmx."""
        checked = " checked" if self.selected else ""
        count = f' <span class="count">{self.count}</span>' if self.count is not None else ""
        value = escape(self.value)
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<label class="option"><input class="auto-apply" type="{self.input_type}" '
            f'id="f-{self.name}-{escape(self.value or "default")}" name="{self.name}" '
            f'value="{value}"{checked}> {escape(self.label)}{count}</label>'
        )


@dataclass
class Column:
    """A group of feature columns; "Must have" gathers the required features first."""

    name: str
    features: list[Feature]


@dataclass
class Chip:
    """An active filter, and the address of the table without it."""

    label: str
    query: str


@dataclass
class Hint:
    """For an empty result: a choice that would widen it, and how much."""

    label: str
    count: int
    query: str


@dataclass
class ComparisonTable:
    filterset: FrameworkFilterSet
    features: list[Feature]  # those the query can show or require, not every feature
    groups: list[FeatureGroup]  # the first groups in display order and those asked for
    feature_total: int = 0  # published features in all
    group_total: int = 0
    rows: list[Row] = field(default_factory=list)
    page: Page | None = None
    columns: list[Column] = field(default_factory=list)
    facets: dict[str, list] = field(default_factory=dict)
    chips: list[Chip] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.filterset.is_valid()

    @property
    def visible_features(self) -> list[Feature]:
        return [feature for column in self.columns for feature in column.features]

    @property
    def total(self) -> int:
        return self.page.paginator.count if self.page else 0

    @property
    def column_choices(self) -> list[Option]:
        """The groups offered as columns: the chosen ones, then others, up to a limit."""
        chosen = set(self.filterset.options.get("columns", ())) if self.valid else set()
        picked = [group for group in self.groups if group.slug in chosen]
        others = [group for group in self.groups if group.slug not in chosen]
        ticked = set(self.filterset.options["columns"])  # the valid part of an invalid query
        return [
            Option("columns", group.slug, group.name, None, group.slug in ticked)
            for group in picked + others[: max(0, MAX_COLUMN_CHOICES - len(picked))]
        ]

    @property
    def more_column_groups(self) -> int:
        return self.group_total - len(self.column_choices)


def build_table(data: QueryDict, *, paged: bool = True) -> ComparisonTable:
    """The table for a query; ``paged=False`` gives every matching row (the exports)."""
    index = current_index()
    reference = index.reference_lists(data)
    categories, features, groups = reference.categories, reference.features, reference.groups
    filterset = FrameworkFilterSet(
        data, queryset=index.rows(), categories=categories, features=features, groups=groups
    )
    table = ComparisonTable(
        filterset,
        features,
        groups,
        feature_total=reference.feature_total,
        group_total=reference.group_total,
    )
    if not filterset.is_valid():
        table.facets = _facets(filterset, None, categories, features, set())
        return table

    options = filterset.options
    table.columns = _columns(options, features, groups)
    matching = filterset.qs
    if paged:
        table.page = Paginator(matching, ROWS_PER_PAGE).get_page(options["page"])
        frameworks = list(table.page.object_list)
    else:
        frameworks = matching
    visible = table.visible_features
    table.rows = _rows(frameworks, categories, visible, options["support"])
    shown_groups = {feature.group_id for feature in visible}
    table.facets = _facets(filterset, matching, categories, features, shown_groups)
    table.chips = _chips(data, options, filterset)
    if paged and table.total == 0:
        table.hints = _hints(data, options, filterset)
    return table


def _columns(options: dict, features: list[Feature], groups: list[FeatureGroup]) -> list[Column]:
    required = [f for f in features if f.slug in options["features"]]
    columns = [Column("Must have", required)] if required else []
    chosen = set(options["columns"])
    for group in groups:
        if group.slug in chosen:
            shown = [f for f in features if f.group_id == group.id and f not in required]
            if shown:
                columns.append(Column(group.name, shown))
    return columns


def _rows(
    frameworks: list[FrameworkFacts], categories, visible: list[Feature], support: str
) -> list[Row]:
    """The rows shown: their cells in one query, their categories from the facts."""
    cells: dict[int, dict[int, Cell]] = defaultdict(dict)
    if frameworks and visible:
        # A page repeats a few dozen distinct values hundreds of times: each is made once.
        made: dict[tuple, Cell] = {}
        for framework_id, feature_id, *value in Verdict.objects.cells_of(
            [framework.id for framework in frameworks], [feature.id for feature in visible]
        ):
            key = tuple(value)
            if key not in made:
                made[key] = Cell(*key)
            cells[framework_id][feature_id] = made[key]
    category_by_id = {category.id: category for category in categories}
    return [
        Row(
            framework,
            [Membership(category_by_id[id], disputed) for id, disputed in framework.categories],
            [(feature, cells[framework.id].get(feature.id, UNKNOWN)) for feature in visible],
            len(framework.supported[support]),
        )
        for framework in frameworks
    ]


def _facets(
    filterset, matching: list[FrameworkFacts] | None, categories, features, shown_groups
) -> dict:
    """How many frameworks would remain if each option were chosen.

    With invalid filters (``matching`` None) the options are still listed, with what
    was chosen ticked and no counts, so that fixing one filter keeps the others.
    Feature options are listed for the shown column groups and the required
    features only: the page stays bounded however many features there are.
    """
    valid = matching is not None
    options = filterset.options if valid else _raw_options(filterset)
    listed = [f for f in features if f.group_id in shown_groups or f.slug in options["features"]]
    if valid:
        in_category, with_feature, counted = _facet_counts(filterset, options, listed)
    else:
        in_category, with_feature, counted = {}, {}, {}

    def count(counts: dict, key) -> int | None:
        return counts.get(key, 0) if valid else None

    def single_choice(name: str, choices) -> list[Option]:
        """Radio buttons, each counted on the rows the other filters leave."""
        return [
            Option(name, value, label, count(counted, f"{name}_{value}"),
                   value == options[name], "radio")
            for value, label in choices
        ]  # fmt: skip

    feature_groups: dict[int, tuple[FeatureGroup, list[Option]]] = {}
    for f in listed:
        option = Option(
            "feature", f.slug, f.name, count(with_feature, f.id), f.slug in options["features"]
        )
        feature_groups.setdefault(f.group_id, (f.group, []))[1].append(option)
    return {
        "feature_groups": list(feature_groups.values()),
        "category": [
            Option(
                "category",
                c.slug,
                c.name,
                count(in_category, c.id),
                c.slug in options["categories"],
            )
            for c in categories
        ],
        "support": [
            Option("support", value, label, None, value == options["support"], "radio")
            for value, label in Support.choices
        ],
        "interface": single_choice("interface", INTERFACES),
        "lifecycle": single_choice("lifecycle", [("", "Not discontinued"), *LIFECYCLES]),
    }


def _raw_options(filterset) -> dict:
    """What an invalid query asked for, so that its choices stay ticked."""
    data = filterset.data
    return {
        "categories": data.getlist("category"),
        "features": data.getlist("feature"),
        "support": data.get("support") or Support.ANY,
        "interface": data.get("interface", ""),
        "lifecycle": data.get("lifecycle", ""),
    }


def _facet_counts(
    filterset, options: dict, listed: list[Feature]
) -> tuple[Counter, Counter, dict[str, int]]:
    """Counts over every matching row (not only this page).

    Features are counted for the ``listed`` options only, so that the work stays
    bounded by what the page shows.
    """
    matching = filterset.without("page", "sort", "columns")
    in_category = matching.category_counts()
    with_feature = matching.feature_counts([f.id for f in listed], options["support"])
    return in_category, with_feature, _single_choice_counts(filterset, options)


def _single_choice_counts(filterset, options: dict) -> dict[str, int]:
    """Interface and lifecycle are single choices: each option is counted on the rows
    filtered by everything else."""
    others: FrameworkRows = filterset.without("interface", "lifecycle", "page", "sort", "columns")
    interface, lifecycle = options["interface"], options["lifecycle"]
    counted: dict[str, int] = defaultdict(int)
    for framework in others:
        if framework.at_stage(lifecycle):
            for value, _ in INTERFACES:
                counted[f"interface_{value}"] += framework.speaks_interface(value)
        if not interface or framework.speaks_interface(interface):
            for value, _ in [("", ""), *LIFECYCLES]:
                counted[f"lifecycle_{value}"] += framework.at_stage(value)
    return counted


def _without(data: QueryDict, name: str, value: str | None = None) -> str:
    """The query string less one filter value (or the whole filter), from page one."""
    query = data.copy()
    query.pop("page", None)
    if value is None:
        query.pop(name, None)
    else:
        query.setlist(name, [v for v in query.getlist(name) if v != value])
    return query.urlencode()


def _chips(data: QueryDict, options: dict, filterset) -> list[Chip]:
    """The filters in force, each removable; the default lifecycle is not a filter to remove."""
    names = dict(filterset.filters["category"].extra["choices"])
    features = dict(filterset.filters["feature"].extra["choices"])
    chips = [Chip(names[s], _without(data, "category", s)) for s in options["categories"]]
    chips += [Chip(f"Has {features[s]}", _without(data, "feature", s)) for s in options["features"]]
    if options["support"] != Support.ANY:
        chips.append(
            Chip(f"Support: {Support(options['support']).label}", _without(data, "support"))
        )
    if options["interface"]:
        chips.append(Chip(dict(INTERFACES)[options["interface"]], _without(data, "interface")))
    if options["lifecycle"]:
        chips.append(Chip(f"Lifecycle: {dict(LIFECYCLES)[options['lifecycle']]}",
                          _without(data, "lifecycle")))  # fmt: skip
    if options["since"]:
        chips.append(Chip(f"Released from {options['since']}", _without(data, "since")))
    if options["until"]:
        chips.append(Chip(f"Released until {options['until']}", _without(data, "until")))
    if options["q"]:
        chips.append(Chip(f"Search: “{options['q']}”", _without(data, "q")))
    return chips


def _hints(data: QueryDict, options: dict, filterset) -> list[Hint]:
    """Which one change would widen an empty result, with how many frameworks it gives.

    At most MAX_HINTS: counting support of any kind first, when it helps, then dropping
    the filters most recently chosen.
    """
    support: list[tuple[str, FrameworkRows, str]] = []  # label, rows, query string
    if options["features"] and options["support"] != Support.ANY:
        query = data.copy()
        query.pop("page", None)
        query["support"] = Support.ANY
        rows = filterset.without("page", support=Support.ANY)
        support.append(("if extensions and third-party packages count", rows, query.urlencode()))
    removals = []
    for chip_name, value in _removable(options)[:MAX_HINTS]:
        if value is None:
            rows = filterset.without("page", chip_name)
        else:  # one value of a multiple choice
            remaining = [v for v in options[_plural(chip_name)] if v != value]
            rows = filterset.without("page", **{chip_name: remaining})
        label = _label(filterset, chip_name, value, options)
        removals.append((f"without {label}", rows, _without(data, chip_name, value)))
    hints = [Hint(label, len(rows), query) for label, rows, query in support + removals]
    widening_support = [hint for hint in hints[: len(support)] if hint.count]
    removing = hints[len(support) :][: MAX_HINTS - len(widening_support)]
    return widening_support + [hint for hint in removing if hint.count]


def _plural(name: str) -> str:
    return {"category": "categories", "feature": "features"}[name]


def _removable(options: dict) -> list[tuple[str, str | None]]:
    """Filters in force, the most recently chosen kinds first: features, then the rest."""
    found: list[tuple[str, str | None]] = [("feature", s) for s in reversed(options["features"])]
    found += [("category", s) for s in reversed(options["categories"])]
    found += [(name, None) for name in ("interface", "since", "until", "q") if options[name]]
    if options["lifecycle"]:
        found.append(("lifecycle", None))
    return found


def _label(filterset, name: str, value: str | None, options: dict) -> str:
    if name in ("category", "feature"):
        return dict(filterset.filters[name].extra["choices"])[value]
    if name == "interface":
        return dict(INTERFACES)[options["interface"]]
    return {"since": "the earliest year", "until": "the latest year", "q": "the search",
            "lifecycle": "the lifecycle filter"}[name]  # fmt: skip
