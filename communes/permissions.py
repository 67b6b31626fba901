"""Who may see and do what: the one place that says it (see docs/domain.md).

A user's assignments give roles at units; a role at a unit covers that unit and every unit below
it. Every view, export, import and dashboard scopes its queryset through `scope()` or
`get_scoped_or_404()`, so an object outside the user's scope answers 404 as if it did not exist.
"""

from enum import StrEnum

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from basecurity.lib.collation import vi_key

from .models import AdministrativeUnit, Assignment, Level, Role


class Capability(StrEnum):
    RECORDS_READ = "records_read"  # incidents, tips, accidents, stays, businesses, activities
    RECORDS_WRITE = "records_write"
    RECORD_COUNTS = "record_counts"  # aggregated figures only, no names
    PERSONS_READ = "persons_read"  # reintegrated persons' names, IDs, details
    PERSONS_WRITE = "persons_write"
    ORGANISATION_READ = "organisation_read"  # committees, teams, criteria self-assessment
    ORGANISATION_WRITE = "organisation_write"
    ORGANISATION_CONFIRM = "organisation_confirm"
    DASHBOARD = "dashboard"
    REPORTS_APPROVE = "reports_approve"


C = Capability
ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.COMMUNE_OFFICER: frozenset(
        {
            C.RECORDS_READ,
            C.RECORDS_WRITE,
            C.RECORD_COUNTS,
            C.PERSONS_READ,
            C.PERSONS_WRITE,
            C.ORGANISATION_READ,
            C.ORGANISATION_WRITE,
            C.DASHBOARD,
        }
    ),
    Role.COMMUNE_COMMITTEE: frozenset({C.RECORD_COUNTS, C.ORGANISATION_READ, C.DASHBOARD}),
    # REPORTS_APPROVE (approve or return commune reports, reports app) is held by district-level roles only.
    Role.DISTRICT_POLICE: frozenset(
        {C.RECORDS_READ, C.RECORD_COUNTS, C.PERSONS_READ, C.ORGANISATION_READ, C.DASHBOARD, C.REPORTS_APPROVE}
    ),
    Role.DISTRICT_COMMITTEE: frozenset(
        {C.RECORD_COUNTS, C.ORGANISATION_READ, C.ORGANISATION_CONFIRM, C.DASHBOARD, C.REPORTS_APPROVE}
    ),
}


# Capabilities that read: a successor's users read its predecessors' records as the unit's history
# (docs/units.md); writing stays on the units in force.
READ_CAPABILITIES = frozenset({C.RECORDS_READ, C.RECORD_COUNTS, C.PERSONS_READ, C.ORGANISATION_READ, C.DASHBOARD})


def covers(root: AdministrativeUnit, unit: AdministrativeUnit, capability: Capability) -> bool:
    """Whether a seat at `root` reaches `unit` for `capability` (no query)."""
    if unit.path.startswith(root.path):
        return True
    return (
        capability in READ_CAPABILITIES
        and root.level == Level.COMMUNE
        and bool(root.history_path)
        and unit.history_path.startswith(root.history_path)
    )


def assignments_of(user) -> list[Assignment]:
    """The user's assignments, read once per user object (i.e. once per request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_basecurity_assignments", None)
    if cached is None:
        cached = list(Assignment.objects.for_user(user).current(timezone.localdate()))
        user._basecurity_assignments = cached
    return cached


def capabilities_of(user) -> set[Capability]:
    if user.is_authenticated and user.is_superuser:
        return set(Capability)
    return {cap for a in assignments_of(user) for cap in ROLE_CAPABILITIES[a.role]}


def has_capability(user, capability: Capability) -> bool:
    """Whether the user holds `capability` at some unit (for menus and view guards)."""
    return capability in capabilities_of(user)


def root_units(user, capability: Capability) -> list[AdministrativeUnit]:
    """The units at which the user holds `capability` (their subtrees are the scope)."""
    return [a.unit for a in assignments_of(user) if capability in ROLE_CAPABILITIES[a.role]]


def units_with(user, capability: Capability) -> QuerySet[AdministrativeUnit]:
    """Every unit on which the user may exercise `capability`: usable as a subquery."""
    if not user.is_authenticated:
        return AdministrativeUnit.objects.none()
    if user.is_superuser:
        return AdministrativeUnit.objects.all()
    roots = root_units(user, capability)
    units = AdministrativeUnit.objects.subtree_of(*roots)
    if capability in READ_CAPABILITIES:
        communes = [root for root in roots if root.level == Level.COMMUNE]
        if communes:
            units = units | AdministrativeUnit.objects.lineage_sources(communes)
    return units


def can(user, capability: Capability, unit: AdministrativeUnit) -> bool:
    """Whether the user may exercise `capability` on `unit` (no query once assignments are read)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(covers(root, unit, capability) for root in root_units(user, capability))


