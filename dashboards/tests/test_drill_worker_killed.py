"""Drill: a real Celery worker is killed with -9 in the middle of a recomputation; the task comes
back from Redis after the visibility timeout (late acks), a second worker runs it, and the run
ends "finished" (never "started" for ever).

"In the middle": the test holds a row lock on the run, so the worker has taken the task and is
executing it (blocked on its first write) when it is killed. Needs Redis and a database another
process can open (PostgreSQL: DATABASE_URL=postgres://...; skipped on in-memory SQLite).
"""

import signal
import subprocess
import time
import uuid
from datetime import date
from functools import partial

import psycopg2
import pytest
from celery import Celery
from django.db import connection

from basecurity.testing import services
from basecurity.testing.services import BROKER_URL, celery_env, redis_is_up, shared_database_url, start_worker, stop
from conftest import reseed_reference_data, skip_or_fail
from dashboards.models import ComputationRun, Snapshot
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VISIBILITY_SECONDS = 3
wait_for = partial(services.wait_for, every=0.1)


@pytest.fixture
def workers(transactional_db):
    """Start workers on a queue of the test's own, against the test database, with a short
    visibility timeout; every worker still running is stopped after the test."""
    if not redis_is_up():
        skip_or_fail(f"Redis is not reachable at {BROKER_URL}")
    if connection.vendor != "postgresql" or shared_database_url() is None:
        pytest.skip("Needs PostgreSQL (a row lock held by the test and a database shared with the worker).")
    queue = f"dashboards-drill-{uuid.uuid4().hex}"
    env = celery_env(
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS), DATABASE_URL=shared_database_url(), DATABASE_CONN_MAX_AGE="0"
    )
    started = []

    def start():
        worker = start_worker(env, queue, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        started.append(worker)
        return worker

    start.queue = queue
    yield start
    for worker in started:
        stop(worker)


def lock_holder():
    """A second connection to the test database, outside Django."""
    values = connection.settings_dict
    return psycopg2.connect(
        dbname=values["NAME"], user=values["USER"], password=values["PASSWORD"] or None,
        host=values["HOST"] or "localhost", port=values["PORT"] or None,
    )  # fmt: skip


def waiting_for_a_lock(holder) -> bool:
    with holder.cursor() as cursor:  # another transaction than the lock's: use a fresh connection
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_task_leaves_a_run_that_finishes(workers, units, django_user_model, commune_a):
    reseed_reference_data()
    user = django_user_model.objects.create_user("recorder", password="x")
    Incident.objects.bulk_create([f.incident(commune_a, user) for _ in range(4)])
    run = ComputationRun.objects.create(year=2021, scope=units["202"])

    holder, watcher = lock_holder(), lock_holder()
    watcher.autocommit = True
    with holder.cursor() as cursor:
        cursor.execute("SELECT id FROM dashboards_computationrun WHERE id = %s FOR UPDATE", [run.pk])

    first = workers()
    client = Celery("test-client", broker=BROKER_URL)
    client.send_task(
        "dashboards.recompute_targets",
        args=[2021, "2021-12-14", "202", run.pk],
        queue=workers.queue,
        ignore_result=True,
    )
    sent_at = time.monotonic()
    wait_for(lambda: waiting_for_a_lock(watcher), what="the worker executing the task")  # mid-task

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    holder.rollback()  # the dead worker's statement is over; nothing was computed
    holder.close()
    watcher.close()
    run.refresh_from_db()
    assert run.state == ComputationRun.State.QUEUED and run.finished_at is None

    # Past the visibility timeout, the next worker gets the task back and runs it to the end.
    wait_for(lambda: time.monotonic() - sent_at > VISIBILITY_SECONDS + 1, what="the visibility timeout")
    workers()

    def finished():
        run.refresh_from_db()
        return run.state in (ComputationRun.State.FINISHED, ComputationRun.State.FAILED)

    wait_for(finished, timeout=150, what="the redelivered task")
    assert run.state == ComputationRun.State.FINISHED
    assert (
        Snapshot.objects.get(unit=commune_a, target="crime_reduction", year=2021, as_of=date(2021, 12, 14)).result[
            "current"
        ]
        == 4
    )
