"""Import of incidents, traffic accidents, crime tips and foreigners' stays (docs/import-formats.md;
kinds `incidents`, `traffic_accidents`, `crime_tips`, `foreigner_stays`).

The generic part (reading CSV/XLSX, cell parsing, all or nothing, the same file refused twice) is
basecurity/lib/tabular.py; this module says what a row means. `IMPORTERS` maps each kind to its
importer class, so `manage.py import_records KIND FILE` finds it without naming this app:
`IMPORTERS[kind](user=user).run(data, filename)` returns a `tabular.ImportResult`.

How a file is checked, before anything is written:
- every cell is parsed (dates YYYY-MM-DD or DD/MM/YYYY or real Excel dates, date-times with
  HH:MM in local time, whole numbers ≥ 0; dates in the future are refused);
- `unit_code` must be the code of a commune-level unit on which the importing user holds
  RECORDS_WRITE (communes.permissions.can): an officer imports only into their own communes;
- `village` is looked up by name among the villages of that unit (case and Unicode form
  ignored), `category` by its taxonomy code;
- every row's record is built unsaved and checked with the model's `full_clean()`, so the rules
  of the pages' forms (no future date, declaration not before arrival, decision not before
  receipt, ...) are the same rules here. Errors are reported by row and column.
Units, villages and categories are read once per file (three queries, whatever the number of
rows), and `full_clean()` skips the foreign keys' existence queries: they were just read.

Writing: incidents, accidents and stays are written with `bulk_create` in batches, and their "+"
history rows (`history_user` = the importing user, change reason "Imported from <file>") with one
executemany per batch (`insert_creation_history`: the same rows simple-history's
`bulk_create_with_history` writes, at a third of the cost), since a commune's yearly book has
thousands of rows; `recorded_by` is the importing user. Crime tips go through the services
(`tip_create`, `tip_extend`, `tip_decide`), which keep the tip's deadline and extensions
consistent. Both happen inside the one transaction of `tabular.Importer.run`: a failure writes
nothing.

Crime tips and `extended_until`: the file gives only the final extended deadline, but the law
(BLTTHS 2015 điều 147 khoản 2, see incidents/deadlines.py) allows a first extension to at most
receipt + 2 months and a second (the procuracy's) to at most receipt + 4 months. So:
- extended_until ≤ receipt + 2 months: one extension, to extended_until;
- receipt + 2 months < extended_until ≤ receipt + 4 months: two extensions, the first to
  receipt + 2 months, the second to extended_until;
- later than receipt + 4 months, or not after receipt + 20 days: refused on that column.
Each extension is dated the day the previous deadline ran out (never after today, nor after the
decision), since the file does not say when it was granted; its reason says it was imported.
`extended_until` is a deadline, not an event: it may lie in the future (an open, extended tip).

Exports (incidents/exports.py) write the same columns, and a text cell that a spreadsheet would run
as a formula is written with a leading single quote; on import that quote is removed again
(`restore_text`), so an exported file imports as the same records.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connections, models, router
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from basecurity.lib import tabular
from basecurity.lib.tabular import CellError, RowError
from communes import lineage
from communes.locks import LockChecker, record_value
from communes.models import AdministrativeUnit, Level
from communes.permissions import Capability, can
from communes.record_kinds import lock_paths

from . import deadlines, services
from .models import CrimeTip, ForeignerStay, Incident, IncidentCategory, TipDecision, TipKind, TrafficAccident
from .signals import records_created

INCIDENT_COLUMNS = ("unit_code", "village", "occurred_on", "category", "subjects", "description")
ACCIDENT_COLUMNS = ("unit_code", "occurred_on", "deaths", "injuries", "description")
TIP_COLUMNS = ("unit_code", "kind", "received_on", "extended_until", "resolved_on", "decision", "summary")
STAY_COLUMNS = ("unit_code", "full_name", "nationality", "passport_no", "arrived_at", "declared_at", "departed_on")

# Rows written per INSERT batch: bounds the statement size (SQLite's variable limit) and memory.
BATCH_SIZE = 2000
UNIT_CODE_WIDTH = 5  # official commune codes have 5 digits (06976); Excel drops leading zeros


def restore_text(value: Any) -> str:
    """A text cell, without the quote an export put before a would-be formula ("'=x" → "=x")."""
    return tabular.restore(tabular.text(value))


def _unit_code(value: Any) -> str:
    """A code typed in Excel as a number loses its leading zeros (6976 → 06976): restore them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(UNIT_CODE_WIDTH)
    return tabular.text(value)


