"""Writes of the communes app: each one atomic, validated with full_clean()."""

from django.db import transaction
from django.forms import BaseInlineFormSet

from .models import AdministrativeUnit, SelfManagementTeam, SteeringCommittee
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
