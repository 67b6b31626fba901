"""Reads of the communes app. Other apps reuse UnitScopedQuerySet for their records."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.db.models.lookups import Contains


def text_search(fields, term: str) -> Q:
    """Rows where any of `fields` contains `term`, ignoring case also for Vietnamese letters.

    `icontains` on SQLite folds ASCII only ("đồng" would not find "Đồng Thầm"), so both sides
    are upper-cased: by PostgreSQL, and on SQLite by the Unicode UPPER that CommunesConfig
    installs on each connection.
    """
    condition = Q()
    for field in fields:
        condition |= Q(Contains(Upper(field), term.upper()))
    return condition


def _reach(units, with_history: bool, prefix: str) -> Q:
    """Units under any of `units` (path prefix), and with `with_history` the units that passed into a
    commune-level one (history_path prefix); `prefix` leads from a record to its unit."""
    condition = Q()
    for unit in units:
        condition |= Q(**{f"{prefix}path__startswith": unit.path})
        if with_history and unit.level == "commune" and unit.history_path:
            condition |= Q(**{f"{prefix}history_path__startswith": unit.history_path})
    return condition


class AdministrativeUnitQuerySet(models.QuerySet):
    def subtree_of(self, *units) -> "AdministrativeUnitQuerySet":
        """The given units and every unit below them (one indexed prefix match per unit)."""
        if not units:
            return self.none()
        condition = Q()
        for unit in units:
            condition |= Q(path__startswith=unit.path)
        return self.filter(condition)

    def existing_during(self, start, end) -> "AdministrativeUnitQuerySet":
        """Units that existed on some day of `start`..`end` (a commune merged away before is left out)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=start)
        )

    def valid_on(self, day) -> "AdministrativeUnitQuerySet":
        """Units in force on `day` (their validity interval holds it)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )

    def at(self, code: str, day, *, level: str | None = None):
        """The unit that `code` named on `day` (of `level` when given), or None: a code alone is ambiguous
        (06970 was Thị trấn Ba Chẽ until 30/06/2025 and is xã Ba Chẽ since)."""
        units = self.valid_on(day).filter(code=code)
        if level:
            units = units.filter(level=level)
        else:  # the same code at two levels on one day is rare; prefer the commune level
            units = units.order_by(models.Case(models.When(level="commune", then=0), default=1), "path")
        return units.first()

    def reached_from(self, units, *, with_history: bool = False) -> "AdministrativeUnitQuerySet":
        """The units whose records `UnitScopedQuerySet.within_any(units, with_history=...)` holds:
        the subtrees of `units`, and with `with_history` the predecessors of the commune-level ones."""
        return self.filter(_reach(units, with_history, "")) if units else self.none()

    def lineage_sources(self, units) -> "AdministrativeUnitQuerySet":
        """`units` and every unit whose records fold into one of them across the map's changes
        (predecessors passed whole, transitively: one prefix match on `history_path` per unit)."""
        condition = Q()
        for unit in units:
            condition |= Q(history_path__startswith=unit.history_path)
        return self.filter(condition) if condition else self.none()

    def communes(self) -> "AdministrativeUnitQuerySet":
        return self.filter(level="commune")

    def villages(self) -> "AdministrativeUnitQuerySet":
        return self.filter(level="village")


class UnitScopedQuerySet(models.QuerySet):
    """Records that belong to an administrative unit through `unit_field`: the lookup that the
    app's records.py declares for the model (communes/record_kinds.py, `Placement.unit`)."""

    @property
    def unit_field(self) -> str:
        from .record_kinds import placement

        return placement(self.model).unit

    @property
    def unit_levels(self) -> tuple[str, ...]:
        """The levels a record's unit can be at (`Placement.levels`; empty: any): the scope lists
        only the ids of the units of these levels (communes/permissions.scope_unit_ids)."""
        from .record_kinds import placement

        return placement(self.model).levels

    def in_units(self, units) -> "UnitScopedQuerySet":
        """Records whose unit is one of `units` (a queryset, used as a subquery)."""
        return self.filter(**{f"{self.unit_field}__in": units})

    def in_unit_ids(self, ids) -> "UnitScopedQuerySet":
        """Records whose unit is one of `ids` (a list): `unit_id IN (...)` with no join, so an index
        that starts with the unit or one that serves the list's sort applies (lists that scale)."""
        return self.filter(**{f"{self.unit_field}__in": list(ids)})

    def within(self, unit) -> "UnitScopedQuerySet":
        """Records of `unit` and of every unit below it."""
        return self.within_any([unit])

    def within_any(self, units, *, with_history: bool = False) -> "UnitScopedQuerySet":
        """Records of any of `units` or of a unit below one of them; `with_history` adds the records of
        the units that passed into a commune-level one across the map's changes (its predecessors,
        read as its history: docs/units.md). Units above a commune hold their past communes by path."""
        return self.filter(_reach(units, with_history, f"{self.unit_field}__")) if units else self.none()


class AssignmentQuerySet(models.QuerySet):
    def for_user(self, user) -> "AssignmentQuerySet":
        return self.filter(user=user).select_related("unit")

    def current(self, day) -> "AssignmentQuerySet":
        """Seats held on `day` (dates empty: open-ended)."""
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=day)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )
