"""The claim rules, defined once.

``KIND_RULES`` says, for each kind of claim, which fields it needs, which it
may carry, what makes two claims "the same claim", and how the published
value treats it. ``FIELD_RULES`` and ``CROSS_RULES`` say what a value must
look like. From these come:

* ``claim_errors(values)``: the messages ``Claim.clean`` shows editors, and
  what the data lint reports for the fixture files (which are plain values);
* ``claim_constraints()``: the database constraints, with the same messages,
  so that nothing that skips ``clean()`` (a bulk insert, the shell) can store
  what the rules refuse;
* the fields the dataset files and the CSV import read for each kind.

Each rule here has a test showing that ``clean()`` and the database refuse the
same thing (tests/test_claim_rules.py).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import CheckConstraint, F, Q, UniqueConstraint

from frameworks.models.vocabulary import (
    EXCERPT_MAX_LENGTH,
    ClaimKind,
    DatePrecision,
    SupportStatus,
)

# Python web frameworks are not older than Python; the end is a guard against typos.
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
EARLIEST_DATE, LATEST_DATE = datetime.date(EARLIEST_YEAR, 1, 1), datetime.date(LATEST_YEAR, 12, 31)
PYTHON_VERSION = r"[23]\.[0-9]{1,2}"
RELEASE_VERSION = r"[0-9A-Za-z][0-9A-Za-z.+-]{0,39}"

ONE_CLAIM_PER_SUBJECT = (
    "This source already has a claim on this subject for this framework: edit that one instead."
)
ONE_PREFERRED_CLAIM = (
    "Another claim on this subject is already preferred: untick it first, so that the "
    "editors' choice stays single."
)


@dataclass(frozen=True)
class KindRules:
    """What one kind of claim needs, may carry, and is identified by."""

    kind: str
    required: tuple[str, ...]  # value fields that must be set
    values: tuple[str, ...]  # every value field the kind may carry (the rest stay empty)
    subject: tuple[str, ...] = ()  # what it is about, beyond the framework: one verdict each
    identity: tuple[str, ...] = ()  # with source and subject: "the same claim" (figures: date)
    statuses: tuple[str, ...] = ()  # the statuses it may take, when it takes one
    resolvable: bool = True  # an editor may prefer one claim on a subject

    @property
    def key_fields(self) -> tuple[str, ...]:
        """Fields that, with source and framework, make two claims the same claim."""
        return self.subject + self.identity


KIND_RULES: dict[str, KindRules] = {
    rules.kind: rules
    for rules in (
        KindRules(
            ClaimKind.FEATURE,
            required=("feature", "status"),
            values=("feature", "status", "how", "package", "since"),
            subject=("feature",),
            statuses=tuple(SupportStatus.values),
        ),
        KindRules(
            ClaimKind.CATEGORY,
            required=("category", "status"),
            values=("category", "status"),
            subject=("category",),
            # unknown: the source raises the category (a comparison, a family
            # likeness) without putting the framework in it or out of it.
            statuses=(SupportStatus.YES, SupportStatus.NO, SupportStatus.UNKNOWN),
        ),
        KindRules(
            ClaimKind.FIGURE,
            required=("metric", "value", "as_of", "as_of_precision"),
            values=(
                "metric",
                "value",
                "value_max",
                "as_written",
                "label_as_written",
                "as_of",
                "as_of_precision",
            ),  # fmt: skip
            subject=("metric",),
            identity=("as_of",),
        ),
        KindRules(
            ClaimKind.FIRST_RELEASE,
            required=("year",),
            values=("year", "as_written"),
        ),
        KindRules(
            ClaimKind.LATEST_RELEASE,
            required=("version", "release_date"),
            values=("version", "release_date"),
            identity=("version",),
        ),
        KindRules(
            ClaimKind.LIFECYCLE,
            required=("lifecycle",),
            values=("lifecycle", "year", "successor"),
        ),
        KindRules(ClaimKind.LICENCE, required=("licence",), values=("licence",)),
        KindRules(
            ClaimKind.PYTHON,
            required=("python_min",),
            values=("python_min", "python_max"),
        ),
        KindRules(
            ClaimKind.BUILT_ON,
            required=("based_on",),
            values=("based_on",),
            subject=("based_on",),
            resolvable=False,
        ),
        KindRules(
            ClaimKind.ADVICE,
            required=("advice_kind", "text"),
            values=("advice_kind", "text"),
            identity=("advice_kind", "excerpt"),
            resolvable=False,
        ),
    )
}
RESOLVABLE_KINDS = tuple(kind for kind, rules in KIND_RULES.items() if rules.resolvable)
# Every field some kind carries; a kind's other value fields must stay empty.
VALUE_FIELDS = tuple(dict.fromkeys(f for rules in KIND_RULES.values() for f in rules.values))
# Value fields that are text (empty is ""); the others are empty when None.
TEXT_VALUE_FIELDS = frozenset(
    {
        "status",
        "how",
        "package",
        "since",
        "metric",
        "as_written",
        "label_as_written",
        "as_of_precision",
        "version",
        "lifecycle",
        "licence",
        "python_min",
        "python_max",
        "advice_kind",
        "text",
    }  # fmt: skip
)


def is_empty(field: str, value: Any) -> bool:
    return value in ("", None) if field in TEXT_VALUE_FIELDS else value is None


def _empty_q(field: str) -> Q:
    return Q(**{field: ""}) if field in TEXT_VALUE_FIELDS else Q(**{f"{field}__isnull": True})


# --- Rules on one value, and on several together --------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule: a check for clean() and the lint, the same as a database condition."""

    name: str
    field: str  # where the message shows in a form
    message: str
    check: Callable[[Mapping[str, Any]], bool]  # True when the values obey the rule
    condition: Q  # the database's version of the same check


