"""Load the official register of units (communes/data/): `load_units --province 22` or `--all`."""

from django.core.management.base import BaseCommand, CommandError

from communes import register


class Command(BaseCommand):
    help = (
        "Load the official register: the 34 provinces and 3,321 commune-level units of 1/7/2025 and, for the "
        "provinces asked whose conversion table the snapshot holds, the pre-2025 districts and communes with "
        "the 2025 lineage. Idempotent."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--province", action="append", metavar="CODE", help="a province code (repeatable)")
        which.add_argument("--all", action="store_true", help="every province")

    def handle(self, *args, province=None, all=False, **options):
        try:
            result = register.register_load(None if all else province)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created} units created, {result.updated} updated, {result.lineage_created} lineage rows created."
            )
        )
        if result.provinces_without_history:
            self.stdout.write(
                "No pre-2025 map in the register snapshot for: " + ", ".join(result.provinces_without_history)
            )
