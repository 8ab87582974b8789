import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frameworks.dataset import DatasetError
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import Mode, load_document


class Command(BaseCommand):
    help = (
        "Load the dataset from fixtures/ (or from an export_dataset JSON file) into an EMPTY "
        "database. A database that holds curated data is left as it is, so that a restart "
        "never changes what editors did: sync_dataset brings in changes to the files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", type=Path, help="Load this export_dataset document instead of fixtures/."
        )
        parser.add_argument(
            "--fixtures", type=Path, default=settings.BASE_DIR / "fixtures", help="Fixture folder."
        )

    def handle(self, *args, json: Path | None, fixtures: Path, **options):
        try:
            document = read_json(json) if json else read_fixtures(fixtures)
            report = load_document(
                document, mode=Mode.INITIAL, progress=lambda m: self.stdout.write(f"  {m}")
            )
        except DatasetError as error:
            raise CommandError(f"Nothing loaded: {error}") from error
        if report.not_empty:
            self.stdout.write(
                f"The database already holds curated data ({totals()}): nothing loaded. "
                "To bring in changes made to fixtures/, run: manage.py sync_dataset"
            )
            return
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Dataset loaded: {totals()}."))


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise DatasetError(f"{path}: {error}") from error


def totals() -> str:
    from frameworks.models import Claim, Feature, Framework, Source

    return (
        f"{Framework.objects.count()} frameworks, {Feature.objects.count()} features, "
        f"{Source.objects.count()} sources, {Claim.objects.count()} claims"
    )
