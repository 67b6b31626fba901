"""Import and export of reintegrated persons and their statuses (docs/import-formats.md:
kinds `reintegration_persons` and `reintegration_statuses`).

The generic part (reading CSV/XLSX, cell parsing, all or nothing, the same file refused twice,
formula-safe writers) is basecurity/lib/tabular.py; this module says what a row means.

`IMPORTERS` maps each kind to its importer class, so `manage.py import_records KIND FILE --user U`
finds them without importing this app by name: `IMPORTERS[kind](user=user).run(data, filename)`
returns a `tabular.ImportResult` (errors, written).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from basecurity.lib import tabular
from basecurity.lib.tabular import CellError, Column, RowError, field_column
from communes.locks import LockChecker
from communes.models import AdministrativeUnit, Level
from communes.permissions import Capability, can

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


def import_guide(kind: str) -> list[dict]:
    """One row per import column of `kind`: its code, its title in an export, the values it accepts."""
    people = PERSON_PEOPLE if kind == "reintegration_persons" else STATUS_PEOPLE
    titles: dict[str, str] = {}
    for heading, column in zip(tabular.people_headings(people), people, strict=True):
        if column.source:
            titles.setdefault(column.source, heading)
    yes_no = [("có", _("Yes")), ("không", _("No"))]
    allowed = {"sex": list(Sex.choices), "category": list(Category.choices), "employed": yes_no, "stable_life": yes_no}
    return [
        {"column": name, "title": titles.get(name, ""), "allowed": allowed.get(name, [])}
        for name in IMPORTERS[kind].columns
    ]


def _choice_code(value: Any, choices) -> str:
    """A choice written as its code or its name in any language of the site (an export writes names)."""
    text = tabular.text(value)
    for language in ("vi", "en"):
        with override(language):
            for code, label in choices.choices:
                if text.casefold() in (code.casefold(), str(label).casefold()):
                    return code
    return text


# The person file has no offence column, but a person's offence is required: imported persons get
# this marker, which the officer replaces on the person's page.
IMPORTED_OFFENCE = "(chưa ghi — nhập từ tệp)"

# Model field → column of the file, to report a model's validation error on the right column.
PERSON_FIELD_COLUMNS = {
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
STATUS_FIELD_COLUMNS = {"as_of": "as_of", "has_job": "employed", "stable_life": "stable_life", "note": "note"}


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(message) for message in ValidationError(items).messages]
            for name, items in error.error_dict.items()
        }
    return {"__all__": [str(message) for message in error.messages]}


def _code(value: Any, width: int) -> str:
    """A code typed in Excel as a number loses its leading zeros (06976 → 6976): restore them."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(width)
    return tabular.text(value)


class _UnitResolver:
    """Commune-level units by official code, read in one query, and whether the user may write there."""

    def __init__(self, rows, user):
        codes = {_code(values.get("unit_code", ""), 5) for _row, values in rows}
        # Persons are managed today: a code names the commune in force today (06970: xã Ba Chẽ since
        # 1/7/2025), or, for a code no longer in use, the last unit that had it.
        self.units = {}
        for unit in AdministrativeUnit.objects.filter(code__in=codes, level=Level.COMMUNE).order_by(
            F("valid_until").desc(nulls_first=True), "-valid_from"
        ):
            self.units.setdefault(unit.code, unit)
        self.user = user

    def get(self, value, row: int, errors: list[RowError]) -> AdministrativeUnit | None:
        code = _code(value, 5)
        if not code:
            errors.append(RowError(row, "unit_code", _("The commune code is required (e.g. 06976).")))
            return None
        unit = self.units.get(code)
        if unit is None:
            errors.append(
                RowError(row, "unit_code", _("No commune-level unit has the code “%(code)s”.") % {"code": code})
            )
            return None
        if self.user is not None and not can(self.user, Capability.PERSONS_WRITE, unit):
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


def _cell(row: int, column: str, errors: list[RowError], parse, value, **kwargs):
    try:
        return parse(value, **kwargs)
    except CellError as error:
        errors.append(RowError(row, column, str(error)))
        return None


