"""Storing a computation: the Snapshot rows (one per unit and target) and the UnitFigures row (one per
unit) of its period and as-of date, and the number of rows whose result changed.

Two ways, the same rows and the same count (dashboards/tests/test_store.py runs both):
- PostgreSQL (`_store_in_sql`): every row is sent once, as one JSON array per table, and the
  database compares it with what it holds and writes only what differs, in one statement per table.
  At country scale (28,000 snapshots) reading the stored rows back into Python and decoding their
  JSON cost more than the aggregations of the figures (docs/benchmarks.md).
- other databases (`_store_compared`, SQLite for `make run`): the stored rows are read, compared in
  Python and the changed ones written with bulk_create.

Before either, a unit whose stored rows are what this computation would write is set aside: each
UnitFigures row keeps a digest of everything stored for its unit (counts, components, every
target's result, status and threshold), so a run compares and sends only the units whose digest
differs (a record changed, a threshold, or the rules' code: the digest is of their output). At
country scale a run with one changed commune compared and rewrote 28,000 snapshots before.

A snapshot that did not change keeps the run and time of its last change; every UnitFigures row
points at the last run with its time (what the pages read "computed at" from). A threshold that
changed alone is written but not counted (the result is the same). One transaction: a second or
concurrent run leaves the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import DEFAULT_TARGETS, ComputationRun, Snapshot, UnitFigures

if TYPE_CHECKING:
    from communes.models import AdministrativeUnit

    from .engine import Computation

# (unit id, target, status, threshold, result) and (unit id, counts, previous counts, components, digest).
SnapshotRow = tuple[int, str, str, Decimal | None, dict[str, Any]]
FiguresRow = tuple[int, dict[str, Any], dict[str, Any], dict[str, Any], str]
Key = dict[str, date]  # period_start, period_end, as_of
Snapshots = list[SnapshotRow]
Figures = list[FiguresRow]
Run = ComputationRun | None

SNAPSHOT_KEY = ["unit", "target", "period_start", "period_end", "as_of"]
FIGURES_KEY = ["unit", "period_start", "period_end", "as_of"]
NO_THRESHOLD = {
    code for code, (_group, rule, _threshold) in DEFAULT_TARGETS.items() if rule in ("all", "all_three_down")
}


def store(
    computation: Computation, run: ComputationRun | None, units: Sequence[AdministrativeUnit] | None = None
) -> int:
    """Upsert the snapshots and figures of `units` (default: every listed unit) for `run`; returns the
    number of rows whose result changed (or are new)."""
    win = computation.window
    units = computation.scope.units if units is None else units
    key = {"period_start": win.current.start, "period_end": win.current.end, "as_of": win.as_of}
    entries = {
        unit.id: entry for unit, entry in zip(computation.scope.units, computation.document["units"], strict=True)
    }
    digests = {unit.id: _digest(computation, unit.id, entries[unit.id]) for unit in units}
    write = _store_in_sql if connection.vendor == "postgresql" else _store_compared
    now = timezone.now()
    with transaction.atomic():
        stored = _stored_digests(key, list(digests))
        differ = [unit_id for unit_id, digest in digests.items() if stored.get(unit_id) != digest]
        changed = 0
        if differ:
            snapshots, figures = _rows(computation, entries, differ, digests)
            changed = write(win.year, key, snapshots, figures, now, run)
        same = sorted(set(digests).difference(differ))
        if same:  # their figures point at this run too (the pages' "computed at"); nothing else is written
            _mark(key, same, now, run)
        return changed


def _digest(computation: Computation, unit_id: int, entry: dict[str, Any]) -> str:
    """A fingerprint of what the unit's rows would hold: its counts, components, every target's result
    (with its status) and its thresholds. repr() of these dicts of numbers and text is the same
    whenever the values are (and half the cost of JSON at country scale); an order of keys that
    changes with a new release only makes the next run compare the unit in full."""
    stored = (
        entry["counts"],
        entry["previous_counts"],
        computation.totals[unit_id],
        entry["targets"],
        computation.thresholds[unit_id],
    )
    return hashlib.blake2b(repr(stored).encode(), digest_size=16).hexdigest()


def _rows(
    computation: Computation, entries: dict[int, dict[str, Any]], unit_ids: list[int], digests: dict[int, str]
) -> tuple[list[SnapshotRow], list[FiguresRow]]:
    """The rows to store for `unit_ids`, as plain tuples: snapshots (unit id, target, status, threshold,
    result) and figures (unit id, counts, previous counts, components, digest of the unit's rows)."""
    snapshots: list[SnapshotRow] = []
    figures: list[FiguresRow] = []
    for unit_id in unit_ids:
        entry = entries[unit_id]
        thresholds = computation.thresholds[unit_id]
        for code, result in entry["targets"].items():
            threshold = None if code in NO_THRESHOLD else thresholds[code]
            snapshots.append((unit_id, code, result["status"], threshold, result))
        components = computation.totals[unit_id]
        figures.append((unit_id, entry["counts"], entry["previous_counts"], components, digests[unit_id]))
    return snapshots, figures


def _stored_digests(key: Key, unit_ids: list[int]) -> dict[int, str]:
    """{unit id: digest} of the stored figures of `unit_ids` for the period and as-of date."""
    if connection.vendor == "postgresql":  # one array parameter, not thousands of placeholders
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT unit_id, digest FROM {connection.ops.quote_name(UnitFigures._meta.db_table)} "
                "WHERE period_start = %s AND period_end = %s AND as_of = %s AND unit_id = ANY(%s)",
                [key["period_start"], key["period_end"], key["as_of"], unit_ids],
            )
            return dict(cursor.fetchall())
    return dict(UnitFigures.objects.filter(unit_id__in=unit_ids, **key).values_list("unit_id", "digest"))


