"""Chainable reads and SQL aggregations of the incidents app.

Every record queryset is a UnitScopedQuerySet (`.within(unit)`, `.within_any(units)`,
`.in_units(qs)`, used by communes/permissions.py) with `in_period(start, end)` on the record's own
date field (both days included). Aggregations are `values(...).annotate(...).order_by()`: one GROUP
BY in the database, never a Python loop over rows. Example, a district's crime figures for a year:

    Incident.objects.within(district).in_period(start, end).totals_by_group()
"""

from datetime import date, timedelta
from typing import Self

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from communes.querysets import UnitScopedQuerySet
from communes.record_kinds import placement

from .deadlines import DUE_SOON_DAYS


class DatedRecordQuerySet(UnitScopedQuerySet):
    """Records with a date (`date_field`, declared in incidents/records.py) that periods filter on."""

    @property
    def date_field(self) -> str:
        return placement(self.model).date

    def in_period(self, start, end: date | None = None) -> "DatedRecordQuerySet":
        """Records dated from `start` to `end`, both included (local dates).

        `start` may also be a period with `.start` and `.end` (basecurity.lib.periods.Period).
        """
        if end is None:
            start, end = start.start, start.end
        return self.filter(**{f"{self.date_field}__range": (start, end)})

    def in_village(self, village) -> "DatedRecordQuerySet":
        return self.filter(village=village)

    def newest_first(self) -> "DatedRecordQuerySet":
        return self.order_by(f"-{self.date_field}", "-id")

    def with_places(self) -> Self:
        """Join the unit, the village and the recording user (for lists: no query per row)."""
        return self.select_related("unit", "village", "recorded_by")


class IncidentQuerySet(DatedRecordQuerySet):
    def with_places(self) -> Self:
        return super().with_places().select_related("category")

    def of_group(self, group: str) -> "IncidentQuerySet":
        return self.filter(category__group=group)

    def counts_by_group(self):
        """Rows {"unit", "category__group", "cases", "subjects"}: one per unit and group, in SQL.

        A parent unit's figures are the sum of these rows over its communes (targets.md).
        """
        return self.values("unit", "category__group").annotate(cases=Count("id"), subjects=Sum("subjects")).order_by()

    def totals_by_group(self):
        """Rows {"category__group", "cases", "subjects"}: the sums over every unit in the queryset."""
        return self.values("category__group").annotate(cases=Count("id"), subjects=Sum("subjects")).order_by()


class TrafficAccidentQuerySet(DatedRecordQuerySet):
    def totals_by_unit(self):
        """Rows {"unit", "cases", "deaths", "injuries"} (the three traffic criteria), in SQL."""
        return (
            self.values("unit").annotate(cases=Count("id"), deaths=Sum("deaths"), injuries=Sum("injuries")).order_by()
        )

    def totals(self) -> dict:
        """{"cases", "deaths", "injuries"} over the queryset; sums are 0, not None, when empty."""
        totals = self.aggregate(cases=Count("id"), deaths=Sum("deaths"), injuries=Sum("injuries"))
        return {key: value or 0 for key, value in totals.items()}


def _undecided(as_of: date) -> Q:
    """No decision recorded by the end of `as_of` (a later decision did not exist yet)."""
    return Q(decided_on__isnull=True) | Q(decided_on__gt=as_of)