def _name_key(name: str) -> str:
    """Village names compare without regard to case, spacing or Unicode composition."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: [str(m) for m in ValidationError(items).messages] for name, items in error.error_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


class _Places:
    """The file's communes (by code), their villages (by name) and the user's right to write there.

    Two queries for the whole file; the permission check needs none once the user's assignments
    are read.
    """

    def __init__(self, rows, user, *, with_villages: bool):
        codes = {_unit_code(values.get("unit_code", "")) for _row, values in rows}
        codes.discard("")
        # A code names several units over time (06970: the town until 30/06/2025, xã Ba Chẽ since):
        # every unit of each code, resolved per row by the row's date.
        self.units: dict[str, list[AdministrativeUnit]] = {}
        for unit in AdministrativeUnit.objects.filter(code__in=codes, level=Level.COMMUNE).order_by("valid_from"):
            self.units.setdefault(unit.code, []).append(unit)
        self.user = user
        self.writable: dict[int, bool] = {}
        self.villages: dict[tuple[int, str], AdministrativeUnit | None] = {}
        all_units = [unit for units in self.units.values() for unit in units]
        if with_villages and all_units:
            for village in AdministrativeUnit.objects.filter(parent__in=all_units, level=Level.VILLAGE):
                key = (village.parent_id, _name_key(village.name))
                # Two villages with the same name in one commune: the name alone is ambiguous.
                self.villages[key] = None if key in self.villages else village

    def unit(self, value, row: int, errors: list[RowError], *, on=None) -> AdministrativeUnit | None:
        """The unit the code named on the row's date `on` (a cell value; today when unreadable)."""
        code = _unit_code(value)
        if not code:
            errors.append(RowError(row, "unit_code", _("The commune code is required (e.g. 06976).")))
            return None
        candidates = self.units.get(code)
        if not candidates:
            errors.append(
                RowError(row, "unit_code", _("No commune, ward or town has the code “%(code)s”.") % {"code": code})
            )
            return None
        day = _row_day(on) or timezone.localdate()
        unit = next((candidate for candidate in candidates if candidate.is_valid_on(day)), None)
        if unit is None:  # the code named no unit that day: say where the record belongs
            before = [candidate for candidate in candidates if candidate.valid_until and candidate.valid_until < day]
            closest = before[-1] if before else candidates[0]
            errors.append(RowError(row, "unit_code", lineage.unit_validity_error(closest, day) or ""))
            return None
        if unit.pk not in self.writable:
            self.writable[unit.pk] = can(self.user, Capability.RECORDS_WRITE, unit)
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
        self, unit: AdministrativeUnit | None, value, row: int, errors: list[RowError]
    ) -> AdministrativeUnit | None:
        name = restore_text(value)
        if not name or unit is None:
            return None
        key = (unit.pk, _name_key(name))
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


