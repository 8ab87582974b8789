import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frameworks.dataset import DatasetError
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import load_document


class Command(BaseCommand):
    help = (
        "Load the dataset from fixtures/ (or from an export_dataset JSON file). "
        "Adds what is missing; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", type=Path, help="Load this export_dataset document instead of fixtures/."
        )
        parser.add_argument(
            "--fixtures", type=Path, default=settings.BASE_DIR / "fixtures", help="Fixture folder."
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite objects that differ from the files (edits made in the admin are lost).",
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete claims of the loaded frameworks that the files no longer hold.",
        )

    def handle(
        self, *args, json: Path | None, fixtures: Path, update: bool, prune: bool, **options
    ):
        try:
            document = _read_json(json) if json else read_fixtures(fixtures)
            report = load_document(
                document, update=update, prune=prune, progress=lambda m: self.stdout.write(f"  {m}")
            )
        except DatasetError as error:
            raise CommandError(f"Nothing loaded: {error}") from error
        for line in report.lines():
            self.stdout.write(line)
        counts = report.counts
        if any(c["differs"] for c in counts.values()):
            self.stdout.write(
                self.style.WARNING(
                    "Some objects differ from the files and were kept as they are in the "
                    "database (edited in the admin?); --update overwrites them."
                )
            )
        if any(c["extra"] for c in counts.values()):
            self.stdout.write(
                "Some claims in the database are not in the files; --prune removes them."
            )
        summary = _totals()
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Dataset loaded: {summary}."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Nothing to change: {summary}."))


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise DatasetError(f"{path}: {error}") from error


def _totals() -> str:
    from frameworks.models import Claim, Feature, Framework, Source

    return (
        f"{Framework.objects.count()} frameworks, {Feature.objects.count()} features, "
        f"{Source.objects.count()} sources, {Claim.objects.count()} claims"
    )
