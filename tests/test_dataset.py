"""The shipped dataset, its loader, export and lint (docs/data.md)."""

import copy
import json
import py_compile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from frameworks.dataset import DatasetError
from frameworks.dataset.export import export_document
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.lint import lint_document
from frameworks.dataset.load import Mode, load_document
from frameworks.dataset.schema import SECTIONS, iter_claims
from frameworks.dataset.texts import QuotedTexts
from frameworks.models import Category, Claim, Feature, FeatureGroup, Framework, Source

FIXTURES = settings.BASE_DIR / "fixtures"
SAMPLES = sorted((FIXTURES / "samples").glob("*.py"))
MAJOR_FRAMEWORKS = [
    "aiohttp", "bottle", "cherrypy", "django", "falcon", "fastapi", "flask", "japronto",
    "masonite", "pyramid", "sanic", "starlette", "tornado", "turbogears", "twisted", "web2py",
]  # fmt: skip


@pytest.fixture(scope="module")
def files_document():
    return read_fixtures(FIXTURES)


def problems_in(document, texts: QuotedTexts | None = None) -> list[str]:
    """The lint's problems; excerpts are not checked unless ``texts`` are given."""
    result = lint_document(document, texts or QuotedTexts())
    return [str(problem) for problem in result.problems]


def available_texts() -> QuotedTexts:
    """The archived articles and repository clones, where this machine has them."""
    return QuotedTexts(archive_dir=settings.SOURCES_DIR, repos_dir=settings.REPOS_DIR)


def django_entry(document) -> dict:
    return next(f for f in document["frameworks"] if f["slug"] == "django")


# --- The shipped data ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_shipped_dataset_is_big_enough():
    assert Framework.objects.count() >= 25
    assert Feature.objects.count() >= 40
    assert Source.objects.filter(archive_file__gt="").count() == 5
    assert Claim.objects.count() >= 300


@pytest.mark.django_db
def test_the_data_lint_passes_on_the_loaded_dataset():
    output = StringIO()
    call_command("lint_dataset", stdout=output)
    assert "No problems" in output.getvalue()


def test_the_data_lint_passes_on_the_fixture_files(files_document):
    """Every claim obeys the rules, and every excerpt whose text is here is found in it."""
    result = lint_document(files_document, available_texts())
    assert [str(problem) for problem in result.problems] == []
    assert result.excerpts.failed == 0


def test_every_article_excerpt_is_checked_where_the_archive_is(files_document):
    """CI has the archive and must check it (COMPARE_REQUIRE_SOURCES=1 in .ci/run)."""
    if settings.REQUIRE_SOURCES:
        assert settings.SOURCES_DIR.is_dir(), "COMPARE_REQUIRE_SOURCES is set: no archive"
    if not settings.SOURCES_DIR.is_dir():
        return  # a clone without the archive: the lint says how many were not checked
    result = lint_document(files_document, available_texts())
    assert not any("archive" in reason for reason in result.excerpts.reasons)
    articles = [s for s in files_document["sources"] if s.get("archive_file")]
    assert len(articles) == 5


@pytest.mark.parametrize("sample", SAMPLES, ids=[path.stem for path in SAMPLES])
def test_every_hello_world_sample_compiles(sample, tmp_path):
    py_compile.compile(str(sample), cfile=str(tmp_path / "sample.pyc"), doraise=True)


@pytest.mark.parametrize("slug", MAJOR_FRAMEWORKS)
def test_every_major_framework_has_a_hello_world_sample(slug):
    assert (FIXTURES / "samples" / f"{slug}.py").is_file()


UNCLASSIFIED = {
    "django-ninja",  # its own documentation never classifies it, and no article covers it yet
    # Named by the articles only in passing or as a platform, never given a type, and their own
    # documentation in fixtures/primary/ does not classify them either:
    "bluebream", "cubicweb", "grok", "pylons", "repoze-bfg", "webapp2", "zope",
}  # fmt: skip


def test_every_framework_but_a_few_named_in_passing_has_a_category(files_document):
    """A framework is unclassified only when no source gives it a type (listed above).

    A claim that leaves the category open (a likeness, "like a microframework") is kept
    but classifies nothing.
    """
    unclassified = {
        framework["slug"]
        for framework in files_document["frameworks"]
        if not any(
            claim.get("status", "yes") != "unknown"
            for item in framework.get("categories", [])
            for claim in item["claims"]
        )
    }
    assert unclassified <= UNCLASSIFIED


