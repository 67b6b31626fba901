"""A real Celery worker takes a task from Redis and returns its result through Redis."""

import uuid

import pytest
from celery import Celery
from django.conf import settings

from basecurity.testing.services import BROKER_URL


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
