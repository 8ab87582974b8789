"""What a visitor needs: the query string, the form that reads it, the presets and the form's rows.

The query-string design is described in ``frameworks/pages/choose/__init__.py``.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.utils.safestring import SafeString

from frameworks.models import Category, Feature, FeatureGroup, Support
from frameworks.pages.facts import FactIndex, current_index

MAX_NEEDS = 20  # must-haves and nice-to-haves together
MAX_VALUES = 100  # values of one parameter, before repeats are dropped
PYTHON_VERSIONS = ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15")
INTERFACES = (("wsgi", "WSGI"), ("asgi", "ASGI"))
LIFECYCLES = (
    ("", "Active only"),
    ("maintained", "Active or maintenance only"),
    ("any", "Any, discontinued included"),
)
COUNTS_WORDING = {
    Support.ANY: "any way",
    Support.OFFICIAL: "built in or official extension",
    Support.BUILT_IN: "built in only",
}


class Weight:
    """How much a nice-to-have counts: its points when met."""

    POINTS = {"low": 1, "medium": 2, "high": 3}
    DEFAULT = "medium"


# --- Needs and the form ----------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """One feature a visitor needs: a must-have with what counts, or a nice-to-have."""

    feature: Feature
    must: bool
    counts: str = Support.ANY  # must-haves: the ways of support that count
    weight: str = Weight.DEFAULT  # nice-to-haves
    interface: bool = False  # from ?interface=, shown with the constraints

    @property
    def value(self) -> str:
        """The query-string value that asks for this need (defaults left out)."""
        modifier, default = (
            (self.counts, Support.ANY) if self.must else (self.weight, Weight.DEFAULT)
        )
        return self.feature.slug if modifier == default else f"{self.feature.slug}:{modifier}"

    @property
    def points(self) -> int:
        return 0 if self.must else Weight.POINTS[self.weight]

    @property
    def role(self) -> str:
        return "must" if self.must else "nice"

    @property
    def wording(self) -> str:
        """The need in words: "must have, built in only", "nice to have, high"."""
        if self.must:
            return f"must have, {COUNTS_WORDING[self.counts]}"
        return f"nice to have, {self.weight}"

    def options(self) -> list[tuple[str, str]]:
        """The choices the form offers for this need: its role's modifiers, and none."""
        slug = self.feature.slug
        if self.must:
            return [
                (slug, "must: any way"),
                (f"{slug}:official", "must: built in or extension"),
                (f"{slug}:built_in", "must: built in only"),
                ("", "not a must-have"),
            ]
        return [
            (f"{slug}:high", "nice: high"),
            (slug, "nice: medium"),
            (f"{slug}:low", "nice: low"),
            ("", "not needed"),
        ]


