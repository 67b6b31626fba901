"""`python manage.py import_records KIND FILE [--user USERNAME]` (docs/import-formats.md).

The kinds are those registered by the apps' `importers.py` (communes/imports.py), so this command
names no app and incidents does not import the apps built on it. The import runs here, in the
foreground, with the importer the pages' jobs use (no job is made: whoever runs a command waits for
it), printing a progress line on stderr.

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
  import rather than from a person's page. Such a load of past years is not refused by the
  automatic lock of ended months (REPORT_AUTO_LOCK_DAYS), only by the locks of approved reports.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from basecurity.lib import tabular
from communes.imports import REGISTRY

SYSTEM_USERNAME = "system.import"


def available_importers() -> dict[str, type]:
    """kind → importer class, of every registered import kind."""
    return {key: kind.importer for key, kind in REGISTRY.items()}


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

    progress_shown = False

    def show_progress(self, phase: str, done: int, total: int) -> None:
        """One line, rewritten in place: "Checking rows: 12,000 / 100,000"."""
        label = _("Checking rows") if phase == "validating" else _("Writing records")
        self.stderr.write(f"\r{label}: {done:,} / {total:,}", ending="")
        self.stderr.flush()
        self.progress_shown = True

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
        result = importers[kind](user=importer_user, progress=self.show_progress, backfill=not user).run(
            data, path.name
        )
        if self.progress_shown:
            self.stderr.write("")  # end the progress line
        if result.errors:
            self.stderr.write(_("row\tcolumn\tmessage"))
            for problem in result.errors:
                self.stderr.write(f"{problem.row or '-'}\t{problem.column or '-'}\t{problem.message}")
            raise CommandError(
                _("Nothing was imported: %(count)d problem(s) found in %(file)s.")
                % {"count": len(result.errors), "file": path.name}
            )
        self.stdout.write(_("%(count)d records created.") % {"count": result.written})
