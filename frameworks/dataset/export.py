"""The whole dataset as one document, with published values and their claims.

A fixed number of queries, whatever the size of the data.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
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
    """The dataset; with ``published_only`` only what the public site shows."""
    frameworks = Framework.objects.order_by("slug")
    groups = FeatureGroup.objects.prefetch_related("features").order_by("position", "slug")
    claims = Claim.objects.select_related("source", "via", "feature", "category", "based_on")
    verdicts = Verdict.objects.select_related("feature", "category")
    if published_only:
        frameworks = frameworks.filter(status=PublicationStatus.PUBLISHED)
        claims = claims.published()
        verdicts = verdicts.filter(framework__status=PublicationStatus.PUBLISHED)

    groups = list(groups)
    features = [
        feature
        for group in groups
        for feature in sorted(group.features.all(), key=lambda f: (f.position, f.slug))
        if not published_only or feature.status == PublicationStatus.PUBLISHED
    ]
    claims_by_framework: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims.order_by("source__slug", "id"):
        claims_by_framework[claim.framework_id].append(claim)
    verdicts_by_framework: dict[int, dict[str, Verdict]] = defaultdict(dict)
    for verdict in verdicts:
        verdicts_by_framework[verdict.framework_id][_verdict_subject(verdict)] = verdict

    return {
        "format": FORMAT,
        "version": VERSION,
        "about": ABOUT,
        "sources": [
            _source(source) for source in Source.objects.prefetch_related("cites").order_by("slug")
        ],
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
                    for feature in features
                    if feature.group_id == group.id
                ],
            }
            for group in groups
        ],
        "frameworks": [
            _framework(
                framework,
                claims_by_framework[framework.id],
                verdicts_by_framework[framework.id],
                features,
            )
            for framework in frameworks
        ],
    }


def _source(source: Source) -> dict[str, Any]:
    entry = {field: _plain(getattr(source, field)) for field in SOURCE_FIELDS}
    entry["cites"] = sorted(cited.slug for cited in source.cites.all())
    return entry


def _verdict_subject(verdict: Verdict) -> str:
    return {
        ClaimKind.FEATURE: f"feature:{verdict.feature.slug if verdict.feature else ''}",
        ClaimKind.CATEGORY: f"category:{verdict.category.slug if verdict.category else ''}",
        ClaimKind.FIGURE: f"figure:{verdict.metric}",
    }.get(verdict.kind, verdict.kind)


def _framework(framework: Framework, claims: list[Claim], verdicts: dict, features) -> dict:
    by_kind: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_kind[claim.kind].append(claim)
    entry = {field: _plain(getattr(framework, field)) for field in FRAMEWORK_FIELDS}

    memberships = defaultdict(list)
    for claim in by_kind[ClaimKind.CATEGORY]:
        memberships[claim.category].append(claim)
    entry["categories"] = [
        {
            "category": category.slug,
            "disputed": _verdict_of(verdicts, f"category:{category.slug}").get("disputed", False),
            "claims": [_claim(c) for c in category_claims],
        }
        for category, category_claims in sorted(memberships.items(), key=lambda i: i[0].position)
    ]

    entry["first_release"] = _single(
        by_kind[ClaimKind.FIRST_RELEASE], verdicts.get(ClaimKind.FIRST_RELEASE), ("year",)
    )
    entry["actively_developed"] = _single(
        by_kind[ClaimKind.MAINTENANCE], verdicts.get(ClaimKind.MAINTENANCE), ("status",)
    )

    bases = defaultdict(list)
    for claim in by_kind[ClaimKind.BUILT_ON]:
        bases[claim.based_on.slug].append(claim)
    entry["built_on"] = [
        {"framework": slug, "claims": [_claim(c) for c in base_claims]}
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
                "claims": [_claim(c) for c in figure_claims],
            }
        )

    feature_claims = defaultdict(list)
    for claim in by_kind[ClaimKind.FEATURE]:
        feature_claims[claim.feature_id].append(claim)
    entry["features"] = []
    for feature in features:
        verdict = verdicts.get(f"feature:{feature.slug}")
        entry["features"].append(
            {
                "feature": feature.slug,
                "status": verdict.status if verdict else VerdictStatus.UNKNOWN,
                "how": verdict.how if verdict else "",
                "detail": verdict.detail if verdict else "",
                "note": verdict.note if verdict else "",
                **_judgement(verdict),
                "claims": [_claim(c) for c in feature_claims[feature.id]],
            }
        )

    advice_order = list(AdviceKind.values)
    entry["advice"] = [
        _claim(c)
        for c in sorted(
            by_kind[ClaimKind.ADVICE],
            key=lambda c: (c.source.slug, advice_order.index(c.advice_kind), c.id),
        )
    ]
    return entry


def _judgement(verdict: Verdict | None) -> dict[str, Any]:
    return {
        "disputed": bool(verdict and verdict.disputed),
        "resolved": bool(verdict and verdict.resolved),
        "resolution_note": verdict.resolution_note if verdict else "",
    }


def _verdict_of(verdicts: dict, key: str) -> dict[str, Any]:
    verdict = verdicts.get(key)
    return _judgement(verdict) if verdict else {}


def _single(claims: list[Claim], verdict: Verdict | None, value_fields) -> dict | None:
    if not claims:
        return None
    return {
        **{field: _plain(getattr(verdict, field)) if verdict else None for field in value_fields},
        **_judgement(verdict),
        "claims": [_claim(c) for c in claims],
    }


def _claim(claim: Claim) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for field in COMMON_FIELDS + KIND_FIELDS[claim.kind]:
        value = getattr(claim, field)
        if field in ("source", "via"):
            value = value.slug if value else None
        entry[field] = _plain(value)
    return entry


def _plain(value: Any) -> Any:
    """JSON-ready: dates as ISO text, whole decimals as integers."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
