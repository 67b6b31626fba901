"""A report's activity totals on the changing map: a successor's report of a period that began before
the merger holds the activities its predecessors recorded then, as its targets' figures do."""

from datetime import date

import pytest

from basecurity.lib import periods
from incidents.tests import factories as f
from reports import figures

pytestmark = pytest.mark.django_db


def test_a_successors_year_holds_its_predecessors_activities(units, roles):
    recorder = roles.admin
    f.patrol(units["06976"], recorder, patrolled_on=date(2025, 3, 2)).save()  # Thanh Lâm, before 1/7/2025
    f.patrol(units["06979"], recorder, patrolled_on=date(2025, 5, 9)).save()  # Đạp Thanh
    f.patrol(units["06979@2025"], recorder, patrolled_on=date(2025, 9, 1)).save()  # Kỳ Thượng of 2025
    f.patrol(units["06970@2025"], recorder, patrolled_on=date(2025, 9, 1)).save()  # xã Ba Chẽ: not Kỳ Thượng's
    f.outreach(units["06976"], recorder, held_on=date(2025, 4, 1), attendees=40).save()

    year = periods.reporting_year(2025)  # 15/12/2024 .. 14/12/2025
    totals = figures.activity_totals(units["06979@2025"], year)

    assert totals["patrols"] == 3
    assert totals["outreach"]["sessions"] == 1 and totals["outreach"]["attendees"] == 40
    # The town's successor, xã Ba Chẽ, is another commune: one patrol of its own.
    assert figures.activity_totals(units["06970@2025"], year)["patrols"] == 1
