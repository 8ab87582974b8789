"""Every excerpt is checked against the text it quotes, wherever that text is available.

These tests write their own small texts: an archive folder, a git repository
with a tagged documentation file, an uploaded text. The real archive is not
part of the repository (tests/test_dataset.py checks the shipped data with it
when it is there).
"""

from __future__ import annotations

import copy
import subprocess
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from frameworks.dataset.excerpts import in_markup, words
from frameworks.dataset.lint import lint_document
from frameworks.dataset.texts import Outcome, QuotedTexts

ARTICLE = "Flask is a  small\nframework. It has no ORM of its own, but extensions add one."
DOCS = """Using ``async`` and ``await``
=============================

.. versionadded:: 2.0

Routes can be coroutine functions if Flask is installed with the ``async`` extra.
This applies to the :meth:`~flask.views.View.dispatch_request` method, see
`the guide <https://example.org/guide>`_ and [the FAQ](faq.md) for **more**.
"""


def document(*claims: dict, sources: list[dict] | None = None) -> dict:
    """A dataset with one framework whose ORM feature carries ``claims``."""
    return {
        "format": "compare-dataset",
        "sources": sources
        or [{"slug": "article", "title": "An article", "kind": "article", "archive_file": "a.txt"}],
        "categories": [{"slug": "micro"}],
        "feature_groups": [{"slug": "data", "features": [{"slug": "orm", "definition": "x"}]}],
        "frameworks": [
            {
                "slug": "flask",
                "summary": "A small framework.",
                "categories": [{"category": "micro", "claims": [claim(excerpt="small")]}],
                "features": [{"feature": "orm", "claims": list(claims)}],
            }
        ],
    }


def claim(**values) -> dict:
    return {"source": "article", "status": "yes", **values}


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE)
    return folder


# --- Archived articles: verbatim, whitespace aside ------------------------------------------


def test_an_article_excerpt_is_found_verbatim_whatever_the_whitespace(archive):
    texts = QuotedTexts(archive_dir=archive)
    result = lint_document(document(claim(excerpt="Flask is a small framework.")), texts)
    assert result.problems == []
    assert (result.excerpts.found, result.excerpts.failed) == (2, 0)


def test_an_article_excerpt_that_is_not_in_the_text_fails_the_lint(archive):
    texts = QuotedTexts(archive_dir=archive)
    result = lint_document(document(claim(excerpt="Flask ships a time machine.")), texts)
    assert result.excerpts.failed == 1
    assert any("excerpt not found in the source" in str(p) for p in result.problems)


def test_without_the_archive_article_excerpts_are_not_checkable_and_say_why():
    result = lint_document(document(claim(excerpt="anything at all")), QuotedTexts())
    assert result.problems == []
    assert result.excerpts.not_checkable == 2
    assert "2 the archive folder is not available" in result.excerpts.summary()


def test_a_summary_copied_from_an_archived_article_is_refused(archive):
    copied = document(claim(excerpt="small"))
    copied["frameworks"][0]["summary"] = "It has no ORM of its own, but extensions add one."
    problems = lint_document(copied, QuotedTexts(archive_dir=archive)).problems
    assert any("copies the source word for word" in str(p) for p in problems)


# --- Documentation and repository files: read with git at the cited tag -------------------


