"""`python manage.py import_records KIND FILE [--user USERNAME]` (docs/import-formats.md).

The kinds are discovered: every installed app may offer `<app>.importers.IMPORTERS`, a mapping of
kind → importer class (basecurity.lib.tabular.Importer), so this command names no app but its
own and incidents does not import the apps built on it.

All or nothing: on any error nothing is written, every problem is printed on stderr as
"row, column, message" and the command exits with status 1. On success it prints the number of
records created.

Who the records are attributed to:
- `--user USERNAME`: that user, with the same limit as on the upload page (an officer imports
  only into the communes they are assigned to). The user must exist and be active.
- without `--user`: the system account `SYSTEM_USERNAME` ("system.import"), created on first
  use. Whoever runs commands on the server can already change the whole database, so this
  account has no unit limit (it is a superuser), but it cannot log in: it is inactive and has no
  usable password. The audit history then says plainly that the rows came from a command-line
  import rather than from a person's page.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from basecurity.lib import discovery, tabular

SYSTEM_USERNAME = "system.import"


def available_importers() -> dict[str, type]:
    """kind → importer class, from every installed app's `importers.IMPORTERS`."""
    found: dict[str, type] = {}
    for module in discovery.app_modules("importers"):
        found.update(getattr(module, "IMPORTERS", {}))
    return found


def system_user():
    """The inactive superuser that command-line imports without --user are attributed to."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "is_superuser": True, "is_staff": False, "first_name": "Nhập dữ liệu (hệ thống)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of records (all or nothing); see docs: import-formats.md."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="What the file holds, e.g. incidents, crime_tips, reintegration_persons.")
        parser.add_argument("file", help="A .csv (UTF-8) or .xlsx file with a header row.")
        parser.add_argument(
            "--user",
            help=f"Username the records are attributed to (limited to that user's communes). "
            f"Without it: the system account {SYSTEM_USERNAME!r}, without unit limit.",
        )

    def handle(self, *args, kind, file, user=None, **options):
        importers = available_importers()
        if kind not in importers:
            raise CommandError(
                _("Unknown kind “%(kind)s”. The kinds are: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(sorted(importers))}
            )
        path = Path(file)
        try:
            if path.stat().st_size > tabular.MAX_FILE_BYTES:  # refused before it is read into memory
                raise CommandError(
                    _("The file is larger than %(size)d MB.") % {"size": tabular.MAX_FILE_BYTES // (1024 * 1024)}
                )
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("The file %(file)s cannot be read: %(error)s") % {"file": file, "error": error.strerror}
            ) from None
        if user:
            importer_user = get_user_model().objects.filter(username=user, is_active=True).first()
            if importer_user is None:
                raise CommandError(_("No active user has the username “%(user)s”.") % {"user": user})
        else:
            importer_user = system_user()
        result = importers[kind](user=importer_user).run(data, path.name)
        if result.errors:
            self.stderr.write(_("row\tcolumn\tmessage"))
            for error in result.errors:
                self.stderr.write(f"{error.row or '-'}\t{error.column or '-'}\t{error.message}")
            raise CommandError(
                _("Nothing was imported: %(count)d problem(s) found in %(file)s.")
                % {"count": len(result.errors), "file": path.name}
            )
        self.stdout.write(_("%(count)d records created.") % {"count": result.written})
