"""Imports of every app: the registry of import kinds and the base of importers whose rows name a unit.

- `ImportKind` / `register`: each app's `importers.py` registers its kinds (found at start-up by
  `autodiscover`, Django's `autodiscover_modules("importers")`), so the import pages
  (communes/import_views.py), the jobs (communes/jobs.py) and `manage.py import_records` serve
  every kind without naming an app built on this one. Keys are the kinds of docs/import-formats.md
  (`incidents`, `reintegration_persons`, ...).
- `UnitRowsImporter`: a `basecurity.lib.tabular.Importer` whose rows name a commune by its code
  (`unit_code`): the units (and their villages) read once per file, the importing user's right to
  write there (communes.permissions), the period locks (communes/locks.py) as a row error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from basecurity.lib import tabular
from basecurity.lib.tabular import RowError

from . import lineage
from .locks import LockChecker
from .models import AdministrativeUnit, Level
from .permissions import Capability, can

UNIT_CODE_WIDTH = 5  # official commune codes have 5 digits (06976); Excel drops leading zeros


@dataclass(frozen=True)
class ImportKind:
    """One kind of file the pages and the command import."""

    key: str  # "incidents": the kind of docs/import-formats.md, in URLs and on the command line
    importer: type[tabular.Importer]
    label: Any  # what the file holds, plural (a lazy translation): "incidents"
    capability: Capability  # what the importing user needs at the rows' units
    records_url: str  # the URL name of the list where the imported records are shown
    guide: Callable[[], list[dict[str, Any]]]  # tabular.guide rows: columns, titles, allowed values

    def template(self) -> bytes:
        """The import layout with no rows ("Tệp mẫu để nhập"), to fill in and upload."""
        return tabular.write_xlsx(self.importer.columns, [], title=self.key)


REGISTRY: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    REGISTRY[kind.key] = kind
    return kind


def autodiscover() -> None:
    """Import every installed app's `importers` module (each registers its kinds)."""
    autodiscover_modules("importers")


def import_kind(key: str) -> ImportKind | None:
    return REGISTRY.get(key)


# --- rows that name a commune ---------------------------------------------------------------------


def unit_code(value: Any) -> str:
    return tabular.code(value, UNIT_CODE_WIDTH)


def row_day(value: Any) -> date | None:
    """A row's date read quietly, only to resolve its unit code (its own cell reports any error)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return tabular.parse_date(str(value).strip()[:10], allow_future=True)
    except tabular.CellError:  # resolve at today; the date cell says why
        return None


class UnitRowsImporter(tabular.Importer):
    """Rows naming a commune by code; `prepare` reads the file's units (and villages) in one or two
    queries, and the permission check needs none once the user's assignments are read.

    A code names several units over time (06970: the town until 30/06/2025, xã Ba Chẽ since). With
    `dated_units` (records) the unit is the one the code named on the row's date; without (persons,
    managed today) it is the one in force today, or for a code no longer in use the last that had it.
    """

    capability = Capability.RECORDS_WRITE
    dated_units = True
    uses_villages = False

    def prepare(self, rows: list[tuple[int, dict[str, Any]]]) -> None:
        codes = {unit_code(values.get("unit_code", "")) for _row, values in rows}
        codes.discard("")
        self.units: dict[str, list[AdministrativeUnit]] = {}
        found = AdministrativeUnit.objects.filter(code__in=codes, level=Level.COMMUNE)
        for unit in found.order_by(F("valid_until").asc(nulls_last=True), "valid_from"):
            self.units.setdefault(unit.code, []).append(unit)
        self.writable: dict[int, bool] = {}
        self.villages: dict[tuple[int | None, str], AdministrativeUnit | None] = {}
        all_units = [unit for units in self.units.values() for unit in units]
        if self.uses_villages and all_units:
            for village in AdministrativeUnit.objects.filter(parent__in=all_units, level=Level.VILLAGE):
                key = (village.parent_id, tabular.name_key(village.name))
                # Two villages with the same name in one commune: the name alone is ambiguous.
                self.villages[key] = None if key in self.villages else village
        self.today = timezone.localdate()
        # Reads each unit's locks once for the whole file; a backfill skips only the automatic lock.
        self.locks = LockChecker(automatic=not self.backfill)

    def unit(self, value: Any, row: int, errors: list[RowError], *, on: Any = None) -> AdministrativeUnit | None:
        """The unit the code names (on the row's date `on`, a cell value, when `dated_units`)."""
        code = unit_code(value)
        if not code:
            errors.append(RowError(row, "unit_code", _("The commune code is required (e.g. 06976).")))
            return None
        candidates = self.units.get(code)
        if not candidates:
            errors.append(
                RowError(row, "unit_code", _("No commune, ward or town has the code “%(code)s”.") % {"code": code})
            )
            return None
        day = (row_day(on) if self.dated_units else None) or self.today
        unit = next((candidate for candidate in candidates if candidate.is_valid_on(day)), None)
        if unit is None and not self.dated_units:
            unit = candidates[-1]  # a code no longer in use: the last unit that had it
        if unit is None:  # the code named no unit that day: say where the record belongs
            before = [candidate for candidate in candidates if candidate.valid_until and candidate.valid_until < day]
            closest = before[-1] if before else candidates[0]
            errors.append(RowError(row, "unit_code", lineage.unit_validity_error(closest, day) or ""))
            return None
        if unit.pk not in self.writable:
            self.writable[unit.pk] = self.user is None or can(self.user, self.capability, unit)
        if not self.writable[unit.pk]:
            errors.append(
                RowError(
                    row,
                    "unit_code",
                    _(
                        "You can import only into the communes you are assigned to; "
                        "%(unit)s (%(code)s) is not one of them."
                    )
                    % {"unit": unit.name, "code": code},
                )
            )
            return None
        return unit

    def village(
        self, unit: AdministrativeUnit | None, value: Any, row: int, errors: list[RowError]
    ) -> AdministrativeUnit | None:
        """The village of `unit` named in the cell (empty: none)."""
        name = tabular.restore_text(value)
        if not name or unit is None:
            return None
        key = (unit.pk, tabular.name_key(name))
        if key not in self.villages:
            errors.append(
                RowError(
                    row,
                    "village",
                    _(
                        "%(unit)s has no village named “%(name)s”. "
                        "Leave the cell empty or write the name of one of its villages."
                    )
                    % {"unit": unit.name, "name": name},
                )
            )
            return None
        village = self.villages[key]
        if village is None:
            errors.append(
                RowError(
                    row,
                    "village",
                    _("%(unit)s has several villages named “%(name)s”.") % {"unit": unit.name, "name": name},
                )
            )
        return village

    def check_lock(
        self, unit: AdministrativeUnit | None, day: date | None, row: int, column: str, errors: list[RowError]
    ) -> None:
        """A row dated in a locked period of its unit (communes/locks.py) is refused at `column`."""
        if unit is not None and day is not None and (message := self.locks.reason(unit, day)):
            errors.append(RowError(row, column, message))
