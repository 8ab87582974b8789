"""The texts that excerpts quote, read safely, and the check that an excerpt is in its text.

A source's text can be found in three places, tried in this order:

1. stored in the database: an editor uploaded it (``SourceText``);
2. the archive folder (``COMPARE_SOURCES_DIR``): the five articles the site
   started from, under a bare file name (``Source.archive_file``);
3. a local clone of the framework's repository (``COMPARE_REPOS_DIR``), read
   with git at the cited revision and path: documentation and repository files.

Names and paths are data an editor may type, so none is trusted as a path: an
archive name must be a bare file name resolving inside the folder, and a
repository is read through ``git show`` with ``--end-of-options`` and a
revision and path the model has validated, never through a shell.

An excerpt is *checked* when its text was found (then it is found or it
*failed*), or *not checkable* when no text is available here; the lint reports
the three counts.
"""

from __future__ import annotations

import enum
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from frameworks.dataset.excerpts import in_markup, in_plain_text, normalise_whitespace, words
from frameworks.models.catalogue import REPOSITORY_PATH_PATTERN, REVISION_PATTERN
from frameworks.models.vocabulary import ARCHIVE_FILE_PATTERN

# A summary or a paraphrase that shares this many consecutive words with a
# source is copying it, not paraphrasing.
COPIED_WORDS = 8
GITHUB = re.compile(
    r"https://github\.com/([A-Za-z0-9][A-Za-z0-9_.-]*)/([A-Za-z0-9_.-]+?)(?:\.git)?/?"
)


class Outcome(enum.Enum):
    FOUND = "found"
    FAILED = "failed"
    NOT_CHECKABLE = "not checkable"


@dataclass
class ExcerptCounts:
    """What a check of many excerpts found: the three counts, and why some were not checkable."""

    found: int = 0
    failed: int = 0
    not_checkable: int = 0
    reasons: Counter = field(default_factory=Counter)

    def add(self, outcome: Outcome, reason: str = "") -> None:
        if outcome is Outcome.FOUND:
            self.found += 1
        elif outcome is Outcome.FAILED:
            self.failed += 1
        else:
            self.not_checkable += 1
            self.reasons[reason] += 1

    @property
    def checked(self) -> int:
        return self.found + self.failed

    @property
    def reasons_by_count(self) -> list[tuple[str, int]]:
        # For templates, which cannot call a Counter's methods: a lookup of any name on a
        # Counter is a missing key, which a Counter answers with 0.
        return self.reasons.most_common()

    def summary(self) -> str:
        line = (
            f"Excerpts: {self.checked} checked against their source text, {self.failed} failed, "
            f"{self.not_checkable} not checkable"
        )
        if self.reasons:
            line += " (" + "; ".join(f"{n} {why}" for why, n in self.reasons.most_common()) + ")"
        return line + "."


def _get(source: Any, name: str, default: Any = "") -> Any:
    """A source's field, from a model instance or a document's dict."""
    if isinstance(source, dict):
        return source.get(name) or default
    return getattr(source, name, default) or default


def archive_path(directory: Path | None, archive_file: str) -> Path | None:
    """The file ``archive_file`` names inside ``directory``, or None if it names anything else."""
    if directory is None or not re.fullmatch(ARCHIVE_FILE_PATTERN, archive_file or ""):
        return None
    folder = directory.resolve()
    path = (folder / archive_file).resolve()  # follows a symlink, which must stay inside too
    if path.parent != folder or not path.is_file():
        return None
    return path


def repository_git_dir(repos_dir: Path | None, url: str) -> Path | None:
    """The local clone of a GitHub repository in ``repos_dir``, in any of the usual layouts.

    ``fetch`` mirrors ``github.com/owner/name`` as ``owner+name/repo`` (bare); a
    plain clone as ``owner+name`` or ``name`` works too.
    """
    match = GITHUB.fullmatch(url or "")
    if repos_dir is None or match is None:
        return None
    owner, name = match.groups()
    for folder in (f"{owner}+{name}/repo", f"{owner}+{name}", name):
        candidate = repos_dir / folder
        for git_dir in (candidate / ".git", candidate):
            if (git_dir / "HEAD").is_file() and (git_dir / "objects").is_dir():
                return git_dir
    return None


