"""Bulk import of claims from CSV: checked row by row, applied all or nothing.

One row is one claim. ``subject`` names what the claim is about, depending on
its kind: a feature slug, a category slug, a metric, or (built_on) a framework
slug; first_release and maintenance claims leave it empty.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from frameworks.dataset.excerpts import normalise_whitespace
from frameworks.dataset.load import claim_key
from frameworks.dataset.texts import SourceTexts
from frameworks.models import Category, Claim, ClaimKind, Feature, Framework, Source
from frameworks.models.claims import ONE_CLAIM_PER_SUBJECT

COLUMNS = [
    "framework", "source", "kind", "subject", "status", "how", "package", "value", "value_max",
    "as_written", "label_as_written", "as_of", "as_of_precision", "year", "advice_kind", "text",
    "excerpt", "locator", "note", "via",
]  # fmt: skip
TEXT_COLUMNS = [
    "status", "how", "package", "as_written", "label_as_written", "as_of_precision",
    "advice_kind", "text", "excerpt", "locator", "note",
]  # fmt: skip
RELATED_FIELDS = ["framework", "source", "via", "feature", "category", "based_on"]
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

    lookups = _Lookups()
    texts = SourceTexts(settings.SOURCES_DIR)
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
        row.claim = _build_claim(row, lookups)
        if row.claim is not None:
            _validate(row, texts)
            key = _key(row.claim)
            if key in seen_keys:
                row.errors.append(f"Same source and subject as row {seen_keys[key]}.")
            seen_keys.setdefault(key, number)
        rows.append(row)
    if not rows:
        return ImportPlan([], ["The file has a header but no rows."])
    _check_against_existing_claims(rows)
    return ImportPlan(rows)


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
    existing = {_key(claim) for claim in Claim.objects.filter(framework_id__in=frameworks)}
    for row in checked:
        if _key(row.claim) in existing:
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


class _Lookups:
    """Slug lookups, each table read once per import."""

    def __init__(self) -> None:
        self.framework = {f.slug: f for f in Framework.objects.all()}
        self.source = {s.slug: s for s in Source.objects.all()}
        self.feature = {f.slug: f for f in Feature.objects.all()}
        self.category = {c.slug: c for c in Category.objects.all()}


def _build_claim(row: ImportRow, lookups: _Lookups) -> Claim | None:
    data = row.data
    kind = data.get("kind", "")
    if kind not in ClaimKind.values:
        row.errors.append(f"kind “{kind}” is not one of: {', '.join(ClaimKind.values)}.")
        return None
    values: dict = {"kind": kind}
    for name, table in (("framework", "framework"), ("source", "source"), ("via", "source")):
        slug = data.get(name, "")
        if not slug:
            continue
        found = getattr(lookups, table).get(slug)
        if found is None:
            row.errors.append(f"{name} “{slug}” does not exist.")
        values[name] = found
    for name in ("framework", "source"):
        if not data.get(name):
            row.errors.append(f"{name} is required.")
    subject = data.get("subject", "")
    subject_field = {
        ClaimKind.FEATURE: ("feature", lookups.feature),
        ClaimKind.CATEGORY: ("category", lookups.category),
        ClaimKind.BUILT_ON: ("based_on", lookups.framework),
    }.get(kind)
    if subject_field:
        name, table = subject_field
        if subject and subject not in table:
            what = "framework" if name == "based_on" else name
            row.errors.append(f"subject “{subject}” is not a known {what}.")
        values[name] = table.get(subject)
    elif kind == ClaimKind.FIGURE:
        values["metric"] = subject
    for name in TEXT_COLUMNS:
        values[name] = data.get(name, "")
    for name in ("value", "value_max"):
        values[name] = _parse(row, name, Decimal, InvalidOperation)
    values["year"] = _parse(row, "year", int, ValueError)
    values["as_of"] = _parse(row, "as_of", datetime.date.fromisoformat, ValueError)
    if row.errors:
        return None
    return Claim(**values)


def _parse(row: ImportRow, name: str, convert, error):
    text = row.data.get(name, "")
    if not text:
        return None
    try:
        return convert(text)
    except error:
        row.errors.append(f"{name} “{text}” is not valid.")
        return None


def _validate(row: ImportRow, texts: SourceTexts) -> None:
    claim = row.claim
    try:
        # Constraints and uniqueness would cost a query each per row: Claim.clean
        # checks what the constraints do, and uniqueness is checked for all rows at once.
        # Related objects come from the lookups, so their existence needs no query either.
        claim.full_clean(exclude=RELATED_FIELDS, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = "row" if name == "__all__" else name
            row.errors.extend(f"{label}: {message}" for message in messages)
    archive = claim.source.archive_file if claim.source_id else ""
    if claim.excerpt and archive:
        text = texts.text(archive)
        if text is not None and normalise_whitespace(claim.excerpt) not in text:
            row.errors.append("excerpt: not found word for word in the source's text.")


def _key(claim: Claim) -> tuple:
    return (claim.framework_id, *claim_key(claim))