def _in_range(field: str, low, high) -> Callable[[Mapping[str, Any]], bool]:
    def check(values: Mapping[str, Any]) -> bool:
        value = values.get(field)
        if value is None or not isinstance(value, type(low)):
            return True  # empty, or not parsed (the field itself reports that)
        return low <= value <= high

    return check


def _matches(field: str, pattern: str) -> Callable[[Mapping[str, Any]], bool]:
    def check(values: Mapping[str, Any]) -> bool:
        value = values.get(field)
        return not value or bool(re.fullmatch(pattern, str(value)))

    return check


def _status_in(values: Mapping[str, Any]) -> bool:
    rules = KIND_RULES.get(values.get("kind", ""))
    status = values.get("status") or ""
    return not rules or not status or not rules.statuses or status in rules.statuses


def _status_condition() -> Q:
    condition = Q()
    for kind, rules in KIND_RULES.items():
        if rules.statuses:
            condition &= ~Q(kind=kind) | Q(status="") | Q(status__in=rules.statuses)
    return condition


def _not_itself(field: str) -> Callable[[Mapping[str, Any]], bool]:
    def check(values: Mapping[str, Any]) -> bool:
        other, framework = values.get(field), values.get("framework")
        return other is None or framework is None or other != framework

    return check


SUPPORTED = (SupportStatus.YES, SupportStatus.PARTIAL)