class QuotedTexts:
    """Where excerpts are checked: stored texts, the archive folder, repository clones."""

    def __init__(
        self,
        *,
        archive_dir: Path | None = None,
        repos_dir: Path | None = None,
        stored: dict[str, str] | None = None,
    ) -> None:
        self.archive_dir = archive_dir if archive_dir and archive_dir.is_dir() else None
        self.repos_dir = repos_dir if repos_dir and repos_dir.is_dir() else None
        self.stored = stored or {}  # source slug -> uploaded text
        self._cache: dict[tuple, tuple[str, bool] | None] = {}
        self._shingles: set[tuple[str, ...]] | None = None

    def text(self, source: Any) -> tuple[str | None, bool, str]:
        """(text, is_markup, why not) for a source: the text to look in, or why there is none."""
        slug = _get(source, "slug")
        if slug in self.stored:
            return words(self.stored[slug]), True, ""
        archive_file = _get(source, "archive_file")
        if archive_file:
            key = ("archive", archive_file)
            if key not in self._cache:
                path = archive_path(self.archive_dir, archive_file)
                self._cache[key] = (normalise_whitespace(path.read_text()), False) if path else None
            if self._cache[key] is not None:
                return (*self._cache[key], "")
            why = (
                "the archive folder is not available"
                if self.archive_dir is None
                else (f"{archive_file} is not in the archive folder")
            )
            return None, False, why
        repository, revision, path = (_get(source, n) for n in ("repository", "revision", "path"))
        if repository and revision and path:
            key = ("git", repository, revision, path)
            if key not in self._cache:
                self._cache[key] = self._git_file(repository, revision, path)
            if self._cache[key] is not None:
                return (*self._cache[key], "")
            if self.repos_dir is None:
                return None, True, "no repository clones are available"
            return None, True, "its repository or file is not in the clones"
        return None, False, "no text is held for its source"

    def _git_file(self, repository: str, revision: str, path: str) -> tuple[str, bool] | None:
        git_dir = repository_git_dir(self.repos_dir, repository)
        if git_dir is None:
            return None
        if not re.fullmatch(REVISION_PATTERN, revision) or not re.fullmatch(
            REPOSITORY_PATH_PATTERN, path
        ):
            return None
        result = subprocess.run(
            ["git", f"--git-dir={git_dir}", "show", "--end-of-options", f"{revision}:{path}"],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            return None
        return words(result.stdout.decode("utf-8", "replace")), True

    def check(self, source: Any, excerpt: str) -> tuple[Outcome, str]:
        """Is ``excerpt`` in the text ``source`` quotes? With the reason when not checkable."""
        text, markup, why = self.text(source)
        if text is None:
            return Outcome.NOT_CHECKABLE, why
        found = in_markup(excerpt, text) if markup else in_plain_text(excerpt, text)
        return (Outcome.FOUND if found else Outcome.FAILED), ""

    def copied_run(self, text: str) -> str | None:
        """The first run of COPIED_WORDS words that ``text`` shares with an archived source."""
        if self._shingles is None:
            self._shingles = set()
            paths = sorted(self.archive_dir.glob("*.txt")) if self.archive_dir else []
            for path in paths:
                found = _words(path.read_text())
                self._shingles.update(
                    tuple(found[i : i + COPIED_WORDS]) for i in range(len(found) - COPIED_WORDS + 1)
                )
        found = _words(text)
        for i in range(len(found) - COPIED_WORDS + 1):
            if tuple(found[i : i + COPIED_WORDS]) in self._shingles:
                return " ".join(found[i : i + COPIED_WORDS])
        return None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())
