import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compare.backups import BackupError, is_empty, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `make backup`. Into an empty database it just restores; "
        "a database holding data is replaced only after you confirm (or with --yes)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A file from backups/.")
        parser.add_argument(
            "--yes", action="store_true", help="Replace the current data without asking."
        )

    def handle(self, *args, file: Path, yes: bool, **options):
        if not file.is_file():
            raise CommandError(f"No backup file at {file}.")
        if not yes and not is_empty():
            if not os.isatty(0):
                raise CommandError(
                    "The database holds data, which the restore would replace: "
                    "run it in a terminal to confirm, or add --yes."
                )
            answer = input(
                "The database holds data. Replace ALL of it with the backup? "
                "Type 'yes' to go on (tip: make backup first): "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Restored {file}."))
