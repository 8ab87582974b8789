"""A published feature value as every page shows it, and rows grouped by feature group."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any

from django.utils.safestring import SafeString

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
        read = _read_row if isinstance(verdict, dict) else _read_model
        status, how, detail, note, since, disputed, resolved, superseded = read(verdict)
        return cls(status, how, detail, note, since, disputed, resolved, len(superseded or ()))

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

    # The markup is made here, not in an included template: the table shows hundreds of
    # cells, and a template include per cell was most of the cost of rendering a page.

    @property
    def marks_html(self) -> SafeString:
        return marks_html(
            how_disputed=self.how_disputed, superseded=bool(self.superseded), resolved=self.resolved
        )

    @property
    def status_html(self) -> SafeString:
        """The value in full: symbol and word, the package, since when, and the marks."""
        return _status_html(self)

    def table_cell(self, escaped_href: str) -> str:
        """The table's compact ``<td>``: symbol and word, the rest in the title.

        ``escaped_href`` is HTML-escaped by the caller, who escapes a row's address once
        rather than for each of its cells."""
        if not self.known:
            return UNKNOWN_TABLE_CELL
        before, after = _table_cell_parts(self)
        return before + escaped_href + after


# SafeString(...) rather than mark_safe(...) where markup is made by the hundred:
# mark_safe and Django's escape check every argument for a lazy string first, which
# cost more than the escaping. Every value in them is escaped with html.escape.


@lru_cache(maxsize=4096)
def _status_html(cell: Cell) -> SafeString:
    """A page repeats a few dozen distinct values many times, so each is made once."""
    markup = (
        f'<span class="status s-{html.escape(cell.status)}"><span aria-hidden="true">'
        f"{cell.symbol}</span> {html.escape(cell.label)}</span>"
    )
    if cell.detail:
        markup += f' <span class="detail">{html.escape(cell.detail)}</span>'
    if cell.since:
        markup += f' <span class="since">since {html.escape(cell.since)}</span>'
    return SafeString(markup + cell.marks_html)


@lru_cache(maxsize=4096)
def _table_cell_parts(cell: Cell) -> tuple[str, str]:
    """A table cell's markup around its link. A page repeats a few dozen distinct values
    hundreds of times, so each is made once (and escaped once)."""
    return (
        f'<td class="s-{html.escape(cell.status)}"><a href="',
        f'" title="{html.escape(cell.title)}"><span aria-hidden="true">{cell.symbol}</span> '
        f"{html.escape(cell.label)}</a>{cell.marks_html}</td>",
    )


UNKNOWN = Cell()
# A verdict's values, from a model instance or from a row of values(): each page reads
# hundreds of them.
_VERDICT_FIELDS = ("status", "how", "detail", "note", "since", "disputed", "resolved", "superseded")
_read_model, _read_row = attrgetter(*_VERDICT_FIELDS), itemgetter(*_VERDICT_FIELDS)
UNKNOWN_TABLE_CELL = (
    '<td class="u"><span aria-hidden="true">–</span><span class="vh">Unknown</span></td>'
)


def marks_html(*, how_disputed: bool, superseded: bool, resolved: bool) -> SafeString:
    """The small marks after a value: how disputed, superseded, settled by the editors."""
    marks = ""
    if how_disputed:
        marks += (
            ' <span class="mark-disputed" title="Sources disagree on how it is provided">≠</span>'
        )
    if superseded:
        marks += (
            ' <span class="mark-superseded" title="A newer primary source replaced an older'
            ' claim">↻</span>'
        )
    if resolved:
        marks += ' <span class="mark-resolved" title="Settled by the editors">✎</span>'
    return SafeString(marks)  # constant markup


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


def link(url: str, text: str, *, element_id: str = "") -> str:
    """An escaped link: the one place the pages' markup in Python writes ``<a>``."""
    anchor = f' id="{html.escape(element_id)}"' if element_id else ""
    return f'<a{anchor} href="{html.escape(url)}">{html.escape(text)}</a>'


# --- The claims behind a value ------------------------------------------------------------


def claims_html(claims, *, show_subject: bool = False) -> SafeString:
    """Each claim with its value, its source and the words it quotes.

    Made here rather than by an included template: compare and framework pages list
    hundreds of claims, and an include per list cost more than the rest of the page.
    ``claim.superseded`` is set by the page (see ``pages.detail.mark_superseded``).
    """
    items = "".join([_claim_item(claim, show_subject) for claim in claims or ()])
    return SafeString(f'<ul class="claims">\n{items}\n</ul>\n')  # every value escaped


def _cite(source) -> str:
    """A source's citation, made once per Source object: a page's claims share them
    (``pages.detail.with_shared_sources``), a few dozen sources for hundreds of claims."""
    cite = source.__dict__.get("_cite_html")
    if cite is None:
        cite = source.__dict__["_cite_html"] = (
            f"<cite>{link(source.get_absolute_url(), str(source.citation))}</cite>"
        )
    return cite


def _claim_item(claim, show_subject: bool) -> str:
    superseded = getattr(claim, "superseded", False)
    source, via = claim.source, claim.via
    head = ""
    if superseded:
        head += (
            '<span class="mark-superseded" title="A newer primary source says otherwise">↻</span>'
            ' <span class="superseded-label">Earlier:</span> '
        )
    if show_subject:
        head += f"<strong>{html.escape(str(claim.subject_label))}</strong>: "
    head += f'<span class="claim-value">{html.escape(str(claim.value_display))}</span>'
    if claim.as_of:
        head += f' <span class="as-of">(as of {html.escape(str(claim.as_of_display))})</span>'
    cite = _cite(source)
    if via:
        cite += f", citing {link(via.get_absolute_url(), str(via.title))}"
    quote = f"<q>{html.escape(claim.excerpt)}</q>"
    if claim.locator:
        quote += f' <span class="locator">({html.escape(claim.locator)})</span>'
    written = (
        f'<span class="as-written">Labelled “{html.escape(claim.label_as_written)}” in the'
        " source.</span>"
        if claim.label_as_written
        else ""
    )
    note = (
        f'<p class="note"><strong>Editor’s note:</strong> {html.escape(claim.note)}</p>'
        if claim.note
        else ""
    )
    history = (
        '<p class="note">Superseded: the framework’s own newer documentation says otherwise,'
        " so this is history, not a disagreement.</p>"
        if superseded
        else ""
    )
    preferred = (
        '<p class="resolution"><strong>Preferred by the editors:</strong> '
        f"{html.escape(claim.preferred_note)}</p>"
        if claim.preferred
        else ""
    )
    li = '<li class="superseded">' if superseded else "<li>"
    return (
        f"\n  {li}\n    {head} —\n    {cite}:\n"
        f"    {quote}\n    {written}\n    {note}\n    {history}\n    {preferred}\n  </li>\n"
    )