def can_recompute_targets(user, unit: AdministrativeUnit) -> bool:
    """Whether the user may ask for a recomputation of `unit`'s target figures.

    Those who may approve reports at the unit (district committee and police), or whose dashboard
    scope is a district or province covering it. Commune roles never: their figures are refreshed
    nightly and after each record.
    """
    if can(user, Capability.REPORTS_APPROVE, unit):
        return True
    return any(
        root.level in (Level.DISTRICT, Level.PROVINCE) and unit.path.startswith(root.path)
        for root in root_units(user, Capability.DASHBOARD)
    )


def scope_unit_ids(user, capability: Capability, levels: tuple[str, ...] = ()) -> list[int]:
    """The ids of the units whose records the user reaches for `capability` (the subtrees of their
    seats; for reading, a commune seat's predecessors too), of `levels` only when given; the units
    are read once per user object and capability.

    A list, not a join on the unit paths: `unit_id IN (...)` lets PostgreSQL walk an index in the
    list's order and stop at the page; a commune seat's records (`levels=("commune",)`) are then
    one unit's stretch of the (unit, date, id) index (docs/benchmarks.md, "Lists that scale")."""
    cache = user.__dict__.setdefault("_basecurity_scope_units", {})
    if capability not in cache:
        units = AdministrativeUnit.objects.reached_from(
            root_units(user, capability), with_history=capability in READ_CAPABILITIES
        )
        cache[capability] = list(units.order_by("id").values_list("id", "level"))
    return [pk for pk, level in cache[capability] if not levels or level in levels]


def scope(queryset: QuerySet, user, capability: Capability) -> QuerySet:
    """Restrict records of a UnitScopedQuerySet to the units where the user holds `capability`
    (the same units as `within_any(roots, with_history=...)`, given as a list of ids)."""
    if user.is_authenticated and user.is_superuser:
        return queryset
    if not root_units(user, capability):
        return queryset.none()
    return queryset.in_unit_ids(scope_unit_ids(user, capability, queryset.unit_levels))  # type: ignore[attr-defined]


def get_scoped_or_404(queryset: QuerySet, user, capability: Capability, **lookup):
    """The object if it exists and lies in the user's scope for `capability`; otherwise 404."""
    return get_object_or_404(scope(queryset, user, capability), **lookup)


def own_or_404(queryset: QuerySet, user, **lookup):
    """An object of the user's own (an import job): anyone else's, an administrator's included, is 404."""
    return get_object_or_404(queryset.filter(user=user), **lookup)


def require(user, capability: Capability, unit: AdministrativeUnit | None = None) -> None:
    """Raise 404 unless the user holds `capability` (at `unit` when given)."""
    allowed = can(user, capability, unit) if unit is not None else has_capability(user, capability)
    if not allowed:
        raise Http404


def scope_label(user, capability: Capability, unit: AdministrativeUnit | None = None) -> str:
    """What an export covers, in words: the unit chosen in the list's filter, else the user's units."""
    if unit is not None:
        return unit.name
    if user.is_superuser:
        return gettext("all units")
    return ", ".join(sorted((root.name for root in root_units(user, capability)), key=vi_key))
