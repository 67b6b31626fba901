"""Locked periods: once a unit's report is approved, or a while after a period ends, its records freeze.

A record dated `day` of unit U cannot be created, changed or deleted when
- a PeriodLock of U or of a unit above U covers `day` (written when the superior level approves U's report),
  or
- settings.REPORT_AUTO_LOCK_DAYS is a number N and the reporting month of `day`
  (basecurity/lib/periods.py, 15th-14th by default) ended more than N days ago;
unless a LockException of U (or a unit above it) covers `day` and has not expired.

Every write path calls `ensure_unlocked(unit, day)` (services, importers through `LockChecker`,
the Django admin through `communes/locks_admin.py`), which raises ValidationError with a message a
commune officer can act on.
"""

from __future__ import annotations

from datetime import date, datetime
from operator import attrgetter

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from basecurity.hygiene import MAX_YEAR, MIN_YEAR, YEAR_MESSAGE
from basecurity.lib import periods

from .models import AdministrativeUnit, LockException, PeriodLock


def auto_lock_days() -> int | None:
    """settings.REPORT_AUTO_LOCK_DAYS: None (or a negative number) turns the automatic lock off."""
    days = getattr(settings, "REPORT_AUTO_LOCK_DAYS", 30)
    return None if days is None or days < 0 else int(days)


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _ancestor_paths(unit: AdministrativeUnit) -> list[str]:
    """ "/22/202/06976/" -> ["/22/", "/22/202/", "/22/202/06976/"]: the unit and the units above it."""
    codes = [code for code in unit.path.split("/") if code]
    return ["/" + "/".join(codes[: index + 1]) + "/" for index in range(len(codes))]


class LockChecker:
    """Answers "is this day of this unit locked?" reading each unit's locks once (for imports of many rows)."""

    def __init__(self, *, today: date | None = None, now: datetime | None = None, automatic: bool = True):
        self.now = now or timezone.now()
        self.today = today or timezone.localdate(self.now)
        self.auto_days = auto_lock_days() if automatic else None
        self._cache: dict[int, tuple[list, list]] = {}
        self._months: dict[date, periods.Period] = {}

    def _load(self, unit: AdministrativeUnit):
        if unit.pk not in self._cache:
            paths = _ancestor_paths(unit)
            locks = list(
                PeriodLock.objects.filter(unit__path__in=paths).order_by("start").values("start", "end", "locked_at")
            )
            exceptions = list(
                LockException.objects.filter(unit__path__in=paths, valid_until__gte=self.now).values("start", "end")
            )
            self._cache[unit.pk] = (locks, exceptions)
        return self._cache[unit.pk]

    def reason(self, unit: AdministrativeUnit | None, day: date | datetime | None) -> str | None:
        """The message explaining why `day` of `unit` is locked, or None when it may be written."""
        if unit is None or day is None:
            return None
        try:
            day = periods.local_date(day)
        except (OverflowError, ValueError):  # a year-1 date-time cannot even change time zone
            return str(YEAR_MESSAGE)
        if not MIN_YEAR <= day.year <= MAX_YEAR:  # forms refuse these; a direct call must not overflow
            return str(YEAR_MESSAGE)
        locks, exceptions = self._load(unit)
        if any(exception["start"] <= day <= exception["end"] for exception in exceptions):
            return None
        for lock in locks:
            if lock["start"] <= day <= lock["end"]:
                return _(
                    "The period %(start)s–%(end)s of %(unit)s is locked: its report was approved on %(approved)s. "
                    "Ask the superior level to grant an exception."
                ) % {
                    "start": _short(lock["start"]),
                    "end": _short(lock["end"]),
                    "unit": unit.name,
                    "approved": _short(timezone.localdate(lock["locked_at"])),
                }
        if self.auto_days is not None:
            month = self._months.get(day)
            if month is None:  # one computation per distinct day (an import has many rows a day)
                month = self._months[day] = periods.period_of(day, periods.Kind.MONTH)
            if (self.today - month.end).days > self.auto_days:
                return _(
                    "The period %(start)s–%(end)s of %(unit)s is locked: it ended more than %(days)d days ago. "
                    "Ask the superior level to grant an exception."
                ) % {"start": _short(month.start), "end": _short(month.end), "unit": unit.name, "days": self.auto_days}
        return None

    def check(self, unit, day, *, field: str | None = None) -> None:
        message = self.reason(unit, day)
        if message:
            raise ValidationError({field: message} if field else message, code="locked")


def lock_reason(unit, day) -> str | None:
    return LockChecker().reason(unit, day)


def ensure_unlocked(unit, day, *, field: str | None = None) -> None:
    """Raise ValidationError (on `field` when given) if records of `unit` dated `day` may not be written."""
    LockChecker().check(unit, day, field=field)


def record_value(instance, path: str):
    """`instance`'s value at a dotted path ("occurred_on", "tip.received_on"); None if a link is missing."""
    try:
        return attrgetter(path)(instance)
    except (AttributeError, ValueError, ObjectDoesNotExist):  # a missing related object is both
        return None


def ensure_record_unlocked(instance, *, unit_path: str, day_path: str, checker: LockChecker | None = None) -> None:
    """ensure_unlocked for a record: its unit and date are read at the given dotted paths."""
    (checker or LockChecker()).check(record_value(instance, unit_path), record_value(instance, day_path))
