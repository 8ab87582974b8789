"""CSV and JSON versions of the table, the comparison, the feature pages and /choose/.

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
from frameworks.pages.choose import Choice, Point, Result
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
            "supported_features": row.supported_features,
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


# --- Which framework fits --------------------------------------------------------------------


def _point(point: Point) -> dict:
    record = {
        "kind": point.kind,
        "label": point.label,
        "outcome": point.outcome,
        "reason": point.reason,
    }
    if point.need is not None:
        record |= {
            "feature": point.need.feature.slug,
            "counts": point.need.counts if point.need.must else None,
            "weight": None if point.need.must else point.need.weight,
            "points": point.earned,
            **_cell(point.cell),
            "sources": list(
                dict.fromkeys(c.source.slug for c in point.sources if not c.superseded)
            ),
        }
    return record


def choice_records(choice: Choice, absolute: Absolute) -> Iterator[dict]:
    """Ranked frameworks first, in order, then those ruled out."""
    for result in [*choice.ranked, *choice.ruled_out]:
        record = {
            "rank": result.rank or None,
            "slug": result.framework.slug,
            "name": result.framework.name,
            "url": absolute(result.framework.get_absolute_url()),
            "points": result.score,
            "built_in": result.built_in,
            "to_check": result.to_check,
            "first_missed": _point(result.misses[0]) if result.misses else None,
            "needs": [_point(point) for point in result.points],
            "constraints": [_point(point) for point in result.constraints],
        }
        if result.rank:
            record["advice"] = [
                {
                    "kind": claim.advice_kind,
                    "text": claim.text,
                    "source": claim.source.slug,
                    "excerpt": claim.excerpt,
                }
                for claim in result.advice
            ]
        yield record


def choice_json(choice: Choice, absolute: Absolute, query: str) -> StreamingHttpResponse:
    """Every framework, ranked then ruled out, one record at a time."""
    form = choice.form
    head = {
        "query": query,
        "needs": [
            {
                "feature": need.feature.slug,
                "must": need.must,
                "counts": need.counts if need.must else None,
                "weight": None if need.must else need.weight,
                "points": need.points,
                "from_interface": need.interface,
            }
            for need in choice.needs
        ],
        "constraints": {
            "category": form.chosen_category.slug if form.chosen_category else None,
            "lifecycle": form.chosen_lifecycle,
            "python": form.chosen_python or None,
        },
        "ranked_count": choice.ranked_count,
        "ruled_out_count": choice.ruled_out_count,
    }
    return _json_stream(head, "frameworks", choice_records(choice, absolute))


def choice_csv(choice: Choice, absolute: Absolute) -> StreamingHttpResponse:
    header = ["rank", "slug", "name", "url", "points", "built_in", "to_check", "first_missed"]
    needs = [need.feature.slug for need in choice.needs]
    for slug in needs:
        header += [slug, f"{slug}:value"]

    def first_missed(result: Result) -> str:
        if not result.misses:
            return ""
        point = result.misses[0]
        return f"{point.label}: {point.reason}" if point.reason else point.label

    def rows():
        for record, result in zip(
            choice_records(choice, absolute), [*choice.ranked, *choice.ruled_out], strict=True
        ):
            row = [record[key] for key in header[:7]] + [first_missed(result)]
            points = record["needs"] + record["constraints"]
            by_feature = {point["feature"]: point for point in points if "feature" in point}
            for slug in needs:
                point = by_feature[slug]
                row += [point["outcome"], _cell_text(point)]
            yield row

    return _csv("choose.csv", header, rows())


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