FIELD_RULES: tuple[Rule, ...] = (
    Rule(
        "claim_year_in_range",
        "year",
        f"A year between {EARLIEST_YEAR} and {LATEST_YEAR}.",
        _in_range("year", EARLIEST_YEAR, LATEST_YEAR),
        Q(year__isnull=True) | Q(year__gte=EARLIEST_YEAR, year__lte=LATEST_YEAR),
    ),
    Rule(
        "claim_as_of_in_range",
        "as_of",
        f"A date between {EARLIEST_YEAR} and {LATEST_YEAR}.",
        _in_range("as_of", EARLIEST_DATE, LATEST_DATE),
        Q(as_of__isnull=True) | Q(as_of__gte=EARLIEST_DATE, as_of__lte=LATEST_DATE),
    ),
    Rule(
        "claim_release_date_in_range",
        "release_date",
        f"A date between {EARLIEST_YEAR} and {LATEST_YEAR}.",
        _in_range("release_date", EARLIEST_DATE, LATEST_DATE),
        Q(release_date__isnull=True)
        | Q(release_date__gte=EARLIEST_DATE, release_date__lte=LATEST_DATE),
    ),
    Rule(
        "claim_python_min_is_a_version",
        "python_min",
        "A Python version such as 3.9.",
        _matches("python_min", PYTHON_VERSION),
        Q(python_min="") | Q(python_min__regex=f"^{PYTHON_VERSION}$"),
    ),
    Rule(
        "claim_python_max_is_a_version",
        "python_max",
        "A Python version such as 3.13, or empty when the source names no newest one.",
        _matches("python_max", PYTHON_VERSION),
        Q(python_max="") | Q(python_max__regex=f"^{PYTHON_VERSION}$"),
    ),
    Rule(
        "claim_version_is_a_version",
        "version",
        "A release version such as 3.1.2 (letters, digits, dots, plus and minus signs).",
        _matches("version", RELEASE_VERSION),
        Q(version="") | Q(version__regex=f"^{RELEASE_VERSION}$"),
    ),
    Rule(
        "claim_since_is_a_version",
        "since",
        "The version it arrived in, such as 2.0 (letters, digits, dots, plus and minus signs).",
        _matches("since", RELEASE_VERSION),
        Q(since="") | Q(since__regex=f"^{RELEASE_VERSION}$"),
    ),
    Rule(
        "claim_status_fits_its_kind",
        "status",
        "Not a status this kind of claim takes (a category claim says yes, no or unknown).",
        _status_in,
        _status_condition(),
    ),
)

CROSS_RULES: tuple[Rule, ...] = (
    Rule(
        "claim_has_excerpt",
        "excerpt",
        f"Quote the words of the source that say this (at most {EXCERPT_MAX_LENGTH} characters).",
        lambda v: bool((v.get("excerpt") or "").strip()),
        ~Q(excerpt=""),
    ),
    Rule(
        "partial_has_note",
        "note",
        "Explain what is missing: a partial status always carries a note.",
        lambda v: v.get("status") != SupportStatus.PARTIAL or bool((v.get("note") or "").strip()),
        ~Q(status=SupportStatus.PARTIAL) | ~Q(note=""),
    ),
    Rule(
        "unknown_category_has_note",
        "note",
        "Say what the source does say: a category it leaves open always carries a note.",
        lambda v: (
            v.get("kind") != ClaimKind.CATEGORY
            or v.get("status") != SupportStatus.UNKNOWN
            or bool((v.get("note") or "").strip())
        ),
        ~Q(kind=ClaimKind.CATEGORY, status=SupportStatus.UNKNOWN) | ~Q(note=""),
    ),
    Rule(
        "how_only_when_supported",
        "how",
        "Only a supported or partial feature has a way to get it (how, package).",
        lambda v: v.get("status") in SUPPORTED or not (v.get("how") or v.get("package")),
        Q(status__in=SUPPORTED) | (Q(how="") & Q(package="")),
    ),
    Rule(
        "figure_has_an_as_of_date",
        "as_of_precision",
        "A figure needs an as-of date: at least the year.",
        lambda v: (
            v.get("kind") != ClaimKind.FIGURE or v.get("as_of_precision") != DatePrecision.UNKNOWN
        ),
        ~Q(kind=ClaimKind.FIGURE) | ~Q(as_of_precision=DatePrecision.UNKNOWN),
    ),
    Rule(
        "not_built_on_itself",
        "based_on",
        "A framework is not built on itself.",
        _not_itself("based_on"),
        Q(based_on__isnull=True) | ~Q(based_on=F("framework")),
    ),
    Rule(
        "not_its_own_successor",
        "successor",
        "A framework is not its own successor.",
        _not_itself("successor"),
        Q(successor__isnull=True) | ~Q(successor=F("framework")),
    ),
    Rule(
        "only_resolvable_kinds_preferred",
        "preferred",
        "Only claims on a subject with a published value can be preferred "
        "(not built-on claims or advice).",
        lambda v: not v.get("preferred") or v.get("kind") in RESOLVABLE_KINDS,
        Q(preferred=False) | Q(kind__in=RESOLVABLE_KINDS),
    ),
    Rule(
        "preferred_has_reason",
        "preferred_note",
        "Say why this claim is preferred over the others.",
        lambda v: not v.get("preferred") or bool((v.get("preferred_note") or "").strip()),
        Q(preferred=False) | ~Q(preferred_note=""),
    ),
)


