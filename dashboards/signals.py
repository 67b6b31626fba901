"""Mark the targets dirty when records change: connected in DashboardsConfig.ready(), so the
dashboards depend on incidents and reintegration, never the reverse.

Each save or delete of a record counted by the targets writes, in the record's own transaction,
a (unit, year) row of the recomputation outbox (outbox.py) for the record's unit and the years
its dates touch; an edit that moves a record to another unit or date marks the old ones too.
Nothing is published to the broker here. Off when settings.DASHBOARDS_RECOMPUTE_ON_SAVE is False.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from basecurity.lib import periods
from communes.record_kinds import PLACEMENTS
from incidents.signals import records_created

from . import outbox

# model -> (lookup of the record's unit id, lookup of its date or None, whether a person's
# undated years count too), for the rows whose declaration (records.py) says they count in the
# figures. A person counts in every year from the return to the end of management: the current
# and the previous year are refreshed now, older years by an explicit recomputation.
WATCHED: dict = {}


def _watch() -> None:
    WATCHED.clear()
    for model, placement in PLACEMENTS.items():
        if placement.figures:
            WATCHED[model] = (f"{placement.unit}_id", placement.lock_lookup or None, placement.every_year)


def _stored(model, pk) -> tuple[int | None, list]:
    """(unit id, dates) of the record as the database holds it now; (None, []) when it is gone."""
    unit_lookup, date_lookup, undated = WATCHED[model]
    lookups = [unit_lookup] + ([date_lookup] if date_lookup else [])
    row = model.objects.filter(pk=pk).values_list(*lookups).first()
    if row is None:
        return None, []
    return row[0], ([row[1]] if date_lookup else []) + ([None] if undated else [])


def _own(instance) -> tuple[int | None, list]:
    """(unit id, dates) from the instance itself (a deleted record), its parent read by id."""
    model = type(instance)
    unit_lookup, date_lookup, undated = WATCHED[model]
    days = [None] if undated else []
    if "__" not in unit_lookup:
        return getattr(instance, unit_lookup), ([getattr(instance, date_lookup)] if date_lookup else []) + days
    parent_field = unit_lookup.split("__")[0]
    parent_model = model._meta.get_field(parent_field).related_model
    parent_unit, parent_days = _stored(parent_model, getattr(instance, f"{parent_field}_id"))
    if parent_unit is None:  # the parent is being deleted with it: its own signal marks the unit
        return None, []
    if date_lookup and "__" in date_lookup:  # dated by its parent (a tip's extension)
        return parent_unit, parent_days[:1] + days
    return parent_unit, ([getattr(instance, date_lookup)] if date_lookup else []) + days


def _mark(unit_id, days) -> None:
    if unit_id is not None:
        outbox.mark_dirty(unit_id, {year for day in days for year in outbox.years_touched(day)})


def record_saving(sender, instance, raw=False, **kwargs):
    """Before an edit: the unit and dates the record had, when they change (a move)."""
    if raw or instance.pk is None or not outbox.recompute_on_save():
        return
    instance._dashboards_before = _stored(sender, instance.pk)


def record_changed(sender, instance, raw=False, **kwargs):
    if raw or not outbox.recompute_on_save():
        return  # checked first: no query at all when off
    unit_id, days = _own(instance)
    before = getattr(instance, "_dashboards_before", None)
    if before is not None:
        del instance._dashboards_before
        if before[0] is not None and before != (unit_id, days):
            _mark(*before)
    _mark(unit_id, days)


def records_imported(sender, records, **kwargs):
    """Records written in bulk (an import): one upsert per unit for all the years they touch."""
    if sender not in WATCHED or not outbox.recompute_on_save():
        return
    years_by_unit: dict[int, set[int]] = {}
    for record in records:
        unit_id, days = _own(record)
        if unit_id is not None:
            years_by_unit.setdefault(unit_id, set()).update(year for day in days for year in outbox.years_touched(day))
    for unit_id, years in years_by_unit.items():
        outbox.mark_dirty(unit_id, years)


def connect() -> None:
    from communes.services import map_changed as lineage_signal

    lineage_signal.connect(map_changed, dispatch_uid="dashboards-recompute-map-changed")
    records_created.connect(records_imported, dispatch_uid="dashboards-recompute-imported")
    _watch()
    for model in WATCHED:
        name = model.__name__
        pre_save.connect(record_saving, sender=model, dispatch_uid=f"dashboards-recompute-before-{name}")
        post_save.connect(record_changed, sender=model, dispatch_uid=f"dashboards-recompute-save-{name}")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"dashboards-recompute-delete-{name}")


def map_changed(sender, *, successor_ids, since=None, **kwargs) -> None:
    """A merger (a lineage row saved): the successors' figures fold in new predecessors from the
    change's year on (its previous period included), so those years are recomputed."""
    if not outbox.recompute_on_save():
        return
    first = periods.period_of(since).year if since else None
    current = periods.period_of(timezone.localdate()).year
    years = range(first, current + 1) if first else [current - 1, current]
    for unit_id in successor_ids:
        outbox.mark_dirty(unit_id, years)