class CrimeTipQuerySet(DatedRecordQuerySet):
    """Tips; "as of" a day means as they stood at the end of that day (targets.md, tips_on_time)."""

    def resolved(self, as_of: date | None = None) -> "CrimeTipQuerySet":
        return self.filter(decided_on__lte=as_of or timezone.localdate())

    def unresolved(self, as_of: date | None = None) -> "CrimeTipQuerySet":
        return self.filter(_undecided(as_of or timezone.localdate()))

    def overdue(self, as_of: date | None = None) -> "CrimeTipQuerySet":
        """Undecided and past the deadline day (decided on the deadline day is on time)."""
        as_of = as_of or timezone.localdate()
        return self.filter(_undecided(as_of), deadline__lt=as_of)

    def due_within(self, days: int = DUE_SOON_DAYS, as_of: date | None = None) -> "CrimeTipQuerySet":
        """Undecided with a deadline from `as_of` to `as_of` + `days` (both included)."""
        as_of = as_of or timezone.localdate()
        return self.filter(_undecided(as_of), deadline__range=(as_of, as_of + timedelta(days=days)))

    def needing_attention(self, days: int = DUE_SOON_DAYS, as_of: date | None = None) -> "CrimeTipQuerySet":
        """Overdue tips and tips due within `days`, most urgent (earliest deadline) first."""
        as_of = as_of or timezone.localdate()
        return self.filter(_undecided(as_of), deadline__lte=as_of + timedelta(days=days)).most_urgent_first()

    def most_urgent_first(self) -> "CrimeTipQuerySet":
        return self.order_by("deadline", "received_on", "id")

    def handover_overdue(self, now=None) -> "CrimeTipQuerySet":
        """Not yet handed to the investigating body, and the 24 h / 48 h limit has run out."""
        return self.filter(handed_over_at__isnull=True, handover_due_at__lt=now or timezone.now())

    def on_time_counts(self, as_of: date, by: tuple[str, ...] = ("unit",)):
        """Rows {"unit", "judged", "on_time"} (grouped `by`) for the `tips_on_time` target, in SQL.

        judged = decided by `as_of` + still undecided with the deadline before `as_of`;
        on_time = decided by `as_of` and on or before the deadline. Pending tips are in neither.
        """
        decided = Q(decided_on__lte=as_of)
        return (
            self.values(*by)
            .annotate(
                judged=Count("id", filter=decided | (_undecided(as_of) & Q(deadline__lt=as_of))),
                on_time=Count("id", filter=decided & Q(decided_on__lte=F("deadline"))),
            )
            .order_by()
        )


class CrimeTipExtensionQuerySet(DatedRecordQuerySet):
    """Its unit and date: incidents/records.py."""


class ForeignerStayQuerySet(DatedRecordQuerySet):
    """Stays belong to the period of their local arrival date (targets.md, foreigners_declared)."""

    def newest_first(self) -> "ForeignerStayQuerySet":
        return self.order_by("-arrived_at", "-id")

    def declared_on_time(self) -> "ForeignerStayQuerySet":
        return self.filter(declared_at__isnull=False, declared_at__lte=F("declaration_due_at"))

    def late_or_undeclared(self) -> "ForeignerStayQuerySet":
        return self.exclude(declared_at__isnull=False, declared_at__lte=F("declaration_due_at"))

    def declaration_counts(self, by: tuple[str, ...] = ("unit",)):
        """Rows {"unit", "stays", "on_time"} (grouped `by`) for the `foreigners_declared` target, in SQL."""
        on_time = Q(declared_at__isnull=False, declared_at__lte=F("declaration_due_at"))
        return self.values(*by).annotate(stays=Count("id"), on_time=Count("id", filter=on_time)).order_by()


class ConditionalBusinessQuerySet(UnitScopedQuerySet):
    def active(self) -> "ConditionalBusinessQuerySet":
        return self.filter(status="active")


class BusinessInspectionQuerySet(DatedRecordQuerySet):
    def in_village(self, village) -> "BusinessInspectionQuerySet":
        return self.filter(business__village=village)

    def with_places(self) -> "BusinessInspectionQuerySet":
        return self.select_related("business", "business__unit", "business__village", "business__kind", "recorded_by")


class WeaponSurrenderQuerySet(DatedRecordQuerySet):
    """Its unit and date: incidents/records.py."""


class WeaponSurrenderItemQuerySet(DatedRecordQuerySet):
    def in_village(self, village) -> "WeaponSurrenderItemQuerySet":
        return self.filter(surrender__village=village)

    def totals_by_type(self):
        """Rows {"item_type", "quantity"}: what was surrendered, summed by type."""
        return self.values("item_type").annotate(quantity=Sum("quantity")).order_by()


class PatrolQuerySet(DatedRecordQuerySet):
    """Rows placed by their declaration (communes/record_kinds.py)."""


class OutreachSessionQuerySet(DatedRecordQuerySet):
    def totals(self) -> dict:
        totals = self.aggregate(sessions=Count("id"), attendees=Sum("attendees"))
        return {key: value or 0 for key, value in totals.items()}


class MediationQuerySet(DatedRecordQuerySet):
    """Rows placed by their declaration (communes/record_kinds.py)."""


class DoorToDoorCheckQuerySet(DatedRecordQuerySet):
    def totals(self) -> dict:
        totals = self.aggregate(
            checks=Count("id"), households=Sum("households_checked"), violations=Sum("violations_found")
        )
        return {key: value or 0 for key, value in totals.items()}
