"""Is an excerpt in the text it quotes? Pure functions, no Django, no I/O.

Two ways of comparing, one per kind of text:

* An archived article is plain text: the excerpt must appear verbatim once
  whitespace is normalised (``in_plain_text``).
* Documentation and repository files are markup (reStructuredText, Markdown,
  TOML...), while an excerpt is quoted from the rendered page. They differ by
  markup only, so both sides are reduced to their words, in order, after
  cross-reference roles and links are replaced by the text a reader sees
  (``in_markup``). Every word of the excerpt must still appear, in the same
  order and with nothing in between.
"""

from __future__ import annotations

import re

# :meth:`~flask.views.View.dispatch_request`, :ref:`text <target>`, :pep:`484`
_ROLE = re.compile(r":[\w.+-]+(?::[\w.+-]+)*:`([^`]*)`")
# `text <https://...>`_ and `text`_ (reStructuredText hyperlinks)
_RST_LINK = re.compile(r"`([^`<]*?)\s*<[^`>]*>`__?")
# ![alt](url) and [text](url) (Markdown)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# A word, with underscores inside it (dispatch_request) but not around it: __bold__
# markup and __init__ both lose theirs, on both sides of the comparison.
_WORD = re.compile(r"[^\W_]+(?:_+[^\W_]+)*")


def normalise_whitespace(text: str) -> str:
    return " ".join(text.split())


def in_plain_text(excerpt: str, text: str) -> bool:
    """``text`` must already be whitespace-normalised (see ``normalise_whitespace``)."""
    return normalise_whitespace(excerpt) in text


def _role_text(match: re.Match) -> str:
    target = match.group(1)
    if "<" in target:  # an explicit title: what the reader sees
        return target.split("<", 1)[0]
    if target.startswith("~"):  # Sphinx shows only the last component
        return target[1:].rsplit(".", 1)[-1]
    return target


def words(text: str) -> str:
    """The words a reader of the rendered page sees, lower-cased, one space apart."""
    text = _ROLE.sub(_role_text, text)
    text = _RST_LINK.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    return " ".join(_WORD.findall(text.lower()))


def in_markup(excerpt: str, text_words: str) -> bool:
    """``text_words`` must already be reduced by ``words``."""
    quoted = words(excerpt)
    return bool(quoted) and f" {quoted} " in f" {text_words} "