def _shown(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


class NeedListField(forms.Field):
    """Every value of a repeated parameter, blanks dropped; parsed by the form."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        values = [item for item in (value or []) if item]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(
                f"Too many values: at most {MAX_VALUES} for one parameter "
                f"(and at most {MAX_NEEDS} needs are ranked at once)."
            )
        return values


class ChooseForm(forms.Form):
    must = NeedListField(required=False, label="Must have")
    nice = NeedListField(required=False, label="Nice to have")
    category = forms.ChoiceField(required=False, label="Category")
    interface = forms.ChoiceField(
        required=False, label="Interface", choices=[("", "Any"), *INTERFACES]
    )
    lifecycle = forms.ChoiceField(required=False, label="Lifecycle", choices=LIFECYCLES)
    python = forms.ChoiceField(
        required=False,
        label="Runs on Python",
        choices=[("", "Any version"), *((v, f"Python {v}") for v in PYTHON_VERSIONS)],
    )

    def __init__(
        self,
        data,
        *,
        categories: list[Category],
        features: Mapping[str, Feature] | Iterable[Feature],
    ):
        """``features``: the published ones, by slug (a ``Catalogue``) or as a list."""
        super().__init__(data)
        self.categories = {category.slug: category for category in categories}
        self.features = (
            features
            if isinstance(features, Mapping)
            else {feature.slug: feature for feature in features}
        )
        self.fields["category"].choices = [("", "Any category")] + [
            (c.slug, c.name) for c in categories
        ]
        self.fields["interface"].choices = [("", "Any")] + [
            (slug, name) for slug, name in INTERFACES if slug in self.features
        ]

    @property
    def constraints_html(self) -> SafeString:
        """A menu for each constraint, the value asked for selected (an unreadable one: none).

        Made here rather than by looping over the form's fields in the template: the
        template read each field's value once per option, a few hundred lookups a page.
        """
        menus = []
        for name in self.fields:
            if name in ("must", "nice"):
                continue  # the needs: the feature picker's, not menus
            bound = self[name]
            chosen = bound.value()
            chosen = "" if chosen is None else chosen
            options = _options(bound.field.choices, chosen)
            menus.append(
                f'\n    <p>\n      <label for="c-{name}">{html.escape(str(bound.label))}</label>\n'
                f'      <select class="auto-apply" id="c-{name}" name="{name}">{options}</select>\n'
                "    </p>\n    "
            )
        return SafeString("".join(menus))  # every value escaped

    def clean(self):
        cleaned = super().clean()
        musts = self._parse("must", cleaned.get("must") or [])
        nices = self._parse("nice", cleaned.get("nice") or [])
        if musts is None or nices is None:
            return cleaned
        # A must-have wins over the same feature ticked as nice to have.
        nices = {slug: need for slug, need in nices.items() if slug not in musts}
        if len(musts) + len(nices) > MAX_NEEDS:
            raise forms.ValidationError(
                f"At most {MAX_NEEDS} needs at once; you gave {len(musts) + len(nices)}."
            )
        cleaned["needs"] = [*musts.values(), *nices.values()]
        return cleaned

    def _parse(self, name: str, values: list[str]) -> dict[str, Need] | None:
        """``slug[:modifier]`` values as needs, in order; None (with an error) if any is bad."""
        needs: dict[str, Need] = {}
        errors = []
        for value in values:
            need = self.parse_need(value, must=name == "must")
            if isinstance(need, str):
                errors.append(need)
            elif need.feature.slug in needs and needs[need.feature.slug] != need:
                errors.append(
                    f"“{need.feature.slug}” is given twice with different choices "
                    f"({needs[need.feature.slug].value}, {need.value}): keep one."
                )
            else:
                needs[need.feature.slug] = need
        for error in dict.fromkeys(errors):
            self.add_error(name, error)
        return None if errors else needs

    def parse_need(self, value: str, *, must: bool) -> Need | str:
        """The need a value asks for, or what is wrong with it."""
        slug, _, modifier = value.partition(":")
        feature = self.features.get(slug)
        if feature is None:
            return f"There is no published feature called “{_shown(slug)}”."
        if must:
            if modifier not in ("", *Support.values):
                return (
                    f"“{_shown(value)}”: after the colon, say what counts: "
                    "any, official or built_in."
                )
            return Need(feature, must=True, counts=modifier or Support.ANY)
        if modifier not in ("", *Weight.POINTS):
            return f"“{_shown(value)}”: the weight is low, medium or high."
        return Need(feature, must=False, weight=modifier or Weight.DEFAULT)

    def raw_needs(self) -> list[Need]:
        """What the address asks for, leaving out what cannot be read (for a refused form)."""
        found: dict[str, Need] = {}
        for name in ("must", "nice"):
            values = self.data.getlist(name)[:MAX_VALUES] if self.data is not None else []
            for value in values:
                need = self.parse_need(value, must=name == "must") if value else None
                if isinstance(need, Need):
                    found.setdefault(need.feature.slug, need)
        return list(found.values())

    # --- what the builder reads (valid forms) ------------------------------------------------

    @property
    def needs(self) -> list[Need]:
        """Must-haves, then nice-to-haves, then the interface asked for (as a must-have)."""
        needs = list(self.cleaned_data.get("needs", []))
        interface = self.cleaned_data.get("interface")
        if interface and not any(need.feature.slug == interface and need.must for need in needs):
            needs = [need for need in needs if need.feature.slug != interface]
            needs.append(Need(self.features[interface], must=True, interface=True))
        return needs

    # Not named like the fields: in templates, form.category is the bound field.
    @property
    def chosen_category(self) -> Category | None:
        return self.categories.get(self.cleaned_data.get("category") or "")

    @property
    def chosen_lifecycle(self) -> str:
        return self.cleaned_data.get("lifecycle") or "active"

    @property
    def chosen_python(self) -> str:
        return self.cleaned_data.get("python") or ""


# --- Presets ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A common case, as a link that fills the form."""

    slug: str
    title: str
    description: str
    must: tuple[str, ...]
    nice: tuple[str, ...] = ()

    @property
    def query(self) -> str:
        return urlencode([("must", v) for v in self.must] + [("nice", v) for v in self.nice])

    @property
    def needs(self) -> list[str]:
        return sorted([f"must={v}" for v in self.must] + [f"nice={v}" for v in self.nice])


# One place for the presets; tests/test_choose.py checks that every feature named exists.
PRESETS = (
    Preset(
        "server-rendered-site",
        "A server-rendered site with an admin",
        "Templates, an ORM, forms, logins and an admin panel; migrations and sessions help.",
        must=("templates", "orm", "forms", "authentication", "admin-panel"),
        nice=("migrations:high", "sessions", "csrf-protection", "form-validation:low"),
    ),
    Preset(
        "json-api",
        "A JSON API with OpenAPI docs",
        "REST routes, request validation and generated OpenAPI docs; async and type hints help.",
        must=("rest", "openapi", "validation"),
        nice=("async-handlers:high", "type-hints", "dependency-injection", "authentication:low"),
    ),
    Preset(
        "real-time",
        "Real-time (WebSockets)",
        "WebSockets and async handlers; streaming and background jobs help.",
        must=("websockets", "async-handlers"),
        nice=("streaming:high", "asgi", "background-jobs:low"),
    ),
    Preset(
        "small-service",
        "A small service",
        "Routing in a single file; a production server of its own and few dependencies help.",
        must=("routing", "single-file"),
        nice=("production-server:high", "no-dependencies", "testing-support:low"),
    ),
)


# --- The published features, and the form's rows ---------------------------------------------

# The form lists a bounded number of features whatever their number (the real data's all fit):
# the chosen ones, and whole groups in display order up to MAX_LISTED features; or, instead of
# those groups, a group asked for (?group=) and the features a search finds (?find=). The
# others are counted, with a menu of some of their groups and the search to reach every one.
MAX_LISTED = 60
MAX_OPENED = 40  # features of the group asked for
MAX_FOUND = 30  # features a search lists
MAX_GROUP_CHOICES = 40  # groups the "open a group" menu names
MAX_FIND = 100  # characters of a search that are kept


class Catalogue(Mapping[str, Feature]):
    """The published features in display order, by slug, as the facts held in memory for
    this data version list them (``pages.facts``); a model instance is made only for the
    few the page uses (the needs, the rows of the form), and kept with the facts.
    """

    def __init__(self, index: FactIndex):
        self.index = index
        self.rows = list(index.features_by_slug.values())  # in display order
        self.groups = {group.id: (group.slug, group.name) for group in index.groups}
        self.by_slug = index.features_by_slug

    @classmethod
    def load(cls) -> Catalogue:
        """From the published taxonomy held in memory for this data version (``facts``)."""
        return cls(current_index())

    def __getitem__(self, slug: str) -> Feature:
        return self.index.feature(self.by_slug[slug])

    def __contains__(self, slug) -> bool:
        return slug in self.by_slug

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_slug)

    def __len__(self) -> int:
        return len(self.rows)

    def group(self, group_id: int) -> FeatureGroup:
        return self.index.group(group_id)


