"""The transactional outbox of recomputations (RecomputeRequest rows).

- `mark_dirty(unit_id, years)`: called by signals.py when a record changes, inside the record's
  transaction: one upserted row per (unit, year), so a rolled-back save leaves nothing and a
  committed one always leaves its row, whether or not the broker answers.
- `claim()`: a drain (the beat task `dashboards.drain_recompute_outbox`, tasks.py) takes the rows
  nobody holds with a compare-and-swap (an UPDATE conditioned on the row being free; on PostgreSQL
  the candidates are first locked with SKIP LOCKED), so two drains never publish the same row.
- `release()`: a publication failed (broker down): the rows are free again for the next drain.
- `complete()`: the recomputation ran: it deletes its rows, unless a record changed them since
  the claim (the upsert clears the claim), in which case they stay for the next drain.
- A claimed row whose recomputation never finished (message lost, task failed for good) is free
  again after `DASHBOARDS_RUN_TIME_LIMIT`.

Rows are keyed by unit id (never by code: codes are reused over time). Without a broker (tasks
run in-process: `make run`, tests) each commit drains at once, so figures follow every save.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from basecurity.lib import periods
from communes.models import AdministrativeUnit

from .models import ComputationRun, RecomputeRequest

CLAIM_BATCH = 1000


def years_touched(day: date | None) -> list[int]:
    """Reporting years whose figures a record dated `day` changes: its year (current period) and the
    next (previous period), up to the current reporting year."""
    current = periods.period_of(timezone.localdate()).year
    if day is None:  # no date of its own (a person): the current and the previous year
        return [current - 1, current]
    year = periods.period_of(day).year
    return [y for y in (year, year + 1) if y <= current] or [current]


def mark_dirty(unit_id: int, years: Iterable[int]) -> None:
    """Upsert the (unit, year) rows in the current transaction (requested now, claim cleared)."""
    ordered = sorted(set(years))
    if not ordered:
        return
    now = timezone.now()
    RecomputeRequest.objects.bulk_create(
        [RecomputeRequest(unit_id=unit_id, year=year, requested_at=now) for year in ordered],
        update_conflicts=True,
        unique_fields=["unit", "year"],
        update_fields=["requested_at", "claim_token", "claimed_at"],
    )
    if current_app.conf.task_always_eager:
        _drain_on_commit()


def _drain_on_commit() -> None:
    """In-process tasks (no broker): drain once after this transaction commits."""
    conn = transaction.get_connection()
    if any(func is _drain for _sids, func, _robust in conn.run_on_commit):
        return
    # robust: the save is committed; a failing in-process drain is logged and its rows stay.
    transaction.on_commit(_drain, robust=True)


def _drain() -> None:
    from . import tasks

    tasks.drain_recompute_outbox()


def claim(now: datetime | None = None) -> tuple[str, list[RecomputeRequest]]:
    """Take the free rows (and those claimed longer ago than a run's time limit) for one drain."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    free = RecomputeRequest.objects.filter(Q(claim_token="") | Q(claimed_at__lt=now - ComputationRun.time_limit()))
    with transaction.atomic():
        ids = _candidates(free)
        if ids:
            # The compare-and-swap: a row another drain took meanwhile is no longer free.
            free.filter(pk__in=ids).update(claim_token=token, claimed_at=now)
    return token, list(RecomputeRequest.objects.filter(claim_token=token).order_by("pk"))


def _candidates(free: QuerySet[RecomputeRequest]) -> list[int]:
    """Ids of free rows; on PostgreSQL locked (rows another drain is claiming are skipped)."""
    candidates = free.order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        candidates = candidates.select_for_update(skip_locked=True)
    return list(candidates.values_list("pk", flat=True)[:CLAIM_BATCH])


def release(token: str, ids: Iterable[int]) -> int:
    return RecomputeRequest.objects.filter(pk__in=list(ids), claim_token=token).update(claim_token="", claimed_at=None)


def complete(token: str, ids: Iterable[int]) -> int:
    deleted, _by_model = RecomputeRequest.objects.filter(pk__in=list(ids), claim_token=token).delete()
    return deleted


def scopes_of(unit_ids: Iterable[int]) -> dict[int, int]:
    """Each unit's recomputation scope: its province (the top of its chain), else itself. Not its
    district: districts ended on 30/06/2025, and a record of 2024 changes the figures of 2025 too,
    where its commune folds into a unit of the new map under the province. Walks the parent links."""
    known: dict[int, tuple[int | None, str]] = {}
    wanted = set(unit_ids)
    while wanted - known.keys():
        rows = AdministrativeUnit.objects.filter(pk__in=wanted - known.keys()).values_list("pk", "parent_id", "level")
        found = {pk: (parent_id, level) for pk, parent_id, level in rows}
        if not found:
            break
        known.update(found)
        wanted = {parent_id for parent_id, _level in found.values() if parent_id is not None}
    scopes = {}
    for unit_id in unit_ids:
        chain: list[int] = []
        current: int | None = unit_id
        while current is not None and current in known:
            chain.append(current)
            current = known[current][0]
        scopes[unit_id] = chain[-1] if chain else unit_id
    return scopes


def coalesce(rows: Sequence[RecomputeRequest]) -> dict[tuple[int, int], list[int]]:
    """(scope id, year) -> the ids of the claimed rows it covers: one recomputation each."""
    scopes = scopes_of({row.unit_id for row in rows})
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in rows:
        groups[(scopes[row.unit_id], row.year)].append(row.pk)
    return dict(groups)


def recompute_on_save() -> bool:
    return bool(getattr(settings, "DASHBOARDS_RECOMPUTE_ON_SAVE", True))
