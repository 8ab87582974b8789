"""From a claim as written (slugs, text) to a Claim, one way: for the loader, lint and CSV import.

A claim arrives as values: from a TOML fixture or a JSON export (numbers,
dates, booleans) or from a CSV row (all text). ``ClaimBuilder.build`` resolves
the slugs, parses the values, and runs the model's own validation, which is
the claim rules of ``frameworks/models/rules.py``; the result is an unsaved
Claim or the messages saying what is wrong, field by field.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from frameworks.dataset.schema import COMMON_FIELDS, DEFAULT_VALUES, KIND_FIELDS
from frameworks.models import (
    KIND_RULES,
    Category,
    Claim,
    ClaimKind,
    Feature,
    Framework,
    Metric,
    Source,
)

# Where a slug is looked up, by field.
RELATIONS = {
    "source": "sources",
    "via": "sources",
    "framework": "frameworks",
    "successor": "frameworks",
    "based_on": "frameworks",
    "feature": "features",
    "category": "categories",
}
RELATED_FIELDS = ["framework", "source", "via", "feature", "category", "based_on", "successor"]
# What a claim's subject names, by kind: the field it sets.
SUBJECT_FIELD = {
    kind: rules.subject[0] for kind, rules in KIND_RULES.items() if rules.subject
}  # feature, category, metric, based_on
NUMBERS = {"value": Decimal, "value_max": Decimal, "year": int}
DATES = ("as_of", "release_date")


@dataclass
class Lookups:
    """Slug tables for the objects claims point at."""

    sources: dict[str, Any] = field(default_factory=dict)
    frameworks: dict[str, Any] = field(default_factory=dict)
    features: dict[str, Any] = field(default_factory=dict)
    categories: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_database(cls) -> Lookups:
        """Every object, one query per table."""
        return cls(
            sources={s.slug: s for s in Source.objects.all()},
            frameworks={f.slug: f for f in Framework.objects.all()},
            features={f.slug: f for f in Feature.objects.all()},
            categories={c.slug: c for c in Category.objects.all()},
        )

    @classmethod
    def standing_in_for(cls, document: Mapping[str, Any]) -> Lookups:
        """Unsaved stand-ins for the objects a document names, for checking it without a database.

        Each gets an id of its own, so that the rules comparing relations (a
        framework built on itself) see the same thing they see in the database.
        """
        ids = iter(range(1, 1_000_000))

        def stand_in(model, slug):
            return model(pk=next(ids), slug=slug)

        sources = [s["slug"] for s in document.get("sources", [])]
        sources += [s["slug"] for f in document.get("frameworks", []) for s in f.get("sources", [])]
        return cls(
            sources={slug: stand_in(Source, slug) for slug in sources},
            frameworks={f["slug"]: stand_in(Framework, f["slug"]) for f in document["frameworks"]},
            features={
                f["slug"]: stand_in(Feature, f["slug"])
                for group in document.get("feature_groups", [])
                for f in group.get("features", [])
            },
            categories={c["slug"]: stand_in(Category, c["slug"]) for c in document["categories"]},
        )


class ClaimBuilder:
    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups

    def build(
        self, framework, kind: str, subject: str | None, entry: Mapping[str, Any]
    ) -> tuple[Claim | None, dict[str, list[str]]]:
        """An unsaved claim of ``framework`` and the problems with it, by field."""
        errors: dict[str, list[str]] = {}
        if kind not in KIND_RULES:
            return None, {"kind": [f"“{kind}” is not one of: {', '.join(KIND_RULES)}."]}
        given = {**DEFAULT_VALUES.get(kind, {}), **{k: v for k, v in entry.items() if v != ""}}
        values: dict[str, Any] = {"framework": framework, "kind": kind}
        for name in COMMON_FIELDS + KIND_FIELDS[kind]:
            values[name] = given.get(name)
        if kind in SUBJECT_FIELD:
            values[SUBJECT_FIELD[kind]] = subject
        for name in list(values):
            if name in RELATIONS and name != "framework":
                values[name] = self._related(name, values[name], errors)
        if values.get("source") is None and "source" not in errors:
            errors["source"] = ["A claim needs a source."]
        if kind == ClaimKind.FIGURE and values.get("metric") not in Metric.values:
            errors["metric"] = [f"“{values.get('metric')}” is not a metric."]
        for name, convert in NUMBERS.items():
            values[name] = _parse(values.get(name), convert, name, errors)
        for name in DATES:
            values[name] = _parse(values.get(name), _date, name, errors)
        values["preferred"] = _boolean(values.get("preferred"), errors)
        claim = Claim(**_with_empty_text(values))
        try:
            # Related objects come from the lookups (no query each), uniqueness is the
            # caller's to check for a whole file at once, and the constraints are the
            # database's version of what clean() checks.
            claim.full_clean(
                exclude=[*RELATED_FIELDS, *errors],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name not in errors:  # a slug or value that did not parse says it already
                    errors[name] = messages
        return (None if errors else claim), errors

    def _related(self, name: str, slug, errors: dict[str, list[str]]):
        if slug in (None, ""):
            return None
        table = getattr(self.lookups, RELATIONS[name])
        if slug not in table:
            what = "framework" if RELATIONS[name] == "frameworks" else RELATIONS[name][:-1]
            if name == "category":
                what = "category"
            errors[name] = [f"unknown {what} “{slug}”."]
            return None
        return table[slug]


def _parse(value, convert, name: str, errors: dict[str, list[str]]):
    if value in (None, ""):
        return None
    if isinstance(value, bool):  # a TOML true where a number belongs
        errors[name] = [f"“{value}” is not valid for {name}."]
        return None
    try:
        return convert(value if convert is not Decimal else str(value))
    except (ValueError, TypeError, InvalidOperation):
        errors[name] = [f"“{value}” is not valid for {name}."]
        return None


def _date(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _boolean(value, errors: dict[str, list[str]]) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    text = str(value).strip().lower()
    if text in ("", "0", "no", "false"):
        return False
    if text in ("1", "yes", "true"):
        return True
    errors["preferred"] = [f"“{value}” is not yes or no."]
    return False


def _with_empty_text(values: dict[str, Any]) -> dict[str, Any]:
    """Text fields hold "" rather than None, as the database does."""
    text = {
        f.name
        for f in Claim._meta.concrete_fields
        if f.get_internal_type() in ("CharField", "TextField")
    }
    return {
        name: ("" if value is None and name in text else value) for name, value in values.items()
    }