def _row_day(value: Any) -> date | None:
    """A row's date read quietly, only to resolve its unit code (its own cell reports any error)."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    try:
        return _fast_date(value) or tabular.parse_date(str(value).strip()[:10], allow_future=True)
    except Exception:  # noqa: BLE001 - any unreadable date: resolve at today, the date cell says why
        return None


def _fast_date(value: Any) -> date | None:
    """A text date in one of the two accepted forms, read without strptime (100,000 rows a file)."""
    if isinstance(value, str) and len(value) == 10:
        try:
            if value[4] == "-" and value[7] == "-":
                return date.fromisoformat(value)
            if value[2] == "/" and value[5] == "/":
                return date(int(value[6:]), int(value[3:5]), int(value[:2]))
        except ValueError:
            return None
    return None


def parse_date(
    value: Any, *, required: bool = True, allow_future: bool = False, today: date | None = None
) -> date | None:
    """tabular.parse_date, with a fast path for the usual text dates; `today` may be given once per file."""
    day = _fast_date(value)
    if day is None:
        return tabular.parse_date(value, required=required, allow_future=allow_future)
    tabular.check_year(day)
    if not allow_future and day > (today or timezone.localdate()):
        raise CellError(_("This date is in the future."))
    return day


def _cell(row: int, column: str, errors: list[RowError], parse, value, **kwargs):
    """`parse(value, **kwargs)`, or None with the cell's error recorded."""
    try:
        return parse(value, **kwargs)
    except CellError as error:
        errors.append(RowError(row, column, str(error)))
        return None


def choice_names(choices) -> dict[str, str]:
    """Each choice by its code and by its name in every language of the site ("Tin báo" → "report")."""
    names = {value: value for value in choices.values}
    for language in ("vi", "en"):
        with override(language):
            names.update({_name_key(str(label)): value for value, label in choices.choices})
    return names


def _choice(row: int, column: str, errors: list[RowError], value, choices) -> str:
    """A choice written as its code or its name (an export for people writes names)."""
    text = tabular.text(value)
    code = choice_names(choices).get(_name_key(text), text.lower())
    if code and code not in choices.values:
        errors.append(
            RowError(
                row,
                column,
                _("“%(value)s” is not allowed here. Use one of: %(codes)s.")
                % {"value": value, "codes": ", ".join(choices.values)},
            )
        )
    return code


HISTORY_OWN_FIELDS = ("history_date", "history_change_reason", "history_type", "history_user")


