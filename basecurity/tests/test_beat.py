"""One beat: while a beat process holds the Redis lock, a second one sends nothing."""

import uuid
from datetime import timedelta

import pytest
from celery import current_app
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from basecurity.beat import SingleBeatScheduler
from basecurity.testing.services import BROKER_URL, redis_is_up
from conftest import skip_or_fail

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_the_project_uses_the_single_beat_scheduler(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "basecurity.beat:SingleBeatScheduler"


@pytest.fixture
def beats(settings, monkeypatch):
    """Two schedulers, as two beat processes would have, locking in the test Redis; each records
    what it sends instead of publishing."""
    if not redis_is_up():
        skip_or_fail(f"Redis is not reachable at {BROKER_URL}")
    # The scheduler closes "old" connections on each tick: inside the test's transaction that
    # would close the test's own connection (PostgreSQL).
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    settings.BEAT_LOCK_URL = BROKER_URL
    settings.BEAT_LOCK_TTL = 30
    PeriodicTask.objects.all().delete()
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.create(
        name="probe",
        task="basecurity.health",
        args='["beat"]',
        interval=every_second,
        last_run_at=timezone.now() - timedelta(hours=1),
    )
    key = f"basecurity:beat:test:{uuid.uuid4().hex}"
    made = []

    def make():
        scheduler = SingleBeatScheduler(app=current_app)
        scheduler.lock_key = key
        scheduler.sent = []
        scheduler.apply_async = lambda entry, producer=None, advance=True, **kw: scheduler.sent.append(entry.name)
        scheduler.__dict__["producer"] = None  # no broker connection: nothing is published
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        scheduler.__dict__.pop("producer", None)
        scheduler.close()  # syncs while the test database exists, releases the lock


def run_ticks(scheduler, count=3):
    for _ in range(count):
        scheduler.tick()


def test_a_second_beat_sends_nothing_while_the_first_holds_the_lock(beats):
    first, second = beats(), beats()
    run_ticks(first)
    run_ticks(second)
    assert "probe" in first.sent
    assert second.sent == []
    # The first stops (its lock released): the second takes over.
    first.release_lock()
    run_ticks(second)
    assert "probe" in second.sent


def test_the_lock_expires_when_its_beat_dies(beats, settings):
    first, second = beats(), beats()
    run_ticks(first, 1)
    first._redis_lock().redis.pexpire(first.lock_key, 1)  # what BEAT_LOCK_TTL does after a kill -9
    first._holding = False  # the dead process never ticks again
    while first._redis_lock().redis.exists(first.lock_key):
        pass
    run_ticks(second)
    assert "probe" in second.sent


def test_a_tick_sleeps_less_than_the_lock_lives(beats):
    first, second = beats(), beats()
    assert first.tick() <= first.lock_ttl / 3
    assert second.tick() <= second.lock_ttl / 3
