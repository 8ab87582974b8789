"""Load a dataset document into the database, idempotently.

Objects are matched by natural key (slugs; for claims, the source and the
subject they speak about). By default the loader only adds what is missing
and leaves what editors changed in the admin alone, reporting differences;
``update=True`` overwrites them with the document and ``prune=True`` deletes
claims of the document's frameworks that the document no longer holds.
Everything happens in one transaction: a bad entry loads nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from frameworks.dataset import FORMAT, DatasetError
from frameworks.dataset.schema import (
    COMMON_FIELDS,
    FRAMEWORK_FIELDS,
    KIND_FIELDS,
    SOURCE_FIELDS,
    SUBJECT_MODEL_FIELD,
    iter_claims,
)
from frameworks.models import (
    Category,
    Claim,
    ClaimKind,
    Feature,
    FeatureGroup,
    Framework,
    PublicationStatus,
    Source,
)

CHANGE_REASON = "load_dataset"
OUTCOMES = ("created", "updated", "unchanged", "differs", "deleted", "extra")


class LoadReport:
    """Counts per model of what the load did (or would have done)."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {}

    def add(self, model: str, outcome: str) -> None:
        self.counts.setdefault(model, Counter())[outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deleted"] for c in self.counts.values())

    def lines(self) -> list[str]:
        lines = []
        for model, counts in self.counts.items():
            parts = [f"{counts[outcome]} {outcome}" for outcome in OUTCOMES if counts[outcome]]
            lines.append(f"{model}: {', '.join(parts)}")
        return lines


def load_document(
    document: dict[str, Any],
    *,
    update: bool = False,
    prune: bool = False,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    if document.get("format") != FORMAT:
        raise DatasetError(f"not a {FORMAT} document (format is {document.get('format')!r})")
    loader = _Loader(update=update, prune=prune, progress=progress or (lambda message: None))
    try:
        with transaction.atomic():
            loader.load(document)
    except IntegrityError as error:
        raise DatasetError(f"the database refused an entry: {error}") from error
    return loader.report


class _Loader:
    def __init__(self, *, update: bool, prune: bool, progress: Callable[[str], None]) -> None:
        self.update = update
        self.prune = prune
        self.progress = progress
        self.report = LoadReport()

    def load(self, document: dict[str, Any]) -> None:
        self.progress(f"Sources: {len(document.get('sources', []))}")
        self.sources = {
            entry["slug"]: self.upsert(Source, entry, SOURCE_FIELDS, self.source_values)
            for entry in document.get("sources", [])
        }
        for entry in document.get("sources", []):
            self.set_cites(self.sources[entry["slug"]], entry.get("cites", []))

        self.progress(f"Categories: {len(document.get('categories', []))}")
        self.categories = {
            entry["slug"]: self.upsert(
                Category,
                entry,
                ("slug", "name", "description"),
                lambda e, position=position: {**e, "position": position},
                extra_fields=("position",),
            )
            for position, entry in enumerate(document.get("categories", []))
        }

        self.features = {}
        groups = document.get("feature_groups", [])
        self.progress(f"Feature groups: {len(groups)}")
        for group_position, group_entry in enumerate(groups):
            group = self.upsert(
                FeatureGroup,
                group_entry,
                ("slug", "name", "description"),
                lambda e, p=group_position: {**e, "position": p},
                extra_fields=("position",),
            )
            for position, entry in enumerate(group_entry.get("features", [])):
                self.features[entry["slug"]] = self.upsert(
                    Feature,
                    entry,
                    ("slug", "name", "definition", "status"),
                    lambda e, p=position, g=group: {
                        **e,
                        "group": g,
                        "position": p,
                        "status": e.get("status") or PublicationStatus.PUBLISHED,
                    },
                    extra_fields=("group", "position"),
                )

        frameworks = document.get("frameworks", [])
        self.progress(f"Frameworks: {len(frameworks)}")
        self.frameworks = {
            entry["slug"]: self.upsert(Framework, entry, FRAMEWORK_FIELDS, self.framework_values)
            for entry in frameworks
        }
        for entry in frameworks:
            self.load_claims(self.frameworks[entry["slug"]], entry)

    # --- values ---------------------------------------------------------------

    @staticmethod
    def source_values(entry: dict) -> dict:
        return {**entry, "date": _date(entry.get("date"))}

    @staticmethod
    def framework_values(entry: dict) -> dict:
        return {
            **entry,
            "status": entry.get("status") or PublicationStatus.PUBLISHED,
            "last_verified": _date(entry.get("last_verified")),
        }

    def lookup(self, table: dict, slug: str | None, what: str, where: str):
        if slug in (None, ""):
            return None
        try:
            return table[slug]
        except KeyError:
            raise DatasetError(f"{where}: unknown {what} {slug!r}") from None

    def claim_values(self, framework: Framework, section, subject, entry: dict) -> dict:
        where = f"{framework.slug}: {section.name}" + (f" {subject}" if subject else "")
        values: dict[str, Any] = {"framework": framework, "kind": section.kind}
        for field in COMMON_FIELDS + KIND_FIELDS[section.kind]:
            values[field] = entry.get(field)
        values["source"] = self.lookup(self.sources, entry.get("source"), "source", where)
        if values["source"] is None:
            raise DatasetError(f"{where}: a claim needs a source")
        values["via"] = self.lookup(self.sources, entry.get("via"), "source", where)
        if section.subject:
            field = SUBJECT_MODEL_FIELD[section.subject]
            if field == "feature":
                subject = self.lookup(self.features, subject, "feature", where)
            elif field == "category":
                subject = self.lookup(self.categories, subject, "category", where)
            elif field == "based_on":
                subject = self.lookup(self.frameworks, subject, "framework", where)
            values[field] = subject
        for field in ("value", "value_max"):
            if values.get(field) is not None:
                values[field] = Decimal(str(values[field]))
        if values.get("as_of"):
            values["as_of"] = _date(values["as_of"])
        values["preferred"] = bool(values.get("preferred"))
        return {
            key: ("" if value is None and _is_text(key) else value) for key, value in values.items()
        }

    # --- writing ----------------------------------------------------------------

    def upsert(self, model, entry: dict, fields, to_values, extra_fields=()) -> models.Model:
        values = to_values(entry)
        values = {
            field: (
                "" if values.get(field) is None and _is_text(field, model) else values.get(field)
            )
            for field in (*fields, *extra_fields)
        }
        slug = values.pop("slug")
        instance = model.objects.filter(slug=slug).first()
        self.save(model.__name__, instance, values, lambda: model(slug=slug), where=slug)
        return instance or model.objects.get(slug=slug)

    def save(self, label: str, instance, values: dict, new, *, where: str) -> None:
        if instance is None:
            instance = new()
            outcome = "created"
        else:
            differences = {
                field: value
                for field, value in values.items()
                if _current(instance, field) != _comparable(value)
            }
            if not differences:
                self.report.add(label, "unchanged")
                return
            if not self.update:
                self.report.add(label, "differs")
                return
            values = differences
            outcome = "updated"
        for field, value in values.items():
            setattr(instance, field, value)
        # Related objects come from this document's own tables, so skip the
        # per-field existence queries; the database constraints back this up.
        related = [f.name for f in instance._meta.concrete_fields if f.is_relation]
        try:
            instance.full_clean(exclude=related, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise DatasetError(f"{label} {where}: {_messages(error)}") from error
        instance._change_reason = CHANGE_REASON  # shown in the object's history
        instance.save()
        self.report.add(label, outcome)

    def set_cites(self, source: Source, slugs: list[str]) -> None:
        wanted = {
            self.lookup(self.sources, slug, "source", f"{source.slug}: cites") for slug in slugs
        }
        current = set(source.cites.all())
        if wanted == current:
            return
        if current - wanted and not self.update:
            self.report.add("Source citations", "differs")
            wanted |= current  # keep what an editor added
            if wanted == current:
                return
        source.cites.set(wanted)
        self.report.add("Source citations", "updated" if current else "created")

    def load_claims(self, framework: Framework, entry: dict) -> None:
        existing = {claim_key(claim): claim for claim in framework.claims.all()}
        seen = set()
        for section, subject, claim_entry in iter_claims(entry):
            values = self.claim_values(framework, section, subject, claim_entry)
            key = claim_key(Claim(**values))
            if key in seen:
                raise DatasetError(
                    f"{framework.slug}: two claims from {values['source'].slug} "
                    f"on the same subject ({section.name} {subject or ''})"
                )
            seen.add(key)
            where = f"{framework.slug}: {section.name} {subject or ''} from {values['source'].slug}"
            self.save(
                "Claim", existing.get(key), values, lambda values=values: Claim(), where=where
            )
        for key, claim in existing.items():
            if key in seen:
                continue
            if self.prune:
                claim._change_reason = CHANGE_REASON
                claim.delete()
                self.report.add("Claim", "deleted")
            else:
                self.report.add("Claim", "extra")


def claim_key(claim: Claim) -> tuple:
    """What makes a claim the same claim: its source and what it speaks about."""
    subject: tuple = ()
    match claim.kind:
        case ClaimKind.FEATURE:
            subject = (claim.feature_id,)
        case ClaimKind.CATEGORY:
            subject = (claim.category_id,)
        case ClaimKind.FIGURE:
            subject = (claim.metric, claim.as_of)
        case ClaimKind.BUILT_ON:
            subject = (claim.based_on_id,)
        case ClaimKind.ADVICE:
            subject = (claim.advice_kind, claim.excerpt)
    return (claim.source_id, claim.kind, *subject)


def _current(instance: models.Model, field: str):
    """A field's value without fetching related objects (their ids instead)."""
    return getattr(instance, instance._meta.get_field(field).attname)


def _comparable(value):
    return value.pk if isinstance(value, models.Model) else value


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise DatasetError(f"not a date: {value!r} (use YYYY-MM-DD)") from error


def _is_text(field: str, model=Claim) -> bool:
    try:
        return isinstance(model._meta.get_field(field), models.CharField | models.TextField)
    except Exception:
        return False


def _messages(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return " ".join(error.messages)
