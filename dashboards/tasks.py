"""Celery tasks of the dashboards: thin wrappers around engine.recompute, with JSON arguments.

- `recompute_targets(year, as_of=None, scope_code=None, run_id=None, ..., scope_id=None, outbox=None)`:
  one recomputation; retried with exponential backoff on database connection errors; idempotent
  (upserts), so acks_late and a second delivery are harmless. Its run is the one given, else the
  one of its task id (a redelivered task reuses it), else a new one; a task that fails for good
  marks its run failed (`on_failure`). When it comes from the outbox, it deletes the rows it covers.
- `recompute_scope(year, as_of=None, scope_code=None)`: the whole scope in one task when it is
  small, else one task per district (or per province when there is no district level), followed
  by one task for the units above them, all at the same as-of date.
- `recompute_nightly()`: scheduled by django-celery-beat (migration 0002): current and previous year.
- `drain_recompute_outbox()`: scheduled every 2 minutes (migration 0004): one recomputation per
  (district, year) of the dirty rows (outbox.py); rows whose publication fails stay for the next one.
- `enqueue_run(run)`: publish a run's task; a publication error marks the run failed.

Fire-and-forget tasks ignore their results: publishing one never touches the result backend.
"""

from __future__ import annotations

import logging
from datetime import date

from celery import Task, current_app, shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from basecurity.lib import periods
from communes.models import AdministrativeUnit, Level

from . import engine, outbox
from .models import ComputationRun

logger = logging.getLogger(__name__)

# Countdowns 2, 4, 8, 16, 32 s (jittered, capped at 5 min): below the broker's visibility timeout.
RETRY_OPTIONS = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "ignore_result": True,
}


def publication_errors() -> tuple[type[Exception], ...]:
    """What publishing a recomputation may raise without failing its caller: the broker's errors
    (kombu raises the transport's as its OperationalError once the publish retries are spent). With
    no broker the task runs in-process, and its own errors count too: a worker's would not reach the
    caller either, and the task has failed its run already. Anything else (a bug) is raised."""
    return (Exception,) if current_app.conf.task_always_eager else (BrokerError,)


def fail_runs(runs, error: str) -> int:
    """Mark the queued or started runs failed with `error` (finished runs keep their state)."""
    return runs.filter(state__in=[ComputationRun.State.QUEUED, ComputationRun.State.STARTED]).update(
        state=ComputationRun.State.FAILED, error=error[:10000], finished_at=timezone.now()
    )


class RunTask(Task):
    """A task whose failure for good (retries exhausted, time limit, any error) fails its run."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = kwargs.get("run_id") if kwargs else None
        if run_id is None and args and len(args) > 3:
            run_id = args[3]
        runs = ComputationRun.objects.filter(pk=run_id) if run_id else ComputationRun.objects.filter(task_id=task_id)
        try:
            fail_runs(runs, f"{type(exc).__name__}: {exc}\n\n{einfo}")
        except DatabaseError:  # the database is what failed: the run shows failed once overdue
            logger.exception("Could not mark the run of task %s failed", task_id)


def _as_date(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


@shared_task(name="dashboards.recompute_targets", base=RunTask, **RETRY_OPTIONS)
def recompute_targets(
    year: int,
    as_of: str | None = None,
    scope_code: str | None = None,
    run_id: int | None = None,
    with_parents: bool = False,
    scope_id: int | None = None,
    outbox_claim: dict | None = None,
) -> dict:
    """Recompute and store the targets of `year` for the unit `scope_id` (or `scope_code`;
    default: all units).

    `with_parents` (a district's recomputation after a record changed) also rebuilds the units
    above the districts from the districts' stored figures of the same as-of date.
    `outbox_claim` ({"token", "ids"}): the outbox rows this recomputation covers, deleted after it.
    """
    # A unit id names one unit in every year; a code is read at the as-of date (engine.resolve_unit).
    scope = scope_id if scope_id is not None else (scope_code or None)
    task_id = recompute_targets.request.id
    run = ComputationRun.objects.filter(pk=run_id).first() if run_id else None
    if run is None and task_id:
        # A redelivered task (its worker killed) takes over the run of its first delivery.
        run, _created = ComputationRun.objects.get_or_create(
            task_id=task_id,
            defaults={
                "year": int(year),
                "as_of": _as_date(as_of),
                "scope": engine.run_scope(int(year), _as_date(as_of), scope),
            },
        )
    if run is not None and run.task_id == "" and task_id:
        run.task_id = task_id
        run.save(update_fields=["task_id"])
    run = engine.recompute(int(year), _as_date(as_of), scope, run=run)  # type: ignore[arg-type]  # a unit id too
    parents = engine.recompute_parents(int(year), run.as_of) if with_parents else 0
    if outbox_claim:
        outbox.complete(outbox_claim["token"], outbox_claim["ids"])
    return {
        "run_id": run.pk,
        "state": run.state,
        "as_of": run.as_of.isoformat() if run.as_of else None,
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

    # The chord's header stores its results (the chord counts them); nothing else waits for a result.
    chord(recompute_targets.si(int(year), as_of_date, code).set(ignore_result=False) for code in parts)(
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


# --- The recomputation outbox and runs -------------------------------------------------------


@shared_task(name="dashboards.drain_recompute_outbox", ignore_result=True)
def drain_recompute_outbox() -> dict:
    """Publish one recomputation per (district, year) of the dirty outbox rows.

    The rows are claimed first (outbox.claim: two drains never take the same row); a group whose
    publication fails (broker down) is released for the next drain, and the error logged.
    """
    token, rows = outbox.claim()
    published = failed = 0
    for (scope_id, year), ids in outbox.coalesce(rows).items():
        try:
            recompute_targets.apply_async(
                kwargs={
                    "year": year,
                    "scope_id": scope_id,
                    "with_parents": True,
                    "outbox_claim": {"token": token, "ids": ids},
                }
            )
        except publication_errors():  # the rows stay for the next drain
            logger.exception("Recomputation of unit %s for %s not published; kept for the next drain", scope_id, year)
            outbox.release(token, ids)
            failed += 1
        else:
            published += 1
    return {"rows": len(rows), "published": published, "failed": failed}


def enqueue_run(run: ComputationRun) -> bool:
    """Publish the recomputation of a run (call after the run is committed). A publication error
    (broker down) marks the run failed, so the Recompute button works again. True if published."""
    try:
        recompute_targets.apply_async(
            args=[run.year, run.as_of.isoformat() if run.as_of else None, None, run.pk],
            kwargs={"scope_id": run.scope_id} if run.scope_id else {},
        )
    except publication_errors() as error:
        logger.exception("Recomputation run %s not published", run.pk)
        fail_runs(ComputationRun.objects.filter(pk=run.pk), f"{type(error).__name__}: {error}")
        return False
    return True


def retry_run(run: ComputationRun, user) -> ComputationRun:
    """A new run of the same year, as-of date and scope, asked for by `user` (published on commit)."""
    again = ComputationRun.objects.create(year=run.year, as_of=run.as_of, scope=run.scope, requested_by=user)
    transaction.on_commit(lambda: enqueue_run(again))
    return again
