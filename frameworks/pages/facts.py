"""Every published framework's filterable facts, held in memory for one data version.

The comparison table filters, counts, sorts and pages its rows many times per
request (the rows, then each facet's count, then each hint for an empty result).
Asked of PostgreSQL, that was seven to twelve queries whose building and planning
cost more than their running. The facts that filtering reads are small (a few
hundred bytes a framework), so each process loads them once per data version,
in a few queries, and filters them in Python; a request then asks the database
only for the data version and the cells of the page it shows.

An editor's save changes the data version (frameworks/models/versions.py), so
the next request on every process and every instance loads the facts afresh.
The page cache is separate: with it off (COMPARE_PAGE_CACHE=0), every request
still renders its page, from these facts.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models, router
from django.db.models.functions import Lower
from django.http import QueryDict

from compare.pagecache import request_version
from frameworks.filters import DEFAULT_COLUMNS
from frameworks.models import (
    Category,
    ClaimKind,
    Feature,
    FeatureGroup,
    Framework,
    How,
    Lifecycle,
    PublicationStatus,
    Support,
    Verdict,
    VerdictStatus,
    VerdictSummary,
)
from frameworks.models.catalogue import page_url

# The column picker names this many groups at most, so the page stays bounded; others
# are a link away (each group's page in the feature index shows it as columns).
MAX_COLUMN_CHOICES = 24
INTERFACE_FEATURES = ("wsgi", "asgi")


@dataclass(frozen=True, slots=True)
class FrameworkFacts:
    """What the table filters, sorts and shows of one published framework."""

    id: int
    slug: str
    name: str
    name_rank: int  # its place in PostgreSQL's order of lower(name), the tie-breaker
    first_release: int | None
    github_stars: Decimal | None
    lifecycle: str  # "" when no source states it
    categories: tuple[tuple[int, bool], ...]  # (category id, disputed), categories it is in
    speaks: frozenset[str]  # "wsgi", "asgi": supported fully or partly
    supported: SupportedFeatures  # Support value -> ids of the features counted

    def get_absolute_url(self) -> str:
        return page_url("frameworks:framework_detail", self.slug)

    def in_category(self, category_id: int) -> bool:
        return any(member == category_id for member, _ in self.categories)

    def at_stage(self, lifecycle: str) -> bool:
        """The default stage ("") is any but discontinued, unknown included; "any" is all."""
        if lifecycle == "any":
            return True
        if lifecycle == "":
            return self.lifecycle != Lifecycle.DISCONTINUED
        return self.lifecycle == lifecycle

    def speaks_interface(self, interface: str) -> bool:
        """WSGI, ASGI, or "other": no source says either (unknown is not no)."""
        return not self.speaks if interface == "other" else interface in self.speaks


@dataclass
class ReferenceLists:
    """What one table query needs of the taxonomy, bounded whatever its size."""

    categories: list[Category]
    features: list[Feature]
    groups: list[FeatureGroup]
    feature_total: int
    group_total: int


def model_from[M: models.Model](model: type[M], db: str, values: dict) -> M:
    """A model instance from a few of its fields, the others deferred (as ``only()`` makes)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


@dataclass(frozen=True, slots=True)
class TaxonRow:
    """A published feature, or a feature group with some, as the index holds it."""

    id: int
    slug: str
    name: str
    group_id: int | None  # a feature's group; None for a group


