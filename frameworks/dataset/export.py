"""The whole dataset as one document, with published values and their claims.

A fixed number of queries and bounded memory, whatever the size of the data: it streams.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from frameworks.dataset import FORMAT, VERSION
from frameworks.dataset.schema import COMMON_FIELDS, FRAMEWORK_FIELDS, KIND_FIELDS, SOURCE_FIELDS
from frameworks.models import (
    AdviceKind,
    Category,
    Claim,
    ClaimKind,
    FeatureGroup,
    Framework,
    Metric,
    PublicationStatus,
    SluggedModel,
    Source,
    Verdict,
    VerdictStatus,
)

ABOUT = {
    "title": "Python web frameworks compared",
    "licence": (
        "Our summaries, paraphrases and structure: CC BY 4.0. Excerpts remain their "
        "authors' and are quoted only to cite them."
    ),
    "how_to_cite": (
        "Python web frameworks compared, dataset export, retrieved on <date>; "
        "cite the original source of any value you reuse."
    ),
}


def export_document(*, published_only: bool = False) -> dict[str, Any]:
    """The dataset as one document; with ``published_only`` only what the public site shows."""
    return json.loads("".join(export_stream(published_only=published_only)))


def export_stream(*, published_only: bool = False) -> Iterator[str]:
    """The same document as JSON text, a framework at a time.

    Memory and queries stay bounded however big the data: claims and verdicts are
    read through server-side cursors in framework order and joined as they come.
    """
    frameworks = Framework.objects.order_by("slug", "id")
    groups = FeatureGroup.objects.prefetch_related("features").order_by("position", "slug")
    claims = Claim.objects.select_related(
        "framework", "source", "via", "feature", "category", "based_on", "successor"
    )
    verdicts = Verdict.objects.select_related("framework", "feature", "category", "successor")
    if published_only:
        frameworks = frameworks.filter(status=PublicationStatus.PUBLISHED)
        claims = claims.published()
        verdicts = verdicts.filter(framework__status=PublicationStatus.PUBLISHED)

    # Exactly the frameworks' rows, so the three streams stay in step.
    claims = claims.filter(framework__in=frameworks.values("id"))
    verdicts = verdicts.filter(framework__in=frameworks.values("id"))

    groups = list(groups)
    # What each source cites, in one query rather than a prefetch: a prefetch names
    # every source in one query, and PostgreSQL takes at most 65,535 parameters (at a
    # hundred times the data there are 68,700 sources).
    cited: dict[int, list[str]] = defaultdict(list)
    for source_id, slug in Source.cites.through.objects.values_list(
        "from_source_id", "to_source__slug"
    ):
        cited[source_id].append(slug)
    sources, own_sources = [], defaultdict(list)
    for source in Source.objects.order_by("slug").iterator(2000):
        entry = _source(source, cited[source.id])
        if source.framework_id is None:
            sources.append(entry)
        else:
            own_sources[source.framework_id].append(entry)
    features = [
        feature
        for group in groups
        for feature in sorted(group.features.all(), key=lambda f: (f.position, f.slug))
        if not published_only or feature.status == PublicationStatus.PUBLISHED
    ]
    features_of = defaultdict(list)
    for feature in features:
        features_of[feature.group_id].append(feature)
    head = {
        "format": FORMAT,
        "version": VERSION,
        "about": ABOUT,
        "sources": sources,
        "categories": [
            {"slug": c.slug, "name": c.name, "description": c.description}
            for c in Category.objects.order_by("position", "slug")
        ],
        "feature_groups": [
            {
                "slug": group.slug,
                "name": group.name,
                "description": group.description,
                "features": [
                    {
                        "slug": feature.slug,
                        "name": feature.name,
                        "definition": feature.definition,
                        "status": feature.status,
                    }
                    for feature in features_of[group.id]
                ],
            }
            for group in groups
        ],
    }
    text = json.dumps(head, ensure_ascii=False)
    yield text[:-1] + ', "frameworks": ['

    order = ("framework__slug", "framework_id")
    claims_of = _by_framework(claims.order_by(*order, "source__slug", "id").iterator(2000))
    verdicts_of = _by_framework(verdicts.order_by(*order).iterator(2000))
    for number, framework in enumerate(frameworks.iterator(500)):
        entry = _framework(
            framework,
            claims_of.take(framework.id),
            {_verdict_subject(v): v for v in verdicts_of.take(framework.id)},
            features,
            own_sources[framework.id],
        )
        yield ("," if number else "") + json.dumps(entry, ensure_ascii=False)
    yield "]}"


class _by_framework:
    """Rows ordered as the frameworks are, handed out a framework at a time."""

    def __init__(self, rows):
        self.rows = iter(rows)
        self.waiting = next(self.rows, None)

    def take(self, framework_id: int) -> list:
        taken = []
        while self.waiting is not None and self.waiting.framework_id == framework_id:
            taken.append(self.waiting)
            self.waiting = next(self.rows, None)
        return taken


def _source(source: Source, cites: list[str]) -> dict[str, Any]:
    entry = {field: _plain(getattr(source, field)) for field in SOURCE_FIELDS}
    entry["cites"] = sorted(cites)
    return entry


def _verdict_subject(verdict: Verdict) -> str:
    return {
        ClaimKind.FEATURE: f"feature:{verdict.feature.slug if verdict.feature else ''}",
        ClaimKind.CATEGORY: f"category:{verdict.category.slug if verdict.category else ''}",
        ClaimKind.FIGURE: f"figure:{verdict.metric}",
    }.get(verdict.kind, verdict.kind)


def _framework(
    framework: Framework, claims: list[Claim], verdicts: dict, features, own_sources
) -> dict:
    by_kind: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_kind[claim.kind].append(claim)
    superseded = {claim_id for verdict in verdicts.values() for claim_id in verdict.superseded}

    def claim_entries(items) -> list[dict]:
        return [_claim(claim, claim.id in superseded) for claim in items]

    entry = {field: _plain(getattr(framework, field)) for field in FRAMEWORK_FIELDS}
    entry["sources"] = own_sources  # made with the other sources (export_stream)

    memberships = defaultdict(list)
    for claim in by_kind[ClaimKind.CATEGORY]:
        memberships[claim.category].append(claim)
    entry["categories"] = []
    for category, category_claims in sorted(memberships.items(), key=lambda i: i[0].position):
        verdict = verdicts.get(f"category:{category.slug}")
        entry["categories"].append(
            {
                "category": category.slug,
                "member": bool(verdict and verdict.status == VerdictStatus.YES),
                **_judgement(verdict),
                "claims": claim_entries(category_claims),
            }
        )

    for section, kind, fields in SINGLE_SECTIONS:
        entry[section] = _single(
            claim_entries(by_kind[kind]) if by_kind[kind] else [], verdicts.get(kind), fields
        )

    bases = defaultdict(list)
    for claim in by_kind[ClaimKind.BUILT_ON]:
        bases[claim.based_on.slug].append(claim)
    entry["built_on"] = [
        {"framework": slug, "claims": claim_entries(base_claims)}
        for slug, base_claims in sorted(bases.items())
    ]

    figures = defaultdict(list)
    for claim in by_kind[ClaimKind.FIGURE]:
        figures[claim.metric].append(claim)
    metric_order = list(Metric.values)
    entry["figures"] = []
    for metric in sorted(figures, key=metric_order.index):
        verdict = verdicts.get(f"figure:{metric}")
        figure_claims = sorted(
            figures[metric], key=lambda c: (c.as_of, c.source.slug), reverse=True
        )
        entry["figures"].append(
            {
                "metric": metric,
                "label": Metric(metric).label,
                "unit": Metric.unit(metric),
                "value": _plain(verdict.value) if verdict else None,
                "as_of": _plain(verdict.as_of) if verdict else None,
                **_judgement(verdict),
                "claims": claim_entries(figure_claims),
            }
        )

    feature_claims = defaultdict(list)
    for claim in by_kind[ClaimKind.FEATURE]:
        feature_claims[claim.feature_id].append(claim)
    entry["features"] = []
    for feature in features:
        verdict = verdicts.get(f"feature:{feature.slug}")
        if verdict is None and not feature_claims[feature.id]:
            continue  # unknown, and nothing to cite: left out, or the export grows as n²
        entry["features"].append(
            {
                "feature": feature.slug,
                "status": verdict.status if verdict else VerdictStatus.UNKNOWN,
                "how": verdict.how if verdict else "",
                "detail": verdict.detail if verdict else "",
                "note": verdict.note if verdict else "",
                "since": verdict.since if verdict else "",
                **_judgement(verdict),
                "claims": claim_entries(feature_claims[feature.id]),
            }
        )

    advice_order = list(AdviceKind.values)
    entry["advice"] = claim_entries(
        sorted(
            by_kind[ClaimKind.ADVICE],
            key=lambda c: (c.source.slug, advice_order.index(c.advice_kind), c.id),
        )
    )
    return entry


# Sections about the framework as a whole: the published value's fields in each.
SINGLE_SECTIONS = (
    ("first_release", ClaimKind.FIRST_RELEASE, ("year",)),
    ("latest_release", ClaimKind.LATEST_RELEASE, ("version", "as_of")),
    ("lifecycle", ClaimKind.LIFECYCLE, ("lifecycle", "year", "successor")),
    ("licence", ClaimKind.LICENCE, ("licence",)),
    ("python", ClaimKind.PYTHON, ("python_min", "python_max")),
)


def _judgement(verdict: Verdict | None) -> dict[str, Any]:
    return {
        "disputed": bool(verdict and verdict.disputed),
        "resolved": bool(verdict and verdict.resolved),
        "resolution_note": verdict.resolution_note if verdict else "",
    }


def _verdict_of(verdicts: dict, key: str) -> dict[str, Any]:
    verdict = verdicts.get(key)
    return _judgement(verdict) if verdict else {}


def _single(claims: list[dict], verdict: Verdict | None, value_fields) -> dict | None:
    if not claims:
        return None
    return {
        **{field: _plain(getattr(verdict, field)) if verdict else None for field in value_fields},
        **_judgement(verdict),
        "claims": claims,
    }


def _claim(claim: Claim, superseded: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for field in COMMON_FIELDS + KIND_FIELDS[claim.kind]:
        entry[field] = _plain(getattr(claim, field))
    # Derived by the rule, not loaded back: a newer primary source replaced it.
    entry["superseded"] = superseded
    return entry


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO text, whole decimals as integers, objects as slugs."""
    if isinstance(value, SluggedModel):
        return value.slug
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
