"""Legal deadlines of the security work: the ONE module that knows them.

Everything here is a pure function of dates and datetimes (no database), so every boundary is
tested in incidents/tests/test_deadlines.py. Models, services, querysets and pages call these
functions; none of them repeats a number of days or hours.

Counting rules (Bộ luật Tố tụng hình sự 2015, điều 134 "Cách tính thời hạn"):
- a time limit in days ends at 24:00 of its last day: a tip received on D with a 20-day limit may
  be decided on D + 20 and still be on time; it is overdue from D + 21;
- a time limit in months ends on the same day of the later month, or on that month's last day when
  it has no such day (31 January + 1 month = 28 or 29 February): see `add_months`; and when it ends
  on a day off, the first working day after it is its last day: see `months_limit`. The article
  says so of limits in months only: the 20 days of a tip's decision are plain calendar days.
- a limit in hours runs from the exact time; reaching it exactly is still on time.
"""

import calendar
import functools
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Bộ luật Tố tụng hình sự 2015 (Criminal Procedure Code), điều 147 khoản 1: the competent body
# decides on a tip (tố giác, tin báo về tội phạm, kiến nghị khởi tố) within 20 days of receipt.
TIP_DECISION_DAYS = 20
# Điều 147 khoản 2: a complex case may run to at most 2 months from receipt; the procuracy may then
# extend it once more by at most 2 months, so 4 months from receipt is the absolute limit.
TIP_FIRST_EXTENSION_MONTHS = 2
TIP_MAX_MONTHS = 4
TIP_MAX_EXTENSIONS = 2
# Thông tư liên tịch 01/2017/TTLT-BCA-BQP-BTC-BNN&PTNT-VKSNDTC: commune police who receive a tip
# hand it to the investigating body within 24 hours, 48 hours in remote areas.
TIP_HANDOVER_HOURS = 24
TIP_HANDOVER_HOURS_REMOTE = 48
# Luật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam 2014 (sửa đổi
# 2019), điều 33: the accommodation declares a foreigner's temporary residence within 12 hours of
# arrival, 24 hours in remote areas (vùng sâu, vùng xa).
DECLARATION_HOURS = 12
DECLARATION_HOURS_REMOTE = 24
# Days ahead that the tips page lists as "due soon".
DUE_SOON_DAYS = 5


