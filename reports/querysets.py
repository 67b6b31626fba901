"""Reads of the reports app: the district's timeliness table and the district report (SQL, one query each)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from basecurity.lib import periods
from basecurity.lib.collation import vi
from communes.models import AdministrativeUnit, Level
from dashboards.engine import COUNT_KEYS

from .figures import period_figures
from .models import Report, ReportState, due_days

# Sơ kết (6 and 9 months) and tổng kết (the year): the reports that carry every target and activity.
SUMMARY_KINDS = (periods.Kind.HALF_YEAR, periods.Kind.NINE_MONTHS, periods.Kind.YEAR)


class Timeliness:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"  # due date passed, nothing submitted
    NOT_DUE = "not_due"  # not submitted yet, due date not passed


@dataclass
class TimelinessRow:
    unit: AdministrativeUnit
    report_id: int | None
    state: str | None
    submitted_at: object
    status: str


def timeliness(
    district: AdministrativeUnit, period_kind: str, year: int, number: int, *, today=None
) -> list[TimelinessRow]:
    """One row per commune of `district`: its report for the period (if any), on time / late / missing."""
    today = today or timezone.localdate()
    reports = Report.objects.filter(unit=OuterRef("pk"), period_kind=period_kind, year=year, number=number)
    period = periods.make_period(period_kind, year, number)
    communes = (
        AdministrativeUnit.objects.subtree_of(district)
        .filter(level=Level.COMMUNE)
        .existing_during(period.start, period.end)
        .annotate(
            report_id=Subquery(reports.values("pk")[:1]),
            report_state=Subquery(reports.values("state")[:1]),
            report_submitted_at=Subquery(reports.values("submitted_at")[:1]),
            report_due_on=Subquery(reports.values("due_on")[:1]),
        )
        .order_by(vi("name"))
    )
    due = period.end + timedelta(days=due_days())
    rows = []
    for unit in communes:
        submitted = unit.report_submitted_at
        if submitted is not None:
            # The due date stored with the report, as its own page judges it (the setting may change).
            due_on = unit.report_due_on or due
            status = Timeliness.ON_TIME if timezone.localdate(submitted) <= due_on else Timeliness.LATE
        else:
            status = Timeliness.MISSING if today > due else Timeliness.NOT_DUE
        rows.append(TimelinessRow(unit, unit.report_id, unit.report_state, submitted, status))
    return rows


def district_report(district: AdministrativeUnit, period_kind: str, year: int, number: int) -> dict:
    """The district's figures summed from its communes' approved reports only, and the communes missing."""
    period = periods.make_period(period_kind, year, number)
    communes = list(
        AdministrativeUnit.objects.subtree_of(district)
        .filter(level=Level.COMMUNE)
        .existing_during(period.start, period.end)
        .order_by(vi("name"))
    )
    approved = list(
        Report.objects.filter(
            unit__in=[unit.pk for unit in communes],
            period_kind=period_kind,
            year=year,
            number=number,
            state=ReportState.APPROVED,
        )
        .select_related("unit")
        .order_by(vi("unit__name"))
    )
    reported = {report.unit_id for report in approved}
    totals = dict.fromkeys(COUNT_KEYS, 0)
    previous = dict.fromkeys(COUNT_KEYS, 0)
    for report in approved:
        for key in COUNT_KEYS:
            totals[key] += report.figures.get("counts", {}).get(key, 0)
            previous[key] += report.figures.get("previous_counts", {}).get(key, 0)
    return {
        # The 6-month, 9-month and year reports also carry the district's targets and activities.
        "figures": period_figures(district, period) if period_kind in SUMMARY_KINDS else None,
        "approved": approved,
        "missing": [unit for unit in communes if unit.pk not in reported],
        "counts": totals,
        "previous_counts": previous,
        "complete": len(reported) == len(communes),
    }
