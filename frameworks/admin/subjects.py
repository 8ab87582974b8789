"""A framework's claims, edited one subject at a time.

A framework with hundreds of claims cannot be edited on one page: Django
refuses a form of more than 1,000 fields, and a page of 250 inline rows takes
seconds to render. The framework page therefore lists its subjects (each
feature, and each other kind of claim) with how many claims each has and what
is published, and the claims on one subject are edited on the same page with
``?claims=<subject>``: ``?claims=feature:orm``, ``?claims=category``...
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count

from frameworks.models import Claim, ClaimKind, Feature, Framework, Verdict, VerdictStatus

PARAMETER = "claims"


@dataclass(frozen=True)
class Subject:
    """What a page of claims is about: a kind, and for features which feature."""

    kind: str
    feature: Feature | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.feature.slug}" if self.feature else self.kind

    @property
    def label(self) -> str:
        if self.feature:
            return f"{self.feature.name} (feature)"
        return ClaimKind(self.kind).label

    def claims(self, queryset):
        queryset = queryset.filter(kind=self.kind)
        return queryset.filter(feature=self.feature) if self.feature else queryset


class UnknownSubject(ValueError):
    pass


def parse_subject(value: str) -> Subject:
    """``feature:<slug>`` or a kind other than feature; UnknownSubject otherwise."""
    kind, _, slug = value.partition(":")
    if kind == ClaimKind.FEATURE:
        feature = Feature.objects.filter(slug=slug).select_related("group").first()
        if feature is None:
            raise UnknownSubject(f"There is no feature “{slug}”.")
        return Subject(kind, feature)
    if kind not in ClaimKind.values or slug:
        raise UnknownSubject(f"“{value}” is not something claims are about.")
    return Subject(kind)


@dataclass
class SubjectRow:
    subject: Subject
    claims: int
    published: str  # the published value in words, "" when nothing is


@dataclass
class ClaimsOverview:
    facts: list[SubjectRow]
    feature_groups: list[tuple[str, list[SubjectRow]]]
    total: int


def claims_overview(framework: Framework) -> ClaimsOverview:
    """Every subject of ``framework`` with its claim count and published value (3 queries)."""
    counts = Counter(
        {
            (row["kind"], row["feature_id"]): row["count"]
            for row in Claim.objects.filter(framework=framework)
            .values("kind", "feature_id")
            .annotate(count=Count("pk"))
        }
    )
    feature_verdicts = {
        verdict.feature_id: verdict
        for verdict in Verdict.objects.filter(framework=framework, kind=ClaimKind.FEATURE)
    }
    facts = [
        SubjectRow(Subject(kind), counts[(kind, None)], "")
        for kind in ClaimKind.values
        if kind != ClaimKind.FEATURE
    ]
    groups: dict[int, tuple[str, list[SubjectRow]]] = {}
    for feature in Feature.objects.in_display_order():
        verdict = feature_verdicts.get(feature.id)
        published = VerdictStatus(verdict.status).label if verdict else ""
        if verdict and verdict.disputed and verdict.status != VerdictStatus.DISPUTED:
            published += " (sources disagree on how)"
        row = SubjectRow(
            Subject(ClaimKind.FEATURE, feature), counts[(ClaimKind.FEATURE, feature.id)], published
        )
        groups.setdefault(feature.group_id, (feature.group.name, []))[1].append(row)
    return ClaimsOverview(facts, list(groups.values()), sum(counts.values()))
