"""Reporting periods (basecurity/lib/periods.py) against targets.md "Periods" and domain.md."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from basecurity.lib import periods
from basecurity.lib.periods import (
    Kind,
    Period,
    half_year,
    local_date,
    make_period,
    month,
    months_of,
    nine_months,
    period_of,
    quarter,
    reporting_year,
    same_day_years_earlier,
)

CALENDAR = (1, 1)


@pytest.fixture
def calendar_years(settings):
    settings.REPORTING_YEAR_START = CALENDAR


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- Years and their 15/12 / 14/12 boundaries -----------------------------------------------------


def test_default_year_runs_from_15_december_to_14_december():
    year = reporting_year(2021)
    assert (year.kind, year.year, year.number) == ("year", 2021, 1)
    assert (year.start, year.end) == (date(2020, 12, 15), date(2021, 12, 14))
    assert year.days == 365
    assert year.as_of is None


@pytest.mark.parametrize(
    "day, year",
    [
        (date(2020, 12, 14), 2020),  # last day of 2020
        (date(2020, 12, 15), 2021),  # first day of 2021
        (date(2021, 1, 1), 2021),
        (date(2021, 12, 14), 2021),  # last day of 2021
        (date(2021, 12, 15), 2022),  # first day of 2022
        (date(2021, 12, 31), 2022),
    ],
)
def test_year_boundaries_at_15_and_14_december(day, year):
    assert period_of(day) == reporting_year(year)
    assert reporting_year(year).contains(day)
    assert not reporting_year(year - 1).contains(day)
    assert not reporting_year(year + 1).contains(day)


def test_leap_year_has_366_days():
    assert reporting_year(2024).days == 366  # 15/12/2023 .. 14/12/2024 holds 29/2/2024
    assert reporting_year(2023).days == 365


def test_calendar_year_setting(calendar_years):
    year = reporting_year(2021)
    assert (year.start, year.end) == (date(2021, 1, 1), date(2021, 12, 31))
    assert period_of(date(2021, 12, 15)) == year
    assert period_of(date(2021, 12, 31)) == year
    assert period_of(date(2022, 1, 1)) == reporting_year(2022)
    assert period_of(date(2020, 12, 31)).year == 2020


def test_explicit_start_wins_over_the_setting(calendar_years):
    assert reporting_year(2021, start=(15, 12)).start == date(2020, 12, 15)
    assert reporting_year(2021).start == date(2021, 1, 1)


@pytest.mark.parametrize(
    "start, first, last",
    [
        ((1, 7), date(2020, 7, 1), date(2021, 6, 30)),  # a July-June year ends in 2021
        ((1, 12), date(2020, 12, 1), date(2021, 11, 30)),
        ((20, 12), date(2020, 12, 20), date(2021, 12, 19)),
        ((28, 2), date(2020, 2, 28), date(2021, 2, 27)),
        ((2, 1), date(2020, 1, 2), date(2021, 1, 1)),
    ],
)
def test_other_starts_give_the_year_that_ends_in_the_calendar_year(start, first, last):
    year = reporting_year(2021, start=start)
    assert (year.start, year.end) == (first, last)
    assert year.year_start == start


# --- Months, quarters, 6 and 9 months ------------------------------------------------------------


@pytest.mark.parametrize("number", range(1, 13))
def test_each_default_month_runs_from_the_15th_to_the_14th(number):
    period = month(2021, number)
    expected_start = date(2020, 12, 15) if number == 1 else date(2021, number - 1, 15)
    assert (period.start, period.end) == (expected_start, date(2021, number, 14))
    assert (period.kind, period.year, period.number) == ("month", 2021, number)


@pytest.mark.parametrize("number", range(1, 13))
def test_each_calendar_month(calendar_years, number):
    period = month(2024, number)
    next_first = date(2025, 1, 1) if number == 12 else date(2024, number + 1, 1)
    assert (period.start, period.end) == (date(2024, number, 1), next_first - timedelta(days=1))


def test_calendar_february_follows_leap_years(calendar_years):
    assert month(2024, 2).end == date(2024, 2, 29)
    assert month(2023, 2).end == date(2023, 2, 28)


@pytest.mark.parametrize("start", [(15, 12), CALENDAR, (1, 7)])
def test_months_tile_the_year_without_gap_or_overlap(start):
    year = reporting_year(2024, start=start)
    months = months_of(2024, start=start)
    assert [m.number for m in months] == list(range(1, 13))
    assert months[0].start == year.start
    assert months[-1].end == year.end
    for earlier, later in zip(months, months[1:], strict=False):
        assert later.start == earlier.end + timedelta(days=1)
    assert sum(m.days for m in months) == year.days


@pytest.mark.parametrize(
    "number, first, last",
    [
        (1, date(2020, 12, 15), date(2021, 3, 14)),
        (2, date(2021, 3, 15), date(2021, 6, 14)),
        (3, date(2021, 6, 15), date(2021, 9, 14)),
        (4, date(2021, 9, 15), date(2021, 12, 14)),
    ],
)
def test_each_default_quarter(number, first, last):
    assert (quarter(2021, number).start, quarter(2021, number).end) == (first, last)


@pytest.mark.parametrize(
    "number, first, last",
    [
        (1, date(2021, 1, 1), date(2021, 3, 31)),
        (2, date(2021, 4, 1), date(2021, 6, 30)),
        (3, date(2021, 7, 1), date(2021, 9, 30)),
        (4, date(2021, 10, 1), date(2021, 12, 31)),
    ],
)
def test_each_calendar_quarter(calendar_years, number, first, last):
    assert (quarter(2021, number).start, quarter(2021, number).end) == (first, last)


def test_six_months_run_from_15_december_to_14_june():
    first = half_year(2021)
    assert (first.start, first.end, first.number) == (date(2020, 12, 15), date(2021, 6, 14), 1)
    last = half_year(2021, 2)
    assert (last.start, last.end) == (date(2021, 6, 15), date(2021, 12, 14))


def test_nine_months_run_from_15_december_to_14_september():
    period = nine_months(2021)
    assert (period.start, period.end) == (date(2020, 12, 15), date(2021, 9, 14))


def test_calendar_six_and_nine_months(calendar_years):
    assert (half_year(2021).start, half_year(2021).end) == (date(2021, 1, 1), date(2021, 6, 30))
    assert (nine_months(2021).start, nine_months(2021).end) == (date(2021, 1, 1), date(2021, 9, 30))


@translation.override("en")
def test_make_period_refuses_numbers_out_of_range_and_unknown_kinds():
    with pytest.raises(ValueError, match="between 1 and 12"):
        month(2021, 13)
    with pytest.raises(ValueError, match="between 1 and 4"):
        quarter(2021, 0)
    with pytest.raises(ValueError, match="between 1 and 2"):
        half_year(2021, 3)
    with pytest.raises(ValueError, match="between 1 and 1"):
        make_period(Kind.NINE_MONTHS, 2021, 2)
    with pytest.raises(ValueError, match="Unknown period kind"):
        make_period("week", 2021, 1)
    # The number error reaches the report forms: it is said in the user's language.
    with translation.override("vi"), pytest.raises(ValueError, match="Không có quý số 5 trong năm báo cáo"):
        quarter(2021, 5)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period("year", 2021, 1, date(2021, 1, 2), date(2021, 1, 1))


def test_periods_are_frozen_and_hashable():
    period = reporting_year(2021)
    with pytest.raises(AttributeError):
        period.end = date(2021, 1, 1)
    assert {period: 1}[reporting_year(2021)] == 1


# --- period_of for every kind --------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, kind, expected",
    [
        (date(2020, 12, 15), Kind.YEAR, ("year", 2021, 1)),
        (date(2020, 12, 15), Kind.MONTH, ("month", 2021, 1)),
        (date(2021, 1, 14), Kind.MONTH, ("month", 2021, 1)),
        (date(2021, 1, 15), Kind.MONTH, ("month", 2021, 2)),
        (date(2021, 3, 14), Kind.MONTH, ("month", 2021, 3)),
        (date(2021, 12, 14), Kind.MONTH, ("month", 2021, 12)),
        (date(2021, 12, 15), Kind.MONTH, ("month", 2022, 1)),
        (date(2021, 3, 14), Kind.QUARTER, ("quarter", 2021, 1)),
        (date(2021, 3, 15), Kind.QUARTER, ("quarter", 2021, 2)),
        (date(2021, 9, 14), Kind.QUARTER, ("quarter", 2021, 3)),
        (date(2021, 9, 15), Kind.QUARTER, ("quarter", 2021, 4)),
        (date(2021, 6, 14), Kind.HALF_YEAR, ("half_year", 2021, 1)),
        (date(2021, 6, 15), Kind.HALF_YEAR, ("half_year", 2021, 2)),
        (date(2020, 12, 15), Kind.NINE_MONTHS, ("nine_months", 2021, 1)),
        (date(2021, 9, 14), Kind.NINE_MONTHS, ("nine_months", 2021, 1)),
    ],
)
def test_period_of_each_kind(day, kind, expected):
    period = period_of(day, kind)
    assert (period.kind, period.year, period.number) == expected
    assert period.contains(day)
    assert period == make_period(*expected)


def test_period_of_nine_months_is_none_after_the_ninth_month():
    assert period_of(date(2021, 9, 15), Kind.NINE_MONTHS) is None
    assert period_of(date(2021, 12, 14), Kind.NINE_MONTHS) is None
    assert period_of(date(2021, 12, 15), Kind.NINE_MONTHS) == nine_months(2022)


@pytest.mark.parametrize(
    "day, kind, expected",
    [
        (date(2021, 12, 31), Kind.YEAR, ("year", 2021, 1)),
        (date(2021, 12, 31), Kind.MONTH, ("month", 2021, 12)),
        (date(2024, 2, 29), Kind.MONTH, ("month", 2024, 2)),
        (date(2021, 4, 1), Kind.QUARTER, ("quarter", 2021, 2)),
        (date(2021, 7, 1), Kind.HALF_YEAR, ("half_year", 2021, 2)),
        (date(2021, 9, 30), Kind.NINE_MONTHS, ("nine_months", 2021, 1)),
    ],
)
def test_period_of_each_kind_with_calendar_years(calendar_years, day, kind, expected):
    assert period_of(day, kind) == make_period(*expected)


@pytest.mark.parametrize("start", [(15, 12), CALENDAR, (1, 7), (28, 2)])
def test_every_day_falls_in_exactly_one_period_of_each_kind(start):
    """Exhaustive over 2019-2025: period_of agrees with the constructors and with contains()."""
    all_periods = {
        kind: [
            make_period(kind, year, number, start=start)
            for year in range(2018, 2028)
            for number in range(1, periods._COUNT_PER_YEAR[kind] + 1)
        ]
        for kind in Kind
    }
    for day in days(date(2019, 1, 1), date(2025, 12, 31)):
        for kind in Kind:
            containing = [p for p in all_periods[kind] if p.contains(day)]
            found = period_of(day, kind, start=start)
            if kind == Kind.NINE_MONTHS:
                assert len(containing) <= 1
                assert found == (containing[0] if containing else None)
            else:
                assert containing == [found], (day, kind)


def test_period_of_a_datetime_uses_its_local_date():
    instant = datetime(2021, 12, 14, 17, 30, tzinfo=UTC)  # 00:30 on 15/12/2021 in Việt Nam
    assert period_of(instant) == reporting_year(2022)
    assert period_of(instant, Kind.MONTH) == month(2022, 1)
    assert period_of(datetime(2021, 12, 14, 16, 59, tzinfo=UTC)) == reporting_year(2021)  # 23:59 local


# --- Local dates ---------------------------------------------------------------------------------


def test_local_date_of_an_aware_datetime():
    assert local_date(datetime(2021, 12, 14, 17, 30, tzinfo=UTC)) == date(2021, 12, 15)
    assert local_date(datetime(2021, 12, 14, 16, 59, 59, tzinfo=UTC)) == date(2021, 12, 14)
    assert local_date(date(2021, 12, 14)) == date(2021, 12, 14)


def test_contains_uses_the_local_date():
    year_2021 = reporting_year(2021)
    assert not year_2021.contains(datetime(2021, 12, 14, 17, 30, tzinfo=UTC))
    assert datetime(2021, 12, 14, 17, 30, tzinfo=UTC) in reporting_year(2022)


def test_local_date_refuses_naive_datetimes_and_other_types():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2021, 12, 14, 17, 30))
    with pytest.raises(TypeError):
        local_date("2021-12-14")


# --- Previous period and to-date cuts ------------------------------------------------------------


@pytest.mark.parametrize(
    "period, expected",
    [
        (reporting_year(2021), reporting_year(2020)),
        (month(2021, 1), month(2020, 1)),
        (quarter(2021, 3), quarter(2020, 3)),
        (half_year(2021), half_year(2020)),
        (half_year(2021, 2), half_year(2020, 2)),
        (nine_months(2021), nine_months(2020)),
    ],
)
def test_previous_is_the_same_period_one_year_earlier(period, expected):
    assert period.previous() == expected
    assert period.previous().start == same_day_years_earlier(period.start)


def test_previous_year_has_the_documented_dates():
    previous = reporting_year(2021).previous()
    assert (previous.start, previous.end) == (date(2019, 12, 15), date(2020, 12, 14))


def test_previous_calendar_february_of_a_leap_year(calendar_years):
    assert month(2025, 2).previous() == month(2024, 2)  # rebuilt, so it keeps 29/2/2024
    assert month(2025, 2).previous().end == date(2024, 2, 29)
    assert month(2024, 2).previous().end == date(2023, 2, 28)


def test_previous_keeps_a_non_default_start():
    period = quarter(2021, 2, start=(1, 7))
    assert period.previous() == quarter(2020, 2, start=(1, 7))
    assert period.year_start == (1, 7)


def test_cut_at_keeps_the_to_date_part():
    period = reporting_year(2021).cut_at(date(2021, 6, 30))
    assert (period.start, period.end, period.as_of) == (date(2020, 12, 15), date(2021, 6, 30), date(2021, 6, 30))
    assert period.as_of is not None
    assert not period.contains(date(2021, 7, 1))
    assert period.full() == reporting_year(2021)


def test_cut_at_or_after_the_end_is_the_whole_period():
    year = reporting_year(2021)
    assert year.cut_at(date(2021, 12, 14)) == year
    assert year.cut_at(date(2022, 3, 1)) == year
    assert year.cut_at(date(2021, 12, 14)).as_of is None


def test_cut_at_the_first_day_is_one_day():
    period = reporting_year(2021).cut_at(date(2020, 12, 15))
    assert period.days == 1


def test_cut_at_before_the_start_is_refused():
    with pytest.raises(ValueError, match="before the period starts"):
        reporting_year(2021).cut_at(date(2020, 12, 14))


def test_cut_twice_keeps_the_earlier_cut():
    period = reporting_year(2021).cut_at(date(2021, 3, 1))
    assert period.cut_at(date(2021, 6, 1)) == period
    assert period.cut_at(date(2021, 2, 1)).end == date(2021, 2, 1)


def test_cut_at_accepts_an_aware_datetime():
    period = reporting_year(2021).cut_at(datetime(2021, 6, 29, 18, 0, tzinfo=UTC))  # 01:00 on 30/6 local
    assert period.end == date(2021, 6, 30)


def test_a_year_cut_to_date_and_its_previous_period():
    period = reporting_year(2021).cut_at(date(2021, 6, 30))
    assert (period.start, period.end) == (date(2020, 12, 15), date(2021, 6, 30))
    previous = period.previous()
    assert (previous.start, previous.end, previous.as_of) == (date(2019, 12, 15), date(2020, 6, 30), date(2020, 6, 30))


def test_to_date_cut_at_29_february_maps_to_28_february():
    period = reporting_year(2024).cut_at(date(2024, 2, 29))
    assert period.end == date(2024, 2, 29)
    previous = period.previous()
    assert (previous.start, previous.end) == (date(2022, 12, 15), date(2023, 2, 28))


def test_previous_of_a_cut_of_a_calendar_february(calendar_years):
    previous = month(2024, 2).cut_at(date(2024, 2, 29)).previous()
    # 29/2/2024 is the last day of February 2024: the period has ended, so all of February 2023.
    assert previous == month(2023, 2)
    previous = month(2024, 2).cut_at(date(2024, 2, 10)).previous()
    assert (previous.start, previous.end) == (date(2023, 2, 1), date(2023, 2, 10))


def test_previous_of_a_cut_after_the_end_is_the_whole_previous_period():
    assert reporting_year(2021).cut_at(date(2022, 1, 5)).previous() == reporting_year(2020)


def test_previous_of_a_cut_of_a_month():
    previous = month(2021, 3).cut_at(date(2021, 3, 1)).previous()
    assert (previous.start, previous.end) == (date(2020, 2, 15), date(2020, 3, 1))


def test_same_day_years_earlier():
    assert same_day_years_earlier(date(2024, 2, 29)) == date(2023, 2, 28)
    assert same_day_years_earlier(date(2024, 2, 29), years=4) == date(2020, 2, 29)
    assert same_day_years_earlier(date(2021, 12, 14)) == date(2020, 12, 14)


def test_as_json():
    assert reporting_year(2021).as_json() == {"start": "2020-12-15", "end": "2021-12-14"}


# --- Labels --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "period, label",
    [
        (reporting_year(2021), "Year 2021"),
        (month(2021, 3), "Month 3/2021"),
        (quarter(2021, 1), "Quarter I/2021"),
        (quarter(2021, 4), "Quarter IV/2021"),
        (half_year(2021), "First 6 months of 2021"),
        (half_year(2021, 2), "Last 6 months of 2021"),
        (nine_months(2021), "9 months of 2021"),
        (reporting_year(2021).cut_at(date(2021, 6, 30)), "Year 2021 (to 30/06/2021)"),
    ],
)
def test_labels(english, period, label):
    assert period.label == label
    assert str(period) == label


def test_label_is_translated_at_reading_time(english):
    period = reporting_year(2021)
    with translation.override("vi"):
        vietnamese = period.label
    assert "2021" in vietnamese
    assert period.label == "Year 2021"


# --- The start setting ---------------------------------------------------------------------------


@pytest.mark.parametrize("start", [(29, 12), (31, 1), (0, 12), (15, 13), (15, 0), (15,), "15/12"])
def test_invalid_explicit_start_is_refused(start):
    with pytest.raises(ValueError, match="reporting year start"):
        reporting_year(2021, start=start)


def test_invalid_start_setting_is_refused(settings):
    settings.REPORTING_YEAR_START = (31, 12)
    with pytest.raises(ImproperlyConfigured, match="from 1 to 28"):
        reporting_year(2021)


def test_settings_refuse_a_start_day_after_the_28th():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "REPORTING_YEAR_START": "31/12"}
    result = subprocess.run(
        [sys.executable, "-c", "import basecurity.settings_test"], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "REPORTING_YEAR_START" in result.stderr
    env["REPORTING_YEAR_START"] = "1/1"
    result = subprocess.run(
        [sys.executable, "-c", "import basecurity.settings_test as s; print(s.REPORTING_YEAR_START)"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "(1, 1)", result.stderr
