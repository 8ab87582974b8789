from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compare.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database (pg_dump, custom format) into backups/, named by time."

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, help="Folder for the file (default: backups/).")

    def handle(self, *args, to: Path | None, **options):
        try:
            path = backup(to)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path} ({size:,} bytes)."))
