"""Drill: two real `celery beat` processes on the same schedule; only the one holding the Redis
lock sends (every message comes from its process); when it stops, the other takes over.

Needs Redis and a database both beats can open (PostgreSQL; skipped on in-memory SQLite).
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from basecurity.beat import LOCK_KEY
from basecurity.testing.services import BROKER_URL, redis_is_up, shared_database_url, wait_for
from conftest import skip_or_fail

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def beat(transactional_db, tmp_path):
    if not redis_is_up():
        skip_or_fail(f"Redis is not reachable at {BROKER_URL}")
    if connection.vendor != "postgresql" or shared_database_url() is None:
        pytest.skip("Needs a database the beat processes can open: run on PostgreSQL.")
    client = redis.Redis.from_url(BROKER_URL)
    if client.exists(LOCK_KEY):
        skip_or_fail(f"another beat holds {LOCK_KEY} in {BROKER_URL}")
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER_URL,
        "BEAT_LOCK_TTL": "6",
        "DATABASE_URL": shared_database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "DJANGO_SETTINGS_MODULE": "basecurity.settings_test",
    }
    started = []

    def start():
        log = tmp_path / f"beat-{len(started)}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "basecurity", "beat", "--loglevel=INFO", "--pidfile=",
             f"--logfile={log}"],
            cwd=Path(settings.BASE_DIR), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        process.log = log
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    client.delete(LOCK_KEY)


def senders(queue: str) -> list[str]:
    """The `origin` (gen<pid>@host) of every message in the queue."""
    client = redis.Redis.from_url(BROKER_URL)
    return [json.loads(raw)["headers"]["origin"] for raw in client.lrange(queue, 0, -1)]


def test_only_the_beat_holding_the_lock_sends(beat):
    queue = f"beat-drill-{uuid.uuid4().hex}"
    PeriodicTask.objects.all().delete()
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.create(
        name="probe", task="basecurity.health", args='["beat"]', interval=every_second, queue=queue
    )
    try:
        first = beat()
        wait_for(lambda: len(senders(queue)) >= 2, what="the first beat sending")
        second = beat()
        wait_for(
            lambda: second.log.exists() and "this one sends nothing" in second.log.read_text(),
            what="the second beat standing by",
        )
        count = len(senders(queue))
        wait_for(lambda: len(senders(queue)) >= count + 3, what="more ticks")
        assert set(senders(queue)) == {f"gen{first.pid}@{_host(senders(queue)[0])}"}

        first.terminate()  # a clean stop releases the lock
        first.wait(timeout=30)
        wait_for(lambda: any(f"gen{second.pid}@" in origin for origin in senders(queue)), what="the takeover")
    finally:
        redis.Redis.from_url(BROKER_URL).delete(queue)


def _host(origin: str) -> str:
    return origin.split("@", 1)[1]
