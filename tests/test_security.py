"""Data entered by anyone, editors included, never becomes a file path or a spreadsheet formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from frameworks.dataset.texts import QuotedTexts, archive_path
from frameworks.imports import plan_import
from tests.factories import make_feature, make_framework, make_source, support
from tests.http import body

pytestmark = pytest.mark.django_db

ESCAPES = ["../secret.txt", "/etc/passwd", "../../compare/settings.py", "a/b.txt", "..txt", "x.py"]


@pytest.mark.parametrize("name", ESCAPES)
def test_an_archive_file_that_is_not_a_bare_name_is_refused_by_the_form_and_the_database(name):
    source = make_source()
    source.archive_file = name
    with pytest.raises(ValidationError, match="never a path"):
        source.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        source.save()


@pytest.fixture
def sources_folder(tmp_path):
    """A sources folder beside a secret, with a symlink in it pointing at the secret."""
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "article.txt").write_text("An article that says it is fast.")
    (tmp_path / "secret.txt").write_text("SECRET_KEY=hunter2")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    return folder


def test_texts_are_read_only_from_inside_the_sources_folder(sources_folder):
    texts = QuotedTexts(archive_dir=sources_folder)
    assert texts.text({"archive_file": "article.txt"})[0] == "An article that says it is fast."
    for name in [*ESCAPES, "link.txt", str(sources_folder.parent / "secret.txt")]:
        assert texts.text({"archive_file": name})[0] is None, name
        assert archive_path(sources_folder, name) is None, name


def test_the_csv_import_cannot_be_used_to_probe_a_file_outside_the_folder(sources_folder, settings):
    """A guessed excerpt of a file outside the folder is "not checkable", never "found"."""
    settings.SOURCES_DIR = sources_folder
    make_framework(slug="probe")
    make_feature(slug="probe-feature")
    make_source(slug="probe-source", archive_file="link.txt")
    header = "framework,source,kind,subject,status,excerpt\n"
    for excerpt in ["SECRET_KEY=hunter2", "SECRET_KEY=wrong"]:
        plan = plan_import(f"{header}probe,probe-source,feature,probe-feature,yes,{excerpt}\n")
        assert plan.rows[0].errors == [], "both guesses look the same: nothing was read"


# --- CSV exports ---------------------------------------------------------------------------

FORMULAS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x")']


def csv_cells(response) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(body(response))) for cell in row]


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_typed_into_a_name_or_note_is_text_in_every_csv_export(client, formula):
    framework = make_framework(slug="formula", name=formula)
    other = make_framework(slug="other")
    feature = make_feature(slug="formula-feature")
    support(framework, feature, "partial", note=formula, package=formula, how="built_in")
    support(other, feature, "yes", how="built_in")
    compare = f"/compare.csv?f={framework.slug}&f={other.slug}"
    for url in ["/table.csv", f"/features/{feature.slug}.csv", compare]:
        cells = csv_cells(client.get(url))
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), url
        if url != compare:  # compare's cells start with the status, not the typed text
            assert any(cell.startswith("'") and formula in cell for cell in cells), url

    # The JSON is data, not a spreadsheet: it keeps the text exactly.
    record = client.get(f"/features/{feature.slug}.json").json()["frameworks"]
    assert {row["name"] for row in record} >= {formula}
