"""One set of claim rules: clean() and the database refuse the same things, rule by rule."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from frameworks.models import Claim, ClaimKind
from frameworks.models.rules import CROSS_RULES, FIELD_RULES, KIND_RULES
from tests.factories import make_category, make_feature, make_framework, make_source

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 1)
# A valid claim of each kind, as values beyond framework and source.
VALID = {
    ClaimKind.FEATURE: {"status": "yes", "how": "built_in"},
    ClaimKind.CATEGORY: {"status": "yes"},
    ClaimKind.FIGURE: {
        "metric": "github_stars",
        "value": 10,
        "as_of": DAY,
        "as_of_precision": "day",
    },  # fmt: skip
    ClaimKind.FIRST_RELEASE: {"year": 2010},
    ClaimKind.LATEST_RELEASE: {"version": "3.1.2", "release_date": DAY},
    ClaimKind.LIFECYCLE: {"lifecycle": "discontinued", "year": 2012},
    ClaimKind.LICENCE: {"licence": "MIT"},
    ClaimKind.PYTHON: {"python_min": "3.9", "python_max": "3.13"},
    ClaimKind.BUILT_ON: {},
    ClaimKind.ADVICE: {"advice_kind": "consider_if", "text": "You want a small core."},
}


@pytest.fixture
def subjects():
    framework = make_framework()
    return {
        "framework": framework,
        "source": make_source(),
        "feature": make_feature(),
        "category": make_category(),
        "other": make_framework(),
    }


def claim_of(subjects, kind: str, **changes) -> Claim:
    values = {"excerpt": "the words", **VALID[kind], **changes}
    if kind == ClaimKind.FEATURE:
        values.setdefault("feature", subjects["feature"])
    if kind == ClaimKind.CATEGORY:
        values.setdefault("category", subjects["category"])
    if kind == ClaimKind.BUILT_ON:
        values.setdefault("based_on", subjects["other"])
    return Claim(framework=subjects["framework"], source=subjects["source"], kind=kind, **values)


def refused_by_both(claim: Claim, field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert field in refused.value.message_dict, refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        claim.save()  # no clean(): the database's own check


@pytest.mark.parametrize("kind", list(VALID))
def test_a_valid_claim_of_each_kind_is_accepted_by_both(subjects, kind):
    claim = claim_of(subjects, kind)
    claim.full_clean()
    claim.save()


# Each rule of FIELD_RULES and CROSS_RULES, broken on purpose: (kind, changes, field).
BROKEN = {
    "claim_year_in_range": (ClaimKind.FIRST_RELEASE, {"year": 1980}, "year"),
    "claim_as_of_in_range": (ClaimKind.FIGURE, {"as_of": datetime.date(1980, 1, 1)}, "as_of"),
    "claim_release_date_in_range": (
        ClaimKind.LATEST_RELEASE, {"release_date": datetime.date(2200, 1, 1)}, "release_date"
    ),
    "claim_python_min_is_a_version": (ClaimKind.PYTHON, {"python_min": "three"}, "python_min"),
    "claim_python_max_is_a_version": (ClaimKind.PYTHON, {"python_max": "3"}, "python_max"),
    "claim_version_is_a_version": (ClaimKind.LATEST_RELEASE, {"version": "-rc1"}, "version"),
    "claim_since_is_a_version": (ClaimKind.FEATURE, {"since": "2.0 beta"}, "since"),
    "claim_status_fits_its_kind": (ClaimKind.CATEGORY, {"status": "partial", "note": "x"},
                                   "status"),
    "claim_has_excerpt": (ClaimKind.LICENCE, {"excerpt": ""}, "excerpt"),
    "partial_has_note": (ClaimKind.FEATURE, {"status": "partial", "note": ""}, "note"),
    "unknown_category_has_note": (ClaimKind.CATEGORY, {"status": "unknown", "note": ""}, "note"),
    "how_only_when_supported": (ClaimKind.FEATURE, {"status": "no"}, "how"),
    "figure_has_an_as_of_date": (ClaimKind.FIGURE, {"as_of_precision": "unknown"},
                                 "as_of_precision"),
    "not_built_on_itself": (ClaimKind.BUILT_ON, {"based_on": "itself"}, "based_on"),
    "not_its_own_successor": (ClaimKind.LIFECYCLE, {"successor": "itself"}, "successor"),
    "only_resolvable_kinds_preferred": (
        ClaimKind.ADVICE, {"preferred": True, "preferred_note": "x"}, "preferred"
    ),
    "preferred_has_reason": (ClaimKind.LICENCE, {"preferred": True}, "preferred_note"),
}  # fmt: skip


def test_every_rule_has_a_case_here():
    assert set(BROKEN) == {rule.name for rule in FIELD_RULES + CROSS_RULES}


@pytest.mark.parametrize("rule", list(BROKEN))
def test_each_rule_is_refused_by_clean_and_by_the_database(subjects, rule):
    kind, changes, field = BROKEN[rule]
    changes = {
        name: subjects["framework"] if value == "itself" else value
        for name, value in changes.items()
    }
    refused_by_both(claim_of(subjects, kind, **changes), field)


@pytest.mark.parametrize(("kind", "rules"), list(KIND_RULES.items()))
def test_each_kind_needs_its_fields_in_clean_and_in_the_database(subjects, kind, rules):
    for field in rules.required:
        empty = None if field in ("feature", "category", "based_on", "value", "year",
                                  "as_of", "release_date") else ""  # fmt: skip
        refused_by_both(claim_of(subjects, kind, **{field: empty}), field)


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        (ClaimKind.FEATURE, "year", 2010),
        (ClaimKind.FIGURE, "status", "yes"),
        (ClaimKind.LICENCE, "python_min", "3.9"),
        (ClaimKind.FIRST_RELEASE, "lifecycle", "active"),
        (ClaimKind.ADVICE, "version", "1.0"),
    ],
)
def test_a_kind_carries_only_its_own_fields_in_clean_and_in_the_database(
    subjects, kind, field, value
):
    refused_by_both(claim_of(subjects, kind, **{field: value}), field)


@pytest.mark.parametrize("kind", list(VALID))
def test_one_claim_per_source_and_subject_in_the_database(subjects, kind):
    claim_of(subjects, kind).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        claim_of(subjects, kind).save()


def test_the_same_claim_is_defined_once_on_the_model(subjects):
    first = claim_of(subjects, ClaimKind.FIGURE)
    later = claim_of(subjects, ClaimKind.FIGURE, as_of=datetime.date(2025, 1, 1), value=20)
    assert first.identity != later.identity, "a figure on another date is another claim"
    assert first.identity == claim_of(subjects, ClaimKind.FIGURE, value=99).identity
