"""Recompute the targets after records change: connected in DashboardsConfig.ready(), so the
dashboards depend on incidents and reintegration, never the reverse.

Each save or delete of a record counted by the targets asks tasks.schedule_recompute for the
record's commune and dates; that enqueues at most one task per (year, district) per debounce
window, after the transaction commits. Off when settings.DASHBOARDS_RECOMPUTE_ON_SAVE is False.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from incidents.models import CrimeTip, CrimeTipExtension, ForeignerStay, Incident, TrafficAccident
from reintegration.models import Person, Reoffence, Status

from . import tasks


def _unit_and_days(instance):
    """(commune, dates whose reporting years the record's figures belong to)."""
    if isinstance(instance, (Incident, TrafficAccident)):
        return instance.unit, [instance.occurred_on]
    if isinstance(instance, CrimeTip):
        return instance.unit, [instance.received_on]
    if isinstance(instance, CrimeTipExtension):
        return instance.tip.unit, [instance.tip.received_on]
    if isinstance(instance, ForeignerStay):
        return instance.unit, [instance.arrived_on]
    if isinstance(instance, Person):
        # A person counts in every year from the return to the end of management: the current
        # and the previous year are refreshed now, older years by an explicit recomputation.
        return instance.unit, [None]
    if isinstance(instance, (Status, Reoffence)):
        day = instance.as_of if isinstance(instance, Status) else instance.date
        return instance.person.unit, [day, None]
    return None, []


def record_changed(sender, instance, **kwargs):
    if not getattr(settings, "DASHBOARDS_RECOMPUTE_ON_SAVE", True):
        return  # checked first: no query at all when off
    try:
        unit, days = _unit_and_days(instance)
    except Exception:  # a half-deleted row (its parent already gone): nothing to schedule
        return
    if unit is not None:
        tasks.schedule_recompute(unit, days)


WATCHED = (Incident, TrafficAccident, CrimeTip, CrimeTipExtension, ForeignerStay, Person, Status, Reoffence)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(record_changed, sender=model, dispatch_uid=f"dashboards-recompute-save-{model.__name__}")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"dashboards-recompute-delete-{model.__name__}")