@dataclass
class PickerRow:
    """A feature in the form: a choice for the role it has, a checkbox for a role it has not."""

    feature: Feature
    need: Need | None

    @property
    def html(self) -> SafeString:
        """The row's markup, made here: the form lists up to sixty, and the template
        language took half the page's time to write them."""
        slug, name = html.escape(self.feature.slug), html.escape(self.feature.name)
        need = self.need
        row = f'<div class="need-row chosen {need.role}">' if need else '<div class="need-row">'
        row += f'<span class="need-name">{name}</span>'
        if need and need.must:
            row += f'<label class="vh" for="must-{slug}">{name}: must have, what counts</label>'
            row += _select("must", slug, need)
        else:
            row += _box("must", slug, name, 'must<span class="vh"> have</span>')
        if need and not need.must:
            row += f'<label class="vh" for="nice-{slug}">{name}: nice to have, how much</label>'
            row += _select("nice", slug, need)
        elif not need:
            row += _box("nice", slug, name, 'nice<span class="vh"> to have</span>')
        return SafeString(row + "</div>")  # every value escaped


def _select(role: str, slug: str, need: Need) -> str:
    options = _options(need.options(), need.value)
    return f'<select class="auto-apply" id="{role}-{slug}" name="{role}">{options}</select>'


def _options(choices, chosen) -> str:
    """A menu's options, the chosen value selected; every value escaped."""
    return "".join(
        [
            f'<option value="{html.escape(str(value))}"'
            f"{' selected' if value == chosen else ''}>{html.escape(str(label))}</option>"
            for value, label in choices
        ]
    )


def _box(role: str, slug: str, name: str, words: str) -> str:
    return (
        f'<label class="need-box"><input class="auto-apply" type="checkbox" id="{role}-{slug}" '
        f'name="{role}" value="{slug}"><span class="vh">{name}: </span>{words}</label>'
    )


