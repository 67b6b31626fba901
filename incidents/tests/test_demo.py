"""The demo data: the article's comparisons, valid rows with history, idempotent loading."""

from datetime import date

import pytest
import time_machine

from basecurity.lib import periods
from incidents import demo, models

pytestmark = pytest.mark.django_db

MODELS = [
    models.Incident,
    models.TrafficAccident,
    models.CrimeTip,
    models.CrimeTipExtension,
    models.ConditionalBusiness,
    models.BusinessInspection,
    models.ForeignerStay,
    models.WeaponSurrender,
    models.WeaponSurrenderItem,
    models.Patrol,
    models.OutreachSession,
    models.Mediation,
    models.DoorToDoorCheck,
]


def _totals(unit, year):
    rows = models.Incident.objects.within(unit).in_period(periods.reporting_year(year)).totals_by_group()
    return {row["category__group"]: (row["cases"], row["subjects"]) for row in rows}


@pytest.mark.parametrize("today", ["2026-11-28", "2026-12-15"])  # late in a year; its first day
def test_demo_loads_valid_rows_once(units, today):
    with time_machine.travel(f"{today} 10:00 +0700", tick=False):
        _check_demo(units, date.fromisoformat(today))


def _check_demo(units, today):
    demo.load(units)
    counts = {model: model.objects.count() for model in MODELS}
    assert all(counts.values()), counts
    for model in MODELS:
        assert model.history.count() == counts[model]
        for row in model.objects.all():
            row.full_clean()  # every demo row obeys the same rules as entered data

    thanh_lam, town = units["06976"], units["06970"]
    assert _totals(thanh_lam, 2020)["crime"] == (12, 17)
    assert _totals(thanh_lam, 2021)["crime"] == (10, 14)
    cases = {year: sum(c for c, _ in _totals(thanh_lam, year).values()) for year in (2020, 2021)}
    subjects = {year: sum(s for _, s in _totals(thanh_lam, year).values()) for year in (2020, 2021)}
    assert (cases[2020] - cases[2021], subjects[2020] - subjects[2021]) == (2, 3)
    town_2020, town_2021 = _totals(town, 2020), _totals(town, 2021)
    assert sum(c for c, _ in town_2020.values()) - sum(c for c, _ in town_2021.values()) == 1
    assert sum(s for _, s in town_2020.values()) - sum(s for _, s in town_2021.values()) == 2
    # Every commune of today's map (the three formed on 1/7/2025) has records in the current year,
    # each on the unit of its day, and some tips are overdue or due soon.
    current = periods.period_of(today)
    units_now = models.Incident.objects.in_period(current).values_list("unit", flat=True).distinct()
    assert set(units_now) == {units[key].pk for key in ("06970@2025", "06979@2025", "06985@2025")}
    assert models.CrimeTip.objects.overdue().exists()
    assert models.CrimeTip.objects.due_within(5).exists()
    assert models.ForeignerStay.objects.late_or_undeclared().exists()

    demo.load(units)
    assert {model: model.objects.count() for model in MODELS} == counts
