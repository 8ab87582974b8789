"""Load a dataset document into the database, in one of three modes.

Objects are matched by natural key (slugs; for claims, the source and the
subject they speak about: ``claim_key``). Everything happens in one
transaction: a bad entry loads nothing.

* ``INITIAL`` fills an empty database and refuses to touch one that holds
  curated data: a restart (``make run``) must never change what editors did.
* ``SYNC`` brings changes made to the files into a live database, three-way:
  the base is what the loader last wrote (the newest history record with a
  loader's change reason). A field the files changed and editors did not is
  updated; a field editors changed is kept, and is a *conflict* when the files
  changed it too. Nothing an editor deleted comes back, and a claim the files
  dropped is deleted only if no editor touched it since it was loaded.
  ``dry_run`` previews all this and changes nothing.
* ``REPLACE`` makes the database equal to the document, overwriting and
  pruning: for the test database and development only.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from simple_history.utils import bulk_create_with_history

from frameworks.dataset import FORMAT, DatasetError
from frameworks.dataset.claims import ClaimBuilder, Lookups
from frameworks.dataset.schema import FRAMEWORK_FIELDS, SOURCE_FIELDS, iter_claims
from frameworks.models import (
    Category,
    Claim,
    DatePrecision,
    Feature,
    FeatureGroup,
    Framework,
    PublicationStatus,
    Source,
    Verdict,
)

CHANGE_REASON = "load_dataset"
SYNC_REASON = "sync_dataset"
# History records with these reasons were written from the files, not by an editor.
LOADER_REASONS = (CHANGE_REASON, SYNC_REASON)
OUTCOMES = ("created", "updated", "unchanged", "kept", "conflict", "deleted", "extra")


class Mode(StrEnum):
    INITIAL = "initial"
    SYNC = "sync"
    REPLACE = "replace"


class LoadReport:
    """Counts per model of what the load did (or would have done), and what needs an editor."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {}
        self.not_empty = False  # INITIAL found curated data and loaded nothing
        self.conflicts: list[str] = []  # changed in the files and by an editor: kept the editor's
        self.kept: list[str] = []  # deleted or changed by an editor, left as the editor has it

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


def database_is_empty() -> bool:
    """No curated data at all: the only state the files may be loaded into unasked."""
    return not any(
        model.objects.exists() for model in (Source, Category, FeatureGroup, Feature, Framework)
    )


