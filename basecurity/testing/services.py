"""Tests against real outside services (pytest -m services): Redis as the broker, Celery worker and
beat processes sharing the test database. The fixtures that start them are in the conftest.py files;
these are the pieces they share."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from celery import current_app
from django.conf import settings
from django.db import connection

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def redis_is_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.ConnectionError:
        return False


def shared_database_url() -> str | None:
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


def celery_env(**extra: str) -> dict[str, str]:
    """The environment of a Celery process of the tests: the test broker and settings, plus `extra`."""
    return {
        **os.environ,
        "CELERY_BROKER_URL": BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "basecurity.settings_test",
        **extra,
    }


def start_worker(env: dict[str, str], queue: str | None = None, **popen: Any) -> subprocess.Popen[bytes]:
    """`celery worker` in a subprocess (solo pool, no gossip, mingle or heartbeat), on `queue` if given."""
    command = [sys.executable, "-m", "celery", "-A", "basecurity", "worker", "--pool=solo", "--without-gossip"]
    command += ["--without-mingle", "--without-heartbeat", "--loglevel=WARNING"] + (["-Q", queue] if queue else [])
    popen = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, **popen}
    return subprocess.Popen(command, cwd=Path(settings.BASE_DIR), env=env, **popen)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a process still running; kill it if it has not stopped within 20 s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_for(
    condition: Callable[[], object], timeout: float = 60.0, what: str = "condition", every: float = 0.2
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still not true after {timeout} s")
        time.sleep(every)


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point the Celery app at a real broker (tests run tasks in-process otherwise)."""
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, url
    current_app._pool = None
    current_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        current_app._pool = None
        current_app.amqp._producer_pool = None
