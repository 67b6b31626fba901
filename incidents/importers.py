"""Import of incidents, traffic accidents, crime tips and foreigners' stays (docs/import-formats.md;
kinds `incidents`, `traffic_accidents`, `crime_tips`, `foreigner_stays`).

The generic part (reading CSV/XLSX, cell parsing, all or nothing, the same file refused twice) is
basecurity/lib/tabular.py, the rows that name a commune (units, villages, the user's right to
write there, period locks) communes/imports.py; this module says what a row means and registers
each kind (`communes.imports.register`), so the import pages, the jobs and
`manage.py import_records KIND FILE` find them without naming this app. `IMPORTERS` maps each
kind to its importer class: `IMPORTERS[kind](user=user).run(data, filename)` returns a
`tabular.ImportResult`.

How a file is checked, before anything is written:
- every cell is parsed (dates YYYY-MM-DD or DD/MM/YYYY or real Excel dates, date-times with
  HH:MM in local time, whole numbers ≥ 0; dates in the future are refused);
- `unit_code` must be the code of a commune-level unit on which the importing user holds
  RECORDS_WRITE (communes.permissions.can): an officer imports only into their own communes;
- `village` is looked up by name among the villages of that unit (case and Unicode form
  ignored), `category` by its taxonomy code or name;
- every row's record is built unsaved and checked with the model's `full_clean()`, so the rules
  of the pages' forms (no future date, declaration not before arrival, decision not before
  receipt, ...) are the same rules here; a row dated in a locked period is refused at its date.
  Errors are reported by row and column.
Units, villages and categories are read once per file (three queries, whatever the number of
rows), and `full_clean()` skips the foreign keys' existence queries: they were just read.

Writing: incidents, accidents and stays are written in batches with simple-history's own
`bulk_create_with_history` (one INSERT of records and one of their "+" history rows per batch,
`history_user` = the importing user, change reason "Imported from <file>"); `recorded_by` is the
importing user. Crime tips go through the services (`tip_create`, `tip_extend`, `tip_decide`),
which keep the tip's deadline and extensions consistent. Both happen inside the one transaction
of `tabular.Importer.commit`: a failure writes nothing.

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
(`tabular.restore_text`), so an exported file imports as the same records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from basecurity.lib import tabular
from basecurity.lib.tabular import RowError
from communes import imports
from communes.locks import record_value
from communes.permissions import Capability
from communes.record_kinds import lock_paths

from . import deadlines, services
from .models import (
    CrimeTip,
    ForeignerStay,
    Incident,
    IncidentCategory,
    TipDecision,
    TipKind,
    TrafficAccident,
    UnitRecord,
)
from .signals import records_created

INCIDENT_COLUMNS = ("unit_code", "village", "occurred_on", "category", "subjects", "description")
ACCIDENT_COLUMNS = ("unit_code", "occurred_on", "deaths", "injuries", "description")
TIP_COLUMNS = ("unit_code", "kind", "received_on", "extended_until", "resolved_on", "decision", "summary")
STAY_COLUMNS = ("unit_code", "full_name", "nationality", "passport_no", "arrived_at", "declared_at", "departed_on")

# Rows written per INSERT batch: bounds the statement size (SQLite's variable limit) and memory.
BATCH_SIZE = 2000


class RecordImporter(imports.UnitRowsImporter):
    """Rows → unsaved model instances checked by `full_clean()` → written in bulk with history.

    Subclasses set `model`, `columns`, `field_columns` (model field → file column, to report a
    model error on the right column) and implement `build(row, values, errors)`.
    """

    model: type[UnitRecord]
    # The fields that make a row the same record as one already recorded: the unit, the date, the rest.
    same_record_fields: Sequence[str] = ()
    # Foreign keys set from rows read in this import: full_clean() need not query them again.
    looked_up_fields: Sequence[str] = ("unit", "village", "recorded_by")

    @property
    def titles(self) -> Mapping[str, str]:
        from .exports import import_titles  # exports.py builds on this module's columns

        return import_titles(self.kind)

    def prepare(self, rows) -> None:
        if self.user is None:
            raise ValueError("Records are attributed to the importing user: give a user.")
        super().prepare(rows)

    def instance_of(self, item: Any) -> UnitRecord:
        return item

    def unit_name(self, item: Any) -> str:
        unit = self.instance_of(item).unit
        return unit.name if unit is not None else ""

    def check_row(self, item: Any, row: int, errors: list[RowError]) -> None:
        instance = self.instance_of(item)
        # validate_constraints=False: Django checks each CheckConstraint with one query per row
        # (3 x 100,000 queries for a big file). Every constraint of these models repeats a rule
        # that the fields' validators or the model's clean() check with a clearer message, and the
        # database still enforces them on insert (an IntegrityError then writes nothing).
        self.model_errors(instance, row, errors, exclude=self.looked_up_fields, validate_constraints=False)
        paths = lock_paths(type(instance))
        if paths is None:  # a kind that period locks do not guard
            return
        unit_path, day_path = paths
        self.check_lock(
            record_value(instance, unit_path),
            record_value(instance, day_path),
            row,
            self.field_columns.get(day_path, ""),
            errors,
        )

    def check_file(self, numbered: list[tuple[int, Any]], errors: list[RowError]) -> None:
        """A row that repeats a record already in the book (every imported column the same) is refused:
        an exported file imported again into the same database would otherwise double every record.
        One query for the file: the records of its units between its first and last date."""
        if errors or not numbered:
            return
        checked = [(row, self.instance_of(item)) for row, item in numbered]
        fields, date_field = self.same_record_fields, self.same_record_fields[1]
        days = [getattr(instance, date_field) for _row, instance in checked]
        existing = set(
            self.model._default_manager.filter(  # `objects`, the only manager of these models
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

    @property
    def change_reason(self) -> str:
        return _("Imported from the file “%(name)s”") % {"name": self.filename}

    def write(self, parsed) -> int:
        reason, now = self.change_reason, timezone.now()
        for start in range(0, len(parsed), BATCH_SIZE):
            self.report("writing", start, len(parsed))
            batch = bulk_create_with_history(
                parsed[start : start + BATCH_SIZE],
                self.model,
                batch_size=BATCH_SIZE,
                default_user=self.user,
                default_change_reason=reason,
                default_date=now,
            )
            records_created.send(sender=self.model, records=batch)  # no post_save for bulk writes
        self.report("writing", len(parsed), len(parsed))
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
        self.categories = {tabular.name_key(c.name): c for c in categories} | {c.code: c for c in categories}

    def build(self, row, values, errors):
        unit = self.unit(values["unit_code"], row, errors, on=values["occurred_on"])
        village = self.village(unit, values["village"], row, errors)
        occurred_on = self.date_cell(row, values, "occurred_on", errors, today=self.today)
        code = tabular.text(values["category"]).lower()
        category = self.categories.get(code) or self.categories.get(tabular.name_key(code))
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
        subjects = self.cell(row, "subjects", errors, tabular.parse_int, values["subjects"])
        return Incident(
            unit=unit,
            village=village,
            occurred_on=occurred_on,
            category=category,
            subjects=subjects if subjects is not None else 0,
            description=tabular.restore_text(values["description"]),
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
        unit = self.unit(values["unit_code"], row, errors, on=values["occurred_on"])
        occurred_on = self.date_cell(row, values, "occurred_on", errors, today=self.today)
        deaths = self.cell(row, "deaths", errors, tabular.parse_int, values["deaths"])
        injuries = self.cell(row, "injuries", errors, tabular.parse_int, values["injuries"])
        return TrafficAccident(
            unit=unit,
            occurred_on=occurred_on,
            deaths=deaths or 0,
            injuries=injuries or 0,
            description=tabular.restore_text(values["description"]),
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
        unit = self.unit(values["unit_code"], row, errors, on=values["received_on"])
        kind = self.choice(row, "kind", errors, values["kind"], TipKind)
        if not kind:
            errors.append(
                RowError(row, "kind", _("The kind is required: %(codes)s.") % {"codes": ", ".join(TipKind.values)})
            )
        received_on = self.date_cell(row, values, "received_on", errors, today=self.today)
        extended_until = self.date_cell(
            row,
            values,
            "extended_until",
            errors,
            required=False,
            allow_future=True,
        )
        decided_on = self.date_cell(row, values, "resolved_on", errors, required=False, today=self.today)
        decision = self.choice(row, "decision", errors, values["decision"], TipDecision)
        extensions, deadline = self._extensions(row, errors, received_on, extended_until, decided_on)
        tip = CrimeTip(
            unit=unit,
            kind=kind,
            received_on=received_on,
            summary=tabular.restore_text(values["summary"]),
            decision=decision,
            decided_on=decided_on,
            deadline=deadline,
            recorded_by=self.user,
        )
        return TipRow(tip=tip, extensions=extensions)

    def _extensions(self, row, errors, received_on, extended_until, decided_on):
        """The lawful extensions leading to `extended_until` and the tip's deadline (module docstring)."""
        if received_on is None:
            return [], None
        deadline = deadlines.tip_initial_deadline(received_on)
        if extended_until is None:
            return [], deadline
        new_deadlines = tip_extensions(received_on, extended_until)
        try:
            for number, new_deadline in enumerate(new_deadlines):
                deadlines.validate_extension(received_on, new_deadlines[:number], new_deadline)
        except ValidationError as error:
            errors.extend(RowError(row, "extended_until", message) for message in error.messages)
            return [], deadline
        # Granted at the latest when the previous deadline ran out; never after today nor after
        # the decision (the file does not say when).
        extensions, previous = [], deadline
        for new_deadline in new_deadlines:
            extended_on = min(d for d in (previous, timezone.localdate(), decided_on) if d is not None)
            extensions.append((max(extended_on, received_on), new_deadline))
            previous = new_deadline
        return extensions, extended_until

    def write(self, parsed: list[TipRow]) -> int:
        reason = self.change_reason
        for item in self.each(parsed, "writing"):
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
        unit = self.unit(values["unit_code"], row, errors, on=values["arrived_at"])
        arrived_at = self.cell(row, "arrived_at", errors, tabular.parse_datetime, values["arrived_at"])
        declared_at = self.cell(
            row, "declared_at", errors, tabular.parse_datetime, values["declared_at"], required=False
        )
        departed_on = self.date_cell(row, values, "departed_on", errors, required=False, today=self.today)
        return ForeignerStay(
            unit=unit,
            full_name=tabular.restore_text(values["full_name"]),
            nationality=tabular.text(values["nationality"]).upper(),
            passport_number=tabular.restore_text(values["passport_no"]),
            arrived_at=arrived_at,
            declared_at=declared_at,
            departed_on=departed_on,
            recorded_by=self.user,
        )