# --- persons -------------------------------------------------------------------------------------


@dataclass
class PersonRow:
    person: Person
    reoffended_on: date | None


class PersonsImporter(tabular.Importer):
    kind = "reintegration_persons"
    columns = PERSON_COLUMNS

    @property
    def titles(self) -> dict[str, str]:
        return tabular.people_titles(PERSON_PEOPLE)

    def validate(self, rows, errors):
        units = _UnitResolver(rows, self.user)
        locks = LockChecker()  # dates in a locked period (communes/locks.py) are refused per row
        parsed: list[PersonRow] = []
        seen_refs: dict[tuple[str, str], int] = {}
        seen_ids: dict[str, int] = {}
        for row, values in rows:
            count_before = len(errors)
            unit = units.get(values["unit_code"], row, errors)
            ref = tabular.text(values["ref"])
            if not ref:
                errors.append(RowError(row, "ref", _("The file number (ref) is required.")))
            elif unit is not None:
                key = (unit.code, ref.upper())
                if key in seen_refs:
                    errors.append(
                        RowError(
                            row,
                            "ref",
                            _("The file number %(ref)s is already used on row %(row)d of this file.")
                            % {"ref": ref, "row": seen_refs[key]},
                        )
                    )
                else:
                    seen_refs[key] = row
            full_name = tabular.text(values["full_name"])
            if not full_name:
                errors.append(RowError(row, "full_name", _("The full name is required.")))
            birth_date = _cell(row, "birth_date", errors, tabular.parse_date, values["birth_date"])
            sex = _choice_code(values["sex"], Sex).upper()
            if sex not in Sex.values:
                errors.append(RowError(row, "sex", _("Write M (male) or F (female).")))
            id_number = _code(values["id_number"], 12)
            if id_number:
                if id_number in seen_ids:
                    errors.append(
                        RowError(
                            row,
                            "id_number",
                            _("This citizen ID number is already on row %(row)d of this file.")
                            % {"row": seen_ids[id_number]},
                        )
                    )
                seen_ids.setdefault(id_number, row)
            category = _choice_code(values["category"], Category).lower()
            if category not in Category.values:
                errors.append(
                    RowError(
                        row,
                        "category",
                        _("Unknown category “%(value)s”. Use one of: %(codes)s.")
                        % {"value": values["category"], "codes": ", ".join(Category.values)},
                    )
                )
            returned_on = _cell(row, "returned_on", errors, tabular.parse_date, values["returned_on"])
            ended_on = _cell(
                row,
                "management_ended_on",
                errors,
                tabular.parse_date,
                values["management_ended_on"],
                required=False,
                allow_future=True,
            )
            reoffended_on = _cell(
                row, "reoffended_on", errors, tabular.parse_date, values["reoffended_on"], required=False
            )
            if reoffended_on and returned_on and reoffended_on < returned_on:
                errors.append(
                    RowError(row, "reoffended_on", _("A reoffence cannot be dated before the person's return."))
                )
            if reoffended_on and unit is not None and (locked := locks.reason(unit, reoffended_on)):
                errors.append(RowError(row, "reoffended_on", locked))
            person = Person(
                unit=unit,
                ref=ref,
                full_name=full_name,
                date_of_birth=birth_date,
                sex=sex,
                citizen_id=id_number or None,
                category=category,
                offence=IMPORTED_OFFENCE,
                returned_on=returned_on,
                management_start=returned_on,
                management_end=ended_on,
            )
            if len(errors) == count_before:
                try:
                    # Uniqueness is checked below for all rows at once (one query, not one per row).
                    person.full_clean(validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    for name, messages in _messages(error).items():
                        for message in messages:
                            errors.append(RowError(row, PERSON_FIELD_COLUMNS.get(name, ""), message))
            parsed.append(PersonRow(person=person, reoffended_on=reoffended_on))
        self._check_existing(parsed, rows, errors)
        return parsed

    filename = ""

    def run(self, data: bytes, filename: str, *, raise_on_error: bool = False) -> tabular.ImportResult:
        self.filename = filename or ""
        return super().run(data, filename, raise_on_error=raise_on_error)

    def _check_existing(self, parsed, rows, errors):
        """Refs and citizen IDs already in the database (two queries for the whole file)."""
        by_unit: dict[int, set[str]] = {}
        for item in parsed:
            if item.person.unit_id and item.person.ref:
                by_unit.setdefault(item.person.unit_id, set()).add(item.person.ref)
        existing = set()
        if by_unit:
            from django.db.models import Q

            condition = Q()
            for unit_id, refs in by_unit.items():
                condition |= Q(unit_id=unit_id, ref__in=refs)
            existing = set(Person.objects.filter(condition).values_list("unit_id", "ref"))
        ids = {item.person.citizen_id for item in parsed if item.person.citizen_id}
        # Every ID of the file is a lookup (written to the read log with who imported it).
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
            existing_ids = {}  # which IDs are known is not told row by row
        for (row, _values), item in zip(rows, parsed, strict=True):
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
            if person.citizen_id in existing_ids:
                errors.append(
                    RowError(
                        row,
                        "id_number",
                        services.duplicate_citizen_id_message(self.user, existing_ids[person.citizen_id]),
                    )
                )

    def write(self, parsed):
        for item in parsed:
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


class StatusesImporter(tabular.Importer):
    kind = "reintegration_statuses"
    columns = STATUS_COLUMNS

    @property
    def titles(self) -> dict[str, str]:
        return tabular.people_titles(STATUS_PEOPLE)

    def validate(self, rows, errors):
        units = _UnitResolver(rows, self.user)
        locks = LockChecker()  # dates in a locked period (communes/locks.py) are refused per row
        wanted = {}
        for row, values in rows:
            unit = units.get(values["unit_code"], row, errors)
            wanted[row] = (unit, tabular.text(values["ref"]))
        from django.db.models import Q

        condition = Q(pk__in=[])
        for unit, ref in wanted.values():
            if unit is not None and ref:
                condition |= Q(unit=unit, ref=ref)
        persons = {(p.unit_id, p.ref): p for p in Person.objects.filter(condition)}
        parsed = []
        seen: dict[tuple[int, date], int] = {}
        for row, values in rows:
            count_before = len(errors)
            unit, ref = wanted[row]
            person = None
            if not ref:
                errors.append(RowError(row, "ref", _("The file number (ref) is required.")))
            elif unit is not None:
                person = persons.get((unit.pk, ref))
                if person is None:
                    errors.append(
                        RowError(
                            row,
                            "ref",
                            _("No person with file number %(ref)s is recorded in %(unit)s.")
                            % {"ref": ref, "unit": unit.name},
                        )
                    )
            as_of = _cell(row, "as_of", errors, tabular.parse_date, values["as_of"])
            employed = _cell(row, "employed", errors, tabular.parse_bool, values["employed"])
            stable = _cell(row, "stable_life", errors, tabular.parse_bool, values["stable_life"])
            note = tabular.text(values["note"])
            if person is not None and as_of is not None:
                key = (person.pk, as_of)
                if key in seen:
                    errors.append(
                        RowError(
                            row,
                            "as_of",
                            _("This person already has a status of this date on row %(row)d of this file.")
                            % {"row": seen[key]},
                        )
                    )
                seen.setdefault(key, row)
            status = Status(person=person, as_of=as_of, has_job=bool(employed), stable_life=bool(stable), note=note)
            if len(errors) == count_before:
                try:
                    status.full_clean(exclude=["person"], validate_unique=False, validate_constraints=False)
                except ValidationError as error:
                    for name, messages in _messages(error).items():
                        for message in messages:
                            errors.append(RowError(row, STATUS_FIELD_COLUMNS.get(name, ""), message))
            if person is not None and as_of is not None and (locked := locks.reason(unit, as_of)):
                errors.append(RowError(row, "as_of", locked))
            parsed.append(status)
        return parsed

    def write(self, parsed):
        for status in parsed:
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
