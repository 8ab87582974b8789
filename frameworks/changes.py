"""The public change feed: recent changes to published data, newest first.

Built from the history django-simple-history keeps; two queries per model
(the latest records, each with the id of the one before it; then those).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from frameworks.dataset.load import LOADER_REASONS
from frameworks.models import Claim, Feature, Framework, PublicationStatus, Source

ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
READABLE_REASONS = dict.fromkeys(LOADER_REASONS, "from the dataset files")
# Bookkeeping fields that say nothing to a reader.
QUIET_FIELDS = {"id", "slug", "position"}


@dataclass
class Change:
    when: datetime.datetime
    action: str
    what: str
    name: str
    url: str
    fields: list[str] = field(default_factory=list)
    reason: str = ""
    # Changes made together in bulk (a load of the dataset files, a CSV import), shown as one.
    grouped: list[Change] = field(default_factory=list)
    # The oldest record read from its model's history: older ones of the same batch may exist.
    at_edge: bool = False

    @property
    def count(self) -> int:
        return 1 + len(self.grouped)

    @property
    def count_is_a_floor(self) -> bool:
        return self.at_edge or any(change.at_edge for change in self.grouped)

    def same_batch(self, other: Change) -> bool:
        return (
            bool(self.reason)
            and (self.what, self.action, self.reason) == (other.what, other.action, other.reason)
            and abs(self.when - other.when) < BATCH_WINDOW
        )


BATCH_WINDOW = datetime.timedelta(minutes=5)


def grouped(changes: list[Change]) -> list[Change]:
    """Consecutive changes of one kind made in one batch, folded into the first of them."""
    folded: list[Change] = []
    for change in changes:
        if folded and folded[-1].same_batch(change):
            folded[-1].grouped.append(change)
        else:
            folded.append(change)
    return folded


def recent_changes(limit: int = 50) -> list[Change]:
    """The latest `limit` rows, a bulk batch counting as one (read from at most 4 * limit
    records per model: a bigger batch is shown as "at least" that many)."""
    reads = limit * 4
    feeds = [
        _changes(
            # Published then, and still published now.
            Framework.history.filter(
                status=PublicationStatus.PUBLISHED,
                id__in=Framework.objects.published().values("id"),
            ),
            "framework",
            lambda r: (r.name, reverse("frameworks:framework_detail", args=[r.slug])),
            reads,
        ),
        _changes(
            Feature.history.filter(
                status=PublicationStatus.PUBLISHED,
                id__in=Feature.objects.published().values("id"),
            ),
            "feature",
            lambda r: (r.name, reverse("frameworks:feature_detail", args=[r.slug])),
            reads,
        ),
        _changes(
            Source.history.all(),
            "source",
            lambda r: (r.title, reverse("frameworks:source_detail", args=[r.slug])),
            reads,
        ),
        _changes(
            # The historical record's foreign keys join today's rows.
            Claim.history.filter(
                Q(feature__isnull=True) | Q(feature__status=PublicationStatus.PUBLISHED),
                Q(based_on__isnull=True) | Q(based_on__status=PublicationStatus.PUBLISHED),
                framework__status=PublicationStatus.PUBLISHED,
            ).select_related("framework", "source", "feature", "category"),
            "claim",
            _claim_name,
            reads,
        ),
    ]
    newest = sorted(chain.from_iterable(feeds), key=lambda c: c.when, reverse=True)
    return grouped(newest)[:limit]


def _claim_name(record) -> tuple[str, str]:
    subject = record.feature or record.category or record.get_kind_display()
    name = f"{record.framework.name}: {subject}, according to {record.source.title}"
    anchor = f"#f-{record.feature.slug}" if record.feature_id else ""
    return name, reverse("frameworks:framework_detail", args=[record.framework.slug]) + anchor


def _changes(history, what: str, describe, limit: int) -> list[Change]:
    model = history.model
    # Each record with the id of the one before it, to say what changed.
    previous = (
        model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    # A link only to what still exists: a deleted source's page is a 404.
    exists = model.instance_type.objects.filter(pk=OuterRef("id"))
    records = list(
        history.annotate(previous_id=Subquery(previous), still_exists=Exists(exists)).order_by(
            "-history_date", "-history_id"
        )[:limit]
    )
    if not records:
        return []
    earlier = model.objects.in_bulk([r.previous_id for r in records if r.previous_id])

    changes = []
    for record in records:
        before = earlier.get(record.previous_id)
        fields: list[str] = []
        if record.history_type == "~" and before is not None:
            # Plain fields only: diffing many-to-many fields costs queries per record.
            plain = {f.name for f in record.tracked_fields if f.editable} - QUIET_FIELDS
            delta = record.diff_against(before, included_fields=plain)
            fields = [
                str(record.instance_type._meta.get_field(c.field).verbose_name)
                for c in delta.changes
            ]
            if not fields:
                continue  # saved again with nothing changed
        name, url = describe(record)
        reason = record.history_change_reason or ""
        changes.append(
            Change(
                when=record.history_date.replace(microsecond=0),  # HTML allows 3 digits
                action=ACTIONS[record.history_type],
                what=what,
                name=name,
                url=url if record.history_type != "-" and record.still_exists else "",
                fields=fields,
                reason=READABLE_REASONS.get(reason, reason),
            )
        )
    if changes and len(records) == limit:
        changes[-1].at_edge = True
    return changes