def claim_identities(document) -> set[tuple[str, ...]]:
    """What makes a claim the same claim: framework, subject, source, and for a figure
    its date, for a release its version, for advice the words it quotes."""
    identities = set()
    for framework in document["frameworks"]:
        for section, subject, claim in iter_claims(framework):
            extra = claim.get("as_of") or claim.get("version") or ""
            if section.name == "advice":
                extra = claim["excerpt"]
            identities.add(
                (framework["slug"], section.name, str(subject or ""), claim["source"], str(extra))
            )
    return identities


def test_every_claim_of_the_first_dataset_is_still_in_the_files(files_document):
    """Later readings refine a claim of the five articles (its value, its note, a better
    excerpt) but never drop it: the first dataset's claims are listed in seed_claims.tsv."""
    seed_file = Path(__file__).with_name("seed_claims.tsv")
    seed = {tuple(line.split("\t")) for line in seed_file.read_text().splitlines()}
    assert len(seed) == 649
    assert seed - claim_identities(files_document) == set()


# --- Loading ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_restart_never_changes_curated_data():
    """make run loads the files into an empty database only: a deleted claim stays deleted."""
    claim = Claim.objects.filter(framework__slug="flask", kind="feature").first()
    claim.delete()
    django = Framework.objects.get(slug="django")
    django.summary = "Edited by an editor."
    django.save()

    output = StringIO()
    call_command("load_dataset", stdout=output)
    assert "already holds curated data" in output.getvalue()
    assert "sync_dataset" in output.getvalue()
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert Framework.objects.get(slug="django").summary == "Edited by an editor."


@pytest.mark.django_db
def test_a_citation_added_in_the_admin_is_kept_and_not_reported_as_a_change(files_document):
    source, extra = Source.objects.order_by("pk")[:2]
    source.cites.add(extra)
    report = load_document(files_document)
    assert report.counts["Source citations"] == {"kept": 1}
    assert extra in source.cites.all()


@pytest.mark.django_db
def test_the_data_lint_refuses_to_pass_an_empty_database():
    Claim.objects.all().delete()
    Source.objects.filter(framework__isnull=False).delete()  # a framework's own sources
    Framework.objects.all().delete()
    with pytest.raises(CommandError, match="No frameworks"):
        call_command("lint_dataset", stdout=StringIO())


# --- Bringing changes made to the files into a live database ----------------------------------


def edited(document, slug: str) -> dict:
    """A copy of the document and the entry of framework ``slug`` in it, to change."""
    document = copy.deepcopy(document)
    return document, next(f for f in document["frameworks"] if f["slug"] == slug)


def sync(document, *, apply: bool = True):
    return load_document(document, mode=Mode.SYNC, dry_run=not apply)


@pytest.mark.django_db
def test_sync_takes_what_the_files_changed_and_editors_did_not(files_document):
    document, django = edited(files_document, "django")
    django["homepage"] = "https://example.org/django/"
    preview = sync(document, apply=False)
    assert preview.counts["Framework"]["updated"] == 1
    assert Framework.objects.get(slug="django").homepage != django["homepage"], "only a preview"

    sync(document)
    assert Framework.objects.get(slug="django").homepage == "https://example.org/django/"
    assert sync(document).changed is False, "a second sync has nothing left to do"


@pytest.mark.django_db
def test_sync_keeps_an_editors_change_and_reports_a_conflict_when_the_files_changed_it_too(
    files_document,
):
    framework = Framework.objects.get(slug="django")
    framework.summary = "Edited by an editor."
    framework.save()
    document, django = edited(files_document, "django")
    django["summary"] = "Edited in the files."
    django["homepage"] = "https://example.org/django/"

    report = sync(document)
    framework.refresh_from_db()
    assert framework.summary == "Edited by an editor."
    assert framework.homepage == "https://example.org/django/", "the other field still comes in"
    assert any("Framework django: summary" in line for line in report.conflicts)

    # A field only an editor changed is no conflict: the files still hold what was loaded.
    framework.repository = "https://example.org/django.git"
    framework.save()
    report = sync(document)
    assert Framework.objects.get(slug="django").repository == "https://example.org/django.git"
    assert not any("repository" in line for line in report.conflicts)


@pytest.mark.django_db
def test_sync_never_restores_what_an_editor_deleted(files_document):
    claim = Claim.objects.filter(framework__slug="flask", kind="feature").first()
    claim.delete()
    bottle = Framework.objects.get(slug="bottle")
    bottle.delete()

    report = sync(files_document)
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert not Framework.objects.filter(slug="bottle").exists()
    assert any("Framework bottle: deleted by an editor" in line for line in report.kept)
    assert any("flask" in line and "deleted by an editor" in line for line in report.kept)