def _required_message(rules: KindRules) -> str:
    return f"A {ClaimKind(rules.kind).label.lower()} claim needs: {', '.join(rules.required)}."


def _foreign_message(rules: KindRules) -> str:
    return (
        f"A {ClaimKind(rules.kind).label.lower()} claim carries only "
        f"{', '.join(rules.values) or 'a citation'}: leave the other fields empty."
    )


def claim_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Every rule ``values`` break, by field. ``values`` holds a claim's fields.

    Relations may be given as objects or as slugs: only emptiness and equality
    are looked at. Values that failed to parse are left to the field's own check.
    """
    errors: dict[str, str] = {}
    rules = KIND_RULES.get(values.get("kind") or "")
    if rules is None:
        return {"kind": f"Not a kind of claim: one of {', '.join(KIND_RULES)}."}
    for field in rules.required:
        if is_empty(field, values.get(field)):
            errors[field] = f"Required for a {ClaimKind(rules.kind).label.lower()} claim."
    for field in VALUE_FIELDS:
        if field not in rules.values and not is_empty(field, values.get(field)):
            errors.setdefault(field, _foreign_message(rules))
    for rule in FIELD_RULES + CROSS_RULES:
        if rule.field not in errors and not rule.check(values):
            errors[rule.field] = rule.message
    return errors


def _only(kind: str, condition: Q) -> Q:
    """A check that applies to claims of one kind only."""
    return ~Q(kind=kind) | condition


def claim_constraints() -> list:
    """The database's version of every rule above, with the same messages."""
    constraints: list = [
        CheckConstraint(
            name=rule.name, condition=rule.condition, violation_error_message=rule.message
        )
        for rule in FIELD_RULES + CROSS_RULES
    ]
    for kind, rules in KIND_RULES.items():
        required = Q()
        for field in rules.required:
            required &= ~_empty_q(field)
        constraints.append(
            CheckConstraint(
                name=f"{kind}_claim_complete",
                condition=_only(kind, required),
                violation_error_message=_required_message(rules),
            )
        )
        foreign = Q()
        for field in VALUE_FIELDS:
            if field not in rules.values:
                foreign &= _empty_q(field)
        constraints.append(
            CheckConstraint(
                name=f"{kind}_claim_carries_only_its_fields",
                condition=_only(kind, foreign),
                violation_error_message=_foreign_message(rules),
            )
        )
        constraints.append(
            UniqueConstraint(
                fields=["source", "framework", *rules.key_fields],
                condition=Q(kind=kind),
                name=f"one_{kind}_claim_per_source",
                violation_error_message=ONE_CLAIM_PER_SUBJECT,
            )
        )
        if rules.resolvable:
            constraints.append(
                UniqueConstraint(
                    fields=["framework", *rules.subject],
                    condition=Q(kind=kind, preferred=True),
                    name=f"one_preferred_{kind}_claim",
                    violation_error_message=ONE_PREFERRED_CLAIM,
                )
            )
    return constraints
