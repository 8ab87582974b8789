"""The texts that excerpts quote, read safely.

An archived article lives in the sources folder under a bare file name that
an editor may type (``Source.archive_file``). A name is data, so it is never
trusted as a path: it must match ``ARCHIVE_FILE_PATTERN`` and resolve to a file
directly inside the folder, or nothing is read.
"""

from __future__ import annotations

import re
from pathlib import Path

from frameworks.dataset.excerpts import normalise_whitespace
from frameworks.models.vocabulary import ARCHIVE_FILE_PATTERN

# A summary or a paraphrase that shares this many consecutive words with a
# source is copying it, not paraphrasing.
COPIED_WORDS = 8


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def archive_path(directory: Path, archive_file: str) -> Path | None:
    """The file ``archive_file`` names inside ``directory``, or None if it names anything else."""
    if not re.fullmatch(ARCHIVE_FILE_PATTERN, archive_file or ""):
        return None
    folder = directory.resolve()
    path = (folder / archive_file).resolve()  # follows a symlink, which must stay inside too
    if path.parent != folder or not path.is_file():
        return None
    return path


class SourceTexts:
    """The archived source texts, read once, whitespace-normalised."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._texts: dict[str, str | None] = {}
        self._shingles: set[tuple[str, ...]] | None = None

    @property
    def available(self) -> bool:
        return self.directory.is_dir()

    def text(self, archive_file: str) -> str | None:
        if archive_file not in self._texts:
            path = archive_path(self.directory, archive_file)
            self._texts[archive_file] = normalise_whitespace(path.read_text()) if path else None
        return self._texts[archive_file]

    def copied_run(self, text: str) -> str | None:
        """The first run of COPIED_WORDS words that ``text`` shares with any source."""
        if self._shingles is None:
            self._shingles = set()
            for path in sorted(self.directory.glob("*.txt")) if self.available else []:
                words = _words(path.read_text())
                self._shingles.update(
                    tuple(words[i : i + COPIED_WORDS]) for i in range(len(words) - COPIED_WORDS + 1)
                )
        words = _words(text)
        for i in range(len(words) - COPIED_WORDS + 1):
            if tuple(words[i : i + COPIED_WORDS]) in self._shingles:
                return " ".join(words[i : i + COPIED_WORDS])
        return None
