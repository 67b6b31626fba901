"""Drill: the broker dies and comes back. A second Redis on its own port is the broker; it is
killed with -9: a save stays fast and its outbox row stays, /readyz answers 503, the Recompute
button fails its run visibly at once; Redis restarts and the next drain publishes the
recomputation, which (run as a worker runs it) updates the figures and empties the outbox."""

import base64
import json
import os
import shutil
import signal
import subprocess
import time
from datetime import date
from functools import partial

import pytest
import redis
from django.urls import reverse

from basecurity.testing import services
from basecurity.testing.services import broker_at, celery_env, shared_database_url, start_worker, stop
from communes.models import AdministrativeUnit
from conftest import reseed_reference_data, skip_or_fail
from dashboards import tasks
from dashboards.models import ComputationRun, RecomputeRequest, Snapshot
from incidents.models import Incident
from incidents.tests.test_views import incident_post

pytestmark = [pytest.mark.services, pytest.mark.django_db]

PORT = int(os.environ.get("DRILL_REDIS_PORT", "6391"))
URL = f"redis://127.0.0.1:{PORT}/0"


wait_for = partial(services.wait_for, timeout=20.0, every=0.05)


def answers() -> bool:
    try:
        return redis.Redis.from_url(URL, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False


class SecondRedis:
    """A redis-server of the test's own, on PORT, without persistence."""

    def __init__(self):
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(PORT), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(answers)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        wait_for(lambda: not answers())


@pytest.fixture
def second_redis():
    if not shutil.which("redis-server"):
        skip_or_fail("redis-server is not installed")
    if answers():
        skip_or_fail(f"port {PORT} is taken")
    server = SecondRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait(timeout=10)


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def queued_tasks() -> list[dict]:
    """The task messages waiting in the broker's default queue: name and keyword arguments."""
    client = redis.Redis.from_url(URL)
    found = []
    for raw in client.lrange("celery", 0, -1):
        message = json.loads(raw)
        _args, kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append({"task": message["headers"]["task"], "kwargs": kwargs})
    return found


def record_an_incident(client, commune):
    """An officer saves an incident of March 2025 from its page."""
    data = incident_post(commune, occurred_on="2025-03-01", reported_on="2025-03-02")
    return client.post(reverse("incidents:incident_create"), data)


def record_with_the_broker_down(second_redis, client, commune) -> None:
    """The broker dies; an officer's save is fast all the same."""
    second_redis.kill()
    response, elapsed = timed(lambda: record_an_incident(client, commune))
    assert response.status_code == 302 and elapsed < 3


def test_broker_down_then_back(second_redis, roles, client_for, commune_a, settings):
    settings.DASHBOARDS_RECOMPUTE_ON_SAVE = True
    officer = client_for(roles.officer_a)
    with broker_at(URL):
        # A save stays fast and leaves its outbox row (in its own transaction).
        record_with_the_broker_down(second_redis, officer, commune_a)
        assert Incident.objects.count() == 1
        assert set(RecomputeRequest.objects.values_list("unit_id", "year")) == {
            (commune_a.pk, 2025),
            (commune_a.pk, 2026),
        }

        # Readiness says which part is down, fast.
        ready, elapsed = timed(lambda: officer.get(reverse("readyz")))
        assert ready.status_code == 503 and ready.json()["broker"] == "unavailable" and elapsed < 3

        # The beat's drain cannot publish: the rows stay, free for the next drain.
        outcome, elapsed = timed(tasks.drain_recompute_outbox)
        assert outcome == {"rows": 2, "published": 0, "failed": 2} and elapsed < 3
        assert RecomputeRequest.objects.filter(claim_token="").count() == 2

        # The broker comes back: the next drain publishes one recomputation per year of the province.
        second_redis.start()
        assert tasks.drain_recompute_outbox() == {"rows": 2, "published": 2, "failed": 0}
        messages = queued_tasks()
        assert {message["task"] for message in messages} == {"dashboards.recompute_targets"}
        assert sorted((m["kwargs"]["scope_id"], m["kwargs"]["year"]) for m in messages) == [
            (commune_a.parent.parent_id, 2025),  # the province: a scope of every year
            (commune_a.parent.parent_id, 2026),
        ]

    # A worker runs them (here in-process: the test database lives in this process only).
    for message in messages:
        tasks.recompute_targets.apply(kwargs=message["kwargs"]).get()
    assert not RecomputeRequest.objects.exists()
    # Thanh Lâm ended on 30/06/2025: its record counts for xã Kỳ Thượng, listed at 2025's end.
    ky_thuong = AdministrativeUnit.objects.get(code="06979", valid_from=date(2025, 7, 1))
    assert Snapshot.objects.get(unit=ky_thuong, target="crime_reduction", year=2025).result["current"] == 1


def test_a_run_asked_for_while_the_broker_is_down_fails_at_once(
    second_redis, roles, client_for, commune_a, django_capture_on_commit_callbacks
):
    committee = client_for(roles.district_committee)
    with broker_at(URL):
        second_redis.kill()
        with django_capture_on_commit_callbacks(execute=True):
            response, elapsed = timed(
                lambda: committee.post(reverse("dashboards:recompute", args=[commune_a.parent_id]), {"year": 2025})
            )
    assert response.status_code == 302 and elapsed < 3
    run = ComputationRun.objects.get()
    assert run.state == ComputationRun.State.FAILED and run.error  # the page shows it: test_runs.py


@pytest.mark.django_db(transaction=True)
def test_broker_back_a_real_worker_drains_the_outbox(second_redis, roles, client_for, commune_a, settings):
    """The same drill end to end on PostgreSQL: committed saves, a real worker on the revived broker."""
    from django.db import connection

    if connection.vendor != "postgresql" or shared_database_url() is None:
        pytest.skip("Needs a database the worker process can open: run on PostgreSQL.")
    reseed_reference_data()
    settings.DASHBOARDS_RECOMPUTE_ON_SAVE = True
    officer = client_for(roles.officer_a)
    with broker_at(URL):
        record_with_the_broker_down(second_redis, officer, commune_a)
        assert tasks.drain_recompute_outbox()["failed"] == 2
        second_redis.start()
        assert tasks.drain_recompute_outbox()["published"] == 2

    env = celery_env(CELERY_BROKER_URL=URL, DATABASE_URL=shared_database_url(), DATABASE_CONN_MAX_AGE="0")
    worker = start_worker(env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: not RecomputeRequest.objects.exists(), timeout=120)
    finally:
        stop(worker)
    # Thanh Lâm ended on 30/06/2025: its record counts for xã Kỳ Thượng, listed at 2025's end.
    ky_thuong = AdministrativeUnit.objects.get(code="06979", valid_from=date(2025, 7, 1))
    assert Snapshot.objects.get(unit=ky_thuong, target="crime_reduction", year=2025).result["current"] == 1
