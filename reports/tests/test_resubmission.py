"""A report returned and submitted again is judged on its last submission (what the district receives).

November 2026 (15/10-14/11) is due on 19/11; the first submission stays in the report's events.
"""

import importlib
from datetime import datetime

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from incidents.tests.factories import HCM
from reports import services
from reports.models import Report, ReportState
from reports.querysets import Timeliness, timeliness

pytestmark = pytest.mark.django_db

ON_16_NOV = datetime(2026, 11, 16, 9, 0, tzinfo=HCM)
ON_17_NOV = datetime(2026, 11, 17, 9, 0, tzinfo=HCM)
ON_19_NOV_EVENING = datetime(2026, 11, 19, 22, 0, tzinfo=HCM)  # the due day, local time
ON_20_NOV = datetime(2026, 11, 20, 8, 0, tzinfo=HCM)


def _submit_return_resubmit(roles, unit, resubmitted_at) -> Report:
    with time_machine.travel(ON_16_NOV, tick=False):
        report = services.report_create(user=roles.officer_a, unit=unit, period_kind="month", year=2026, number=11)
        services.report_submit(report=report, user=roles.officer_a)
    with time_machine.travel(ON_17_NOV, tick=False):
        services.report_return(report=report, user=roles.district_police, comment="Bổ sung số liệu.")
    with time_machine.travel(resubmitted_at, tick=False):
        services.report_submit(report=report, user=roles.officer_a)
    return Report.objects.get(pk=report.pk)


def _row(units, unit):
    with time_machine.travel(ON_20_NOV, tick=False):
        rows = timeliness(units["22"], "month", 2026, 11)
    return next(row for row in rows if row.unit == unit)


def test_on_time_then_returned_then_resubmitted_late_is_late(roles, units, commune_a):
    report = _submit_return_resubmit(roles, commune_a, ON_20_NOV)

    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at == ON_20_NOV
    assert report.on_time is False
    row = _row(units, commune_a)
    assert (row.status, row.submitted_at) == (Timeliness.LATE, ON_20_NOV)
    # The first submission is kept in the history of the workflow.
    submissions = list(report.events.filter(to_state=ReportState.SUBMITTED).values_list("at", flat=True))
    assert submissions == [ON_16_NOV, ON_20_NOV]


def test_resubmitted_by_the_end_of_the_due_day_is_on_time(roles, units, commune_a):
    report = _submit_return_resubmit(roles, commune_a, ON_19_NOV_EVENING)
    assert report.on_time is True
    assert _row(units, commune_a).status == Timeliness.ON_TIME


def test_timeliness_page_shows_the_last_submission(roles, units, commune_a, client_for):
    _submit_return_resubmit(roles, commune_a, ON_20_NOV)
    params = {"district": units["22"].pk, "period_kind": "month", "year": 2026, "number": 11}
    with time_machine.travel(ON_20_NOV, tick=False):
        page = client_for(roles.district_committee).get(reverse("reports:timeliness"), params).content.decode()
    row = next(line for line in page.split("<tr") if "Xã Kỳ Thượng" in line)
    assert "20/11/2026" in row and "Late" in row
    assert "16/11/2026" not in row


def test_migration_moves_stored_reports_to_their_last_submission(roles, units, commune_a, commune_b):
    """Reports saved before the change kept their first submission; the migration takes the last."""
    resubmitted = _submit_return_resubmit(roles, commune_a, ON_20_NOV)
    Report.objects.filter(pk=resubmitted.pk).update(submitted_at=ON_16_NOV)  # as the old code stored it
    with time_machine.travel(ON_17_NOV, tick=False):
        once = services.report_create(user=roles.officer_b, unit=commune_b, period_kind="month", year=2026, number=11)
        services.report_submit(report=once, user=roles.officer_b)
    never = services.report_create(
        user=roles.officer_a, unit=commune_a, period_kind="month", year=2026, number=12
    )  # a draft: no submission

    migration = importlib.import_module("reports.migrations.0005_report_submitted_at_latest")
    migration.latest_submission(apps, None)

    stored = dict(Report.objects.values_list("pk", "submitted_at"))
    assert stored == {resubmitted.pk: ON_20_NOV, once.pk: ON_17_NOV, never.pk: None}
    migration.first_submission(apps, None)  # the way back
    assert Report.objects.get(pk=resubmitted.pk).submitted_at == ON_16_NOV
