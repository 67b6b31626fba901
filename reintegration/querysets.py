"""Reads of the reintegration app: the cohorts of targets.md and the "needs attention" list.

Every figure is computed in SQL (filters, EXISTS and correlated subqueries, GROUP BY), so a
dashboard counts thousands of persons in one query, and each number can be reproduced by hand
from the definitions in targets.md.
"""

import calendar
from datetime import date, timedelta

from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery

from communes.querysets import UnitScopedQuerySet

# "Needs attention" (issue 4): no status for 6 months, no support action for 3 months,
# management ending within 30 days.
STATUS_DUE_MONTHS = 6
SUPPORT_DUE_MONTHS = 3
MANAGEMENT_ENDING_DAYS = 30


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's end (31/8 → 28/2)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _models():
    from . import models as reintegration_models  # the models import this module

    return reintegration_models


class PersonQuerySet(UnitScopedQuerySet):
    # --- cohorts (targets.md) ---------------------------------------------------------------
    def reoffending_cohort(self, start: date, end: date) -> "PersonQuerySet":
        """Persons who served a sentence or were amnestied, returned on or before the end of the
        period and whose management had not ended before its start."""
        m = _models()
        return self.filter(category__in=m.REOFFENDING_CATEGORIES, returned_on__lte=end).filter(
            Q(management_end__isnull=True) | Q(management_end__gte=start)
        )

    @staticmethod
    def _reoffence_in(start: date, end: date) -> Exists:
        return Exists(
            _models().Reoffence.objects.filter(
                person=OuterRef("pk"), date__range=(start, end), date__gte=OuterRef("returned_on")
            )
        )

    def with_reoffence_in(self, start: date, end: date) -> "PersonQuerySet":
        """Persons with a reoffence dated in the period and on or after their return date."""
        return self.filter(self._reoffence_in(start, end))

    def under_management_on(self, day: date) -> "PersonQuerySet":
        """Returned on or before `day`, management not ended before it (any category)."""
        return self.filter(returned_on__lte=day).filter(Q(management_end__isnull=True) | Q(management_end__gte=day))

    def _with_latest_status(self, day: date) -> "PersonQuerySet":
        """Alias the job and stable-life flags of each person's latest status on or before `day`
        (None when there is none). (person, as_of) is unique, so "latest" is well defined."""
        latest = _models().Status.objects.filter(person=OuterRef("pk"), as_of__lte=day).order_by("-as_of")
        return self.alias(
            latest_has_job=Subquery(latest.values("has_job")[:1]),
            latest_stable_life=Subquery(latest.values("stable_life")[:1]),
        )

    def with_latest_status(self, day: date) -> "PersonQuerySet":
        """Annotate each person's latest status on or before `day` (for lists): latest_status_as_of,
        latest_has_job, latest_stable_life (None when there is none)."""
        latest = _models().Status.objects.filter(person=OuterRef("pk"), as_of__lte=day).order_by("-as_of")
        return self.annotate(
            latest_status_as_of=Subquery(latest.values("as_of")[:1]),
            latest_has_job=Subquery(latest.values("has_job")[:1]),
            latest_stable_life=Subquery(latest.values("stable_life")[:1]),
        )

    def employed_on(self, day: date) -> "PersonQuerySet":
        """Persons whose latest status on or before `day` says both "has a job" and "stable life".

        Combine with under_management_on(day) for the employment target's numerator.
        """
        return self._with_latest_status(day).filter(latest_has_job=True, latest_stable_life=True)

    def needs_attention(self, today: date) -> "PersonQuerySet":
        """Persons under management today with no status for 6 months, no support action for
        3 months, or management ending within 30 days; annotated with which of the three.

        The clocks start at the return date: a person who came back a week ago is not yet overdue.
        """
        m = _models()
        status_cutoff = months_before(today, STATUS_DUE_MONTHS)
        support_cutoff = months_before(today, SUPPORT_DUE_MONTHS)
        ending_by = today + timedelta(days=MANAGEMENT_ENDING_DAYS)
        recent_status = Exists(m.Status.objects.filter(person=OuterRef("pk"), as_of__gt=status_cutoff))
        recent_support = Exists(m.SupportAction.objects.filter(person=OuterRef("pk"), date__gt=support_cutoff))
        return (
            self.under_management_on(today)
            .annotate(
                status_overdue=ExpressionWrapper(
                    Q(returned_on__lte=status_cutoff) & ~recent_status, output_field=BooleanField()
                ),
                support_overdue=ExpressionWrapper(
                    Q(returned_on__lte=support_cutoff) & ~recent_support, output_field=BooleanField()
                ),
                management_ending=ExpressionWrapper(
                    Q(management_end__isnull=False, management_end__gte=today, management_end__lte=ending_by),
                    output_field=BooleanField(),
                ),
            )
            .filter(Q(status_overdue=True) | Q(support_overdue=True) | Q(management_ending=True))
        )

    # --- aggregations per unit (one GROUP BY query each) ------------------------------------
    def reoffending_counts_by_unit(self, start: date, end: date) -> models.QuerySet:
        """Rows {"unit": id, "cohort": n, "reoffended": k} for the reoffending target of [start, end]."""
        return (
            self.reoffending_cohort(start, end)
            .values("unit")
            .annotate(cohort=Count("pk"), reoffended=Count("pk", filter=Q(self._reoffence_in(start, end))))
            .order_by()
        )

    def employment_counts_by_unit(self, day: date) -> models.QuerySet:
        """Rows {"unit": id, "population": n, "employed": k} for the employment target on `day`
        (the last day of the period)."""
        return (
            self.under_management_on(day)
            ._with_latest_status(day)
            .values("unit")
            .annotate(
                population=Count("pk"),
                employed=Count("pk", filter=Q(latest_has_job=True, latest_stable_life=True)),
            )
            .order_by()
        )

    def rates_by_unit(self, units, period) -> list[dict]:
        """One row per unit of `units`, in their order, for `period` (the counts page: numbers only):
        population, employed and employment_rate on the period's last day; the reoffending cohort,
        the reoffended and reoffending_rate over the period. A rate is a percentage with one
        decimal, None when there is nobody to count."""
        employment = {row["unit"]: row for row in self.employment_counts_by_unit(period.end)}
        reoffending = {row["unit"]: row for row in self.reoffending_counts_by_unit(period.start, period.end)}
        rows = []
        for unit in units:
            emp = employment.get(unit.pk, {"population": 0, "employed": 0})
            reo = reoffending.get(unit.pk, {"cohort": 0, "reoffended": 0})
            rows.append(
                {
                    "unit": unit,
                    "population": emp["population"],
                    "employed": emp["employed"],
                    "employment_rate": percentage(emp["employed"], emp["population"]),
                    "cohort": reo["cohort"],
                    "reoffended": reo["reoffended"],
                    "reoffending_rate": percentage(reo["reoffended"], reo["cohort"]),
                }
            )
        return rows


def percentage(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


class PersonRecordQuerySet(UnitScopedQuerySet):
    """Support actions, statuses and reoffences: scoped through their person's unit."""


class ReadLogQuerySet(UnitScopedQuerySet):
    """The read log, placed through its person (communes/record_kinds.py)."""
