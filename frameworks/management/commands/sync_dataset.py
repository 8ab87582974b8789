from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from frameworks.dataset import DatasetError
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import Mode, load_document
from frameworks.management.commands.load_dataset import read_json, totals


class Command(BaseCommand):
    help = (
        "Preview (or, with --apply, make) the changes that bring fixtures/ into a live "
        "database. Never restores what an editor deleted and never overwrites what an editor "
        "changed since the last load: those are listed as kept or as conflicts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="Make the changes (one go).")
        parser.add_argument(
            "--json", type=Path, help="Use this export_dataset document instead of fixtures/."
        )
        parser.add_argument(
            "--fixtures", type=Path, default=settings.BASE_DIR / "fixtures", help="Fixture folder."
        )

    def handle(self, *args, apply: bool, json: Path | None, fixtures: Path, **options):
        try:
            document = read_json(json) if json else read_fixtures(fixtures)
            report = load_document(document, mode=Mode.SYNC, dry_run=not apply)
        except DatasetError as error:
            raise CommandError(f"Nothing changed: {error}") from error
        verb = "Changed" if apply else "Would change"
        for line in report.lines():
            self.stdout.write(line)
        for line in report.kept:
            self.stdout.write(f"  kept: {line}")
        for line in report.conflicts:
            self.stdout.write(self.style.WARNING(f"  conflict: {line}"))
        if not report.changed:
            self.stdout.write(self.style.SUCCESS(f"Nothing to change: {totals()}."))
        elif apply:
            self.stdout.write(self.style.SUCCESS(f"{verb} the database: {totals()}."))
        else:
            self.stdout.write(
                "Preview only, nothing changed: run with --apply to make these changes."
            )
