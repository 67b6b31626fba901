"""The real thing: a `celery worker` subprocess takes `recompute_targets` from Redis, computes
against the test database, and the snapshots appear in it.

The worker must use the same database as the test: it gets DATABASE_URL built from the test
connection. An in-memory SQLite test database cannot be shared with another process, so on SQLite
this test is skipped; run it against PostgreSQL (README: DATABASE_URL=postgres://...).
"""

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from basecurity.tests.test_celery_worker import BROKER_URL, redis_is_up
from conftest import reseed_reference_data, skip_or_fail
from dashboards.models import ComputationRun, Snapshot
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_database_url() -> str | None:
    """A DATABASE_URL for the test database, or None when another process cannot open it."""
    values = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(values["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            return None
        return f"sqlite:///{name}"
    if connection.vendor == "postgresql":
        credentials = quote(values["USER"] or "", safe="")
        if values["PASSWORD"]:
            credentials += ":" + quote(values["PASSWORD"], safe="")
        host = values["HOST"] or "localhost"
        port = f":{values['PORT']}" if values["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{values['NAME']}"
    return None


test_database_url.__test__ = False  # a helper, not a test


@pytest.fixture
def worker_on_test_database(transactional_db):
    if not redis_is_up():
        skip_or_fail(f"Redis is not reachable at {BROKER_URL}")
    database_url = test_database_url()
    if database_url is None:
        pytest.skip("The test database is in memory (SQLite): a worker process cannot share it; run on PostgreSQL.")
    queue = f"dashboards-test-{uuid.uuid4().hex}"  # no other worker on this Redis takes our task
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER_URL,
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "basecurity.settings_test",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "basecurity",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
            "-Q",
            queue,
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield queue
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def test_recompute_targets_on_a_real_worker_stores_snapshots(
    worker_on_test_database, units, django_user_model, commune_a
):
    reseed_reference_data()
    user = django_user_model.objects.create_user("recorder", password="x")
    Incident.objects.bulk_create([f.incident(commune_a, user, occurred_on=date(2020, 3, 1)) for _ in range(12)])
    Incident.objects.bulk_create([f.incident(commune_a, user) for _ in range(10)])
    run = ComputationRun.objects.create(year=2021)

    client = Celery("test-client", broker=BROKER_URL, backend=BROKER_URL)
    # The task ignores its result by default (fire and forget): this test asks for it.
    result = client.send_task(
        "dashboards.recompute_targets",
        args=[2021, "2021-12-14", "202", run.pk],
        queue=worker_on_test_database,
        ignore_result=False,
    )
    outcome = result.get(timeout=120)

    assert outcome["state"] == "finished" and outcome["run_id"] == run.pk
    run.refresh_from_db()
    assert run.state == ComputationRun.State.FINISHED and run.task_id == result.id
    snapshot = Snapshot.objects.get(unit=commune_a, target="crime_reduction")
    assert snapshot.result["current"] == 10 and snapshot.result["previous"] == 12 and snapshot.status == "met"
    assert Snapshot.objects.filter(unit__code="202").count() == 8
