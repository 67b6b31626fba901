"""Reporting periods: the one module that says which days a year, month, quarter, 6 or 9 months cover.

Vietnamese state reporting (Nghị định 09/2019/NĐ-CP art. 12) closes figures on the 14th: reporting
year Y runs from 15/12 of Y-1 through 14/12 of Y, both days included. The start is the setting
``REPORTING_YEAR_START`` = (day, month) of the first day, in the calendar year before Y:

- (15, 12), the default: year Y = 15/12/Y-1 .. 14/12/Y; month M = 15/(M-1) .. 14/M, so month 1 is
  15/12/Y-1 .. 14/1/Y; quarter I = 15/12/Y-1 .. 14/3/Y; 6 months = 15/12/Y-1 .. 14/6/Y;
  9 months = 15/12/Y-1 .. 14/9/Y.
- (1, 1): calendar years and calendar months (1/1/Y .. 31/12/Y; month 2 ends on 28 or 29/2).

General rule: reporting year Y is the twelve-month span from the start day that *ends* in calendar
year Y (so (1, 1) starts in Y itself, every other start in Y-1). It is cut into twelve reporting
months, each from the start day to the day before the start day one month later; month, quarter and
half numbers count these months from the start of the year (for the two starts above, month M is the
one that ends in calendar month M).

Start days 29, 30 and 31 are refused (settings.py refuses them at start-up, this module again when a
start is given explicitly or the setting is overridden): not every month has those days, so months
would not all start on the same day and "the same day one year earlier" would be ambiguous. Any day
1..28 of any month is accepted.

A period is a frozen value: ``start`` and ``end`` are both included. A period that has not ended yet
is cut at an as-of date (``cut_at``): ``end`` becomes the as-of date and ``as_of`` records it. The
previous period ("cùng kỳ") is the same period one year earlier, cut at the same day and month one
year earlier when the period is cut (29 February maps to 28 February).

Date-times belong to the period of their local date in Asia/Ho_Chi_Minh (``local_date``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, overload
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

LOCAL_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_START_DAY = 28
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class Kind(models.TextChoices):
    YEAR = "year", _("Year")
    HALF_YEAR = "half_year", _("6 months")
    NINE_MONTHS = "nine_months", _("9 months")
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


# How many reporting months one period of each kind spans, and how many of that kind a year has.
# A (day, month) start of the reporting year; None reads settings.REPORTING_YEAR_START.
Start = tuple[int, int] | None
_LENGTH_IN_MONTHS: dict[str, int] = {
    Kind.YEAR: 12,
    Kind.HALF_YEAR: 6,
    Kind.NINE_MONTHS: 9,
    Kind.QUARTER: 3,
    Kind.MONTH: 1,
}
_COUNT_PER_YEAR: dict[str, int] = {
    Kind.YEAR: 1,
    Kind.HALF_YEAR: 2,
    Kind.NINE_MONTHS: 1,
    Kind.QUARTER: 4,
    Kind.MONTH: 12,
}


# --- Dates ---------------------------------------------------------------------------------------


def local_date(value: date | datetime) -> date:
    """The Asia/Ho_Chi_Minh calendar date of an aware date-time; a plain date is returned as it is.

    2021-12-14T17:30Z is 00:30 on 15/12/2021 in Việt Nam, so it falls in reporting year 2022.
    A naive date-time is refused: its day is ambiguous.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("A date-time must be timezone-aware to find its local date.")
        return value.astimezone(LOCAL_TIMEZONE).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"Expected a date or a datetime, got {type(value).__name__}.")


def same_day_years_earlier(value: date, years: int = 1) -> date:
    """The same day and month ``years`` years earlier; 29 February maps to 28 February."""
    year = value.year - years
    if value.month == 2 and value.day == 29:
        try:
            return value.replace(year=year)
        except ValueError:
            return date(year, 2, 28)
    return value.replace(year=year)


def _add_months(value: date, months: int) -> date:
    """Shift by whole months; exact because period starts never use a day after the 28th."""
    years, month_index = divmod(value.month - 1 + months, 12)
    return date(value.year + years, month_index + 1, value.day)


# --- The start setting ---------------------------------------------------------------------------


