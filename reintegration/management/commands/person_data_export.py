"""Print everything held on one person (the data subject's right of access) and log it."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from reintegration.models import Person
from reintegration.services import person_subject_access_export


class Command(BaseCommand):
    help = "Print all data held on one reintegrated person (right of access) and record it in the read log."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Official code of the person's commune, e.g. 06976.")
        parser.add_argument("--ref", required=True, help="The commune's file number for the person.")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--user", help="Username of the official producing the report (recorded in the log).")
        parser.add_argument("--requested-by", default="", help="Who asked for the report, for the log.")

    def handle(self, *args, unit, ref, format, user=None, requested_by="", **options):
        # A code names several units over time (06970: the town, then xã Ba Chẽ): the file is found on
        # the unit that has it now, or among those the person's file came from (a transfer).
        persons = Person.objects.select_related("unit", "village").filter(ref=ref)
        person = persons.filter(unit__code=unit).first() or persons.filter(transfers__from_unit__code=unit).first()
        if person is None:
            raise CommandError(f"No person with file number {ref!r} in unit {unit!r}.")
        reader = None
        if user:
            reader = get_user_model().objects.filter(username=user).first()
            if reader is None:
                raise CommandError(f"No user {user!r}.")
        report = person_subject_access_export(person=person, user=reader, requested_by=requested_by)
        if format == "json":
            self.stdout.write(json.dumps(report, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(_as_text(report))


def _as_text(value, indent: int = 0) -> str:
    pad = "  " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.append(_as_text(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
        return "\n".join(lines)
    if isinstance(value, list):
        return "\n".join(f"{pad}- {_as_text(item, indent + 1).lstrip()}" for item in value) if value else f"{pad}-"
    return f"{pad}{_scalar(value)}"


def _scalar(value) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, str):
        return value
    return str(json.loads(json.dumps(value, cls=DjangoJSONEncoder)))