def load_document(
    document: dict[str, Any],
    *,
    mode: Mode = Mode.SYNC,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    if document.get("format") != FORMAT:
        raise DatasetError(f"not a {FORMAT} document (format is {document.get('format')!r})")
    loader = _Loader(mode=mode, progress=progress or (lambda message: None))
    try:
        with transaction.atomic():
            if mode is Mode.INITIAL and not database_is_empty():
                loader.report.not_empty = True
                return loader.report
            with Verdict.deferred():
                loader.load(document)
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as error:
        raise DatasetError(f"the database refused an entry: {error}") from error
    return loader.report


class _Loader:
    def __init__(self, *, mode: Mode, progress: Callable[[str], None]) -> None:
        self.mode = mode
        self.update = mode is Mode.REPLACE
        self.prune = mode is Mode.REPLACE
        self.reason = SYNC_REASON if mode is Mode.SYNC else CHANGE_REASON
        self.progress = progress
        self.report = LoadReport()
        self.history = _LoaderHistory() if mode is Mode.SYNC else None
        # Into an empty database nothing needs looking up: objects are written in bulk.
        self.bulk = mode is Mode.INITIAL
        self.pending: dict[type, list] = {}

    def load(self, document: dict[str, Any]) -> None:
        sources = document.get("sources", [])
        self.progress(f"Sources: {len(sources)}")
        self.sources = {
            entry["slug"]: self.upsert(Source, entry, SOURCE_FIELDS, self.source_values)
            for entry in sources
        }
        self.flush()

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
        self.flush()

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
            self.flush()
            for position, entry in enumerate(group_entry.get("features", [])):
                if group is None:  # deleted by an editor, with its features
                    self.features[entry["slug"]] = None
                    continue
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

        self.flush()
        frameworks = document.get("frameworks", [])
        self.progress(f"Frameworks: {len(frameworks)}")
        self.frameworks = {
            entry["slug"]: self.upsert(Framework, entry, FRAMEWORK_FIELDS, self.framework_values)
            for entry in frameworks
        }
        self.flush()
        # A framework's own sources (its documentation, repository, releases) point at it.
        for entry in frameworks:
            framework = self.frameworks[entry["slug"]]
            for source in entry.get("sources", []):
                if source["slug"] in self.sources:
                    raise DatasetError(f"{entry['slug']}: source {source['slug']} appears twice")
                if framework is None:  # deleted by an editor
                    self.sources[source["slug"]] = None
                    continue
                self.sources[source["slug"]] = self.upsert(
                    Source,
                    source,
                    SOURCE_FIELDS,
                    lambda e, f=framework: {**self.source_values(e), "framework": f},
                    extra_fields=("framework",),
                )
        self.flush()
        own = [source for entry in frameworks for source in entry.get("sources", [])]
        for entry in sources + own:
            self.set_cites(self.sources[entry["slug"]], entry.get("cites", []))

        self.builder = ClaimBuilder(
            Lookups(
                sources=self.sources,
                frameworks=self.frameworks,
                features=self.features,
                categories=self.categories,
            )
        )
        for entry in frameworks:
            self.load_claims(self.frameworks[entry["slug"]], entry)
        self.flush()

    # --- values ---------------------------------------------------------------

    @staticmethod
    def source_values(entry: dict) -> dict:
        return source_values(entry)

    @staticmethod
    def framework_values(entry: dict) -> dict:
        return {
            **entry,
            "status": entry.get("status") or PublicationStatus.PUBLISHED,
            "last_verified": _date(entry.get("last_verified")),
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
        instance = None if self.bulk else model.objects.filter(slug=slug).first()
        saved = self.save(
            model.__name__, instance, values, lambda: model(slug=slug), where=slug, key=slug
        )
        return saved or instance

    def save(self, label: str, instance, values: dict, new, *, where: str, key, validated=False):
        """Create or update one object; return it, or None if it was left alone."""
        if instance is None:
            if self.history and self.history.deleted_by_editor(label, key):
                self.report.add(label, "kept")
                self.report.kept.append(f"{label} {where}: deleted by an editor, not restored")
                return None
            instance = new()
            outcome = "created"
        else:
            differences = {
                field: value
                for field, value in values.items()
                if _current(instance, field) != _comparable(value)
            }
            if differences and self.history:
                differences = self.three_way(label, instance, differences, where)
            if not differences:
                self.report.add(label, "unchanged")
                return instance
            values = differences
            outcome = "updated"
        for field, value in values.items():
            setattr(instance, field, value)
        if not validated:
            # Related objects come from this document's own tables, so skip the
            # per-field existence queries; the database constraints back this up.
            related = [f.name for f in instance._meta.concrete_fields if f.is_relation]
            try:
                instance.full_clean(
                    exclude=related, validate_unique=False, validate_constraints=False
                )
            except ValidationError as error:
                raise DatasetError(f"{label} {where}: {_messages(error.message_dict)}") from error
        self.report.add(label, outcome)
        if self.bulk:  # an empty database: written in bulk, stage by stage (flush)
            self.pending.setdefault(type(instance), []).append(instance)
            return instance
        instance._change_reason = self.reason  # shown in the object's history
        instance.save()
        return instance

    def flush(self) -> None:
        """Write what a bulk load holds back, with its history, one statement per model."""
        for model, objects in self.pending.items():
            bulk_create_with_history(objects, model, default_change_reason=self.reason)
        self.pending = {}

    def three_way(self, label: str, instance, differences: dict, where: str) -> dict:
        """Of the fields the files and the database disagree on, those to take from the files."""
        base = self.history.last_loaded(instance)
        take, conflicts = {}, []
        for field, value in differences.items():
            if base is not None and _current(base, field) == _current(instance, field):
                take[field] = value  # editors left it as loaded: the files changed it
            elif base is not None and _current(base, field) == _comparable(value):
                continue  # the files left it as loaded: an editor changed it
            else:
                conflicts.append(field)
        if conflicts:
            self.report.add(label, "conflict")
            self.report.conflicts.append(
                f"{label} {where}: {', '.join(conflicts)} changed by an editor and in the files; "
                "kept the editor's"
            )
        elif not take:
            self.report.add(label, "kept")
        return take

    def set_cites(self, source: Source | None, slugs: list[str]) -> None:
        if source is None:  # deleted by an editor
            return
        unknown = [slug for slug in slugs if slug not in self.sources]
        if unknown:
            raise DatasetError(f"{source.slug}: cites unknown source {unknown[0]!r}")
        wanted = {self.sources[slug] for slug in slugs if self.sources[slug] is not None}
        current = set(source.cites.all())
        if wanted == current:
            return
        if current - wanted and not self.update:
            self.report.add("Source citations", "kept")
            wanted |= current  # keep what an editor added
            if wanted == current:
                return
        source.cites.set(wanted)
        self.report.add("Source citations", "updated" if current else "created")

    def load_claims(self, framework: Framework | None, entry: dict) -> None:
        if framework is None:  # deleted by an editor, and its claims with it
            return
        existing = {} if self.bulk else {c.identity: c for c in framework.claims.all()}
        seen = set()
        for section, subject, claim_entry in iter_claims(entry):
            where = f"{framework.slug}: {section.name}" + (f" {subject}" if subject else "")
            where += f" from {claim_entry.get('source')}"
            if deleted := self.deleted_reference(section, subject, claim_entry):
                self.report.add("Claim", "kept")
                self.report.kept.append(f"Claim {where}: {deleted} deleted by an editor")
                continue
            claim, errors = self.builder.build(framework, section.kind, subject, claim_entry)
            if errors:
                raise DatasetError(f"{where}: {_messages(errors)}")
            if claim.identity in seen:
                raise DatasetError(f"{where}: two claims from one source on the same subject")
            seen.add(claim.identity)
            values = {
                f.name: getattr(claim, f.name)
                for f in Claim._meta.concrete_fields
                if f.name != "id"
            }
            self.save(
                "Claim",
                existing.get(claim.identity),
                values,
                lambda: Claim(),
                where=where,
                key=claim.identity,
                validated=True,
            )
        for identity, claim in existing.items():
            if identity in seen:
                continue
            # Dropped from the files: gone, unless an editor added or changed it.
            if self.prune or (self.history and self.history.untouched_since_loaded(claim)):
                claim._change_reason = self.reason
                claim.delete()
                self.report.add("Claim", "deleted")
            else:
                self.report.add("Claim", "extra")

    def deleted_reference(self, section, subject, entry: dict) -> str:
        """The first object the claim points at that an editor deleted, or ""."""
        tables = {"source": self.sources, "via": self.sources, "successor": self.frameworks}
        references = [(name, entry.get(name)) for name in tables]
        if section.subject:
            tables.update(
                {
                    "feature": self.features,
                    "category": self.categories,
                    "framework": self.frameworks,
                }
            )
            references.append((section.subject, subject))
        for name, slug in references:
            table = tables.get(name)
            if table is not None and slug and slug in table and table[slug] is None:
                return f"its {name} {slug} was"
        return ""


def source_values(entry: dict) -> dict:
    """A source's fields from a document entry; an undated source's precision is "unknown"."""
    return {
        **entry,
        "date": _date(entry.get("date")),
        "retrieved": _date(entry.get("retrieved")),
        "date_precision": entry.get("date_precision") or DatePrecision.UNKNOWN,
    }


class _LoaderHistory:
    """What the loader last wrote, and what editors deleted: a query per model, when first asked."""

    def __init__(self) -> None:
        self._loaded: dict[type, dict[int, Any]] = {}
        self._deleted: dict[str, set] = {}

    def last_loaded(self, instance: models.Model):
        """The newest history record of ``instance`` written from the files, or None."""
        model = type(instance)
        if model not in self._loaded:
            records = (
                model.history.filter(history_change_reason__in=LOADER_REASONS)
                .exclude(history_type="-")
                .order_by("id", "-history_id")
                .distinct("id")
            )
            self._loaded[model] = {record.id: record for record in records}
        return self._loaded[model].get(instance.pk)

    def untouched_since_loaded(self, instance: models.Model) -> bool:
        record = self.last_loaded(instance)
        latest = instance.history.order_by("-history_id").values_list("history_id", flat=True)
        return record is not None and record.history_id == latest.first()

    def deleted_by_editor(self, label: str, key) -> bool:
        """Was an object with this natural key deleted, and not restored?"""
        if label not in self._deleted:
            model = {
                m.__name__: m for m in (Source, Category, FeatureGroup, Feature, Framework, Claim)
            }[label]
            # A deletion the loader made (the files dropped it) is no editor's decision.
            records = (
                model.history.filter(history_type="-")
                .exclude(history_change_reason__in=LOADER_REASONS)
                .exclude(id__in=model.objects.values("pk"))
            )
            if model is Claim:
                self._deleted[label] = {Claim.identity.fget(r) for r in records}
            else:
                self._deleted[label] = {r.slug for r in records}
        return key in self._deleted[label]


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


def _messages(errors: dict[str, list[str]]) -> str:
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
