"""A real Celery worker takes a task from Redis and returns its result through Redis."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings

from conftest import skip_or_fail

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def redis_is_up() -> bool:
    import redis

    try:
        return redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def celery_worker_process():
    """Start `celery worker` against Redis in a subprocess; stop it after the test."""
    if not redis_is_up():
        skip_or_fail(f"Redis is not reachable at {BROKER_URL}")
    env = {**os.environ, "CELERY_BROKER_URL": BROKER_URL, "DJANGO_SETTINGS_MODULE": "basecurity.settings_test"}
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
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield worker
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()


@pytest.mark.services
def test_health_task_runs_on_a_real_worker(celery_worker_process):
    client = Celery("test-client", broker=BROKER_URL, backend=BROKER_URL)
    token = uuid.uuid4().hex
    result = client.send_task("basecurity.health", args=[token])
    assert result.get(timeout=60) == f"ok:{token}"


def test_without_a_broker_tasks_run_in_process():
    from basecurity.celery import health

    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert health.delay("x").get() == "ok:x"
