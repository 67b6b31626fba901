"""Fictional reintegration records for the demo (names, dates and amounts are invented).

The one story taken from the article (18/01/2022): a man of khu 6 of the town, born in 1994,
sentenced for gambling, came home after serving his sentence, was helped to borrow money and
opened a motorbike shop that brings in close to 100 million VND a year. His name here is invented.
No demo person has a citizen ID number: a well-formed number could belong to a real person.
Idempotent: rows are looked up by their natural keys and only written when they change.
"""

import csv
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from django.db import models

from .models import Person, Reoffence, Status, SupportAction

# The persons: one a row, by Person's field names (unit and village by their codes; ISO dates).
DEMO_PERSONS = Path(__file__).with_name("demo_persons.csv")
PERSON_DATES = ("date_of_birth", "returned_on", "management_start", "management_end")
# Their support actions: by the person's ref, then SupportAction's field names.
DEMO_SUPPORT = Path(__file__).with_name("demo_support.csv")
# Their statuses: by the person's ref, then Status's field names (yes/no for the two booleans).
DEMO_STATUSES = Path(__file__).with_name("demo_statuses.csv")

M = TypeVar("M", bound=models.Model)


# ref → reoffences (date, description)
REOFFENCES = {
    "TL-2020-01": [(date(2021, 9, 20), "Trộm cắp tài sản (01 con trâu) tại thôn bên cạnh; đã bị khởi tố.")],
}


def _upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """Get the row by `lookup`, create it or update it only when `values` differ (no new history
    when the demo is loaded again)."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
    elif all(getattr(instance, name) == value for name, value in values.items()):
        return instance
    else:
        for name, value in values.items():
            setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


def _rows(path: Path, dates: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of a CSV file of the demo, `dates` read from ISO dates (empty: None)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows: list[dict[str, Any]] = list(csv.DictReader(handle))
    for row in rows:
        for name in dates:
            row[name] = date.fromisoformat(row[name]) if row[name] else None
    return rows


def load(units) -> None:
    persons = {}
    for row in _rows(DEMO_PERSONS, PERSON_DATES):
        unit_code, village_code, ref = row.pop("unit"), row.pop("village"), row.pop("ref")
        # A file that moved with its commune (1/11/2024, 1/7/2025) is the same person: found by its
        # number among the commune's successors too, never created twice.
        moved = Person.objects.filter(ref=ref, transfers__from_unit=units[unit_code]).first()
        if moved is not None:
            persons[ref] = moved
            continue
        persons[ref] = _upsert(
            Person,
            {"unit": units[unit_code], "ref": ref},
            {
                "village": units.get(village_code),  # the demo's villages are the article's only
                **row,
                "notes": "Dữ liệu minh họa (hư cấu).",
            },
        )
    for row in _rows(DEMO_STATUSES, ("as_of",)):
        row["has_job"], row["stable_life"] = row["has_job"] == "yes", row["stable_life"] == "yes"
        _upsert(Status, {"person": persons[row.pop("person")], "as_of": row.pop("as_of")}, row)
    for row in _rows(DEMO_SUPPORT, ("date",)):
        row["loan_amount_vnd"] = int(row["loan_amount_vnd"]) if row["loan_amount_vnd"] else None
        lookup = {"person": persons[row.pop("person")], "date": row.pop("date"), "kind": row.pop("kind")}
        _upsert(SupportAction, lookup, row)
    for ref, rows in REOFFENCES.items():
        for day, description in rows:
            _upsert(Reoffence, {"person": persons[ref], "date": day}, {"description": description})