def _validated_start(start: Any, *, source: str) -> tuple[int, int]:
    error = ImproperlyConfigured if source == "setting" else ValueError
    try:
        day, month = (int(part) for part in start)
    except (TypeError, ValueError):
        raise error(f"The reporting year start must be a (day, month) pair such as (15, 12), got {start!r}.") from None
    if not 1 <= month <= 12 or not 1 <= day <= MAX_START_DAY:
        raise error(
            f"The reporting year start must be a day from 1 to {MAX_START_DAY} and a month from 1 to 12 "
            f"(for example 15/12 or 1/1), got {day}/{month}."
        )
    return day, month


def year_start_setting() -> tuple[int, int]:
    """settings.REPORTING_YEAR_START as a validated (day, month) pair."""
    return _validated_start(getattr(settings, "REPORTING_YEAR_START", (15, 12)), source="setting")


def _resolve_start(start: Start) -> tuple[int, int]:
    return year_start_setting() if start is None else _validated_start(start, source="argument")


def _year_first_day(year: int, start: Start) -> date:
    day, month = _resolve_start(start)
    first = date(year - 1, month, day)
    # Year Y is the span that ends in calendar year Y: only a 1 January start begins in Y itself.
    if _add_months(first, 12) - timedelta(days=1) < date(year, 1, 1):
        first = date(year, month, day)
    return first


