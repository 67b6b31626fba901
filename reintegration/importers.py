"""Import and export of reintegrated persons and their statuses (docs/import-formats.md:
kinds `reintegration_persons` and `reintegration_statuses`).

The generic part (reading CSV/XLSX, cell parsing, all or nothing, the same file refused twice,
formula-safe writers) is basecurity/lib/tabular.py; this module says what a row means.

Each kind is registered (`communes.imports.register`), so the import pages, the jobs and
`manage.py import_records KIND FILE --user U` find them without importing this app by name;
`IMPORTERS[kind](user=user).run(data, filename)` returns a `tabular.ImportResult` (errors, written).
The rows that name a commune (units, the user's right to write persons there, period locks) are
communes/imports.py's `UnitRowsImporter`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from basecurity.lib import tabular
from basecurity.lib.tabular import Column, RowError, field_column
from communes import imports
from communes.permissions import Capability

from . import services
from .models import Category, Person, Sex, Status

PERSON_COLUMNS = (
    "unit_code",
    "ref",
    "full_name",
    "birth_date",
    "sex",
    "id_number",
    "category",
    "returned_on",
    "management_ended_on",
    "reoffended_on",
)
STATUS_COLUMNS = ("unit_code", "ref", "as_of", "employed", "stable_life", "note")

# The exports for people: titles in the user's language, sex, category and yes/no in words, dates
# dd/mm/yyyy; each column says which import column it gives back, so an exported file imports back.
PERSON_PEOPLE = (
    Column(gettext_lazy("Commune code"), lambda p: p.unit.code, "unit_code"),
    Column(gettext_lazy("Commune"), lambda p: p.unit.name),
    field_column(Person, "ref", source="ref"),
    field_column(Person, "full_name", source="full_name"),
    field_column(Person, "date_of_birth", source="birth_date"),
    field_column(Person, "sex", source="sex"),
    field_column(Person, "citizen_id", source="id_number"),
    field_column(Person, "category", source="category"),
    field_column(Person, "offence"),
    field_column(Person, "returned_on", source="returned_on"),
    field_column(Person, "management_start"),
    field_column(Person, "management_end", source="management_ended_on"),
    Column(gettext_lazy("reoffended on"), lambda p: p.last_reoffence, "reoffended_on"),
)
STATUS_PEOPLE = (
    Column(gettext_lazy("Commune code"), lambda s: s.person.unit.code, "unit_code"),
    Column(gettext_lazy("Commune"), lambda s: s.person.unit.name),
    Column(Person._meta.get_field("ref").verbose_name, lambda s: s.person.ref, "ref"),
    Column(Person._meta.get_field("full_name").verbose_name, lambda s: s.person.full_name),
    field_column(Status, "as_of", source="as_of"),
    field_column(Status, "has_job", source="employed"),
    field_column(Status, "stable_life", source="stable_life"),
    field_column(Status, "occupation"),
    field_column(Status, "income_band"),
    field_column(Status, "note", source="note"),
)


def _yes_no() -> list[tuple[str, str]]:
    return [("có", _("Yes")), ("không", _("No"))]


# The person file has no offence column, but a person's offence is required: imported persons get
# this marker, which the officer replaces on the person's page.
IMPORTED_OFFENCE = "(chưa ghi — nhập từ tệp)"
CITIZEN_ID_WIDTH = 12


class _ReintegrationImporter(imports.UnitRowsImporter):
    """Rows of persons managed today (the unit in force today) in communes the user may write persons of."""

    capability = Capability.PERSONS_WRITE
    dated_units = False
    people: tuple[Column, ...] = ()

    @property
    def titles(self) -> Mapping[str, str]:
        return tabular.people_titles(self.people)

    def required_text(self, row: int, column: str, value, message: str, errors: list[RowError]) -> str:
        found = tabular.text(value)
        if not found:
            errors.append(RowError(row, column, message))
        return found


# --- persons -------------------------------------------------------------------------------------


@dataclass
class PersonRow:
    person: Person
    reoffended_on: date | None


class PersonsImporter(_ReintegrationImporter):
    kind = "reintegration_persons"
    columns = PERSON_COLUMNS
    people = PERSON_PEOPLE
    field_columns = {
        "unit": "unit_code",
        "village": "unit_code",
        "ref": "ref",
        "full_name": "full_name",
        "date_of_birth": "birth_date",
        "sex": "sex",
        "citizen_id": "id_number",
        "category": "category",
        "returned_on": "returned_on",
        "management_start": "returned_on",
        "management_end": "management_ended_on",
    }

    def prepare(self, rows) -> None:
        super().prepare(rows)
        self.seen_refs: dict[tuple[str, str], int] = {}
        self.seen_ids: dict[str, int] = {}

    def build(self, row, values, errors):
        unit = self.unit(values["unit_code"], row, errors)
        ref = self.required_text(row, "ref", values["ref"], _("The file number (ref) is required."), errors)
        self._once_in_file(row, unit, ref, errors)
        full_name = self.required_text(row, "full_name", values["full_name"], _("The full name is required."), errors)
        id_number = self._citizen_id(row, values["id_number"], errors)
        category = tabular.choice_code(values["category"], Category).lower()
        if category not in Category.values:
            errors.append(
                RowError(
                    row,
                    "category",
                    _("Unknown category “%(value)s”. Use one of: %(codes)s.")
                    % {"value": values["category"], "codes": ", ".join(Category.values)},
                )
            )
        returned_on, ended_on, reoffended_on = self._dates(row, values, unit, errors)
        person = Person(
            unit=unit,
            ref=ref,
            full_name=full_name,
            date_of_birth=self.date_cell(row, values, "birth_date", errors),
            sex=self.choice(
                row, "sex", errors, values["sex"], Sex, required=True, message=_("Write M (male) or F (female).")
            ),
            citizen_id=id_number or None,
            category=category,
            offence=IMPORTED_OFFENCE,
            returned_on=returned_on,
            management_start=returned_on,
            management_end=ended_on,
        )
        return PersonRow(person=person, reoffended_on=reoffended_on)

    def _once_in_file(self, row: int, unit, ref: str, errors: list[RowError]) -> None:
        """A file number appears once per commune in the file."""
        if not ref or unit is None:
            return
        key = (unit.code, ref.upper())
        if key in self.seen_refs:
            errors.append(
                RowError(
                    row,
                    "ref",
                    _("The file number %(ref)s is already used on row %(row)d of this file.")
                    % {"ref": ref, "row": self.seen_refs[key]},
                )
            )
        else:
            self.seen_refs[key] = row

    def _citizen_id(self, row: int, value, errors: list[RowError]) -> str:
        """The citizen ID (a 12-digit code), once in the file."""
        id_number = tabular.code(value, CITIZEN_ID_WIDTH)
        if id_number in self.seen_ids:
            errors.append(
                RowError(
                    row,
                    "id_number",
                    _("This citizen ID number is already on row %(row)d of this file.")
                    % {"row": self.seen_ids[id_number]},
                )
            )
        elif id_number:
            self.seen_ids[id_number] = row
        return id_number

    def _dates(self, row: int, values, unit, errors: list[RowError]):
        """Return, end of management and reoffence; a reoffence not before the return nor in a locked period."""
        returned_on = self.date_cell(row, values, "returned_on", errors)
        ended_on = self.date_cell(
            row,
            values,
            "management_ended_on",
            errors,
            required=False,
            allow_future=True,
        )
        reoffended_on = self.date_cell(row, values, "reoffended_on", errors, required=False)
        if reoffended_on and returned_on and reoffended_on < returned_on:
            errors.append(RowError(row, "reoffended_on", _("A reoffence cannot be dated before the person's return.")))
        self.check_lock(unit, reoffended_on, row, "reoffended_on", errors)
        return returned_on, ended_on, reoffended_on

    def check_row(self, item, row, errors):
        # Uniqueness is checked by check_file for all rows at once (one query, not one per row).
        self.model_errors(item.person, row, errors, validate_unique=False, validate_constraints=False)

    def unit_name(self, item) -> str:
        return item.person.unit.name if item.person.unit is not None else ""

    def check_file(self, numbered, errors):
        self._refs_already_recorded(numbered, errors)
        self._citizen_ids_already_recorded(numbered, errors)

    def _refs_already_recorded(self, numbered, errors):
        """File numbers already recorded in their commune (one query for the file)."""
        condition = Q(pk__in=[])
        for _row, item in numbered:
            if item.person.unit_id and item.person.ref:
                condition |= Q(unit_id=item.person.unit_id, ref=item.person.ref)
        existing = set(Person.objects.filter(condition).values_list("unit_id", "ref"))
        for row, item in numbered:
            person = item.person
            if person.unit_id and (person.unit_id, person.ref) in existing:
                errors.append(
                    RowError(
                        row,
                        "ref",
                        _("A person with file number %(ref)s is already recorded in %(unit)s.")
                        % {"ref": person.ref, "unit": person.unit.name},
                    )
                )

    def _citizen_ids_already_recorded(self, numbered, errors):
        """Citizen IDs already recorded: every ID of the file is a lookup written to the read log with
        who imported it; a file hitting many is refused whole without saying which (a probe)."""
        ids = {item.person.citizen_id for _row, item in numbered if item.person.citizen_id}
        existing_ids = services.citizen_id_lookup(user=self.user, citizen_ids=ids, via=f"import “{self.filename}”")
        if services.is_citizen_id_probe(len(existing_ids), len(ids)):
            services.flag_citizen_id_probe(
                user=self.user, hits=len(existing_ids), asked=len(ids), filename=self.filename
            )
            errors.append(
                RowError(
                    0,
                    "",
                    _(
                        "Nothing was imported: %(hits)d of the file's %(asked)d citizen ID numbers are already "
                        "recorded, more than a commune's own list would hold. The superior police have been "
                        "informed; ask them to check the file."
                    )
                    % {"hits": len(existing_ids), "asked": len(ids)},
                )
            )
            return  # which IDs are known is not told row by row
        for row, item in numbered:
            if item.person.citizen_id in existing_ids:
                errors.append(
                    RowError(
                        row,
                        "id_number",
                        services.duplicate_citizen_id_message(self.user, existing_ids[item.person.citizen_id]),
                    )
                )

    def write(self, parsed):
        for item in self.each(parsed, "writing"):
            fields = {
                name: getattr(item.person, name)
                for name in services.PERSON_FIELDS
                if name not in ("village", "assigned_officer")
            }
            person = services.person_create(user=self.user, **fields)
            if item.reoffended_on:
                services.reoffence_record(person=person, user=self.user, date=item.reoffended_on)
        return len(parsed)


# --- statuses ------------------------------------------------------------------------------------


class StatusesImporter(_ReintegrationImporter):
    kind = "reintegration_statuses"
    columns = STATUS_COLUMNS
    people = STATUS_PEOPLE
    field_columns = {"as_of": "as_of", "has_job": "employed", "stable_life": "stable_life", "note": "note"}

    def prepare(self, rows) -> None:
        """The file's persons, by (unit, file number), in one query."""
        super().prepare(rows)
        condition = Q(pk__in=[])
        for _row, values in rows:
            ref = tabular.text(values["ref"])
            for unit in self.units.get(imports.unit_code(values["unit_code"]), []) if ref else []:
                condition |= Q(unit=unit, ref=ref)
        self.persons = {(p.unit_id, p.ref): p for p in Person.objects.filter(condition).select_related("unit")}
        self.seen: dict[tuple[int, date], int] = {}

    def build(self, row, values, errors):
        person = self._person(row, values, errors)
        as_of = self.date_cell(row, values, "as_of", errors)
        employed = self.cell(row, "employed", errors, tabular.parse_bool, values["employed"])
        stable = self.cell(row, "stable_life", errors, tabular.parse_bool, values["stable_life"])
        if person is not None and as_of is not None:
            key = (person.pk, as_of)
            if key in self.seen:
                errors.append(
                    RowError(
                        row,
                        "as_of",
                        _("This person already has a status of this date on row %(row)d of this file.")
                        % {"row": self.seen[key]},
                    )
                )
            self.seen.setdefault(key, row)
            self.check_lock(person.unit, as_of, row, "as_of", errors)
        note = tabular.text(values["note"])
        return Status(person=person, as_of=as_of, has_job=bool(employed), stable_life=bool(stable), note=note)

    def _person(self, row: int, values, errors: list[RowError]) -> Person | None:
        """The person the row names by commune code and file number."""
        unit = self.unit(values["unit_code"], row, errors)
        ref = self.required_text(row, "ref", values["ref"], _("The file number (ref) is required."), errors)
        if unit is None or not ref:
            return None
        person = self.persons.get((unit.pk, ref))
        if person is None:
            errors.append(
                RowError(
                    row,
                    "ref",
                    _("No person with file number %(ref)s is recorded in %(unit)s.") % {"ref": ref, "unit": unit.name},
                )
            )
        return person

    def check_row(self, item, row, errors):
        self.model_errors(item, row, errors, exclude=["person"], validate_unique=False, validate_constraints=False)

    def unit_name(self, item) -> str:
        return item.person.unit.name if item.person is not None else ""

    def write(self, parsed):
        for status in self.each(parsed, "writing"):
            services.status_record(
                person=status.person,
                user=self.user,
                as_of=status.as_of,
                has_job=status.has_job,
                stable_life=status.stable_life,
                note=status.note,
            )
        return len(parsed)


IMPORTERS = {
    PersonsImporter.kind: PersonsImporter,
    StatusesImporter.kind: StatusesImporter,
}


def _allowed(kind: str) -> dict[str, list]:
    if kind == PersonsImporter.kind:
        return {"sex": list(Sex.choices), "category": list(Category.choices)}
    return {"employed": _yes_no(), "stable_life": _yes_no()}


def import_guide(kind: str) -> list[dict]:
    """One row per import column of `kind`: its code, its title in an export, the values it accepts."""
    importer = IMPORTERS[kind]
    return tabular.guide(importer.columns, importer.people, _allowed(kind))


for _kind, _importer in IMPORTERS.items():
    imports.register(
        imports.ImportKind(
            key=_kind,
            importer=_importer,
            label=(Person if _kind == PersonsImporter.kind else Status)._meta.verbose_name_plural,
            capability=Capability.PERSONS_WRITE,
            records_url="reintegration:person_list",
            guide=partial(import_guide, _kind),
        )
    )