def _mark(key: Key, unit_ids: list[int], now: datetime, run: Run) -> None:
    """Point the stored figures of `unit_ids` at `run` and its time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {connection.ops.quote_name(UnitFigures._meta.db_table)} SET computed_at = %s, run_id = %s "
                "WHERE period_start = %s AND period_end = %s AND as_of = %s AND unit_id = ANY(%s)",
                [now, run.pk if run else None, key["period_start"], key["period_end"], key["as_of"], unit_ids],
            )
        return
    UnitFigures.objects.filter(unit_id__in=unit_ids, **key).update(computed_at=now, run=run)


# --- PostgreSQL: compared and written by the database --------------------------------------------

# `compared` reads each new row with the stored one through the unique index (one pass, no join of
# two temporary results: with the function's row estimate of 100 that became a nested loop over
# 28,000 × 28,000 rows); `written` upserts the rows that differ (a data-modifying part of a WITH runs
# whether or not the final SELECT reads it), and the count is of the rows whose result changed.
_SNAPSHOTS_SQL = """
WITH compared AS (
    SELECT new.*,
           stored.status IS NULL OR stored.status <> new.status OR stored.result <> new.result AS changed,
           stored.status IS NULL
               OR (stored.status, stored.threshold, stored.result)
                  IS DISTINCT FROM (new.status, new.threshold, new.result) AS differs
    FROM jsonb_to_recordset(%(rows)s::jsonb)
             AS new (unit_id bigint, target text, status text, threshold numeric, result jsonb)
         LEFT JOIN {table} stored
             ON stored.unit_id = new.unit_id AND stored.target = new.target
            AND stored.period_start = %(period_start)s AND stored.period_end = %(period_end)s
            AND stored.as_of = %(as_of)s
), written AS (
    INSERT INTO {table} (unit_id, target, year, period_start, period_end, as_of, status, threshold, result,
                         computed_at, run_id)
    SELECT unit_id, target, %(year)s, %(period_start)s, %(period_end)s, %(as_of)s, status, threshold, result,
           %(now)s, %(run_id)s
    FROM compared WHERE differs
    ON CONFLICT (unit_id, target, period_start, period_end, as_of) DO UPDATE SET
        year = EXCLUDED.year, status = EXCLUDED.status, threshold = EXCLUDED.threshold, result = EXCLUDED.result,
        computed_at = EXCLUDED.computed_at, run_id = EXCLUDED.run_id
    RETURNING 1
)
SELECT count(*) FILTER (WHERE changed) FROM compared
"""
# Every row sent is written (its digest differs); the count is of the rows whose figures changed.
_FIGURES_SQL = """
WITH compared AS (
    SELECT new.*,
           stored.counts IS NULL
               OR (stored.counts, stored.previous_counts, stored.components)
                  IS DISTINCT FROM (new.counts, new.previous_counts, new.components) AS changed
    FROM jsonb_to_recordset(%(rows)s::jsonb)
             AS new (unit_id bigint, counts jsonb, previous_counts jsonb, components jsonb, digest text)
         LEFT JOIN {table} stored
             ON stored.unit_id = new.unit_id
            AND stored.period_start = %(period_start)s AND stored.period_end = %(period_end)s
            AND stored.as_of = %(as_of)s
), written AS (
    INSERT INTO {table} (unit_id, year, period_start, period_end, as_of, counts, previous_counts, components,
                         digest, computed_at, run_id)
    SELECT unit_id, %(year)s, %(period_start)s, %(period_end)s, %(as_of)s, counts, previous_counts, components,
           digest, %(now)s, %(run_id)s
    FROM compared
    ON CONFLICT (unit_id, period_start, period_end, as_of) DO UPDATE SET
        year = EXCLUDED.year, counts = EXCLUDED.counts, previous_counts = EXCLUDED.previous_counts,
        components = EXCLUDED.components, digest = EXCLUDED.digest, computed_at = EXCLUDED.computed_at,
        run_id = EXCLUDED.run_id
    RETURNING 1
)
SELECT count(*) FILTER (WHERE changed) FROM compared
"""


def _store_in_sql(year: int, key: Key, snapshots: Snapshots, figures: Figures, now: datetime, run: Run) -> int:
    common = {"year": year, **key, "now": now, "run_id": run.pk if run is not None else None}
    snapshot_rows = [
        {
            "unit_id": unit_id,
            "target": target,
            "status": status,
            "threshold": None if threshold is None else str(threshold),  # exact: numeric from text
            "result": result,
        }
        for unit_id, target, status, threshold, result in snapshots
    ]
    figure_rows = [
        {
            "unit_id": unit_id,
            "counts": counts,
            "previous_counts": previous_counts,
            "components": components,
            "digest": digest,
        }
        for unit_id, counts, previous_counts, components, digest in figures
    ]
    changed = 0
    with connection.cursor() as cursor:
        for sql, model, rows in (
            (_SNAPSHOTS_SQL, Snapshot, snapshot_rows),
            (_FIGURES_SQL, UnitFigures, figure_rows),
        ):
            if rows:
                cursor.execute(
                    sql.format(table=connection.ops.quote_name(model._meta.db_table)),
                    {**common, "rows": json.dumps(rows)},
                )
                changed += cursor.fetchone()[0]
    return changed


# --- Other databases: compared in Python -----------------------------------------------------------


def _store_compared(year: int, key: Key, snapshots: Snapshots, figures: Figures, now: datetime, run: Run) -> int:
    unit_ids = [row[0] for row in figures]
    before_snapshots = {
        (unit_id, target): (status, threshold, result)
        for unit_id, target, status, threshold, result in _fetch(
            Snapshot.objects.filter(unit_id__in=unit_ids, **key).values_list(
                "unit_id", "target", "status", "threshold", "result"
            )
        )
    }
    before_figures = {
        unit_id: (counts, previous_counts, components)
        for unit_id, counts, previous_counts, components in _fetch(
            UnitFigures.objects.filter(unit_id__in=unit_ids, **key).values_list(
                "unit_id", "counts", "previous_counts", "components"
            )
        )
    }
    changed = 0
    changed_snapshots: list[SnapshotRow] = []
    for row in snapshots:
        unit_id, target, status, threshold, result = row
        stored = before_snapshots.get((unit_id, target))
        if stored is None or stored[0] != status or json.loads(stored[2]) != result:
            changed += 1
            changed_snapshots.append(row)
        elif _decimal(stored[1]) != threshold:  # written, not counted: the result is the same
            changed_snapshots.append(row)
    for figures_row in figures:  # every row sent is written (its digest differs), the changed ones counted
        stored_figures = before_figures.get(figures_row[0])
        if stored_figures is None or tuple(map(json.loads, stored_figures)) != figures_row[1:4]:
            changed += 1
    _bulk_upsert(year, key, changed_snapshots, figures, now, run)
    return changed


def _fetch(queryset: QuerySet[Any, Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list() as the database driver returns them: JSON columns as text (decoded
    by the caller only where needed), no per-row conversion by the ORM."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _decimal(value: object) -> Decimal | None:
    """A stored threshold as a Decimal (PostgreSQL returns one; SQLite an int or a float of 2 decimals)."""
    return None if value is None else Decimal(str(value))


def _bulk_upsert(year: int, key: Key, snapshots: Snapshots, figures: Figures, now: datetime, run: Run) -> None:
    common = {"year": year, "computed_at": now, "run": run, **key}
    if snapshots:
        Snapshot.objects.bulk_create(
            [
                Snapshot(unit_id=unit_id, target=target, status=status, threshold=threshold, result=result, **common)
                for unit_id, target, status, threshold, result in snapshots
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=SNAPSHOT_KEY,
            update_fields=["year", "status", "threshold", "result", "computed_at", "run"],
        )
    if figures:
        UnitFigures.objects.bulk_create(
            [
                UnitFigures(
                    unit_id=unit_id,
                    counts=counts,
                    previous_counts=previous_counts,
                    components=components,
                    digest=digest,
                    **common,
                )
                for unit_id, counts, previous_counts, components, digest in figures
            ],
            batch_size=500,
            update_conflicts=True,
            unique_fields=FIGURES_KEY,
            update_fields=["year", "counts", "previous_counts", "components", "digest", "computed_at", "run"],
        )