# --- Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Days ``start`` .. ``end`` (both included) of one reporting period.

    ``kind`` is a Kind value, ``year`` the reporting year, ``number`` the month (1-12), quarter (1-4)
    or half (1-2) within the year (1 for a year or the 9 months). ``as_of`` is set when the period was
    cut before its natural end (to-date figures); ``end`` is then the as-of date.
    """

    kind: str
    year: int
    number: int
    start: date
    end: date
    as_of: date | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("A period cannot end before it starts.")

    # -- reading --

    def __str__(self) -> str:
        return self.label

    def __contains__(self, value: date | datetime) -> bool:
        return self.contains(value)

    @property
    def label(self) -> str:
        """Translated name: "Year 2021", "Month 3/2021", "Quarter I/2021", "First 6 months of 2021"...

        Vietnamese: "Năm 2021", "Tháng 3/2021", "Quý I/2021", "6 tháng đầu năm 2021",
        "6 tháng cuối năm 2021", "9 tháng năm 2021"; a cut period adds "(to dd/mm/yyyy)".
        """
        values = {"year": self.year, "number": self.number}
        if self.kind == Kind.YEAR:
            text = gettext("Year %(year)s") % values
        elif self.kind == Kind.MONTH:
            text = gettext("Month %(number)s/%(year)s") % values
        elif self.kind == Kind.QUARTER:
            text = gettext("Quarter %(roman)s/%(year)s") % {**values, "roman": ROMAN[self.number]}
        elif self.kind == Kind.HALF_YEAR and self.number == 1:
            text = gettext("First 6 months of %(year)s") % values
        elif self.kind == Kind.HALF_YEAR:
            text = gettext("Last 6 months of %(year)s") % values
        else:
            text = gettext("9 months of %(year)s") % values
        if self.as_of is not None:
            text = gettext("%(period)s (to %(date)s)") % {
                "period": text,
                "date": formats.date_format(self.as_of, "SHORT_DATE_FORMAT"),
            }
        return text

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def year_start(self) -> tuple[int, int]:
        """The (day, month) start setting this period was built with (read back from its dates)."""
        first = _add_months(self.start, -_LENGTH_IN_MONTHS[self.kind] * (self.number - 1))
        return first.day, first.month

    def contains(self, value: date | datetime) -> bool:
        """Whether a date (or the local date of an aware date-time) falls in the period."""
        return self.start <= local_date(value) <= self.end

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}

    # -- deriving --

    def full(self) -> Period:
        """The whole period, uncut."""
        return make_period(self.kind, self.year, self.number, start=self.year_start)

    def cut_at(self, as_of: date | datetime) -> Period:
        """The to-date part: start .. min(end, as_of). Refuses an as-of date before the start."""
        as_of = local_date(as_of)
        if as_of < self.start:
            raise ValueError(f"The as-of date {as_of:%d/%m/%Y} is before the period starts ({self.start:%d/%m/%Y}).")
        if as_of >= self.end:
            return self
        return dataclasses.replace(self, end=as_of, as_of=as_of)

    def previous(self) -> Period:
        """The same period one year earlier ("cùng kỳ").

        For a cut period, the previous one is cut at the same day and month one year earlier
        (29/2 → 28/2), so that both cover the same stretch of the year.
        """
        earlier = make_period(self.kind, self.year - 1, self.number, start=self.year_start)
        if self.as_of is not None:
            return earlier.cut_at(same_day_years_earlier(self.as_of))
        return earlier


# --- Constructors --------------------------------------------------------------------------------


def make_period(kind: str, year: int, number: int = 1, *, start: Start = None) -> Period:
    """The period of ``kind`` number ``number`` of reporting year ``year``.

    ``start`` is a (day, month) pair; None reads settings.REPORTING_YEAR_START.
    """
    try:
        kind = Kind(kind)
    except ValueError:
        raise ValueError(f"Unknown period kind {kind!r}; expected one of {', '.join(Kind.values)}.") from None
    count = _COUNT_PER_YEAR[kind]
    if not 1 <= number <= count:
        # Shown to users by the report forms: say it in their language.
        raise ValueError(
            gettext(
                "There is no %(kind)s number %(number)s in a reporting year: choose a number between 1 and %(count)s."
            )
            % {"kind": str(kind.label).lower(), "number": number, "count": count}
        )
    first = _year_first_day(year, start)
    length = _LENGTH_IN_MONTHS[kind]
    period_start = _add_months(first, length * (number - 1))
    period_end = _add_months(period_start, length) - timedelta(days=1)
    return Period(kind=kind.value, year=year, number=number, start=period_start, end=period_end)


def reporting_year(year: int, start: Start = None) -> Period:
    """Reporting year ``year``: 15/12/Y-1 .. 14/12/Y by default, 1/1/Y .. 31/12/Y with start (1, 1)."""
    return make_period(Kind.YEAR, year, 1, start=start)


def month(year: int, number: int, start: Start = None) -> Period:
    """Reporting month ``number`` (1-12) of ``year``: by default 15/(M-1) .. 14/M; month 1 starts 15/12/Y-1."""
    return make_period(Kind.MONTH, year, number, start=start)


def quarter(year: int, number: int, start: Start = None) -> Period:
    """Quarter ``number`` (1-4): three reporting months; quarter I = 15/12/Y-1 .. 14/3/Y by default."""
    return make_period(Kind.QUARTER, year, number, start=start)


def half_year(year: int, number: int = 1, start: Start = None) -> Period:
    """The first 6 months (15/12/Y-1 .. 14/6/Y by default), or with number=2 the last 6 months."""
    return make_period(Kind.HALF_YEAR, year, number, start=start)


def nine_months(year: int, start: Start = None) -> Period:
    """The 9-month report: 15/12/Y-1 .. 14/9/Y by default."""
    return make_period(Kind.NINE_MONTHS, year, 1, start=start)


def months_of(year: int, start: Start = None) -> list[Period]:
    """The twelve reporting months of ``year``, in order (for monthly trends)."""
    return [month(year, number, start=start) for number in range(1, 13)]


# Every kind but the 9 months covers each day of a year: period_of then always finds a period.
_EveryDay = Literal[Kind.YEAR, Kind.HALF_YEAR, Kind.QUARTER, Kind.MONTH]


@overload
def period_of(value: date | datetime, kind: _EveryDay = Kind.YEAR, start: Start = None) -> Period: ...
@overload
def period_of(value: date | datetime, kind: str, start: Start = None) -> Period | None: ...
def period_of(value: date | datetime, kind: str = Kind.YEAR, start: Start = None) -> Period | None:
    """The period of ``kind`` that a date (or the local date of an aware date-time) falls into.

    Returns None only for the 9-month kind when the date is after the ninth month (there is one
    9-month period a year, and it does not cover the last three months).
    """
    day = local_date(value)
    kind = Kind(kind)
    resolved = _resolve_start(start)
    for year in (day.year, day.year + 1):
        first = _year_first_day(year, resolved)
        if first <= day < _add_months(first, 12):
            break
    else:  # pragma: no cover - every day is in the year that ends in its calendar year or the next
        raise AssertionError(f"No reporting year contains {day}.")
    months_elapsed = (day.year - first.year) * 12 + day.month - first.month - (1 if day.day < first.day else 0)
    if kind == Kind.NINE_MONTHS and months_elapsed >= 9:
        return None
    number = months_elapsed // _LENGTH_IN_MONTHS[kind] + 1 if kind != Kind.NINE_MONTHS else 1
    return make_period(kind, year, number, start=resolved)
