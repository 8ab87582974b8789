"""CSV and JSON versions of the table, the comparison and the feature pages.

Each reads the same object its HTML page renders, so the rows always match.
Exports are streamed: their size follows the data, the server's memory does not.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

from frameworks.pages.cells import Cell
from frameworks.pages.compare import Comparison
from frameworks.pages.detail import FeatureSupport
from frameworks.pages.table import ComparisonTable

Absolute = Callable[[str], str]

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP:
# "CSV injection"); a leading apostrophe makes it text again.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


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


# --- The table -----------------------------------------------------------------------


def table_records(table: ComparisonTable, absolute: Absolute) -> Iterator[dict]:
    for row in table.rows:
        yield {
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


def table_json(table: ComparisonTable, absolute: Absolute, query: str) -> StreamingHttpResponse:
    head = {
        "query": query,
        "count": len(table.rows),
        "support": table.filterset.options["support"],
        "features": [
            {"slug": f.slug, "name": f.name, "group": f.group.slug} for f in table.visible_features
        ],
    }
    return _json_stream(head, "frameworks", table_records(table, absolute))


TABLE_COLUMNS = [
    "slug", "name", "url", "categories", "disputed_categories", "first_release",
    "github_stars", "lifecycle", "supported_features",
]  # fmt: skip


def table_csv(table: ComparisonTable, absolute: Absolute) -> StreamingHttpResponse:
    header = list(TABLE_COLUMNS)
    for feature in table.visible_features:
        header += [feature.slug, f"{feature.slug}:how", f"{feature.slug}:detail"]

    def rows():
        for record in table_records(table, absolute):
            row = [
                "; ".join(record[key]) if isinstance(record[key], list) else record[key]
                for key in TABLE_COLUMNS
            ]
            for cell in record["features"].values():
                disputed = cell["disputed"]
                status = f"{cell['status']} (sources disagree)" if disputed else cell["status"]
                row += [status, cell["how"], cell["detail"]]
            yield row

    return _csv("frameworks.csv", header, rows())


# --- Compare ---------------------------------------------------------------------------


def comparison_records(comparison: Comparison) -> list[dict]:
    records = []
    for group, rows in comparison.groups:
        for row in rows:
            records.append(
                {
                    "feature": row.feature.slug,
                    "group": group.slug,
                    "differs": row.differs,
                    "known_for_some_only": row.known_for_some_only,
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


def comparison_json(comparison: Comparison, absolute: Absolute) -> HttpResponse:
    return _json(
        {
            "frameworks": [
                {"slug": f.slug, "name": f.name, "url": absolute(f.get_absolute_url())}
                for f in comparison.frameworks
            ],
            "only_differences": comparison.only_differences,
            "differences": comparison.difference_count,
            "known_for_some_only": comparison.partly_known_count,
            "facts": [
                {
                    "label": fact.label,
                    "differs": fact.differs,
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
        "value": verdict.value_display or None,
        "status": verdict.status or None,
        "year": verdict.year,
        "figure": _number(verdict.value),
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


# --- A feature ---------------------------------------------------------------------------


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


def feature_json(feature, rows: list[FeatureSupport], absolute: Absolute) -> HttpResponse:
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


# --- Writing ----------------------------------------------------------------------------


def _cell_text(cell: dict) -> str:
    text = cell["status"]
    if cell["how"]:
        text += f", {cell['how']}"
    if cell["detail"]:
        text += f" ({cell['detail']})"
    if cell["disputed"]:
        text += " [sources disagree]"
    return text


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


def _csv(filename: str, header: list[str], rows: Iterable[list]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([spreadsheet_safe(name) for name in header])
        for row in rows:
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def _json(data: dict) -> HttpResponse:
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
    )


def _json_stream(head: dict, key: str, records: Iterable[dict]) -> StreamingHttpResponse:
    """``{**head, key: [records...]}`` as JSON, one record at a time."""

    def chunks():
        opening = json.dumps(head, ensure_ascii=False)[:-1]
        yield f'{opening}, "{key}": [' if head else f'{{"{key}": ['
        for index, record in enumerate(records):
            yield ("," if index else "") + "\n" + json.dumps(record, ensure_ascii=False)
        yield "\n]}\n"

    return StreamingHttpResponse(chunks(), content_type="application/json")
