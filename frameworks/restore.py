"""Undoing a deletion: bring a deleted object back from its history.

django-simple-history keeps the last state of every deleted row (a "-" record),
but its admin only reverts objects that still exist. Restoring re-inserts the
row with its old primary key, so history and links pick up where they stopped;
a framework comes back with the claims that were deleted along with it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from frameworks.models import Claim, Framework, Source

RESTORED = "restored after deletion"
# Rows removed by one cascade are recorded within moments of each other.
CASCADE_WINDOW = datetime.timedelta(seconds=5)


class CannotRestore(Exception):
    pass


@dataclass
class Deletion:
    record: object  # the historical "-" record
    name: str
    dependants: int  # rows deleted with it that a restore brings back


def deletions(model: type[Model], limit: int = 100) -> list[Deletion]:
    """Deleted objects of a model that have not come back, newest first (at most three queries)."""
    history = model.history.model
    records = list(
        history.objects.filter(history_type="-")
        .exclude(id__in=model.objects.values("pk"))
        .select_related("history_user")
        .order_by("-history_date")[:limit]
    )
    latest: dict[int, object] = {}
    for record in records:  # an object deleted, restored and deleted again: the last time
        latest.setdefault(record.id, record)
    records = list(latest.values())
    counts = _cascaded_claim_counts(records) if model is Framework else {}
    names = (
        _claim_names(records)
        if model is Claim
        else {r.history_id: str(r.instance) for r in records}
    )
    return [
        Deletion(record=r, name=names[r.history_id], dependants=counts.get(r.history_id, 0))
        for r in records
    ]


def _claim_names(records) -> dict[int, str]:
    """Who said what about which framework, in two queries; either may be gone too."""
    frameworks = dict(
        Framework.objects.filter(pk__in={r.framework_id for r in records}).values_list("pk", "name")
    )
    sources = dict(
        Source.objects.filter(pk__in={r.source_id for r in records}).values_list("pk", "slug")
    )
    return {
        r.history_id: f"{sources.get(r.source_id, 'a deleted source')} on "
        f"{frameworks.get(r.framework_id, 'a deleted framework')}: {r.get_kind_display()}"
        for r in records
    }


@transaction.atomic
def restore(model: type[Model], history_id: int) -> Model:
    """Re-create the object deleted in this history record (and a framework's claims)."""
    record = model.history.filter(history_id=history_id, history_type="-").first()
    if record is None:
        raise CannotRestore("There is no such deletion to undo.")
    if model.objects.filter(pk=record.id).exists():
        raise CannotRestore(f"{record.instance} exists again already.")
    try:
        obj = _insert(record)
        if model is Framework:  # its own sources first: its claims cite them
            for cascaded in (Source, Claim):
                for cascaded_record in _cascaded(cascaded, record):
                    if not cascaded.objects.filter(pk=cascaded_record.id).exists():
                        _insert(cascaded_record)
    except ValidationError as error:  # e.g. its slug has been taken since
        reason = " ".join(error.messages)
        raise CannotRestore(f"{record.instance} cannot come back: {reason}") from error
    return obj


def _insert(record) -> Model:
    obj = record.instance
    obj._change_reason = RESTORED
    obj.full_clean(validate_unique=True)
    obj.save(force_insert=True)
    if record._history_m2m_fields:
        # The deletion record holds no many-to-many rows; the save before it does.
        before = (
            type(record)
            .objects.filter(id=record.id, history_id__lt=record.history_id)
            .order_by("-history_id")
            .first()
        )
        for field in record._history_m2m_fields if before else []:
            rows = getattr(before, field.name).all()
            target = field.m2m_reverse_field_name()  # "to_source" on a self-referential one
            getattr(obj, field.name).set([getattr(row, f"{target}_id") for row in rows])
    return obj


def _cascaded(model, framework_record):
    """Rows of ``model`` (claims, the framework's own sources) deleted along with it."""
    return model.history.filter(
        history_type="-",
        framework_id=framework_record.id,
        history_date__gte=framework_record.history_date - CASCADE_WINDOW,
        history_date__lte=framework_record.history_date + CASCADE_WINDOW,
    ).order_by("history_id")


def _cascaded_claim_counts(framework_records) -> dict[int, int]:
    if not framework_records:
        return {}
    earliest = min(r.history_date for r in framework_records) - CASCADE_WINDOW
    claims = Claim.history.filter(
        history_type="-",
        framework_id__in=[r.id for r in framework_records],
        history_date__gte=earliest,
    ).values_list("framework_id", "history_date")
    claims = list(claims)
    counts: dict[int, int] = {}
    for record in framework_records:
        counts[record.history_id] = sum(
            1
            for framework_id, when in claims
            if framework_id == record.id and abs(when - record.history_date) <= CASCADE_WINDOW
        )
    return counts
