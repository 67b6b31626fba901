"""Writes of the communes app: each one atomic, validated with full_clean()."""

from datetime import timedelta
from typing import cast

from django.db import transaction
from django.dispatch import Signal
from django.forms import BaseInlineFormSet

from basecurity.lib import history

from . import lineage
from .models import AdministrativeUnit, Level, SelfManagementTeam, SteeringCommittee, UnitLineage
from .submissions import ensure_current


@transaction.atomic
def unit_save(*, unit: AdministrativeUnit) -> AdministrativeUnit:
    """Save a unit; when its code or parent changed, rewrite the paths of every unit below it."""
    unit.full_clean()
    old_path = None
    if unit.pk:
        old_path = AdministrativeUnit.objects.filter(pk=unit.pk).values_list("path", flat=True).first()
    unit.save()
    if old_path and old_path != unit.path:
        for descendant in (
            AdministrativeUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("path")
        ):
            # Parents come first in path order, so each child sees its parent's new path.
            descendant.refresh_from_db(fields=["parent"])
            descendant.save(update_fields=["path"])
    return unit


@transaction.atomic
def organisation_save(
    *, organisation: SteeringCommittee | SelfManagementTeam, members: BaseInlineFormSet, version: int | None = None
) -> SteeringCommittee | SelfManagementTeam:
    """Save a steering committee or a self-management team with its member rows, or nothing.

    The page saves both together, so the organisation's `version` covers its members: given the
    version the form was opened with, StaleEdit when someone saved the page since."""
    if organisation.pk:
        ensure_current(organisation, version)
    organisation.full_clean()
    organisation.save()
    members.instance = organisation
    members.save()
    return organisation


@transaction.atomic
def history_paths_rebuild() -> int:
    """Rewrite every unit's `history_path` from the lineage (after the lineage or the tree changed).

    A unit's history path is its heir's followed by its own id ("/kỳ thượng/thanh lâm/"); a village's
    is its commune's followed by its id. Returns the number of units whose path changed.
    """
    rows = list(AdministrativeUnit.objects.values_list("id", "code", "parent_id", "level", "history_path"))
    heirs = lineage.heirs({row[0]: row[1] for row in rows}, UnitLineage.objects.all())
    by_id = {row[0]: row for row in rows}
    computed: dict[int, str] = {}

    def history_of(unit_id: int, seen: frozenset = frozenset()) -> str:
        if unit_id in computed:
            return computed[unit_id]
        _id, _code, parent_id, level, _old = by_id[unit_id]
        if level == Level.VILLAGE and parent_id:
            base = history_of(parent_id, seen)
        elif unit_id in heirs and heirs[unit_id] not in seen:
            base = history_of(heirs[unit_id], seen | {unit_id})
        else:
            base = "/"
        computed[unit_id] = f"{base}{unit_id}/"
        return computed[unit_id]

    changed = [
        AdministrativeUnit(id=unit_id, history_path=history_of(unit_id))
        for unit_id, *_rest, old in rows
        if history_of(unit_id) != old
    ]
    AdministrativeUnit.objects.bulk_update(changed, ["history_path"], batch_size=1000)
    return len(changed)


# Sent after the lineage changed (admin, load_units, seed_ba_che): the successors' figures fold in
# new predecessors, so the apps that store figures recompute them (dashboards marks them dirty).
map_changed = Signal()  # sender=UnitLineage, successor_ids=, since=


def lineage_saved(*, successor_ids, since) -> None:
    """Keep the history paths right after lineage rows changed, and tell the figures."""
    history_paths_rebuild()
    map_changed.send(sender=UnitLineage, successor_ids=list(successor_ids), since=since)


# Sent after an ended unit's seats moved to its successor, so that the apps built on communes move
# what they manage there too (reintegration: the persons' files) without communes importing them.
# Records written in bulk (an import's bulk_create, which sends no post_save), inside the transaction
# that writes them: sender=model, records=[...]. The dashboards mark their figures dirty on it.
records_created = Signal()
unit_handed_over = Signal()  # sender=AdministrativeUnit, unit=, successor=, day=, user=


@transaction.atomic
def unit_hand_over(*, unit: AdministrativeUnit, user=None, seats: bool = True) -> dict:
    """After `unit` ended and passed whole into a successor: move the seats held there (assignments end
    the day before, new ones start on the day of the change) and let the other apps move what the unit
    managed (persons' files, with a transfer event). One step for an administrator; idempotent.

    Refused (ValidationError) for a unit still in force or one that passed in parts (the
    administrator then moves each person and user to the right successor by hand)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from .models import Assignment, Transfer

    whole = list(unit.successions.filter(transfer=Transfer.WHOLE).select_related("successor"))
    if unit.valid_until is None or len(whole) != 1:
        raise ValidationError(
            _("%(unit)s did not pass whole into one successor: move its users and persons one by one.")
            % {"unit": unit.name}
        )
    row = whole[0]
    successor, day = row.successor, row.date
    moved = 0
    assignments = Assignment.objects.filter(unit=unit).current(day - timedelta(days=1)) if seats else []
    for assignment in assignments:
        if assignment.ends_on is None:
            assignment.ends_on = day - timedelta(days=1)
            history.attribute(assignment, user)
            assignment.save(update_fields=["ends_on"])
        if not Assignment.objects.filter(user=assignment.user, role=assignment.role, unit=successor).exists():
            new = Assignment(user=assignment.user, role=assignment.role, unit=successor, starts_on=day)
            new.full_clean()
            history.attribute(new, user)
            new.save()
            moved += 1
    results = unit_handed_over.send(sender=AdministrativeUnit, unit=unit, successor=successor, day=day, user=user)
    counts: dict[str, int] = {"assignments": moved}
    for _receiver, result in results:
        # Each receiver returns its counts or None; django-stubs types a receiver's result as a str.
        counts.update(cast("dict[str, int] | None", result) or {})
    return counts