@pytest.fixture
def repos(tmp_path):
    """A clone of github.com/pallets/flask, as `fetch` lays it out, with docs at tag 3.1.2."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "docs").mkdir()
    (work / "docs" / "async-await.rst").write_text(DOCS)

    def git(*arguments: str) -> None:
        subprocess.run(["git", *arguments], cwd=work, check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "docs")
    git("tag", "3.1.2")
    mirror = tmp_path / "mirrors" / "pallets+flask"
    mirror.mkdir(parents=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror / "repo")], check=True)
    return tmp_path / "mirrors"


DOCS_SOURCE = {
    "slug": "flask-docs-async",
    "title": "Flask documentation: Using async and await",
    "kind": "documentation",
    "repository": "https://github.com/pallets/flask",
    "revision": "3.1.2",
    "path": "docs/async-await.rst",
}


def docs_document(excerpt: str, **source) -> dict:
    doc = document(
        claim(source="flask-docs-async", excerpt=excerpt),
        sources=[{"slug": "article", "title": "An article", "kind": "article"}],
    )
    doc["frameworks"][0]["sources"] = [{**DOCS_SOURCE, **source}]
    return doc


def test_a_docs_excerpt_is_found_in_its_file_at_its_tag_markup_aside(repos):
    texts = QuotedTexts(repos_dir=repos)
    rendered = "This applies to the dispatch_request() method, see the guide and the FAQ for more."
    result = lint_document(docs_document(rendered), texts)
    assert result.problems == []
    assert result.excerpts.found == 1


def test_a_wrong_docs_excerpt_fails_when_its_repository_is_available(repos):
    result = lint_document(
        docs_document("Routes are never coroutines."), QuotedTexts(repos_dir=repos)
    )
    assert result.excerpts.failed == 1
    assert any("excerpt not found" in str(p) for p in result.problems)


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ({}, "no repository clones are available"),
        ({"revision": "9.9.9"}, "its repository or file is not in the clones"),
        ({"path": "docs/missing.rst"}, "its repository or file is not in the clones"),
        ({"repository": "https://github.com/someone/else"}, "not in the clones"),
    ],
)
def test_a_docs_excerpt_without_its_file_is_not_checkable(repos, source, reason):
    texts = QuotedTexts(repos_dir=repos if source else None)
    result = lint_document(docs_document("Routes are never coroutines.", **source), texts)
    assert result.problems == []
    assert result.excerpts.checked == 0
    assert reason in result.excerpts.summary()


def test_a_revision_or_path_that_looks_like_an_option_never_reaches_git(repos, tmp_path):
    target = tmp_path / "written"
    texts = QuotedTexts(repos_dir=repos)
    for source in ({"revision": f"--output={target}"}, {"path": f"../{target.name}"}):
        outcome, _ = texts.check({**DOCS_SOURCE, **source}, "Routes")
        assert outcome is Outcome.NOT_CHECKABLE
    assert not target.exists()


def test_a_stored_text_checks_excerpts_before_any_other(archive):
    texts = QuotedTexts(archive_dir=archive, stored={"article": "An uploaded text about ORMs."})
    assert texts.check({"slug": "article", "archive_file": "a.txt"}, "about ORMs")[0] is (
        Outcome.FOUND
    )
    assert texts.check({"slug": "article"}, "small framework")[0] is Outcome.FAILED


# --- Markup as a reader sees it --------------------------------------------------------------


@pytest.mark.parametrize(
    ("rendered", "found"),
    [
        ("Using async and await", True),
        ("installed with the async extra", True),
        ("the dispatch_request() method", True),
        ("see the guide and the FAQ for more", True),
        ("see the guide for more", False),
        ("Routes cannot be coroutine functions", False),
    ],
)
def test_markup_is_read_as_the_rendered_page_shows_it(rendered, found):
    assert in_markup(rendered, words(DOCS)) is found


# --- The command ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_lint_dataset_prints_the_three_counts(archive, settings):
    # The small archive lacks the real articles: this test is about the counts, so it
    # must not inherit CI's COMPARE_REQUIRE_SOURCES=1.
    settings.REQUIRE_SOURCES = False
    output = StringIO()
    call_command("lint_dataset", "--files", sources=archive, repos=archive, stdout=output)
    assert "checked against their source text" in output.getvalue()
    assert "not checkable" in output.getvalue()


@pytest.mark.django_db
def test_with_require_sources_and_no_archive_the_lint_fails_with_a_clear_message(
    settings, tmp_path
):
    settings.REQUIRE_SOURCES = True
    with pytest.raises(CommandError, match="COMPARE_REQUIRE_SOURCES is set"):
        call_command("lint_dataset", "--files", sources=tmp_path / "none", stdout=StringIO())


def test_the_loader_refuses_what_the_lint_refuses(archive):
    """One set of rules: the drifted case (a 1980 release year) is refused by the lint too."""
    doc = copy.deepcopy(document(claim(excerpt="small")))
    doc["frameworks"][0]["first_release"] = {
        "claims": [{"source": "article", "year": 1980, "excerpt": "Flask"}]
    }
    problems = lint_document(doc, QuotedTexts(archive_dir=archive)).problems
    assert any("year: A year between 1990 and 2100" in str(p) for p in problems)
