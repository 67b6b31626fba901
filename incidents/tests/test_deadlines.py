"""Every boundary of the legal deadlines (incidents/deadlines.py)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from incidents import deadlines as d

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2021, 1, 31), 1, date(2021, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2021, 1, 31), 2, date(2021, 3, 31)),
        (date(2021, 12, 31), 2, date(2022, 2, 28)),  # across the year end
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2024, 2, 29), 4, date(2024, 6, 29)),  # from a leap day
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2021, 10, 31), 4, date(2022, 2, 28)),
        (date(2021, 3, 15), 0, date(2021, 3, 15)),
        (date(2021, 11, 30), 2, date(2022, 1, 30)),
    ],
)
def test_add_months_clamps_to_end_of_month(day, months, expected):
    assert d.add_months(day, months) == expected


def test_initial_deadline_is_exactly_20_days():
    assert d.tip_initial_deadline(date(2021, 1, 1)) == date(2021, 1, 21)
    assert d.tip_initial_deadline(date(2024, 2, 20)) == date(2024, 3, 11)  # through 29/02
    assert d.tip_initial_deadline(date(2023, 2, 20)) == date(2023, 3, 12)


def test_decision_on_the_20th_day_is_on_time_and_the_21st_is_late():
    received = date(2021, 3, 1)
    deadline = d.tip_decision_deadline(received)
    assert deadline == received + timedelta(days=20)
    assert d.decided_on_time(deadline, received + timedelta(days=20))
    assert not d.decided_on_time(deadline, received + timedelta(days=21))
    assert not d.decided_on_time(deadline, None)


def test_decision_deadline_is_the_latest_extension():
    received = date(2021, 3, 1)
    assert d.tip_decision_deadline(received, [date(2021, 4, 15), date(2021, 6, 1)]) == date(2021, 6, 1)
    assert d.tip_decision_deadline(received, [date(2021, 6, 1), date(2021, 4, 15)]) == date(2021, 6, 1)


def test_first_extension_up_to_two_months_from_31_january():
    received = date(2021, 1, 31)
    d.validate_extension(received, [], date(2021, 3, 31))  # exactly 2 months: allowed
    with pytest.raises(ValidationError) as error:
        d.validate_extension(received, [], date(2021, 4, 1))  # one day over
    assert error.value.code == "beyond_limit"
    assert "31/03/2021" in error.value.messages[0]


def test_first_extension_from_31_december_clamps_to_february():
    d.validate_extension(date(2021, 12, 31), [], date(2022, 2, 28))
    with pytest.raises(ValidationError):
        d.validate_extension(date(2021, 12, 31), [], date(2022, 3, 1))
    d.validate_extension(date(2023, 12, 31), [], date(2024, 2, 29))  # leap day is the limit
    with pytest.raises(ValidationError):
        d.validate_extension(date(2023, 12, 31), [], date(2024, 3, 1))


def test_second_extension_up_to_four_months_in_all():
    received = date(2021, 1, 31)
    first = date(2021, 3, 31)
    d.validate_extension(received, [first], date(2021, 5, 31))  # exactly 4 months
    with pytest.raises(ValidationError) as error:
        d.validate_extension(received, [first], date(2021, 6, 1))
    assert error.value.code == "beyond_limit"
    assert "31/05/2021" in error.value.messages[0]


def test_four_months_from_a_leap_day():
    received = date(2024, 2, 29)
    # 29/6/2024 is a Saturday: the limit runs to Monday 1/7 (art. 134)
    d.validate_extension(received, [date(2024, 4, 29)], date(2024, 7, 1))
    with pytest.raises(ValidationError):
        d.validate_extension(received, [date(2024, 4, 29)], date(2024, 7, 2))


def test_no_third_extension():
    received = date(2021, 1, 10)
    with pytest.raises(ValidationError) as error:
        d.validate_extension(received, [date(2021, 2, 20), date(2021, 4, 1)], date(2021, 4, 20))
    assert error.value.code == "too_many_extensions"


def test_an_extension_must_move_the_deadline_later():
    received = date(2021, 1, 10)
    with pytest.raises(ValidationError) as error:
        d.validate_extension(received, [], date(2021, 1, 30))  # the initial deadline itself
    assert error.value.code == "not_later"
    d.validate_extension(received, [], date(2021, 1, 31))
    with pytest.raises(ValidationError):
        d.validate_extension(received, [date(2021, 3, 1)], date(2021, 2, 15))


def test_extension_limit_by_number():
    assert d.tip_extension_limit(date(2021, 1, 31), 1) == date(2021, 3, 31)
    assert d.tip_extension_limit(date(2021, 1, 31), 2) == date(2021, 5, 31)


@pytest.mark.parametrize(
    "deadline, on_time, start, remote, hours",
    [
        (d.handover_deadline, d.handed_over_on_time, datetime(2021, 6, 1, 22, 30, tzinfo=HCM), False, 24),
        (d.handover_deadline, d.handed_over_on_time, datetime(2021, 6, 1, 22, 30, tzinfo=HCM), True, 48),
        (d.declaration_deadline, d.declared_on_time, datetime(2024, 2, 28, 20, 0, tzinfo=HCM), False, 12),
        (d.declaration_deadline, d.declared_on_time, datetime(2024, 2, 28, 20, 0, tzinfo=HCM), True, 24),
    ],
    ids=["handover", "handover-remote", "declaration", "declaration-remote"],
)
def test_exactly_at_the_limit_is_on_time_one_second_over_is_late(deadline, on_time, start, remote, hours):
    """A tip handed over (24 h, 48 h remote) or a foreigner declared (12 h, 24 h remote) in time."""
    due = deadline(start, remote)
    assert due == start + timedelta(hours=hours)
    assert on_time(start, due, remote)
    assert on_time(start, start, remote)
    assert not on_time(start, due + SECOND, remote)
    assert not on_time(start, None, remote)


def test_remote_declaration_over_a_leap_day():
    arrived = datetime(2024, 2, 28, 23, 0, tzinfo=HCM)
    assert d.declaration_deadline(arrived, True) == datetime(2024, 2, 29, 23, 0, tzinfo=HCM)


def test_is_overdue_only_after_the_deadline_day():
    deadline = date(2021, 5, 10)
    assert not d.is_overdue(deadline, as_of=date(2021, 5, 10))
    assert d.is_overdue(deadline, as_of=date(2021, 5, 11))
    assert not d.is_overdue(deadline, as_of=date(2021, 5, 11), decided_on=date(2021, 5, 11))
    # A decision made after the as-of day did not exist yet on that day.
    assert d.is_overdue(deadline, as_of=date(2021, 5, 11), decided_on=date(2021, 5, 12))


@pytest.mark.parametrize(
    "as_of, decided_on, expected",
    [
        (date(2021, 5, 11), None, d.TipUrgency.OVERDUE),
        (date(2021, 5, 10), None, d.TipUrgency.DUE_SOON),  # deadline day itself
        (date(2021, 5, 5), None, d.TipUrgency.DUE_SOON),  # exactly 5 days ahead
        (date(2021, 5, 4), None, d.TipUrgency.PENDING),  # 6 days ahead
        (date(2021, 5, 4), date(2021, 5, 3), d.TipUrgency.RESOLVED),
        (date(2021, 5, 4), date(2021, 5, 4), d.TipUrgency.RESOLVED),
        (date(2021, 5, 11), date(2021, 5, 12), d.TipUrgency.OVERDUE),
    ],
)
def test_tip_urgency(as_of, decided_on, expected):
    assert d.tip_urgency(date(2021, 5, 10), as_of, decided_on) == expected


# --- Art. 134: a limit in months that ends on a day off ------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (date(2021, 3, 31), 2, date(2021, 5, 31)),  # a Monday: unchanged
        (date(2026, 4, 28), 2, date(2026, 6, 29)),  # Sunday 28/6 → Monday
        (date(2021, 3, 1), 2, date(2021, 5, 4)),  # Sat 1/5 (holiday), Sun, Mon 3/5 in lieu of 1/5 → Tuesday
        (date(2025, 12, 30), 4, date(2026, 5, 4)),  # Thu 30/4, Fri 1/5, the weekend → Monday 4/5
        (date(2025, 12, 17), 2, date(2026, 2, 20)),  # Tuesday 17/2/2026 is Tết → the Friday after
        (date(2023, 2, 2), 3, date(2023, 5, 4)),  # Tue 2/5 and Wed 3/5 in lieu of 29/4 and 30/4
    ],
)
def test_a_limit_in_months_ending_on_a_day_off_runs_to_the_next_working_day(start, months, expected):
    assert d.months_limit(start, months) == expected
    assert not d.is_day_off(expected)


def test_a_limit_in_days_is_not_moved():
    # The article moves limits in months only: the 20 days may end on a Saturday.
    assert d.tip_initial_deadline(date(2026, 7, 12)) == date(2026, 8, 1)
    assert d.is_day_off(date(2026, 8, 1))


def test_extension_limits_follow_art_134():
    received = date(2021, 3, 1)  # 2 months later is Saturday 1/5/2021, a holiday
    assert d.tip_extension_limit(received, 1) == date(2021, 5, 4)
    d.validate_extension(received, [], date(2021, 5, 4))
    with pytest.raises(ValidationError) as error:
        d.validate_extension(received, [], date(2021, 5, 5))
    assert "04/05/2021" in error.value.messages[0]
