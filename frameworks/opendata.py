"""CSV and JSON versions of the table, the comparison and the feature pages.

Each reads the same object its HTML page renders, so the rows always match.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.http import HttpResponse, JsonResponse
from django.utils.http import content_disposition_header

from frameworks.compare import Comparison
from frameworks.pages import FeatureSupport
from frameworks.table import Cell, ComparisonTable

Absolute = Callable[[str], str]


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _cell(cell: Cell) -> dict:
    return {
        "status": cell.status,
        "how": cell.how,
        "detail": cell.detail,
        "note": cell.note,
        "since": cell.since,
        "disputed": cell.disputed,
        "resolved": cell.resolved,
        "superseded_claims": cell.superseded,
    }


def table_records(table: ComparisonTable, absolute: Absolute) -> list[dict]:
    return [
        {
            "slug": row.framework.slug,
            "name": row.framework.name,
            "url": absolute(row.framework.get_absolute_url()),
            "categories": [m.category.slug for m in row.memberships],
            "disputed_categories": [m.category.slug for m in row.memberships if m.disputed],
            "first_release": row.framework.first_release,
            "github_stars": _number(row.framework.github_stars),
            "lifecycle": row.framework.lifecycle or "unknown",
            "supported_features": row.framework.supported_features,
            "features": {feature.slug: _cell(cell) for feature, cell in row.cells},
        }
        for row in table.rows
    ]


def table_json(table: ComparisonTable, absolute: Absolute, query: str) -> JsonResponse:
    return _json(
        {
            "query": query,
            "count": len(table.rows),
            "features": [
                {"slug": f.slug, "name": f.name, "group": f.group.slug}
                for f in table.visible_features
            ],
            "frameworks": table_records(table, absolute),
        }
    )


def table_csv(table: ComparisonTable, absolute: Absolute) -> HttpResponse:
    header = [
        "slug", "name", "url", "categories", "disputed_categories", "first_release",
        "github_stars", "lifecycle", "supported_features",
    ]  # fmt: skip
    for feature in table.visible_features:
        header += [feature.slug, f"{feature.slug}:how", f"{feature.slug}:detail"]
    rows = []
    for record in table_records(table, absolute):
        row = [
            "; ".join(record[key]) if isinstance(record[key], list) else record[key]
            for key in header[:9]
        ]
        for cell in record["features"].values():
            status = f"{cell['status']} (sources disagree)" if cell["disputed"] else cell["status"]
            row += [status, cell["how"], cell["detail"]]
        rows.append(row)
    return _csv("frameworks.csv", header, rows)


def comparison_records(comparison: Comparison) -> list[dict]:
    records = []
    for group, rows in comparison.groups:
        for row in rows:
            records.append(
                {
                    "feature": row.feature.slug,
                    "group": group.slug,
                    "differs": row.differs,
                    "frameworks": {
                        framework.slug: {
                            **_cell(compare_cell.cell),
                            "sources": sorted({claim.source.slug for claim in compare_cell.claims}),
                        }
                        for framework, compare_cell in zip(
                            comparison.frameworks, row.cells, strict=True
                        )
                    },
                }
            )
    return records


def comparison_json(comparison: Comparison, absolute: Absolute) -> JsonResponse:
    return _json(
        {
            "frameworks": [
                {"slug": f.slug, "name": f.name, "url": absolute(f.get_absolute_url())}
                for f in comparison.frameworks
            ],
            "only_differences": comparison.only_differences,
            "facts": [
                {
                    "label": fact.label,
                    "values": {
                        framework.slug: _fact_value(cell.verdict)
                        for framework, cell in zip(comparison.frameworks, fact.cells, strict=True)
                    },
                }
                for fact in comparison.facts
            ],
            "features": comparison_records(comparison),
        }
    )


def _fact_value(verdict) -> dict | None:
    if verdict is None:
        return None
    return {
        "status": verdict.status or None,
        "year": verdict.year,
        "value": _number(verdict.value),
        "as_of": verdict.as_of.isoformat() if verdict.as_of else None,
        "disputed": verdict.disputed,
    }


def comparison_csv(comparison: Comparison) -> HttpResponse:
    slugs = comparison.slugs
    header = ["feature", "group", "differs"] + slugs
    rows = [
        [record["feature"], record["group"], record["differs"]]
        + [_cell_text(record["frameworks"][slug]) for slug in slugs]
        for record in comparison_records(comparison)
    ]
    return _csv(f"compare-{'-'.join(slugs)}.csv", header, rows)


def feature_records(rows: list[FeatureSupport], absolute: Absolute) -> list[dict]:
    return [
        {
            "framework": row.framework.slug,
            "name": row.framework.name,
            "url": absolute(row.framework.get_absolute_url()),
            **_cell(row.cell),
            "claims": [
                {
                    "source": claim.source.slug,
                    "status": claim.status,
                    "how": claim.how,
                    "package": claim.package,
                    "since": claim.since,
                    "excerpt": claim.excerpt,
                    "locator": claim.locator,
                    "note": claim.note,
                    "superseded": claim.superseded,
                }
                for claim in row.claims
            ],
        }
        for row in rows
    ]


def feature_json(feature, rows: list[FeatureSupport], absolute: Absolute) -> JsonResponse:
    return _json(
        {
            "feature": {
                "slug": feature.slug,
                "name": feature.name,
                "group": feature.group.slug,
                "definition": feature.definition,
            },
            "frameworks": feature_records(rows, absolute),
        }
    )


def feature_csv(feature, rows: list[FeatureSupport], absolute: Absolute) -> HttpResponse:
    header = ["framework", "name", "url", "status", "how", "detail", "note", "disputed", "sources"]
    data = [
        [record[key] for key in header[:8]] + ["; ".join(c["source"] for c in record["claims"])]
        for record in feature_records(rows, absolute)
    ]
    return _csv(f"{feature.slug}.csv", header, data)


def _cell_text(cell: dict) -> str:
    text = cell["status"]
    if cell["how"]:
        text += f", {cell['how']}"
    if cell["detail"]:
        text += f" ({cell['detail']})"
    if cell["disputed"]:
        text += " [sources disagree]"
    return text


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP:
# "CSV injection"); a leading apostrophe makes it text again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(name) for name in header])
    writer.writerows([spreadsheet_safe(value) for value in row] for row in rows)
    return response


def _json(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
