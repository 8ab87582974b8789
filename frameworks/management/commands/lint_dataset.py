from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frameworks.dataset import DatasetError
from frameworks.dataset.export import export_document
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.lint import lint_document
from frameworks.dataset.schema import iter_claims


class Command(BaseCommand):
    help = (
        "Check the dataset in the database (or, with --files, the fixture files): "
        "uncited values, partial without a note, excerpts not found in their source, "
        "figures without a date, features without a definition, frameworks without a category."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--files", action="store_true", help="Lint the fixture files instead of the database."
        )
        parser.add_argument("--fixtures", type=Path, default=settings.BASE_DIR / "fixtures")
        parser.add_argument("--sources", type=Path, default=settings.SOURCES_DIR)

    def handle(self, *args, files: bool, fixtures: Path, sources: Path, **options):
        if not sources.is_dir():
            raise CommandError(f"Source texts not found in {sources} (set COMPARE_SOURCES_DIR).")
        try:
            document = read_fixtures(fixtures) if files else export_document()
        except DatasetError as error:
            raise CommandError(str(error)) from error
        if not document["frameworks"]:
            where = fixtures if files else "the database"
            raise CommandError(f"No frameworks in {where}: nothing to check (load_dataset first?).")
        problems = lint_document(document, sources)
        for problem in problems:
            self.stderr.write(str(problem))
        claims = sum(1 for framework in document["frameworks"] for _ in iter_claims(framework))
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found.")
        self.stdout.write(
            self.style.SUCCESS(
                f"No problems in {len(document['frameworks'])} frameworks and {claims} claims."
            )
        )