def insert_creation_history(
    model: type[models.Model], records: Sequence[models.Model], *, user, reason: str, when
) -> None:
    """The "+" history rows of just-created `records`, as simple-history's bulk_history_create
    writes them (same columns and values), but with one executemany of plain tuples: building a
    historical model instance per row and compiling its INSERT was half the time of a 100,000-row
    import. Values go through each field's get_db_prep_save, as the ORM does.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True) or not records:
        return
    history = model.history.model
    own = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user": user.pk if user is not None else None,
    }
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    unknown = {field.name for field in fields if field.name.startswith("history_")} - set(HISTORY_OWN_FIELDS)
    if unknown:  # a history field this function does not know how to fill: do it the slow, sure way
        model.history.bulk_history_create(records, default_user=user, default_change_reason=reason, default_date=when)
        return
    connection = connections[router.db_for_write(history)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(history._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    getters = [
        (field, (lambda _record, value=own[field.name]: value) if field.name in own else attrgetter(field.attname))
        for field in fields
    ]
    rows = [tuple(field.get_db_prep_save(get(record), connection) for field, get in getters) for record in records]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


class RecordImporter(tabular.Importer):
    """Rows → unsaved model instances checked by `full_clean()` → written in bulk with history.

    Subclasses set `model`, `columns`, `field_columns` (model field → file column, to report a
    model error on the right column) and implement `build(row, values, errors)`.
    """

    model: type[models.Model]
    field_columns: dict[str, str] = {}
    # The fields that make a row the same record as one already recorded: the unit, the date, the rest.
    same_record_fields: Sequence[str] = ()
    # Foreign keys set from rows read in this import: full_clean() need not query them again.
    looked_up_fields: Sequence[str] = ("unit", "village", "recorded_by")
    uses_villages = False

    filename = ""

    @property
    def titles(self) -> dict[str, str]:
        from .exports import import_titles  # exports.py builds on this module's columns

        return import_titles(self.kind)

    def run(self, data: bytes, filename: str, *, raise_on_error: bool = False) -> tabular.ImportResult:
        self.filename = filename or ""
        return super().run(data, filename, raise_on_error=raise_on_error)

    def prepare(self, rows) -> None:
        """Read what the rows refer to, once for the whole file."""
        if self.user is None:
            raise ValueError("Records are attributed to the importing user: give a user.")
        self.places = _Places(rows, self.user, with_villages=self.uses_villages)
        self.today = timezone.localdate()

    def build(self, row: int, values: dict[str, Any], errors: list[RowError]) -> Any:
        raise NotImplementedError

    def instance_of(self, item: Any) -> models.Model:
        return item

    def validate(self, rows, errors):
        self.prepare(rows)
        parsed = []
        checked = []
        for row, values in rows:
            before = len(errors)
            item = self.build(row, values, errors)
            if len(errors) == before:
                self.check(self.instance_of(item), row, errors)
                checked.append((row, self.instance_of(item)))
            parsed.append(item)
        if not errors:
            self.check_already_recorded(checked, errors)
        return parsed

    def check_already_recorded(self, checked: list[tuple[int, models.Model]], errors: list[RowError]) -> None:
        """A row that repeats a record already in the book (every imported column the same) is refused:
        an exported file imported again into the same database would otherwise double every record.
        One query for the file: the records of its units between its first and last date."""
        if not checked:
            return
        fields, date_field = self.same_record_fields, self.same_record_fields[1]
        days = [getattr(instance, date_field) for _row, instance in checked]
        existing = set(
            self.model.objects.filter(
                unit__in={instance.unit_id for _row, instance in checked},
                **{f"{date_field}__gte": min(days), f"{date_field}__lte": max(days)},
            ).values_list(*fields)
        )
        for row, instance in checked:
            if tuple(getattr(instance, name) for name in fields) in existing:
                errors.append(
                    RowError(
                        row,
                        "",
                        _(
                            "This record is already in the book (the same values were recorded before): "
                            "delete this row from the file, or correct the record on its page."
                        ),
                    )
                )

    def check(self, instance: models.Model, row: int, errors: list[RowError]) -> None:
        # validate_constraints=False: Django checks each CheckConstraint with one query per row
        # (3 x 100,000 queries for a big file). Every constraint of these models repeats a rule
        # that the fields' validators or the model's clean() check with a clearer message, and the
        # database still enforces them on insert (an IntegrityError then writes nothing).
        try:
            instance.full_clean(exclude=self.looked_up_fields, validate_constraints=False)
        except ValidationError as error:
            for name, messages in _messages(error).items():
                for message in messages:
                    errors.append(RowError(row, self.field_columns.get(name, ""), message))
        self.check_lock(instance, row, errors)

    def check_lock(self, instance: models.Model, row: int, errors: list[RowError]) -> None:
        """A row dated in a locked period of its unit (communes/locks.py) is refused at its date column."""
        paths = lock_paths(type(instance))
        if paths is None:
            return
        if getattr(self, "_locks", None) is None:
            self._locks = LockChecker()  # reads each unit's locks once for the whole file
        unit_path, day_path = paths
        message = self._locks.reason(record_value(instance, unit_path), record_value(instance, day_path))
        if message:
            errors.append(RowError(row, self.field_columns.get(day_path, ""), message))

    @property
    def change_reason(self) -> str:
        return _("Imported from the file “%(name)s”") % {"name": self.filename}

    def write(self, parsed) -> int:
        reason, now = self.change_reason, timezone.now()
        for start in range(0, len(parsed), BATCH_SIZE):
            batch = self.model.objects.bulk_create(parsed[start : start + BATCH_SIZE], batch_size=BATCH_SIZE)
            insert_creation_history(self.model, batch, user=self.user, reason=reason, when=now)
            records_created.send(sender=self.model, records=batch)  # no post_save for bulk writes
        return len(parsed)


# --- incidents -----------------------------------------------------------------------------------


class IncidentsImporter(RecordImporter):
    kind = "incidents"
    columns = INCIDENT_COLUMNS
    model = Incident
    same_record_fields = ("unit_id", "occurred_on", "village_id", "category_id", "subjects", "description")
    uses_villages = True
    looked_up_fields = ("unit", "village", "recorded_by", "category")
    field_columns = {
        "unit": "unit_code",
        "village": "village",
        "occurred_on": "occurred_on",
        "category": "category",
        "subjects": "subjects",
        "description": "description",
    }

    def prepare(self, rows) -> None:
        super().prepare(rows)
        # By code, or by name as an export for people writes it.
        categories = list(IncidentCategory.objects.all())
        self.categories = {_name_key(c.name): c for c in categories} | {c.code: c for c in categories}

    def build(self, row, values, errors):
        unit = self.places.unit(values["unit_code"], row, errors, on=values["occurred_on"])
        village = self.places.village(unit, values["village"], row, errors)
        occurred_on = _cell(row, "occurred_on", errors, parse_date, values["occurred_on"], today=self.today)
        code = tabular.text(values["category"]).lower()
        category = self.categories.get(code) or self.categories.get(_name_key(code))
        if category is None:
            errors.append(
                RowError(
                    row,
                    "category",
                    _(
                        "Unknown category “%(value)s”: write a category code such as crime.theft "
                        "(the list is in the import guide)."
                    )
                    % {"value": values["category"]}
                    if code
                    else _("The category code is required (e.g. crime.theft)."),
                )
            )
        subjects = _cell(row, "subjects", errors, tabular.parse_int, values["subjects"])
        return Incident(
            unit=unit,
            village=village,
            occurred_on=occurred_on,
            category=category,
            subjects=subjects if subjects is not None else 0,
            description=restore_text(values["description"]),
            recorded_by=self.user,
        )


# --- traffic accidents ---------------------------------------------------------------------------


class TrafficAccidentsImporter(RecordImporter):
    kind = "traffic_accidents"
    columns = ACCIDENT_COLUMNS
    model = TrafficAccident
    same_record_fields = ("unit_id", "occurred_on", "deaths", "injuries", "description")
    field_columns = {
        "unit": "unit_code",
        "occurred_on": "occurred_on",
        "deaths": "deaths",
        "injuries": "injuries",
        "description": "description",
    }

    def build(self, row, values, errors):
        unit = self.places.unit(values["unit_code"], row, errors, on=values["occurred_on"])
        occurred_on = _cell(row, "occurred_on", errors, parse_date, values["occurred_on"], today=self.today)
        deaths = _cell(row, "deaths", errors, tabular.parse_int, values["deaths"])
        injuries = _cell(row, "injuries", errors, tabular.parse_int, values["injuries"])
        return TrafficAccident(
            unit=unit,
            occurred_on=occurred_on,
            deaths=deaths or 0,
            injuries=injuries or 0,
            description=restore_text(values["description"]),
            recorded_by=self.user,
        )


# --- crime tips ----------------------------------------------------------------------------------


@dataclass
class TipRow:
    tip: CrimeTip
    extensions: list[tuple[date, date]]  # (extended on, new deadline), in order


def tip_extensions(received_on: date, extended_until: date) -> list[date]:
    """The new deadlines of the extensions that lead lawfully to `extended_until` (module docstring)."""
    first_limit = deadlines.tip_extension_limit(received_on, 1)
    if extended_until <= first_limit:
        return [extended_until]
    return [first_limit, extended_until]


class CrimeTipsImporter(RecordImporter):
    kind = "crime_tips"
    columns = TIP_COLUMNS
    model = CrimeTip
    same_record_fields = ("unit_id", "received_on", "kind", "summary")
    field_columns = {
        "unit": "unit_code",
        "kind": "kind",
        "received_on": "received_on",
        "deadline": "extended_until",
        "decided_on": "resolved_on",
        "decision": "decision",
        "summary": "summary",
    }

    def instance_of(self, item: TipRow) -> CrimeTip:
        return item.tip

    def build(self, row, values, errors):
        unit = self.places.unit(values["unit_code"], row, errors, on=values["received_on"])
        kind = _choice(row, "kind", errors, values["kind"], TipKind)
        if not kind:
            errors.append(
                RowError(row, "kind", _("The kind is required: %(codes)s.") % {"codes": ", ".join(TipKind.values)})
            )
        received_on = _cell(row, "received_on", errors, parse_date, values["received_on"], today=self.today)
        extended_until = _cell(
            row, "extended_until", errors, parse_date, values["extended_until"], required=False, allow_future=True
        )
        decided_on = _cell(
            row, "resolved_on", errors, parse_date, values["resolved_on"], required=False, today=self.today
        )
        decision = _choice(row, "decision", errors, values["decision"], TipDecision)
        extensions: list[tuple[date, date]] = []
        deadline = None
        if received_on is not None:
            deadline = deadlines.tip_initial_deadline(received_on)
            if extended_until is not None:
                new_deadlines = tip_extensions(received_on, extended_until)
                try:
                    for number, new_deadline in enumerate(new_deadlines):
                        deadlines.validate_extension(received_on, new_deadlines[:number], new_deadline)
                except ValidationError as error:
                    errors.extend(RowError(row, "extended_until", message) for message in error.messages)
                else:
                    # Granted at the latest when the previous deadline ran out; never after today
                    # nor after the decision (the file does not say when).
                    previous = deadline
                    for new_deadline in new_deadlines:
                        extended_on = min(d for d in (previous, timezone.localdate(), decided_on) if d is not None)
                        extensions.append((max(extended_on, received_on), new_deadline))
                        previous = new_deadline
                    deadline = extended_until
        tip = CrimeTip(
            unit=unit,
            kind=kind,
            received_on=received_on,
            summary=restore_text(values["summary"]),
            decision=decision,
            decided_on=decided_on,
            deadline=deadline,
            recorded_by=self.user,
        )
        return TipRow(tip=tip, extensions=extensions)

    def write(self, parsed: list[TipRow]) -> int:
        reason = self.change_reason
        for item in parsed:
            tip = item.tip
            created = services.tip_create(
                user=self.user, unit=tip.unit, kind=tip.kind, received_on=tip.received_on, summary=tip.summary
            )
            for extended_on, new_deadline in item.extensions:
                services.tip_extend(
                    tip=created, user=self.user, new_deadline=new_deadline, reason=reason, extended_on=extended_on
                )
            if tip.decision:
                created.refresh_from_db()
                services.tip_decide(tip=created, user=self.user, decision=tip.decision, decided_on=tip.decided_on)
        return len(parsed)


# --- foreigners' stays ---------------------------------------------------------------------------


class ForeignerStaysImporter(RecordImporter):
    kind = "foreigner_stays"
    columns = STAY_COLUMNS
    model = ForeignerStay
    same_record_fields = ("unit_id", "arrived_at", "passport_number", "full_name")
    field_columns = {
        "unit": "unit_code",
        "full_name": "full_name",
        "nationality": "nationality",
        "passport_number": "passport_no",
        "arrived_at": "arrived_at",
        "arrived_on": "arrived_at",
        "declaration_due_at": "arrived_at",
        "declared_at": "declared_at",
        "departed_on": "departed_on",
    }

    def build(self, row, values, errors):
        unit = self.places.unit(values["unit_code"], row, errors, on=values["arrived_at"])
        arrived_at = _cell(row, "arrived_at", errors, tabular.parse_datetime, values["arrived_at"])
        declared_at = _cell(row, "declared_at", errors, tabular.parse_datetime, values["declared_at"], required=False)
        departed_on = _cell(
            row, "departed_on", errors, parse_date, values["departed_on"], required=False, today=self.today
        )
        return ForeignerStay(
            unit=unit,
            full_name=restore_text(values["full_name"]),
            nationality=tabular.text(values["nationality"]).upper(),
            passport_number=restore_text(values["passport_no"]),
            arrived_at=arrived_at,
            declared_at=declared_at,
            departed_on=departed_on,
            recorded_by=self.user,
        )


IMPORTERS: dict[str, type[RecordImporter]] = {
    IncidentsImporter.kind: IncidentsImporter,
    TrafficAccidentsImporter.kind: TrafficAccidentsImporter,
    CrimeTipsImporter.kind: CrimeTipsImporter,
    ForeignerStaysImporter.kind: ForeignerStaysImporter,
}