# --- the kinds, registered for the import pages, jobs and command ---------------------------------


def _guide(kind: str, allowed=None):
    def rows() -> list[dict]:
        from .exports import EXPORTS  # exports.py builds on this module's columns

        export = next(export for export in EXPORTS.values() if export.import_kind == kind)
        return tabular.guide(IMPORTERS[kind].columns, export.people, allowed() if allowed else None)

    return rows


def _categories() -> dict[str, list]:
    return {"category": list(IncidentCategory.objects.order_by("code").values_list("code", "name"))}


def _tip_choices() -> dict[str, list]:
    return {"kind": list(TipKind.choices), "decision": list(TipDecision.choices)}


IMPORTERS: dict[str, type[RecordImporter]] = {
    IncidentsImporter.kind: IncidentsImporter,
    TrafficAccidentsImporter.kind: TrafficAccidentsImporter,
    CrimeTipsImporter.kind: CrimeTipsImporter,
    ForeignerStaysImporter.kind: ForeignerStaysImporter,
}
# Each kind's list (incidents/records.py), where the imported records are shown.
LIST_OF = {"incidents": "incident", "traffic_accidents": "accident", "crime_tips": "tip", "foreigner_stays": "stay"}
ALLOWED = {"incidents": _categories, "crime_tips": _tip_choices}

for _kind, _importer in IMPORTERS.items():
    imports.register(
        imports.ImportKind(
            key=_kind,
            importer=_importer,
            label=_importer.model._meta.verbose_name_plural,
            capability=Capability.RECORDS_WRITE,
            records_url=f"incidents:{LIST_OF[_kind]}_list",
            guide=_guide(_kind, ALLOWED.get(_kind)),
        )
    )
