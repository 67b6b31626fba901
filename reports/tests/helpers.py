"""Shared builders for the reports tests: records of November 2026 (15/10/2026-14/11/2026) and reports."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from communes.models import LockException, PeriodLock
from incidents import services as incident_services
from incidents.tests import factories

NOV_START, NOV_END = date(2026, 10, 15), date(2026, 11, 14)
IN_NOVEMBER = date(2026, 11, 1)
IN_DECEMBER = date(2026, 11, 20)  # reporting month 12/2026 (15/11-14/12)
TODAY = datetime(2026, 11, 28, 9, 0, tzinfo=factories.HCM)


def lock_november(unit, user=None) -> PeriodLock:
    return PeriodLock.objects.create(
        unit=unit, start=NOV_START, end=NOV_END, reason="test", locked_at=timezone.now(), locked_by=user
    )


def grant_exception(unit, *, hours=24, start=NOV_START, end=NOV_END) -> LockException:
    return LockException.objects.create(
        unit=unit, start=start, end=end, valid_until=timezone.now() + timedelta(hours=hours), reason="sửa số liệu"
    )


def make_incident(unit, user, day=IN_NOVEMBER):
    return incident_services.incident_create(user=user, **field_values(factories.incident(unit, user, occurred_on=day)))


def field_values(instance) -> dict:
    """The editable fields of an unsaved factory instance, as service keyword arguments."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name == "recorded_by":
            continue
        value = getattr(instance, field.name)
        if value is not None and value != "":
            values[field.name] = value
    return values


def make_activities(unit, user, day):
    for build in (factories.patrol, factories.outreach, factories.mediation, factories.door_check):
        record = build(unit, user)
        date_field = next(
            name for name in ("patrolled_on", "held_on", "mediated_on", "checked_on") if hasattr(record, name)
        )
        setattr(record, date_field, day)
        record.full_clean()
        record.save()
    surrender = factories.surrender(unit, user, surrendered_on=day)
    surrender.save()
    factories.surrender_item(surrender, item_type="guns", quantity=2).save()
