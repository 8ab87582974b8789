"""Bulk import of claims from CSV: checked row by row, applied all or nothing.

One row is one claim, with the same fields a fixture file gives a claim (the
columns are the claim rules' fields, see ``COLUMNS``). ``subject`` names what
the claim is about, depending on its kind: a feature slug, a category slug, a
metric, or (built_on) a framework slug; claims about the framework as a whole
(first and latest release, lifecycle, licence, Python) leave it empty. Rows are
built and checked by the same ``ClaimBuilder`` as the loader and the lint.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from frameworks.dataset.claims import ClaimBuilder, Lookups
from frameworks.dataset.schema import COMMON_FIELDS, KIND_FIELDS
from frameworks.dataset.texts import ExcerptCounts, Outcome, QuotedTexts
from frameworks.models import Claim, SourceText
from frameworks.models.rules import ONE_CLAIM_PER_SUBJECT

# Every field a fixture can give a claim, in the order a spreadsheet shows them.
COLUMNS = list(
    dict.fromkeys(
        ["framework", "source", "kind", "subject"]
        + [name for fields in KIND_FIELDS.values() for name in fields]
        + [name for name in COMMON_FIELDS if name != "source"]
    )
)
REQUIRED_COLUMNS = {"framework", "source", "kind", "excerpt"}
CHANGE_REASON = "CSV import"
MAX_ROWS = 2000


@dataclass
class ImportRow:
    number: int  # as a spreadsheet counts: the header is row 1
    data: dict[str, str]
    claim: Claim | None = None
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[ImportRow]
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    excerpts: ExcerptCounts = field(default_factory=ExcerptCounts)

    @property
    def valid(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]


def plan_import(text: str) -> ImportPlan:
    """Read and check every row; change nothing."""
    if "\x00" in text:
        return ImportPlan([], ["The file holds NUL characters: is it really a CSV text file?"])
    try:
        # newline="" lets csv read any line ending, old Mac ones included.
        reader = csv.reader(io.StringIO(text, newline=""))
        header = [name.strip() for name in next(reader, [])]
        records = list(reader)
    except csv.Error as error:
        return ImportPlan([], [f"The file is not valid CSV: {error}."])
    if errors := _header_errors(header):
        return ImportPlan([], errors)
    if len(records) > MAX_ROWS:
        return ImportPlan([], [f"Too many rows ({len(records)}): at most {MAX_ROWS} per file."])

    builder = ClaimBuilder(Lookups.from_database())
    texts = QuotedTexts(
        archive_dir=settings.SOURCES_DIR,
        stored=dict(SourceText.objects.values_list("source__slug", "text")),
    )
    excerpts = ExcerptCounts()
    rows = []
    seen_keys: dict[tuple, int] = {}
    for number, values in enumerate(records, start=2):
        if not any(value.strip() for value in values):
            continue
        row = ImportRow(
            number, {name: value.strip() for name, value in zip(header, values, strict=False)}
        )
        if len(values) > len(header):
            row.errors.append(
                f"{len(values)} values but {len(header)} columns: quote values that hold commas."
            )
        row.claim = _build_claim(row, builder)
        if row.claim is not None:
            _check_excerpt(row, texts, excerpts)
            key = row.claim.identity
            if key in seen_keys:
                row.errors.append(f"Same source and subject as row {seen_keys[key]}.")
            seen_keys.setdefault(key, number)
        rows.append(row)
    if not rows:
        return ImportPlan([], ["The file has a header but no rows."])
    _check_against_existing_claims(rows)
    return ImportPlan(rows, excerpts=excerpts)


def _header_errors(header: list[str]) -> list[str]:
    errors = []
    if "" in header:
        errors.append(f"Column {header.index('') + 1} of the header has no name.")
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        errors.append(f"Columns named more than once: {', '.join(repeated)}.")
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        errors.append(f"Missing columns: {', '.join(sorted(missing))}.")
    unknown = set(header) - set(COLUMNS) - {""}
    if unknown:
        errors.append(f"Unknown columns: {', '.join(sorted(unknown))}.")
    if errors:
        errors.append(f"Expected columns: {', '.join(COLUMNS)}.")
    return errors


def _check_against_existing_claims(rows: list[ImportRow]) -> None:
    """One query for every row: does the database hold a claim on the same subject?"""
    checked = [row for row in rows if row.claim is not None and not row.errors]
    frameworks = {row.claim.framework_id for row in checked}
    existing = {claim.identity for claim in Claim.objects.filter(framework_id__in=frameworks)}
    for row in checked:
        if row.claim.identity in existing:
            row.errors.append(f"row: {ONE_CLAIM_PER_SUBJECT}")


def apply_import(plan: ImportPlan) -> int:
    """Save every claim of a valid plan in one transaction; return how many."""
    if not plan.valid:
        raise ValueError("Only a plan without errors can be applied.")
    with transaction.atomic():
        for row in plan.rows:
            row.claim._change_reason = CHANGE_REASON
            row.claim.save()
    return len(plan.rows)


def _build_claim(row: ImportRow, builder: ClaimBuilder) -> Claim | None:
    data = row.data
    framework = builder.lookups.frameworks.get(data.get("framework", ""))
    if framework is None:
        slug = data.get("framework", "")
        row.errors.append(
            f"framework “{slug}” does not exist." if slug else "framework is required."
        )
    claim, errors = builder.build(framework, data.get("kind", ""), data.get("subject"), data)
    for name, messages in errors.items():
        label = "row" if name == "__all__" else name
        row.errors.extend(f"{label}: {message}" for message in messages)
    return None if row.errors else claim


def _check_excerpt(row: ImportRow, texts: QuotedTexts, counts: ExcerptCounts) -> None:
    outcome, why = texts.check(row.claim.source, row.claim.excerpt)
    counts.add(outcome, why)
    if outcome is Outcome.FAILED:
        row.errors.append("excerpt: not found word for word in the source's text.")
