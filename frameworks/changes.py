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

from frameworks.dataset.load import CHANGE_REASON as LOAD_REASON
from frameworks.models import Claim, Feature, Framework, PublicationStatus, Source

ACTIONS = {"+": "added", "~": "changed", "-": "removed"}
READABLE_REASONS = {LOAD_REASON: "from the dataset files"}
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


def recent_changes(limit: int = 50) -> list[Change]:
    feeds = [
        _changes(
            # Published then, and still published now.
            Framework.history.filter(
                status=PublicationStatus.PUBLISHED,
                id__in=Framework.objects.published().values("id"),
            ),
            "framework",
            lambda r: (r.name, reverse("frameworks:framework_detail", args=[r.slug])),
            limit,
        ),
        _changes(
            Feature.history.filter(
                status=PublicationStatus.PUBLISHED,
                id__in=Feature.objects.published().values("id"),
            ),
            "feature",
            lambda r: (r.name, reverse("frameworks:feature_detail", args=[r.slug])),
            limit,
        ),
        _changes(
            Source.history.all(),
            "source",
            lambda r: (r.title, reverse("frameworks:source_detail", args=[r.slug])),
            limit,
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
            limit,
        ),
    ]
    return sorted(chain.from_iterable(feeds), key=lambda c: c.when, reverse=True)[:limit]


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
    return changes
