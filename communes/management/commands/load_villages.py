"""`python manage.py load_villages FILE`: a commune's villages from CSV/XLSX (communes/villages.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communes import services, villages


class Command(BaseCommand):
    help = "Load villages (commune_code, code, name, kind[, valid_from, valid_until]) from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        result = villages.villages_load(file.read_bytes(), file.name)
        if not result.ok:
            raise CommandError(
                "\n".join(f"row {error.row}, {error.column or '-'}: {error.message}" for error in result.errors)
            )
        services.history_paths_rebuild()
        self.stdout.write(self.style.SUCCESS(f"{result.created} villages created, {result.updated} updated."))
