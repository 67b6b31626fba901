"""The real thing: a `celery worker` subprocess takes `recompute_targets` from Redis, computes
against the test database, and the snapshots appear in it.

The worker (conftest.py's `worker_on_test_database`) must use the same database as the test: it
gets DATABASE_URL built from the test connection. An in-memory SQLite test database cannot be
shared with another process, so on SQLite this test is skipped; run it against PostgreSQL
(README: DATABASE_URL=postgres://...).
"""

from datetime import date

import pytest
from celery import Celery

from basecurity.testing.services import BROKER_URL
from conftest import reseed_reference_data
from dashboards.models import ComputationRun, Snapshot
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


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
