"""The official register of units (communes/data/, refreshed by communes/data/refresh.py).

`register_load(provinces=None)` loads the 34 provinces and the 3,321 commune-level units in force
since 1/7/2025, and, for the provinces asked whose conversion table the snapshot holds, the
pre-2025 districts and communes with the 2025 lineage. Idempotent: each unit is found by its
natural key (level, code and the side of 1/7/2025 it lives on) and updated, never duplicated; the
start day of a pre-2025 unit and the coverage set by an administrator or `seed_ba_che` are kept.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import AdministrativeUnit, Level, Transfer, UnitLineage
from .services import history_paths_rebuild

DATA = Path(__file__).resolve().parent / "data"
REFORM_DAY = date(2025, 7, 1)  # Nghị quyết 1679/NQ-UBTVQH15 and the 2025 Law on Local Government
LAST_OLD_DAY = REFORM_DAY - timedelta(days=1)
LEGAL_BASIS = "Nghị quyết 1679/NQ-UBTVQH15"

# Kinds of pre-2025 units, read from the name as the statistics office writes it.
OLD_KIND_BY_PREFIX = (
    ("Thị trấn ", "thi_tran"),
    ("Phường ", "phuong"),
    ("Xã ", "xa"),
    ("Thành phố ", "thanh_pho"),
    ("Thị xã ", "thi_xa"),
    ("Huyện ", "huyen"),
    ("Quận ", "quan"),
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def old_kind(name: str) -> str:
    for prefix, kind in OLD_KIND_BY_PREFIX:
        if name.startswith(prefix):
            return kind
    raise ValueError(f"No kind for the name {name!r}")


def conversion_provinces() -> list[str]:
    """Province codes whose pre-2025 map (conversion table) the snapshot holds."""
    return sorted(path.stem for path in (DATA / "conversion").glob("*.csv"))


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    lineage_created: int = 0
    provinces_without_history: list[str] = field(default_factory=list)


# A unit's natural key: (level, code, which map it belongs to).
Key = tuple[str, str, object]


class _Units:
    """Units found by natural key, created or updated in bulk (with their audit history)."""

    def __init__(self) -> None:
        self.by_key: dict[Key, AdministrativeUnit] = {}
        for unit in AdministrativeUnit.objects.exclude(level=Level.VILLAGE):
            self.by_key.setdefault(self.key_of(unit), unit)
        self.new: list[AdministrativeUnit] = []
        self.changed: dict[int, AdministrativeUnit] = {}

    @staticmethod
    def key_of(unit: AdministrativeUnit) -> Key:
        if unit.level == Level.PROVINCE:
            return (unit.level, unit.code, "current" if unit.valid_until is None else unit.valid_until)
        side = "new" if unit.valid_from == REFORM_DAY else ("old" if unit.valid_until == LAST_OLD_DAY else unit.pk)
        return (unit.level, unit.code, side)

    def put(self, key: Key, parent: AdministrativeUnit | None, **fields: Any) -> AdministrativeUnit:
        unit = self.by_key.get(key)
        if unit is None:
            unit = AdministrativeUnit(parent=parent, **fields)
            self.by_key[key] = unit
            self.new.append(unit)
            return unit
        changed = unit.parent_id != (parent.pk if parent else None)
        for name, value in fields.items():
            if name in ("valid_from",):  # an administrator's or seed_ba_che's start day wins
                continue
            if getattr(unit, name) != value:
                setattr(unit, name, value)
                changed = True
        unit.parent = parent
        if changed and unit.pk:
            self.changed[unit.pk] = unit
        return unit

    def flush(self, result: LoadResult) -> None:
        """Write the new and changed units of one level (parents are written before their children)."""
        from .models import KIND_LEVEL

        for unit in self.new:
            unit.level = KIND_LEVEL[unit.kind]
            unit.path = (unit.parent.path if unit.parent else "/") + f"{unit.path_segment}/"
        bulk_create_with_history(self.new, AdministrativeUnit, batch_size=500)
        for unit in self.changed.values():
            unit.level = KIND_LEVEL[unit.kind]
            unit.path = (unit.parent.path if unit.parent else "/") + f"{unit.path_segment}/"
        if self.changed:
            bulk_update_with_history(
                list(self.changed.values()),
                AdministrativeUnit,
                ["name", "kind", "level", "parent", "path", "valid_until"],
                batch_size=500,
            )
        result.created += len(self.new)
        result.updated += len(self.changed)
        self.new, self.changed = [], {}


@transaction.atomic
def register_load(provinces: list[str] | None = None, *, history_of: list[str] | None = None) -> LoadResult:
    """Load the register: every province and 2025 commune when `provinces` is None, else those of the
    provinces given; the pre-2025 map of every province asked whose conversion table is held (with
    `history_of`, only the pre-2025 units that passed into those 2025 communes, and their districts)."""
    result = LoadResult()
    units = _Units()
    province_rows = [row for row in _read(DATA / "provinces-2025.csv") if provinces is None or row["code"] in provinces]
    unknown = set(provinces or ()) - {row["code"] for row in province_rows}
    if unknown:
        raise ValueError(f"No province has the code {', '.join(sorted(unknown))} in the register.")
    province_units = {
        row["code"]: units.put(
            (Level.PROVINCE, row["code"], "current"), None, code=row["code"], name=row["name"], kind=row["kind"]
        )
        for row in province_rows
    }
    units.flush(result)

    new_communes = {}
    for row in _read(DATA / "communes-2025.csv"):
        province = province_units.get(row["province_code"])
        if province is None:
            continue
        new_communes[row["code"]] = units.put(
            (Level.COMMUNE, row["code"], "new"),
            province,
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            valid_from=REFORM_DAY,
        )
    units.flush(result)

    held = set(conversion_provinces())
    asked = [code for code in province_units if code in held]
    result.provinces_without_history = sorted(set(province_units) - held) if provinces is not None else []
    for province_code in asked:
        rows = _read(DATA / "conversion" / f"{province_code}.csv")
        if history_of is not None:
            sources = {row["old_code"] for row in rows if row["new_code"] in history_of}
            rows = [row for row in rows if row["old_code"] in sources]
        province = province_units[province_code]
        districts = {}
        for row in rows:
            code = row["old_district_code"]
            if code not in districts:
                districts[code] = units.put(
                    (Level.DISTRICT, code, "old"),
                    province,
                    code=code,
                    name=row["old_district"],
                    kind=old_kind(row["old_district"]),
                    valid_until=LAST_OLD_DAY,
                )
        units.flush(result)
        old_communes = {}
        for row in rows:
            code = row["old_code"]
            if code not in old_communes:
                old_communes[code] = units.put(
                    (Level.COMMUNE, code, "old"),
                    districts[row["old_district_code"]],
                    code=code,
                    name=row["old_name"],
                    kind=old_kind(row["old_name"]),
                    valid_until=LAST_OLD_DAY,
                )
        units.flush(result)
        result.lineage_created += _lineage(rows, old_communes, new_communes)
    history_paths_rebuild()
    return result


def _lineage(
    rows: list[dict[str, str]], old_communes: dict[str, AdministrativeUnit], new_communes: dict[str, AdministrativeUnit]
) -> int:
    existing = set(UnitLineage.objects.values_list("predecessor_id", "successor_id"))
    new_rows = []
    for row in rows:
        predecessor, successor = old_communes[row["old_code"]], new_communes.get(row["new_code"])
        if successor is None or (predecessor.pk, successor.pk) in existing:
            continue
        existing.add((predecessor.pk, successor.pk))
        transfer = Transfer.PART if row["transfer"] == "part" else Transfer.WHOLE  # "unchanged" passes whole
        new_rows.append(
            UnitLineage(
                predecessor=predecessor,
                successor=successor,
                date=REFORM_DAY,
                transfer=transfer,
                legal_basis=LEGAL_BASIS,
            )
        )
    bulk_create_with_history(new_rows, UnitLineage, batch_size=500)
    return len(new_rows)
