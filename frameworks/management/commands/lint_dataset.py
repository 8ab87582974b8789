from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frameworks.dataset import DatasetError
from frameworks.dataset.export import export_document
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.lint import lint_document
from frameworks.dataset.schema import iter_claims
from frameworks.dataset.texts import QuotedTexts
from frameworks.models import SourceText


class Command(BaseCommand):
    help = (
        "Check the dataset in the database (or, with --files, the fixture files) with the "
        "claim rules, and every excerpt against the text it quotes where that text is "
        "available: the archived articles (--sources), clones of the frameworks' repositories "
        "(--repos) and texts editors uploaded. Prints how many excerpts were checked, failed "
        "and could not be checked; exits non-zero on any problem."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--files", action="store_true", help="Lint the fixture files instead of the database."
        )
        parser.add_argument("--fixtures", type=Path, default=settings.BASE_DIR / "fixtures")
        parser.add_argument(
            "--sources",
            type=Path,
            default=settings.SOURCES_DIR,
            help="Folder of archived source texts (COMPARE_SOURCES_DIR).",
        )
        parser.add_argument(
            "--repos",
            type=Path,
            default=settings.REPOS_DIR,
            help="Folder of repository clones, owner+name/repo (COMPARE_REPOS_DIR).",
        )

    def handle(self, *args, files: bool, fixtures: Path, sources: Path, repos: Path, **options):
        if settings.REQUIRE_SOURCES and not sources.is_dir():
            raise CommandError(
                f"COMPARE_REQUIRE_SOURCES is set, but the archived source texts are not in "
                f"{sources}: set COMPARE_SOURCES_DIR to the folder that holds them."
            )
        try:
            document = read_fixtures(fixtures) if files else export_document()
        except DatasetError as error:
            raise CommandError(str(error)) from error
        if not document["frameworks"]:
            where = fixtures if files else "the database"
            raise CommandError(f"No frameworks in {where}: nothing to check (load_dataset first?).")
        stored = {} if files else dict(SourceText.objects.values_list("source__slug", "text"))
        texts = QuotedTexts(archive_dir=sources, repos_dir=repos, stored=stored)
        result = lint_document(document, texts)
        for problem in result.problems:
            self.stderr.write(str(problem))
        claims = sum(1 for framework in document["frameworks"] for _ in iter_claims(framework))
        self.stdout.write(result.excerpts.summary())
        unchecked_articles = (
            [why for why in result.excerpts.reasons if "archive" in why]
            if settings.REQUIRE_SOURCES
            else []
        )
        if result.problems:
            raise CommandError(f"{len(result.problems)} problems in {claims} claims.")
        if unchecked_articles:
            raise CommandError(
                "COMPARE_REQUIRE_SOURCES is set, but some article excerpts could not be checked: "
                + "; ".join(unchecked_articles)
            )
        self.stdout.write(self.style.SUCCESS(f"No problems in {claims} claims."))