class FactIndex:
    """The published facts of every framework, and the taxonomy, at one data version.

    Features and groups are held as small rows: a page shows a bounded number of
    them, made into model instances when first asked for.
    """

    def __init__(self, using: str, version: str, frameworks, categories, groups, features, id_sets):
        self.using, self.version = using, version
        self.id_sets: IdSets = id_sets  # the frameworks' supported features, as sets
        self.frameworks: list[FrameworkFacts] = frameworks  # in name order
        self.categories: list[Category] = categories
        self._categories_by_id = {category.id: category for category in categories}
        self._frameworks_by_id = {framework.id: framework for framework in frameworks}
        self.frameworks_by_slug = {framework.slug: framework for framework in frameworks}
        self.groups: list[TaxonRow] = groups  # those with published features, in order
        self.features_by_slug = {feature.slug: feature for feature in features}
        self.features_by_group: dict[int, list[TaxonRow]] = defaultdict(list)
        for feature in features:  # in display order
            self.features_by_group[feature.group_id].append(feature)
        self.feature_total = len(features)
        self.feature_rank = {feature.id: rank for rank, feature in enumerate(features)}
        self._groups_by_id = {group.id: group for group in groups}
        self._features_by_id = {feature.id: feature for feature in features}
        self._instances: dict[tuple[type, int], Feature | FeatureGroup] = {}
        self.kept = Kept(limit=settings.FACT_INDEX_KEPT)  # what pages made of this version

    @classmethod
    def load(cls, using: str, version: str, previous: FactIndex | None = None) -> FactIndex:
        """Five queries, whatever the number of frameworks (their rows grow, not their count).

        ``previous``: the facts of an earlier version, whose sets of feature ids this one
        may take over (``IdSets``)."""
        features, groups = [], {}
        for feature_id, slug, name, group_id, group_slug, group_name, group_position in (
            Feature.objects.using(using)
            .published()
            .in_display_order()
            .values_list("id", "slug", "name", "group_id", "group__slug", "group__name",
                         "group__position")
        ):  # fmt: skip
            features.append(TaxonRow(feature_id, slug, name, group_id))
            if group_id not in groups:
                groups[group_id] = (
                    group_position,
                    group_name.casefold(),  # close to PostgreSQL's order, for equal positions
                    TaxonRow(group_id, group_slug, group_name, None),
                )
        # The groups with published features, in display order.
        groups = [row for *_, row in sorted(groups.values(), key=lambda g: g[:2])]
        categories = list(Category.objects.using(using).order_by("position", "name"))
        position = {category.id: index for index, category in enumerate(categories)}
        names = (
            Framework.objects.using(using)
            .published()
            .order_by(Lower("name"), "pk")
            .values_list("id", "slug", "name")
        )
        id_sets = IdSets(
            frozenset(feature.id for feature in features),
            previous.id_sets if previous is not None else None,
        )
        interfaces = {f.id: f.slug for f in features if f.slug in INTERFACE_FEATURES}
        facts = _verdict_facts(using, interfaces)
        frameworks = []
        for rank, (framework_id, slug, name) in enumerate(names):
            first_release, stars, lifecycle, member_of, disputed_in, speaks, ways = facts.get(
                framework_id, _NO_FACTS
            )
            frameworks.append(
                FrameworkFacts(
                    id=framework_id,
                    slug=slug,
                    name=name,
                    name_rank=rank,
                    first_release=first_release,
                    github_stars=stars,
                    lifecycle=lifecycle,  # "" when no source states it
                    categories=tuple(
                        [
                            (category_id, category_id in disputed_in)
                            for category_id in sorted(member_of, key=position.__getitem__)
                        ]
                    ),
                    speaks=frozenset(speaks),
                    supported=SupportedFeatures(dict(zip(SUPPORTS, ways, strict=True)), id_sets),
                )
            )
        return cls(using, version, frameworks, categories, groups, features, id_sets)

    # --- what a query needs of the taxonomy --------------------------------------------

    def reference_lists(self, data: QueryDict) -> ReferenceLists:
        """Every category; the feature groups the column picker offers (the first ones in
        display order) and those the query asks for; the features of the groups it can
        show as columns and those it requires. A slug that names nothing is left out,
        so the form refuses it.
        """
        named = set(data.getlist("columns")) | set(DEFAULT_COLUMNS)
        groups = self.groups[:MAX_COLUMN_CHOICES] + [
            group for group in self.groups[MAX_COLUMN_CHOICES:] if group.slug in named
        ]
        # The groups shown as columns are among these: those asked for, else the default
        # ones, else the first group (FrameworkFilterSet.options).
        shown = {group.id for group in groups if group.slug in named} | {
            group.id for group in self.groups[:1]
        }
        features = [f for group_id in shown for f in self.features_by_group[group_id]]
        features += [
            self.features_by_slug[slug]
            for slug in data.getlist("feature")
            if slug in self.features_by_slug and self.features_by_slug[slug].group_id not in shown
        ]
        # Each once, in display order.
        features = sorted(
            {f.id: f for f in features}.values(), key=lambda f: self.feature_rank[f.id]
        )
        return ReferenceLists(
            self.categories,
            [self.feature(row) for row in features],
            [self.group(row.id) for row in groups],
            self.feature_total,
            len(self.groups),
        )

    def rows(self) -> FrameworkRows:
        return FrameworkRows(self.frameworks, searches={})

    # --- for a framework's page ------------------------------------------------------------

    def features_in_order(self, ids: set[int], slugs: tuple[str, ...] = ()) -> list[Feature]:
        """The published features with these ids or slugs, in display order."""
        wanted = ids | {self.features_by_slug[s].id for s in slugs if s in self.features_by_slug}
        rows = [self._features_by_id[id] for id in wanted if id in self._features_by_id]
        return [self.feature(row) for row in sorted(rows, key=lambda f: self.feature_rank[f.id])]

    def features_not_in(self, ids: set[int], limit: int) -> tuple[list[Feature], int]:
        """The first ``limit`` published features, in display order, not among ``ids``;
        and how many there are in all."""
        first = []
        for row in self.features_by_slug.values():  # in display order
            if len(first) == limit:
                break
            if row.id not in ids:
                first.append(self.feature(row))
        return first, self.feature_total - len(ids & self.feature_rank.keys())

    def nearest(
        self, framework_id: int, supported: set[int], categories: set[int], limit: int
    ) -> list[tuple[FrameworkFacts, int]]:
        """The published frameworks sharing a category with it, most features in common
        first (supported in any way), then by name; with that number."""
        neighbours = [
            (f, len(supported & f.supported[Support.ANY]))
            for f in self.frameworks
            if f.id != framework_id and any(c in categories for c, _ in f.categories)
        ]
        return sorted(neighbours, key=lambda pair: (-pair[1], pair[0].name_rank))[:limit]

    def feature_by_id(self, feature_id: int | None) -> Feature | None:
        """The published feature with this id as a model instance; None if there is none."""
        row = self._features_by_id.get(feature_id)
        return None if row is None else self.feature(row)

    def framework_by_id(self, framework_id: int | None) -> Framework | None:
        """The published framework with this id as a model instance (its name and slug;
        other fields deferred), made once; None if there is none."""
        key = (Framework, framework_id)
        if key not in self._instances:
            facts = self._frameworks_by_id.get(framework_id)
            if facts is None:
                return None
            values = {"id": facts.id, "slug": facts.slug, "name": facts.name,
                      "status": PublicationStatus.PUBLISHED}  # fmt: skip
            self._instances[key] = model_from(Framework, self.using, values)
        return self._instances[key]

    def name_rank(self, framework_id: int) -> int:
        """Its place in the order of names; after all of them if it is not held."""
        facts = self._frameworks_by_id.get(framework_id)
        return len(self.frameworks) if facts is None else facts.name_rank

    def frameworks_by_id(self, ids: list[int]) -> dict[int, Framework]:
        """The published frameworks with these ids as model instances, in the order
        given. One published after these facts were loaded is read from the database."""
        found = {framework_id: self.framework_by_id(framework_id) for framework_id in ids}
        if missing := [framework_id for framework_id, f in found.items() if f is None]:
            found.update(Framework.objects.using(self.using).in_bulk(missing))
        return {framework_id: found[framework_id] for framework_id in ids if found[framework_id]}

    def with_references(self, items, *names: str) -> None:
        """Give claims or verdicts the feature, category or frameworks they name (the
        fields ``names``) from these instances: a page's hundreds of rows name a few dozen
        of them, and a join made a copy per row. One not held (a draft) is left to load
        if read."""
        if not items:
            return
        finders = {
            "feature": self.feature_by_id,
            "category": self._categories_by_id.get,
            "successor": self.framework_by_id,
            "based_on": self.framework_by_id,
        }
        model = type(items[0])  # Claim or Verdict
        lookups = [(model._meta.get_field(name), finders[name]) for name in names]
        for item in items:
            values = item.__dict__  # ids read without the descriptors' Python call each
            for field, find in lookups:
                related_id = values.get(field.attname)  # absent if deferred: left to load
                if related_id is not None and (related := find(related_id)) is not None:
                    field.set_cached_value(item, related)

    def group(self, group_id: int) -> FeatureGroup:
        """The group as a model instance (its other fields deferred), made once."""
        key = (FeatureGroup, group_id)
        if key not in self._instances:
            row = self._groups_by_id[group_id]
            values = {"id": row.id, "slug": row.slug, "name": row.name}
            self._instances[key] = model_from(FeatureGroup, self.using, values)
        return self._instances[key]

    def feature(self, row: TaxonRow) -> Feature:
        """The feature as a model instance with its group (other fields deferred), made once."""
        key = (Feature, row.id)
        if key not in self._instances:
            values = {"id": row.id, "slug": row.slug, "name": row.name,
                      "group_id": row.group_id, "status": PublicationStatus.PUBLISHED}  # fmt: skip
            feature = model_from(Feature, self.using, values)
            feature.group = self.group(row.group_id)
            self._instances[key] = feature
        return self._instances[key]


