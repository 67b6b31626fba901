"""One beat: django-celery-beat's DatabaseScheduler behind a Redis lock.

Only the beat process that holds the lock `basecurity:beat:lock` (in the broker's Redis, or
BEAT_LOCK_URL) sends anything; it refreshes the lock on every tick (its TTL is BEAT_LOCK_TTL
seconds, each tick sleeps at most a third of it). A second beat started by mistake (two servers,
a unit left enabled) only waits: it takes over when the first stops or dies (at most
BEAT_LOCK_TTL later). Without Redis (no broker: tasks run in-process) there is nothing to lock.
While Redis does not answer, no beat sends anything (nothing could be published anyway).

Set as CELERY_BEAT_SCHEDULER; docs/operations.md ("One beat").
"""

from __future__ import annotations

import logging
import os
import socket

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler
from redis.exceptions import LockError, RedisError

logger = logging.getLogger(__name__)

LOCK_KEY = "basecurity:beat:lock"


def lock_url() -> str:
    url = getattr(settings, "BEAT_LOCK_URL", "") or settings.CELERY_BROKER_URL
    return url if url.startswith(("redis://", "rediss://", "unix://")) else ""


class SingleBeatScheduler(DatabaseScheduler):
    lock_key = LOCK_KEY

    def __init__(self, *args, **kwargs):
        self.lock_ttl = int(getattr(settings, "BEAT_LOCK_TTL", 60))
        self._lock = None
        self._holding = False
        self._waiting_logged = False
        super().__init__(*args, **kwargs)

    # --- the lock ---------------------------------------------------------------------------

    def _redis_lock(self):
        if self._lock is None:
            client = redis.Redis.from_url(lock_url(), socket_connect_timeout=1, socket_timeout=2)
            token = f"{socket.gethostname()}:{os.getpid()}"
            self._lock = client.lock(self.lock_key, timeout=self.lock_ttl, thread_local=False)
            self._lock_token = token.encode()
        return self._lock

    def holds_lock(self) -> bool:
        """Take or refresh the lock; False when another beat holds it (or Redis does not answer)."""
        if not lock_url():
            return True
        lock = self._redis_lock()
        try:
            if self._holding:
                try:
                    lock.reacquire()  # resets the TTL, only if the lock is still ours
                    return True
                except LockError:
                    self._holding = False
                    logger.warning("beat: lost the lock %s; another beat may be sending", self.lock_key)
            self._holding = lock.acquire(blocking=False, token=self._lock_token)
        except RedisError as error:
            logger.warning("beat: Redis does not answer (%s); sending nothing", error)
            return False
        if self._holding:
            self._waiting_logged = False
            logger.info("beat: holding the lock %s; sending the schedule", self.lock_key)
        elif not self._waiting_logged:
            self._waiting_logged = True
            logger.warning("beat: another beat holds the lock %s; this one sends nothing", self.lock_key)
        return self._holding

    def release_lock(self) -> None:
        if self._holding and self._lock is not None:
            try:
                self._lock.release()
            except (LockError, RedisError):
                pass
        self._holding = False

    # --- the scheduler ----------------------------------------------------------------------

    def tick(self, *args, **kwargs):
        """Send what is due only while holding the lock; sleep short enough to refresh it."""
        refresh = max(1.0, self.lock_ttl / 3)
        if not self.holds_lock():
            return refresh
        return min(super().tick(*args, **kwargs), refresh)

    def close(self):
        try:
            super().close()
        finally:
            self.release_lock()
