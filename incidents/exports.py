"""Export of every record list as CSV or XLSX (docs/import-formats.md).

`EXPORTS` maps each list kind of kinds.KINDS (incident, tip, ...) to its columns and a function
giving one row per record. For the four kinds that can be imported the columns are exactly the
import columns (importers.py), so an export imported into an empty database gives the same
records back; the other kinds are exported only, with the columns a commune keeps in its book.

The rows come from `kinds.filtered_records()`, the list page's own query: the export holds what
the list shows (the user's RECORDS_READ scope, the list's filters and search), all pages at once.
Cells that a spreadsheet would run as a formula are neutralised by basecurity/lib/tabular.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet, Sum

from basecurity.lib import tabular

from .importers import ACCIDENT_COLUMNS, INCIDENT_COLUMNS, STAY_COLUMNS, TIP_COLUMNS
from .models import WeaponItemType

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_SIZE = 2000


def _village(record) -> str:
    return record.village.name if record.village_id else ""


@dataclass(frozen=True)
class Export:
    columns: Sequence[str]
    row: Callable[[Any], list[Any]]
    prepare: Callable[[QuerySet], QuerySet] = lambda records: records
    import_kind: str = ""  # the import kind with the same columns, if any

    def rows(self, records: QuerySet) -> Iterable[list[Any]]:
        """One row per record, read in chunks (an export of 100,000 rows stays small in memory)."""
        records = self.prepare(records)
        for record in records.iterator(chunk_size=CHUNK_SIZE):
            yield self.row(record)

    def write(self, records: QuerySet, fmt: str, *, title: str) -> bytes:
        if fmt == "csv":
            return tabular.write_csv(self.columns, self.rows(records))
        return tabular.write_xlsx(self.columns, self.rows(records), title=title)


def _with_last_extension(tips: QuerySet) -> QuerySet:
    return tips.annotate(extended_until=Max("extensions__new_deadline"))


SURRENDER_TYPES = tuple(WeaponItemType.values)


def _with_item_totals(surrenders: QuerySet) -> QuerySet:
    """The quantity of each type of item per surrender, summed in SQL (no prefetch needed)."""
    return surrenders.prefetch_related(None).annotate(
        **{f"total_{kind}": Sum("items__quantity", filter=Q(items__item_type=kind)) for kind in SURRENDER_TYPES}
    )


EXPORTS: dict[str, Export] = {
    "incident": Export(
        columns=INCIDENT_COLUMNS,
        import_kind="incidents",
        row=lambda r: [r.unit.code, _village(r), r.occurred_on, r.category.code, r.subjects, r.description],
    ),
    "accident": Export(
        columns=ACCIDENT_COLUMNS,
        import_kind="traffic_accidents",
        row=lambda r: [r.unit.code, r.occurred_on, r.deaths, r.injuries, r.description],
    ),
    "tip": Export(
        columns=TIP_COLUMNS,
        import_kind="crime_tips",
        prepare=_with_last_extension,
        row=lambda r: [r.unit.code, r.kind, r.received_on, r.extended_until, r.decided_on, r.decision, r.summary],
    ),
    "stay": Export(
        columns=STAY_COLUMNS,
        import_kind="foreigner_stays",
        row=lambda r: [
            r.unit.code,
            r.full_name,
            r.nationality,
            r.passport_number,
            r.arrived_at,
            r.declared_at,
            r.departed_on,
        ],
    ),
    "business": Export(
        columns=(
            "unit_code",
            "village",
            "kind",
            "name",
            "owner_name",
            "address",
            "security_certificate_number",
            "security_certificate_date",
            "status",
        ),
        row=lambda r: [
            r.unit.code,
            _village(r),
            r.kind.code,
            r.name,
            r.owner_name,
            r.address,
            r.security_certificate_number,
            r.security_certificate_date,
            r.status,
        ],
    ),
    "surrender": Export(
        columns=("unit_code", "village", "surrendered_on", "surrendered_by", *SURRENDER_TYPES, "notes"),
        prepare=_with_item_totals,
        row=lambda r: [
            r.unit.code,
            _village(r),
            r.surrendered_on,
            r.surrendered_by,
            *(getattr(r, f"total_{kind}") or 0 for kind in SURRENDER_TYPES),
            r.notes,
        ],
    ),
    "patrol": Export(
        columns=("unit_code", "village", "patrolled_on", "forces", "participants", "area_kind", "area", "results"),
        row=lambda r: [
            r.unit.code,
            _village(r),
            r.patrolled_on,
            r.forces,
            r.participants,
            r.area_kind,
            r.area,
            r.results,
        ],
    ),
    "outreach": Export(
        columns=("unit_code", "village", "held_on", "topic", "attendees", "notes"),
        row=lambda r: [r.unit.code, _village(r), r.held_on, r.topic, r.attendees, r.notes],
    ),
    "mediation": Export(
        columns=("unit_code", "village", "mediated_on", "parties", "subject", "outcome"),
        row=lambda r: [r.unit.code, _village(r), r.mediated_on, r.parties, r.subject, r.outcome],
    ),
    "doorcheck": Export(
        columns=("unit_code", "village", "checked_on", "households_checked", "violations_found", "findings"),
        row=lambda r: [r.unit.code, _village(r), r.checked_on, r.households_checked, r.violations_found, r.findings],
    ),
}

# List kind → import kind, for the kinds that can be imported (incident → incidents, ...).
IMPORT_KINDS = {kind: export.import_kind for kind, export in EXPORTS.items() if export.import_kind}
