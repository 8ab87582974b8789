import json

from django.core.management.base import BaseCommand

from frameworks.dataset.export import export_document


class Command(BaseCommand):
    help = "Print the whole dataset as one JSON document (schema: docs/data.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--published-only",
            action="store_true",
            help="Leave out drafts, as the public /data/dataset.json does.",
        )

    def handle(self, *args, published_only: bool, **options):
        document = export_document(published_only=published_only)
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
