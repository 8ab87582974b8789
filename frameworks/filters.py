"""The comparison table's filters: short, stable query strings that get shared.

    ?category=asynchronous&category=microframework   in every category ticked
    ?feature=orm&feature=websockets                  every feature required...
    &support=built_in                                ...built in only (also: official; any,
                                                     the default: a third-party package counts)
    ?interface=asgi  ?since=2010&until=2020  ?q=async  ?sort=stars
    ?lifecycle=any                                   discontinued frameworks too (hidden by default)
    ?lifecycle=maintenance                           only those at that stage
    ?columns=data&columns=apis                       the feature groups shown as columns
    ?page=2                                          the next rows

Choices are given by the caller from lists it has already loaded, so that
validating a query costs no query. The rows filtered are not a QuerySet but the
published frameworks' facts held in memory (frameworks/pages/facts.py): each
filter method narrows a ``FrameworkRows``, and filtering costs no query either
(only a search asks PostgreSQL, once per text).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import django_filters
from django import forms
from django_filters.fields import MultipleChoiceField

from frameworks.models import Framework, Lifecycle, Support

if TYPE_CHECKING:
    from frameworks.pages.facts import FrameworkFacts, FrameworkRows

# The orders the table offers (FrameworkRows.ordered sorts by them).
SORTS = {
    "name": "Name",
    "release": "First release, oldest first",
    "-release": "First release, newest first",
    "stars": "GitHub stars, most first",
    "features": "Supported features, most first",
    "relevance": "Best match to the search",
}
# "other" means no source says WSGI or ASGI: unknown is not no, so the label says so.
INTERFACES = [("wsgi", "WSGI"), ("asgi", "ASGI"), ("other", "No source says WSGI or ASGI")]
# By default discontinued frameworks are left out: a developer choosing today rarely wants
# them, and their pages stay reachable. "any" brings them back; a stage picks one.
LIFECYCLES = [
    ("any", "Any, discontinued included"),
    (Lifecycle.ACTIVE, "Active"),
    (Lifecycle.MAINTENANCE, "Maintenance only"),
    (Lifecycle.DISCONTINUED, "Discontinued"),
]
# The feature groups shown as columns unless the visitor picks others: what people
# choosing a framework ask about first. The rest are a tick away.
DEFAULT_COLUMNS = ("data", "templates", "routing", "interface", "concurrency", "apis")
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
MAX_PAGE = 10_000


class YearFilter(django_filters.NumberFilter):
    """A whole number (a year, a page)."""

    field_class = forms.IntegerField


class DistinctChoicesField(MultipleChoiceField):
    """Each value once, blanks dropped: ``?feature=orm&feature=orm&feature=`` means orm.

    A repeated value would add one more subquery per repeat (a thousand of them
    take minutes), and a blank is what an empty form field sends.
    """

    def to_python(self, value):
        return list(dict.fromkeys(choice for choice in super().to_python(value) if choice))

    def __deepcopy__(self, memo):
        # Every form copies its fields; the choices, never changed, are shared.
        result = forms.Field.__deepcopy__(self, memo)
        result._choices = self._choices
        return result


class DistinctChoicesFilter(django_filters.MultipleChoiceFilter):
    field_class = DistinctChoicesField


class FrameworkFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(
                f"The first-release range is empty: {since} is after {until}."
            )
        if cleaned.get("sort") == "relevance" and not cleaned.get("q"):
            self.add_error("sort", "Sorting by best match needs a search term.")
        return cleaned


class FrameworkFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search", label="Search names and summaries", max_length=100
    )
    category = DistinctChoicesFilter(
        method="filter_categories", label="Category", widget=forms.CheckboxSelectMultiple
    )
    feature = DistinctChoicesFilter(
        method="filter_features", label="Must have", widget=forms.CheckboxSelectMultiple
    )
    support = django_filters.ChoiceFilter(
        choices=Support.choices, method="keep", label="Count as support", empty_label=None
    )
    interface = django_filters.ChoiceFilter(
        choices=INTERFACES, method="filter_interface", label="Interface", empty_label="Any"
    )
    lifecycle = django_filters.ChoiceFilter(
        choices=LIFECYCLES,
        method="filter_lifecycle",
        label="Lifecycle",
        empty_label="Not discontinued",
    )
    since = YearFilter(
        method="filter_since",
        label="First released from",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
    )
    until = YearFilter(
        method="filter_until",
        label="First released until",
        min_value=EARLIEST_YEAR,
        max_value=LATEST_YEAR,
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()),
        method="keep",
        label="Sort by",
        empty_label=None,
    )
    columns = DistinctChoicesFilter(
        method="keep", label="Columns: feature groups", widget=forms.CheckboxSelectMultiple
    )
    page = YearFilter(method="keep", label="Page", min_value=1, max_value=MAX_PAGE)

    class Meta:
        model = Framework
        fields: list[str] = []
        form = FrameworkFilterForm

    def __init__(self, data=None, *, queryset, categories, features, groups, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.feature_ids = {feature.slug: feature.id for feature in features}
        self.category_ids = {category.slug: category.id for category in categories}
        self.group_slugs = [group.slug for group in groups]
        self.filters["category"].extra["choices"] = [(c.slug, c.name) for c in categories]
        self.filters["feature"].extra["choices"] = [(f.slug, f.name) for f in features]
        self.filters["columns"].extra["choices"] = [(g.slug, g.name) for g in groups]

    def get_form_class(self):
        """The form for these choices, made once: django-filter makes a form class, and
        a field per filter, on every request, which cost more than the filtering."""
        choices = tuple(tuple(self.filters[name].extra["choices"]) for name in CHOICE_FILTERS)
        if choices not in _FORM_CLASSES:
            if len(_FORM_CLASSES) >= MAX_FORM_CLASSES:  # one per set of columns asked for
                _FORM_CLASSES.clear()
            _FORM_CLASSES[choices] = super().get_form_class()
        return _FORM_CLASSES[choices]

    # --- what the caller needs besides the rows ---------------------------------------

    @cached_property
    def options(self) -> dict:
        """The cleaned values, with defaults, for valid forms (and the valid part of an
        invalid one). Once validated: the template reads them dozens of times."""
        data = self.form.cleaned_data
        columns = data.get("columns") or [s for s in DEFAULT_COLUMNS if s in self.group_slugs]
        return {
            "support": data.get("support") or Support.ANY,
            "sort": data.get("sort") or ("relevance" if data.get("q") else "name"),
            "columns": columns or self.group_slugs[:1],
            "categories": list(data.get("category") or []),
            "features": list(data.get("feature") or []),
            "interface": data.get("interface") or "",
            "lifecycle": data.get("lifecycle") or "",
            "since": data.get("since"),
            "until": data.get("until"),
            "q": data.get("q") or "",
            "page": data.get("page") or 1,
        }

    @property
    def qs(self) -> list[FrameworkFacts]:
        """The matching frameworks, in the order chosen."""
        options = self.options
        rows = super().qs
        if not options["lifecycle"]:  # no filter method runs for an empty value
            rows = rows.at_stage("")
        return rows.ordered(options["sort"], options["support"])

    def filter_queryset(self, rows: FrameworkRows) -> FrameworkRows:
        """As django-filter's, for rows that are not a QuerySet (see FrameworkRows)."""
        for name, value in self.form.cleaned_data.items():
            rows = self.filters[name].filter(rows, value)
        return rows

    def without(self, *names: str, **replace) -> FrameworkRows:
        """The rows as filtered by every filter but ``names`` (for counts and hints).

        ``replace`` gives other values for some filters (``support="any"``).
        """
        rows = self.queryset.all()
        values = {**self.form.cleaned_data, **replace}
        for name, value in values.items():
            if name not in names and value not in (None, "", [], ()):
                rows = self.filters[name].filter(rows, value) if name != "feature" else rows
        if "feature" not in names and values.get("feature"):
            ids = [self.feature_ids[slug] for slug in values["feature"]]
            rows = rows.supporting(ids, values.get("support") or Support.ANY)
        if "lifecycle" not in names and not values.get("lifecycle"):
            rows = rows.at_stage("")
        return rows

    # --- filter methods -----------------------------------------------------------------

    def keep(self, rows: FrameworkRows, name: str, value) -> FrameworkRows:
        """Options that shape the page, not the rows."""
        return rows

    def filter_search(self, rows: FrameworkRows, name: str, text: str) -> FrameworkRows:
        return rows.search(text)

    def filter_categories(self, rows: FrameworkRows, name: str, slugs: list[str]) -> FrameworkRows:
        return rows.in_categories([self.category_ids[slug] for slug in slugs])

    def filter_features(self, rows: FrameworkRows, name: str, slugs: list[str]) -> FrameworkRows:
        support = self.form.cleaned_data.get("support") or Support.ANY
        return rows.supporting([self.feature_ids[slug] for slug in slugs], support)

    def filter_interface(self, rows: FrameworkRows, name: str, interface: str) -> FrameworkRows:
        return rows.speaking(interface)

    def filter_lifecycle(self, rows: FrameworkRows, name: str, lifecycle: str) -> FrameworkRows:
        return rows.at_stage(lifecycle)

    def filter_since(self, rows: FrameworkRows, name: str, year: int) -> FrameworkRows:
        return rows.released_from(year)

    def filter_until(self, rows: FrameworkRows, name: str, year: int) -> FrameworkRows:
        return rows.released_until(year)


CHOICE_FILTERS = ("category", "feature", "columns")  # their choices are given per query
# The form classes made, by their choices (forms hold no reference to the filterset).
_FORM_CLASSES: dict[tuple, type[forms.Form]] = {}
MAX_FORM_CLASSES = 256