class Kept:
    """What pages make from this data version's database rows and may use again, such
    as one framework's side of a comparison; it goes with the facts when the data changes.

    Bounded: past ``limit`` items, the least recently used is dropped. A process's
    threads share it, so it is read and changed under a lock; an item is made outside
    it (two threads may both make one; the second replaces the first, equal to it).
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_many[K: Hashable, V](
        self, keys: list[K], make: Callable[[list[K]], dict[K, V]]
    ) -> list[V]:
        """The item for each key, in order; ``make(missing)`` makes those not kept, in one go."""
        with self._lock:
            found = {key: self._items[key] for key in keys if key in self._items}
            for key in found:
                self._items.move_to_end(key)
        if missing := [key for key in keys if key not in found]:
            made = make(missing)
            with self._lock:
                self._items.update(made)
                while len(self._items) > self.limit:
                    self._items.popitem(last=False)
            found.update(made)
        return [found[key] for key in keys]  # type: ignore[misc]


# A framework no verdict speaks about: no figure, no category, no feature.
_NO_FACTS = (None, None, "", [], set(), [], ["", "", ""])
SUPPORTS = (Support.ANY, Support.OFFICIAL, Support.BUILT_IN)  # the order they are kept in
# Each way a feature is had ("" when no source says) and its column in VerdictSummary.
SUMMARY_HOWS = {How.BUILT_IN: "built_in", How.OFFICIAL_EXTENSION: "official_extension",
                How.THIRD_PARTY: "third_party", "": "unstated"}  # fmt: skip
# For each of SUPPORTS, the positions among SUMMARY_HOWS of the columns it counts.
SUPPORT_COLUMNS = tuple(
    tuple(i for i, how in enumerate(SUMMARY_HOWS) if support.hows is None or how in support.hows)
    for support in SUPPORTS
)


def _verdict_facts(using: str, interfaces: dict[int, str]) -> dict[int, tuple]:
    """Per framework: first release, GitHub stars, lifecycle, categories (and those
    disputed), WSGI/ASGI, and the ids of the features supported in each way ``Support``
    counts, as text (see ``SupportedFeatures``).

    Read from the verdicts' summaries (``VerdictSummary``, one row a framework) and,
    for WSGI and ASGI, from the few verdicts on those two features.
    """
    speaks: dict[int, list[str]] = defaultdict(list)
    for framework_id, feature_id in (
        Verdict.objects.using(using)
        .filter(
            kind=ClaimKind.FEATURE,
            feature_id__in=list(interfaces),
            status__in=[VerdictStatus.YES, VerdictStatus.PARTIAL],
        )
        .values_list("framework_id", "feature_id")
    ):
        speaks[framework_id].append(interfaces[feature_id])
    facts = {}
    for framework_id, first_release, stars, lifecycle, member_of, disputed, *by_how in (
        VerdictSummary.objects.using(using).values_list(
            "framework_id", "first_release", "github_stars", "lifecycle", "member_of",
            "disputed_in", *SUMMARY_HOWS.values(),
        )
    ):  # fmt: skip
        ways = [",".join([by_how[i] for i in columns if by_how[i]]) for columns in SUPPORT_COLUMNS]
        facts[framework_id] = (
            first_release, stars, lifecycle, _ids(member_of), set(_ids(disputed)),
            speaks[framework_id], ways,
        )  # fmt: skip
    return facts


def _ids(text: str) -> list[int]:
    return [int(id) for id in text.split(",")] if text else []


class SupportedFeatures(dict):
    """Support value -> ids of the published features supported in the ways it counts.

    Read from the verdicts' summaries as text and made into sets when first asked
    for: most requests ask for "any" only, and at a hundred times the data making
    the other two for every framework was a third of loading the facts.
    """

    __slots__ = ("texts", "id_sets")

    def __init__(self, texts: dict[str, str], id_sets: IdSets):
        super().__init__()
        self.texts, self.id_sets = texts, id_sets

    def __missing__(self, support: str) -> frozenset[int]:
        ids = self[support] = self.id_sets.of(self.texts[support])
        return ids


class IdSets:
    """The sets of published feature ids that the facts' texts stand for, made once a text.

    Taken over from the facts of the data version before, while the published features
    are the same: an edit changes the texts of a few frameworks, and making every
    framework's set afresh was most of the first table request after an edit at a
    hundred times the data. Only the sets made for the version just before are kept.
    """

    __slots__ = ("published", "made", "earlier")

    def __init__(self, published: frozenset[int], before: IdSets | None = None):
        self.published = published
        self.made: dict[str, frozenset[int]] = {}
        same = before is not None and before.published == published
        self.earlier = before.made if same else {}

    def of(self, text: str) -> frozenset[int]:
        ids = self.made.get(text)
        if ids is None:
            ids = self.earlier.get(text)
            if ids is None:
                ids = frozenset(map(int, text.split(","))) & self.published if text else frozenset()
            self.made[text] = ids
        return ids


class FrameworkRows:
    """A selection of the index's frameworks: what the table's FilterSet filters.

    Each filter gives a new selection; ``ordered`` sorts one for display.
    """

    model = Framework  # django-filter reads it

    def __init__(self, members: list[FrameworkFacts], *, searches: dict):
        self.members = members
        # Full-text search stays in PostgreSQL: its results (id -> rank) are kept per
        # request, so the counts and hints that filter again do not search again.
        self.searches = searches
        self.relevance: dict[int, float] = {}

    def all(self) -> FrameworkRows:
        return self

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self):
        return iter(self.members)

    def _where(self, keep) -> FrameworkRows:
        rows = FrameworkRows([f for f in self.members if keep(f)], searches=self.searches)
        rows.relevance = self.relevance
        return rows

    def in_categories(self, category_ids: list[int]) -> FrameworkRows:
        return self._where(lambda f: all(f.in_category(c) for c in category_ids))

    def supporting(self, feature_ids: list[int], support: str) -> FrameworkRows:
        wanted = frozenset(feature_ids)
        return self._where(lambda f: wanted <= f.supported[support])

    def speaking(self, interface: str) -> FrameworkRows:
        return self._where(lambda f: f.speaks_interface(interface))

    def at_stage(self, lifecycle: str) -> FrameworkRows:
        return self._where(lambda f: f.at_stage(lifecycle))

    def released_from(self, year: int) -> FrameworkRows:
        return self._where(lambda f: f.first_release is not None and f.first_release >= year)

    def released_until(self, year: int) -> FrameworkRows:
        return self._where(lambda f: f.first_release is not None and f.first_release <= year)

    def search(self, text: str) -> FrameworkRows:
        if text not in self.searches:
            self.searches[text] = dict(
                Framework.objects.published().search(text).values_list("id", "relevance")
            )
        found = self.searches[text]
        rows = self._where(lambda f: f.id in found)
        rows.relevance = found
        return rows

    def ordered(self, sort: str, support: str) -> list[FrameworkFacts]:
        """Frameworks no source gives a figure for come last, whichever the direction."""
        keys = {
            "name": lambda f: f.name_rank,
            "release": lambda f: (f.first_release is None, f.first_release or 0, f.name_rank),
            "-release": lambda f: (f.first_release is None, -(f.first_release or 0), f.name_rank),
            "stars": lambda f: (f.github_stars is None, -(f.github_stars or 0), f.name_rank),
            "features": lambda f: (-len(f.supported[support]), f.name_rank),
            "relevance": lambda f: (-self.relevance.get(f.id, 0), f.name_rank),
        }
        return sorted(self.members, key=keys[sort])

    # --- counts ---------------------------------------------------------------------------

    def category_counts(self) -> Counter:
        return Counter(category for f in self.members for category, _ in f.categories)

    def feature_counts(self, feature_ids: list[int], support: str) -> Counter:
        listed = frozenset(feature_ids)
        return Counter(feature for f in self.members for feature in f.supported[support] & listed)


# --- the index of this process ------------------------------------------------------------

_indexes: dict[str, FactIndex] = {}
_loading = threading.Lock()


def current_index() -> FactIndex:
    """The index at the data version now, loaded if the data changed since the last one.

    Read from the database this request reads from (a replica for anonymous visitors,
    when there are any), at the version the page cache read for this request. An edit
    committed while the index loads makes it newer than its version, never older: the
    next request sees the new version and loads it again.
    """
    using = router.db_for_read(Framework) or "default"
    version = request_version(using).token
    index = _indexes.get(using)
    if index is not None and index.version == version and settings.FACT_INDEX_REUSE:
        return index
    with _loading:  # the threads of one process load it once
        index = _indexes.get(using)
        if index is None or index.version != version or not settings.FACT_INDEX_REUSE:
            index = _indexes[using] = FactIndex.load(using, version, previous=index)
    return index