def add_months(day: date, months: int) -> date:
    """`day` plus calendar months, clamped to the end of a shorter month (BLTTHS 2015 điều 134).

    31/01 + 1 month = 28/02 (29/02 in a leap year); 31/12 + 2 months = 28/02 or 29/02.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Bộ luật Lao động 2019, điều 112: the public holidays of every year on the solar calendar ...
SOLAR_HOLIDAYS = ((1, 1), (4, 30), (5, 1), (9, 2))
# ... and on the lunar one: Tết (the last day of the lunar year and the first three days of the new
# one: every year's official schedule includes them) and the Hùng Kings' day (10/3 lunar), by
# solar date of the first day of the lunar year and of 10/3 lunar. The further days the government
# sets each year (the rest of Tết, the day next to 2/9) are not listed: a limit may then end a day
# earlier than the law allows, never later. Add a year here before it starts.
LUNAR_NEW_YEAR = {
    2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
    2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3),
}  # fmt: skip
HUNG_KINGS_DAY = {
    2020: date(2020, 4, 2), 2021: date(2021, 4, 21), 2022: date(2022, 4, 10), 2023: date(2023, 4, 29),
    2024: date(2024, 4, 18), 2025: date(2025, 4, 7), 2026: date(2026, 4, 26), 2027: date(2027, 4, 16),
    2028: date(2028, 4, 4), 2029: date(2029, 4, 23), 2030: date(2030, 4, 12),
}  # fmt: skip


def _weekend(day: date) -> bool:
    return day.weekday() >= 5  # the state's weekly days off: Saturday and Sunday


@functools.cache
def holidays(year: int) -> frozenset[date]:
    """The public holidays of `year`, with the day off in lieu of each that falls on a weekend
    (điều 112 khoản 3: the next working day)."""
    days = {date(year, month, day) for month, day in SOLAR_HOLIDAYS}
    if (new_year := LUNAR_NEW_YEAR.get(year)) is not None:
        days |= {new_year + timedelta(days=offset) for offset in range(-1, 3)}
    if (hung_kings := HUNG_KINGS_DAY.get(year)) is not None:
        days.add(hung_kings)
    in_lieu = set()
    for holiday in sorted(days):
        if _weekend(holiday):
            day = holiday + timedelta(days=1)
            while _weekend(day) or day in days or day in in_lieu:
                day += timedelta(days=1)
            in_lieu.add(day)
    return frozenset(days | in_lieu)


def is_day_off(day: date) -> bool:
    return _weekend(day) or day in holidays(day.year)


def months_limit(start: date, months: int) -> date:
    """The last day of a limit of `months` months from `start` (BLTTHS 2015 điều 134): the same day
    of the later month (clamped to its end), moved to the next working day when that is a day off."""
    day = add_months(start, months)
    while is_day_off(day):
        day += timedelta(days=1)
    return day


def tip_initial_deadline(received_on: date) -> date:
    """Last day for the decision on a tip without extension: receipt + 20 days (điều 147 khoản 1)."""
    return received_on + timedelta(days=TIP_DECISION_DAYS)


def tip_extension_limit(received_on: date, extension_number: int) -> date:
    """The latest deadline the `extension_number`-th extension (1-based) may set (điều 147 khoản 2).

    The first extension (a complex case) runs to at most 2 months from receipt; the procuracy's
    further extension to at most 4 months from receipt in all; either to the next working day when
    the months end on a day off (điều 134).
    """
    months = TIP_FIRST_EXTENSION_MONTHS if extension_number <= 1 else TIP_MAX_MONTHS
    return months_limit(received_on, months)


def tip_decision_deadline(received_on: date, extensions: Iterable[date] = ()) -> date:
    """The deadline for the decision: the latest extension's new deadline, or receipt + 20 days.

    `extensions` are the new deadlines set by the tip's extensions, in any order.
    """
    return max([tip_initial_deadline(received_on), *extensions])


def validate_extension(received_on: date, previous_extensions: Iterable[date], new_deadline: date) -> None:
    """Raise ValidationError unless `new_deadline` is a lawful extension (điều 147 khoản 2).

    `previous_extensions` are the new deadlines of the extensions already granted. An extension
    must move the deadline later; the first may reach receipt + 2 months, the second (the
    procuracy's) receipt + 4 months; there is no third.
    """
    previous = list(previous_extensions)
    number = len(previous) + 1
    if number > TIP_MAX_EXTENSIONS:
        raise ValidationError(
            _("This tip has already been extended twice; the law allows no further extension."),
            code="too_many_extensions",
        )
    current = tip_decision_deadline(received_on, previous)
    if new_deadline <= current:
        raise ValidationError(
            _("The new deadline must be after the current deadline (%(deadline)s).")
            % {"deadline": date_format(current, "SHORT_DATE_FORMAT")},
            code="not_later",
        )
    limit = tip_extension_limit(received_on, number)
    if new_deadline > limit:
        if number == 1:
            message = _(
                "A first extension can run to at most 2 months after receipt, that is %(limit)s "
                "(Criminal Procedure Code 2015, art. 147)."
            )
        else:
            message = _(
                "An extension can run to at most 4 months after receipt in all, that is %(limit)s "
                "(Criminal Procedure Code 2015, art. 147)."
            )
        raise ValidationError(message % {"limit": date_format(limit, "SHORT_DATE_FORMAT")}, code="beyond_limit")


def handover_deadline(received_at: datetime, remote: bool) -> datetime:
    """When commune police must have handed a tip to the investigating body (TTLT 01/2017): 24 h, 48 h remote."""
    return received_at + timedelta(hours=TIP_HANDOVER_HOURS_REMOTE if remote else TIP_HANDOVER_HOURS)


def handed_over_on_time(received_at: datetime, handed_over_at: datetime | None, remote: bool) -> bool:
    """Whether the handover happened by its deadline (exactly 24 / 48 h is on time)."""
    return handed_over_at is not None and handed_over_at <= handover_deadline(received_at, remote)


class TipUrgency(StrEnum):
    """Where a tip stands on a given day, for the "overdue / due soon" lists."""

    RESOLVED = "resolved"
    OVERDUE = "overdue"  # no decision, and the deadline day has passed
    DUE_SOON = "due_soon"  # no decision, the deadline falls within DUE_SOON_DAYS (today included)
    PENDING = "pending"


def is_overdue(deadline: date, as_of: date, decided_on: date | None = None) -> bool:
    """No decision by `as_of` and the deadline day is over (a decision on the deadline day is on time)."""
    undecided = decided_on is None or decided_on > as_of
    return undecided and deadline < as_of


def decided_on_time(deadline: date, decided_on: date | None) -> bool:
    return decided_on is not None and decided_on <= deadline


def tip_urgency(
    deadline: date, as_of: date, decided_on: date | None = None, soon_days: int = DUE_SOON_DAYS
) -> TipUrgency:
    """RESOLVED, OVERDUE, DUE_SOON (deadline within `soon_days` days from `as_of`) or PENDING, as of `as_of`."""
    if decided_on is not None and decided_on <= as_of:
        return TipUrgency.RESOLVED
    if deadline < as_of:
        return TipUrgency.OVERDUE
    if deadline <= as_of + timedelta(days=soon_days):
        return TipUrgency.DUE_SOON
    return TipUrgency.PENDING


def declaration_deadline(arrived_at: datetime, remote: bool) -> datetime:
    """When a foreigner's temporary residence must be declared (Luật ... người nước ngoài, điều 33): 12 h, 24 h remote."""
    return arrived_at + timedelta(hours=DECLARATION_HOURS_REMOTE if remote else DECLARATION_HOURS)


def declared_on_time(arrived_at: datetime, declared_at: datetime | None, remote: bool) -> bool:
    """Declared within the window; exactly 12 (24) hours is on time; never declared is late."""
    return declared_at is not None and declared_at <= declaration_deadline(arrived_at, remote)
