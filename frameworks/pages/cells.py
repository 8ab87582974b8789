"""A published feature value as every page shows it, and rows grouped by feature group."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from frameworks.models import Feature, FeatureGroup, How, Verdict, VerdictStatus


@dataclass(frozen=True)
class Cell:
    """One framework's value for one feature: what the table, compare and detail pages show.

    One wording everywhere: the symbol and word of the status, then how it is
    obtained (built in, official extension, third-party) and the package named.
    """

    status: str = VerdictStatus.UNKNOWN
    how: str = ""
    detail: str = ""
    note: str = ""
    since: str = ""
    disputed: bool = False
    resolved: bool = False
    superseded: int = 0  # older claims a newer primary source replaced

    @classmethod
    def of(cls, verdict: Verdict | dict | None) -> Cell:
        """The cell for a verdict; unknown when there is none (no source speaks about it)."""
        if verdict is None:
            return UNKNOWN
        get = verdict.get if isinstance(verdict, dict) else lambda name: getattr(verdict, name)
        return cls(
            status=get("status"),
            how=get("how"),
            detail=get("detail"),
            note=get("note"),
            since=get("since"),
            disputed=get("disputed"),
            resolved=get("resolved"),
            superseded=len(get("superseded") or ()),
        )

    @property
    def known(self) -> bool:
        return self.status != VerdictStatus.UNKNOWN

    @property
    def symbol(self) -> str:
        return VerdictStatus(self.status).symbol

    @property
    def label(self) -> str:
        """The cell's word: how it is obtained when supported and the sources say how."""
        if self.status == VerdictStatus.YES and self.how:
            return How(self.how).short
        return VerdictStatus(self.status).short

    @property
    def how_label(self) -> str:
        return How(self.how).label if self.how else ""

    @property
    def how_disputed(self) -> bool:
        """Agreed on the status, not on how; a disputed status says so itself."""
        return self.disputed and self.status != VerdictStatus.DISPUTED

    @property
    def title(self) -> str:
        """The whole value in a sentence, for a cell's tooltip and for screen readers."""
        parts = [VerdictStatus(self.status).label]
        if self.how_label:
            parts.append(self.how_label.lower())
        if self.detail:
            parts.append(self.detail)
        if self.since:
            parts.append(f"since {self.since}")
        text = ", ".join(parts)
        if self.how_disputed:
            text += " (sources disagree on how)"
        if self.superseded:
            text += " (a newer primary source replaced an older claim)"
        return text


UNKNOWN = Cell()


def by_feature_group[Row](
    features: Iterable[Feature], row: Callable[[Feature], Row | None]
) -> list[tuple[FeatureGroup, list[Row]]]:
    """``row(feature)`` for each feature, grouped by feature group in display order.

    Features come in display order (``Feature.objects.in_display_order()``); a
    row that is None is left out, and a group left with no rows is too.
    """
    groups: dict[int, tuple[FeatureGroup, list[Any]]] = {}
    for feature in features:
        item = row(feature)
        if item is not None:
            groups.setdefault(feature.group_id, (feature.group, []))[1].append(item)
    return list(groups.values())