@pytest.mark.django_db
def test_sync_deletes_a_claim_the_files_dropped_unless_an_editor_touched_it(files_document):
    dropped, touched = Claim.objects.filter(framework__slug="django", kind="feature")[:2]
    touched.note = "An editor's note."
    touched.save()
    document, django = edited(files_document, "django")
    for item in django["features"]:
        item["claims"] = [
            claim
            for claim in item["claims"]
            if not (
                item["feature"] in (dropped.feature.slug, touched.feature.slug)
                and claim["source"] in (dropped.source.slug, touched.source.slug)
            )
        ]
    sync(document)
    assert not Claim.objects.filter(pk=dropped.pk).exists()
    assert Claim.objects.filter(pk=touched.pk).exists()

    # The files bring it back (a later reading restores it): the sync's own deletion
    # was no editor's, so the claim returns.
    sync(files_document)
    assert Claim.objects.filter(
        framework=dropped.framework, feature=dropped.feature, source=dropped.source
    ).exists()


@pytest.mark.django_db
def test_a_bad_entry_loads_nothing(files_document):
    document = copy.deepcopy(files_document)
    document["frameworks"].append(
        {
            "slug": "newcomer",
            "name": "Newcomer",
            "summary": "A framework with a claim about a feature that does not exist.",
            "features": [{"feature": "teleportation", "claims": [{"source": "earthly-2024"}]}],
        }
    )
    with pytest.raises(DatasetError, match="unknown feature “teleportation”"):
        load_document(document)
    assert not Framework.objects.filter(slug="newcomer").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("year", "message"), [("abc", "not valid for year"), (1890, "between")])
def test_a_bad_year_in_the_files_is_refused_with_a_message(files_document, year, message):
    document = copy.deepcopy(files_document)
    django_entry(document)["first_release"]["claims"][0]["year"] = year
    with pytest.raises(DatasetError, match=message):
        load_document(document, mode=Mode.REPLACE)


@pytest.mark.django_db
def test_the_export_loads_back_without_loss():
    exported = export_document()
    Claim.objects.all().delete()
    Source.objects.all().delete()
    for model in (Framework, Feature, FeatureGroup, Category):
        model.objects.all().delete()

    load_document(json.loads(json.dumps(exported)), mode=Mode.INITIAL)

    assert export_document() == exported


@pytest.mark.django_db
def test_export_dataset_prints_one_json_document_with_published_values_and_claims():
    output = StringIO()
    call_command("export_dataset", stdout=output)
    document = json.loads(output.getvalue())
    django = django_entry(document)
    orm = next(f for f in django["features"] if f["feature"] == "orm")
    assert (orm["status"], orm["how"]) == ("yes", "built_in")
    assert orm["claims"][0]["excerpt"]
    assert orm["claims"][0]["source"]
    # The 2020 article's 2006 is superseded by Django's own FAQ (2005), not a dispute.
    release = django["first_release"]
    assert (release["year"], release["disputed"]) == (2005, False)
    assert [c["year"] for c in release["claims"] if c["superseded"]] == [2006]


# --- The lint catches what it should ----------------------------------------------------


def test_lint_reports_an_excerpt_over_200_characters(files_document):
    document = copy.deepcopy(files_document)
    django_entry(document)["features"][0]["claims"][0]["excerpt"] = "word " * 50
    assert any("at most 200" in p for p in problems_in(document))


def test_lint_reports_partial_without_a_note(files_document):
    document = copy.deepcopy(files_document)
    claim = django_entry(document)["features"][0]["claims"][0]
    claim["status"], claim["note"] = "partial", ""
    assert any("a partial status always carries a note" in p for p in problems_in(document))


def test_lint_reports_a_figure_without_an_as_of_date(files_document):
    document = copy.deepcopy(files_document)
    del django_entry(document)["figures"][0]["claims"][0]["as_of"]
    assert any("as_of: Required for a figure claim" in p for p in problems_in(document))


def test_lint_reports_a_feature_without_a_definition(files_document):
    document = copy.deepcopy(files_document)
    document["feature_groups"][0]["features"][0]["definition"] = " "
    assert any("has no definition" in p for p in problems_in(document))


def test_lint_reports_a_framework_without_any_claim(files_document):
    document = copy.deepcopy(files_document)
    django = django_entry(document)
    for section in SECTIONS:
        django.pop(section.name, None)
    assert any("django: has no claims" in p for p in problems_in(document))


def test_lint_reports_a_published_value_with_no_claim_behind_it(files_document):
    document = copy.deepcopy(files_document)
    django_entry(document)["features"].append({"feature": "graphql", "status": "yes", "claims": []})
    assert any("published value with no claim behind it" in p for p in problems_in(document))


def test_lint_reports_a_sample_that_does_not_compile(files_document):
    document = copy.deepcopy(files_document)
    django_entry(document)["hello_world"] = "def broken(:\n"
    assert any("does not compile" in p for p in problems_in(document))