@dataclass
class PickerGroup:
    group: FeatureGroup
    rows: list[PickerRow] = field(default_factory=list)
    open: bool = False

    @property
    def chosen(self) -> int:
        return sum(1 for row in self.rows if row.need)

    @property
    def html(self) -> str:
        """The group's fold with its rows, with no space between tags (the form's rows
        would otherwise weigh hundreds of bytes more each)."""
        chosen = self.chosen
        count = f' <span class="count">{chosen} chosen</span>' if chosen else ""
        rows = "".join([row.html for row in self.rows])
        return (
            f'<details class="need-group" id="group-{html.escape(self.group.slug)}"'
            f"{' open' if self.open else ''}><summary>{html.escape(self.group.name)}{count}"
            f"</summary>{rows}</details>"
        )


@dataclass
class Picker:
    """The features the form lists, by group, and how to reach the others."""

    groups: list[PickerGroup]
    total: int  # published features
    more_groups: int  # groups with features not listed
    group_choices: list[FeatureGroup]  # some of them, for the "open a group" menu
    unnamed_groups: int  # groups with features not listed that the menu does not name
    opened: FeatureGroup | None = None
    opened_listed: int = 0  # features of the opened group listed
    opened_more: int = 0  # and not listed
    find: str = ""
    found: int = 0  # features the search matches
    found_listed: int = 0

    @property
    def groups_html(self) -> SafeString:
        return SafeString("".join([group.html for group in self.groups]))  # every value escaped

    @property
    def narrowed(self) -> bool:
        """A group or a search lists features instead of the first groups."""
        return bool(self.opened or self.find)

    @property
    def shown(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    @property
    def more(self) -> int:
        return self.total - self.shown

    @property
    def found_more(self) -> int:
        return self.found - self.found_listed


def picker(catalogue: Catalogue, needs: list[Need], *, group: str = "", find: str = "") -> Picker:
    """The form's rows: the chosen features, and the first groups' or the group asked for and
    what a search finds; groups in display order, each with its rows in display order."""
    chosen = {need.feature.slug: need for need in needs if not need.interface}
    listed = set(chosen)
    sizes = Counter(row.group_id for row in catalogue.rows)
    opened_id = next((id_ for id_, (slug, _) in catalogue.groups.items() if slug == group), None)
    members: list[str] = []
    if opened_id is not None:
        members = [row.slug for row in catalogue.rows if row.group_id == opened_id]
        listed.update(members[:MAX_OPENED])

    find = " ".join(find.split())[:MAX_FIND]
    found: list[str] = []
    if find:
        needle = find.casefold()
        groups_found = {
            id_ for id_, (_, name) in catalogue.groups.items() if needle in name.casefold()
        }
        found = [
            row.slug
            for row in catalogue.rows
            if needle in row.name.casefold() or needle in row.slug or row.group_id in groups_found
        ]
        listed.update(found[:MAX_FOUND])
    found_shown = set(found[:MAX_FOUND])
    if opened_id is None and not find:
        first_groups, taken = set(), 0
        for group_id in catalogue.groups:
            if taken + sizes[group_id] > MAX_LISTED:
                break
            first_groups.add(group_id)
            taken += sizes[group_id]
        if first_groups:
            listed.update(row.slug for row in catalogue.rows if row.group_id in first_groups)
        else:  # a first group bigger than the list: its first features
            listed.update(row.slug for row in catalogue.rows[:MAX_LISTED])

    shown: dict[int, PickerGroup] = {}
    for row in catalogue.rows:
        if row.slug in listed:
            entry = shown.setdefault(row.group_id, PickerGroup(catalogue.group(row.group_id)))
            entry.rows.append(PickerRow(catalogue[row.slug], chosen.get(row.slug)))
            if row.slug in chosen or row.slug in found_shown or row.group_id == opened_id:
                entry.open = True
    listed_in = Counter(catalogue.by_slug[slug].group_id for slug in listed)
    unlisted = [id_ for id_ in catalogue.groups if listed_in[id_] < sizes[id_]]
    others = [id_ for id_ in unlisted if id_ != opened_id]
    choices = others[:MAX_GROUP_CHOICES]
    return Picker(
        groups=list(shown.values()),
        total=len(catalogue),
        more_groups=len(unlisted),
        group_choices=[catalogue.group(id_) for id_ in choices],
        unnamed_groups=len(others) - len(choices),
        opened=catalogue.group(opened_id) if opened_id is not None else None,
        opened_listed=len(members[:MAX_OPENED]),
        opened_more=len(members[MAX_OPENED:]),
        find=find,
        found=len(found),
        found_listed=len(found_shown),
    )


def current_preset(needs: list[Need]) -> str:
    """The preset whose needs the visitor has now, unchanged, if any (constraints aside)."""
    asked = sorted(f"{need.role}={need.value}" for need in needs if not need.interface)
    return next((preset.slug for preset in PRESETS if preset.needs == asked), "")
