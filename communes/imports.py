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

from django.db import models
from django.db.models import F, Model
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from basecurity.lib import tabular
from basecurity.lib.tabular import RowError

from . import lineage
from .locks import LockChecker, record_value
from .models import AdministrativeUnit, Level
from .permissions import Capability, can
from .services import records_created

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


# --- a record kind's import, from its declaration -------------------------------------------------


class FieldImporter(UnitRowsImporter):
    """The import of a record kind declared with `import_columns` (communes/record_kinds.py): each
    column is read by its model field (a date dd/mm/yyyy or ISO, a choice by its code or its name, a
    whole number, text), `unit_code` by the code on the row's date, `village` by its name; the model's
    own rules and the period locks checked per row; written in one transaction, with the history rows
    through simple-history's bulk API when the model keeps a history."""

    model: type[Model]
    date_field: str = ""
    uses_villages = True

    def build(self, row: int, values: dict[str, Any], errors: list[RowError]) -> Model:
        fields: dict[str, Any] = {}
        for column in self.columns:
            if column in ("unit_code", "village"):
                continue
            field = _field(self.model, column)
            value = values.get(column)
            if field.choices:
                choices = _Choices(field.choices)
                fields[column] = self.choice(row, column, errors, value, choices, required=not field.blank)
            elif isinstance(field, models.DateField):
                fields[column] = self.cell(row, column, errors, tabular.parse_date, value, required=not field.blank)
            elif isinstance(field, models.IntegerField):
                positive = (
                    models.PositiveIntegerField,
                    models.PositiveSmallIntegerField,
                    models.PositiveBigIntegerField,
                )
                minimum = 0 if isinstance(field, positive) else None
                fields[column] = self.cell(
                    row, column, errors, tabular.parse_int, value, required=not field.blank, minimum=minimum
                )
            else:
                fields[column] = tabular.text(value)
        unit = self.unit(values.get("unit_code"), row, errors, on=values.get(self.date_field))
        village = self.village(unit, values.get("village"), row, errors) if "village" in self.columns else None
        extra = {"recorded_by": self.user} if _has_field(self.model, "recorded_by") else {}
        if "village" in self.columns:
            extra["village"] = village
        return self.model(unit=unit, **extra, **{name: value for name, value in fields.items() if value is not None})

    def unit_name(self, item: Any) -> str:
        unit = getattr(item, "unit", None)
        return unit.name if unit is not None else ""

    def check_row(self, item: Any, row: int, errors: list[RowError]) -> None:
        self.model_errors(item, row, errors, exclude=("unit", "village", "recorded_by"), validate_constraints=False)
        from .record_kinds import lock_paths  # the declarations build on this module

        paths = lock_paths(self.model)
        if paths is not None:
            unit_path, day_path = paths
            self.check_lock(
                record_value(item, unit_path), record_value(item, day_path), row, day_path.split(".")[0], errors
            )

    def write(self, parsed: list[Any]) -> int:
        if hasattr(self.model, "history"):
            parsed = bulk_create_with_history(
                parsed,
                self.model,
                batch_size=2000,
                default_user=self.user,
                default_change_reason=_("Imported from the file “%(name)s”") % {"name": self.filename},
            )
        else:
            parsed = self.model._default_manager.bulk_create(parsed, batch_size=2000)
        records_created.send(sender=self.model, records=parsed)  # bulk writes send no post_save
        return len(parsed)


class _Choices:
    """A model field's choices in the shape `Importer.choice` reads (`values`, `choices`)."""

    def __init__(self, choices: Any) -> None:
        self.choices = [(str(code), label) for code, label in choices]
        self.values = [code for code, _label in self.choices]


def _field(model: type[Model], name: str) -> models.Field[Any, Any]:
    """A concrete field of the model (an import column names one; a relation's reverse side never)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{model.__name__}.{name} is not a field an import can fill")
    return field


def _has_field(model: type[Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def register_record_kind_import(kind: Any) -> ImportKind:
    """The import kind of a record kind declared with `import_columns` (its key is the kind's key)."""
    columns = tuple(kind.import_columns)
    importer = type(
        f"{kind.model.__name__}Importer",
        (FieldImporter,),
        {
            "kind": kind.key,
            "columns": columns,
            "model": kind.model,
            "date_field": kind.place.date,
            "capability": kind.write,
            # A model error of the unit is the code's; every other field is its own column.
            "field_columns": {"unit": "unit_code", **{column: column for column in columns}},
        },
    )
    people = kind.export("").people if kind.export("") is not None else ()
    allowed = {
        column: [(str(code), str(label)) for code, label in _field(kind.model, column).choices or ()]
        for column in columns
        if column not in ("unit_code", "village") and _field(kind.model, column).choices
    }
    return register(
        ImportKind(
            key=kind.key,
            importer=importer,
            label=kind.model._meta.verbose_name_plural,
            capability=kind.write,
            records_url=f"{kind.url_prefix}_list",
            guide=lambda: tabular.guide(columns, people, allowed),
        )
    )
