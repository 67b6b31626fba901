"""Export of every record list as CSV or XLSX (docs/import-formats.md).

`EXPORTS` maps each list kind of records.KINDS (incident, tip, ...) to its columns and a function
giving one row per record. For the four kinds that can be imported the columns are exactly the
import columns (importers.py), so an export imported into an empty database gives the same
records back; the other kinds are exported only, with the columns a commune keeps in its book.

Each kind's declaration (records.py) names its export; the rows come from the list page's own
query (communes/record_views.py): the export holds what the list shows (the user's RECORDS_READ
scope, the list's filters and search), all pages at once.
Cells that a spreadsheet would run as a formula are neutralised by basecurity/lib/tabular.py.

Two layouts. By default an export is for people (`people` columns): titles in the user's language,
names instead of codes (category, kind, status, decision, outcome), dates dd/mm/yyyy, the status,
outcome and time columns, under title rows saying the unit, the period, when and by whom it was
exported. `layout=import` gives the import layout (codes, the columns of import-formats.md), the
"Tệp mẫu để nhập". The importers read both (`import_titles`): an exported file, corrected in Excel,
imports back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Max, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from basecurity.lib import tabular
from basecurity.lib.tabular import Column, field_column
from communes.record_kinds import Export

from . import models
from .importers import ACCIDENT_COLUMNS, INCIDENT_COLUMNS, STAY_COLUMNS, TIP_COLUMNS

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _village(record) -> str:
    return record.village.name if record.village_id else ""


COMMUNE_CODE = Column(_("Commune code"), lambda r: r.unit.code, "unit_code")
COMMUNE = Column(_("Commune"), lambda r: r.unit.name)


def _unit_columns(model, *, village: bool = True, source: bool = False) -> list[Column]:
    columns = [COMMUNE_CODE, COMMUNE]
    if village:
        columns.append(field_column(model, "village", source="village" if source else ""))
    return columns


def _recorded(model) -> list[Column]:
    return [field_column(model, "recorded_by"), field_column(model, "created_at")]


def _with_last_extension(tips: QuerySet) -> QuerySet:
    return tips.annotate(extended_until=Max("extensions__new_deadline"))


SURRENDER_TYPES = tuple(models.WeaponItemType.values)


def _with_item_totals(surrenders: QuerySet) -> QuerySet:
    """The quantity of each type of item per surrender, summed in SQL (no prefetch needed)."""
    return surrenders.prefetch_related(None).annotate(
        **{f"total_{kind}": Sum("items__quantity", filter=Q(items__item_type=kind)) for kind in SURRENDER_TYPES}
    )


def _fields(model, *names: str) -> list[Column]:
    return [field_column(model, name) for name in names]


def _surrender_total(kind: str) -> Callable[[Any], int]:
    """The value of the `total_<kind>` annotation of a surrender row (0 when it has no such item)."""
    return lambda r: getattr(r, f"total_{kind}") or 0


def _surrender_totals() -> list[Column]:
    return [Column(label, _surrender_total(kind)) for kind, label in models.WeaponItemType.choices]


EXPORTS: dict[str, Export] = {
    "incident": Export(
        columns=INCIDENT_COLUMNS,
        import_kind="incidents",
        row=lambda r: [r.unit.code, _village(r), r.occurred_on, r.category.code, r.subjects, r.description],
        people=[
            *_unit_columns(models.Incident, source=True),
            field_column(models.Incident, "occurred_on", source="occurred_on"),
            field_column(models.Incident, "occurred_at_time"),
            field_column(models.Incident, "category", source="category"),
            field_column(models.Incident, "subjects", source="subjects"),
            field_column(models.Incident, "description", source="description"),
            *_fields(models.Incident, "status", "outcome", "reported_on"),
            *_recorded(models.Incident),
        ],
    ),
    "accident": Export(
        columns=ACCIDENT_COLUMNS,
        import_kind="traffic_accidents",
        row=lambda r: [r.unit.code, r.occurred_on, r.deaths, r.injuries, r.description],
        people=[
            *_unit_columns(models.TrafficAccident),
            field_column(models.TrafficAccident, "occurred_on", source="occurred_on"),
            field_column(models.TrafficAccident, "occurred_at_time"),
            field_column(models.TrafficAccident, "place"),
            field_column(models.TrafficAccident, "deaths", source="deaths"),
            field_column(models.TrafficAccident, "injuries", source="injuries"),
            *_fields(models.TrafficAccident, "vehicles", "damage_vnd"),
            field_column(models.TrafficAccident, "description", source="description"),
            *_recorded(models.TrafficAccident),
        ],
    ),
    "tip": Export(
        columns=TIP_COLUMNS,
        import_kind="crime_tips",
        prepare=_with_last_extension,
        row=lambda r: [r.unit.code, r.kind, r.received_on, r.extended_until, r.decided_on, r.decision, r.summary],
        people=[
            *_unit_columns(models.CrimeTip, village=False),
            field_column(models.CrimeTip, "kind", source="kind"),
            field_column(models.CrimeTip, "source"),
            field_column(models.CrimeTip, "received_on", source="received_on"),
            field_column(models.CrimeTip, "received_at"),
            field_column(models.CrimeTip, "summary", source="summary"),
            field_column(models.CrimeTip, "handed_over_at"),
            Column(_("extended until"), lambda r: r.extended_until, "extended_until"),
            field_column(models.CrimeTip, "deadline"),
            field_column(models.CrimeTip, "decided_on", source="resolved_on"),
            field_column(models.CrimeTip, "decision", source="decision"),
            *_recorded(models.CrimeTip),
        ],
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
        people=[
            *_unit_columns(models.ForeignerStay, village=False),
            field_column(models.ForeignerStay, "full_name", source="full_name"),
            field_column(models.ForeignerStay, "nationality", source="nationality"),
            field_column(models.ForeignerStay, "passport_number", source="passport_no"),
            *_fields(models.ForeignerStay, "accommodation_kind", "host_address"),
            field_column(models.ForeignerStay, "arrived_at", source="arrived_at"),
            field_column(models.ForeignerStay, "declared_at", source="declared_at"),
            field_column(models.ForeignerStay, "departed_on", source="departed_on"),
            *_recorded(models.ForeignerStay),
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
        people=[
            *_unit_columns(models.ConditionalBusiness),
            *_fields(
                models.ConditionalBusiness,
                "kind",
                "name",
                "owner_name",
                "address",
                "security_certificate_number",
                "security_certificate_date",
                "status",
            ),
            *_recorded(models.ConditionalBusiness),
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
        people=[
            *_unit_columns(models.WeaponSurrender),
            *_fields(models.WeaponSurrender, "surrendered_on", "surrendered_by"),
            *_surrender_totals(),
            field_column(models.WeaponSurrender, "notes"),
            *_recorded(models.WeaponSurrender),
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
        people=[
            *_unit_columns(models.Patrol),
            *_fields(models.Patrol, "patrolled_on", "forces", "participants", "area_kind", "area", "results"),
            *_recorded(models.Patrol),
        ],
    ),
    "outreach": Export(
        columns=("unit_code", "village", "held_on", "topic", "attendees", "notes"),
        row=lambda r: [r.unit.code, _village(r), r.held_on, r.topic, r.attendees, r.notes],
        people=[
            *_unit_columns(models.OutreachSession),
            *_fields(models.OutreachSession, "held_on", "topic", "attendees", "notes"),
            *_recorded(models.OutreachSession),
        ],
    ),
    "mediation": Export(
        columns=("unit_code", "village", "mediated_on", "parties", "subject", "outcome"),
        row=lambda r: [r.unit.code, _village(r), r.mediated_on, r.parties, r.subject, r.outcome],
        people=[
            *_unit_columns(models.Mediation),
            *_fields(models.Mediation, "mediated_on", "parties", "subject", "outcome"),
            *_recorded(models.Mediation),
        ],
    ),
    "doorcheck": Export(
        columns=("unit_code", "village", "checked_on", "households_checked", "violations_found", "findings"),
        row=lambda r: [r.unit.code, _village(r), r.checked_on, r.households_checked, r.violations_found, r.findings],
        people=[
            *_unit_columns(models.DoorToDoorCheck),
            *_fields(models.DoorToDoorCheck, "checked_on", "households_checked", "violations_found", "findings"),
            *_recorded(models.DoorToDoorCheck),
        ],
    ),
}

# List kind → import kind, for the kinds that can be imported (incident → incidents, ...).
IMPORT_KINDS = {kind: export.import_kind for kind, export in EXPORTS.items() if export.import_kind}


def import_titles(import_kind: str) -> dict[str, str]:
    """The titles of the export for people of an import kind, in every language of the site, each
    mapped to the import column it gives back ("" for a column only shown): what importers read."""
    export = next((export for export in EXPORTS.values() if export.import_kind == import_kind), None)
    return tabular.people_titles(export.people) if export else {}
