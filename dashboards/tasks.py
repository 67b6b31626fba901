"""Celery tasks of the dashboards: thin wrappers around engine.recompute, with JSON arguments.

- `recompute_targets(year, as_of=None, scope_code=None, run_id=None)`: one recomputation; retried
  with exponential backoff on database connection errors; idempotent (upserts), so acks_late and a
  second delivery are harmless.
- `recompute_scope(year, as_of=None, scope_code=None)`: the whole scope in one task when it is
  small, else one task per district (or per province when there is no district level), followed
  by one task for the units above them, all at the same as-of date.
- `recompute_nightly()`: scheduled by django-celery-beat (migration 0002): current and previous year.
- `schedule_recompute(unit, day)`: called after a record changes (signals.py): at most one task per
  (year, district) per debounce window, enqueued after the transaction commits.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from basecurity.lib import periods
from communes.models import AdministrativeUnit, Level

from . import engine
from .models import ComputationRun

# Countdowns 2, 4, 8, 16, 32 s (jittered, capped at 5 min): far below the broker's 2 h visibility timeout.
RETRY_OPTIONS = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
}


def _as_date(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


@shared_task(name="dashboards.recompute_targets", **RETRY_OPTIONS)
def recompute_targets(
    year: int,
    as_of: str | None = None,
    scope_code: str | None = None,
    run_id: int | None = None,
    with_parents: bool = False,
) -> dict:
    """Recompute and store the targets of `year` for `scope_code` (default: all units).

    `with_parents` (a district's recomputation after a record changed) also rebuilds the units
    above the districts from the districts' stored figures of the same as-of date.
    """
    run = ComputationRun.objects.filter(pk=run_id).first() if run_id else None
    if run is not None and run.task_id == "" and recompute_targets.request.id:
        run.task_id = recompute_targets.request.id
        run.save(update_fields=["task_id"])
    run = engine.recompute(int(year), _as_date(as_of), scope_code or None, run=run)
    parents = engine.recompute_parents(int(year), run.as_of) if with_parents else 0
    return {
        "run_id": run.pk,
        "state": run.state,
        "as_of": run.as_of.isoformat(),
        "rows_changed": run.rows_changed,
        "parents": parents,
    }


@shared_task(name="dashboards.recompute_parents", **RETRY_OPTIONS)
def recompute_parents(results=None, year: int = 0, as_of: str | None = None, scope_code: str | None = None) -> dict:
    """After a fan-out: the units above the fanned-out subtrees (rebuilt from their stored figures)."""
    stored = engine.recompute_parents(int(year), _as_date(as_of), scope_code or None)
    return {"parents": stored}


def fan_out_units(scope_code: str | None, as_of: date | None = None) -> list[AdministrativeUnit]:
    """The districts of the scope in force on `as_of`, or its provinces when it has no district level."""
    as_of = as_of or timezone.localdate()
    units = AdministrativeUnit.objects.valid_on(as_of).order_by("path")
    if scope_code:
        root = engine.resolve_unit(scope_code, as_of)
        units = units.filter(path__startswith=root.path)
    districts = list(units.filter(level=Level.DISTRICT))
    return districts or list(units.filter(level=Level.PROVINCE))


@shared_task(name="dashboards.recompute_scope", **RETRY_OPTIONS)
def recompute_scope(year: int, as_of: str | None = None, scope_code: str | None = None) -> dict:
    """One task for a small scope; for a large one, a task per district then one for the parents."""
    as_of_day = engine.window(int(year), _as_date(as_of)).as_of
    as_of_date = as_of_day.isoformat()  # one as-of for every part
    units = AdministrativeUnit.objects.filter(level=Level.COMMUNE).valid_on(as_of_day)
    if scope_code:
        root = engine.resolve_unit(scope_code, as_of_day)
        units = units.filter(path__startswith=root.path)
    parts = [unit.code for unit in fan_out_units(scope_code, as_of_day)]
    limit = getattr(settings, "DASHBOARDS_FAN_OUT_COMMUNES", 100)
    if units.count() <= limit or len(parts) <= 1 or scope_code in parts:
        recompute_targets.delay(int(year), as_of_date, scope_code)
        return {"tasks": 1}
    from celery import chord

    chord(recompute_targets.si(int(year), as_of_date, code) for code in parts)(
        recompute_parents.s(year=int(year), as_of=as_of_date, scope_code=scope_code)
    )
    return {"tasks": len(parts) + 1}


@shared_task(name="dashboards.recompute_nightly", **RETRY_OPTIONS)
def recompute_nightly() -> dict:
    """The current reporting year (to today) and the previous one, for every unit."""
    current = periods.period_of(timezone.localdate()).year
    for year in (current, current - 1):
        recompute_scope.delay(year)
    return {"years": [current, current - 1]}


# --- Debounced recomputation after a record changes ---------------------------------------------


def debounce_seconds() -> int:
    return int(getattr(settings, "DASHBOARDS_RECOMPUTE_DEBOUNCE", 60))


def recompute_scope_of(unit: AdministrativeUnit) -> str:
    """The province of a unit: its code names one unit in every year (districts ended on 30/06/2025
    and a record of 2024 changes the figures of 2025 too, where its commune folds into a unit of the
    new map under the province)."""
    return unit.path.split("/")[1].split("@")[0]


def years_touched(day: date | None) -> list[int]:
    """Reporting years whose figures a record dated `day` changes: its year (current period) and the
    next (previous period), up to the current reporting year."""
    current = periods.period_of(timezone.localdate()).year
    if day is None:  # no date of its own (a person): the current and the previous year
        return [current - 1, current]
    year = periods.period_of(day).year
    return [y for y in (year, year + 1) if y <= current] or [current]


def _enqueue_once(year: int, scope_code: str, window: int) -> None:
    if window <= 0 or cache.add(f"dashboards:recompute:{year}:{scope_code}", True, timeout=window):
        recompute_targets.apply_async(
            kwargs={"year": year, "as_of": None, "scope_code": scope_code, "with_parents": True}, countdown=window
        )


def _pending_in_this_transaction(key: tuple) -> bool:
    """Whether this transaction already has the callback for `key` (Django drops them on rollback)."""
    connection = transaction.get_connection()
    return any(getattr(func, "dashboards_key", None) == key for _sids, func, _robust in connection.run_on_commit)


def schedule_recompute(unit: AdministrativeUnit, days) -> list[int]:
    """After commit, enqueue at most one `recompute_targets` per (year, district) per debounce window.

    - Within one transaction (an import of many records), one callback per (year, district).
    - Across transactions and processes, a cache key added at commit time for the window
      (`DASHBOARDS_RECOMPUTE_DEBOUNCE` seconds; a rolled-back save schedules and blocks nothing);
      the task runs with a countdown of the window, so it sees every change committed meanwhile.
    - Without a broker, tasks run in-process at once and a countdown means nothing: the window is
      0 by default (settings.py), so each commit recomputes its districts once, up to date.
    Returns the years concerned.
    """
    if not getattr(settings, "DASHBOARDS_RECOMPUTE_ON_SAVE", True):
        return []
    scope_code = recompute_scope_of(unit)
    window = debounce_seconds()
    years = sorted({year for day in days for year in years_touched(day)})
    for year in years:
        key = (year, scope_code)
        if _pending_in_this_transaction(key):
            continue

        def callback(year=year):
            _enqueue_once(year, scope_code, window)

        callback.dashboards_key = key
        # robust: a failing recomputation (run in-process without a broker) is logged, and never
        # turns the user's committed save into an error page.
        transaction.on_commit(callback, robust=True)
    return years
