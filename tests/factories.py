"""Small factories for test data; the real dataset is loaded too (see conftest.py)."""

from __future__ import annotations

import datetime
import itertools

from frameworks.models import (
    Category,
    Claim,
    ClaimKind,
    DatePrecision,
    Feature,
    FeatureGroup,
    Framework,
    PublicationStatus,
    Source,
)

_numbers = itertools.count(1)


def _unique(prefix: str) -> str:
    return f"{prefix}-{next(_numbers)}"


def make_source(**fields) -> Source:
    slug = fields.pop("slug", None) or _unique("source")
    fields.setdefault("title", f"Source {slug}")
    fields.setdefault("date", datetime.date(2023, 1, 1))
    fields.setdefault("date_precision", DatePrecision.YEAR)
    return Source.objects.create(slug=slug, **fields)


def make_framework(**fields) -> Framework:
    slug = fields.pop("slug", None) or _unique("framework")
    fields.setdefault("name", slug.replace("-", " ").title())
    fields.setdefault("summary", f"Summary of {slug}.")
    fields.setdefault("status", PublicationStatus.PUBLISHED)
    return Framework.objects.create(slug=slug, **fields)


def make_feature(**fields) -> Feature:
    slug = fields.pop("slug", None) or _unique("feature")
    if "group" not in fields:
        fields["group"] = FeatureGroup.objects.create(
            slug=_unique("group"), name=_unique("Group"), position=99
        )
    fields.setdefault("name", slug.replace("-", " ").title())
    fields.setdefault("definition", f"Supported when {slug} works.")
    fields.setdefault("status", PublicationStatus.PUBLISHED)
    return Feature.objects.create(slug=slug, **fields)


def make_category(**fields) -> Category:
    slug = fields.pop("slug", None) or _unique("category")
    fields.setdefault("name", slug.title())
    fields.setdefault("description", f"The {slug} category.")
    return Category.objects.create(slug=slug, **fields)


def make_claim(framework: Framework, kind: str = ClaimKind.FEATURE, **fields) -> Claim:
    fields.setdefault("source", fields.get("source") or make_source())
    if kind == ClaimKind.CATEGORY:
        fields.setdefault("status", "yes")  # the source puts it in the category
    fields.setdefault("excerpt", "a verbatim excerpt")
    claim = Claim(framework=framework, kind=kind, **fields)
    claim.full_clean()
    claim.save()
    return claim


def support(framework: Framework, feature: Feature, status: str = "yes", **fields) -> Claim:
    return make_claim(framework, ClaimKind.FEATURE, feature=feature, status=status, **fields)
