"""Dates with a precision: the period a stored date stands for, and how it reads.

A fuzzy date is stored as the first day of its period plus a precision ("2020" is
2020-01-01 with precision "year"). Everything that needs the period it covers
(overlap filters, sorting, validation) goes through `period_bounds`, and everything
that shows it goes through `format_fuzzy_date`, so the rules live in one place.
"""

from __future__ import annotations

import calendar
import datetime as dt

DAY = "day"
MONTH = "month"
SEASON = "season"
YEAR = "year"
APPROXIMATE = "approximate"

PRECISIONS = (DAY, MONTH, SEASON, YEAR, APPROXIMATE)

# Meteorological seasons (northern hemisphere): a season is stored as its first day.
SEASON_STARTS = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}

# "approximate" means "around this day": the window accepted as overlapping it.
APPROXIMATE_WINDOW = dt.timedelta(days=15)


class PrecisionError(ValueError):
    """A date does not fit its precision (e.g. month precision on the 17th)."""


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    return dt.date(day.year + month_index // 12, month_index % 12 + 1, 1)


def check_fits(value: dt.date, precision: str) -> None:
    """Refuse a date that is not the first day of its period."""
    if precision not in PRECISIONS:
        raise PrecisionError(f"unknown precision {precision!r}; use one of {', '.join(PRECISIONS)}")
    if precision == MONTH and value.day != 1:
        raise PrecisionError(f"a date with month precision is stored as the 1st of the month, not {value.isoformat()}")
    if precision == SEASON and (value.day != 1 or value.month not in SEASON_STARTS):
        raise PrecisionError(
            "a date with season precision is stored as the first day of its season "
            f"(1 March, 1 June, 1 September or 1 December), not {value.isoformat()}"
        )
    if precision == YEAR and (value.month, value.day) != (1, 1):
        raise PrecisionError(f"a date with year precision is stored as 1 January, not {value.isoformat()}")


def period_bounds(value: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The first and last day that a date at this precision may mean."""
    check_fits(value, precision)
    if precision == DAY:
        return value, value
    if precision == MONTH:
        return value, _add_months(value, 1) - dt.timedelta(days=1)
    if precision == SEASON:
        return value, _add_months(value, 3) - dt.timedelta(days=1)
    if precision == YEAR:
        return value, dt.date(value.year, 12, 31)
    return value - APPROXIMATE_WINDOW, value + APPROXIMATE_WINDOW


def range_bounds(
    start: dt.date, start_precision: str, end: dt.date | None, end_precision: str | None
) -> tuple[dt.date, dt.date]:
    """The whole period a start (and optional end) may cover, for overlap queries."""
    low, high = period_bounds(start, start_precision)
    if end is not None:
        high = period_bounds(end, end_precision or DAY)[1]
    return low, high


def format_fuzzy_date(value: dt.date | None, precision: str) -> str:
    """Render a date the way its precision allows: "2020", "August 2022", "19 September 2023"."""
    if value is None:
        return "undated"
    if precision == YEAR:
        return str(value.year)
    if precision == SEASON:
        season = SEASON_STARTS.get(value.month, "season")
        # Winter starting in December runs into the next year.
        year = f"{value.year}–{str(value.year + 1)[-2:]}" if value.month == 12 else str(value.year)
        return f"{season.capitalize()} {year}"
    if precision == MONTH:
        return f"{calendar.month_name[value.month]} {value.year}"
    day = f"{value.day} {calendar.month_name[value.month]} {value.year}"
    return f"c. {day}" if precision == APPROXIMATE else day


def format_fuzzy_range(
    start: dt.date | None, start_precision: str, end: dt.date | None, end_precision: str | None
) -> str:
    """Render a start and optional end: "9–10 November 2020", "2002 – ongoing" is left to the caller."""
    first = format_fuzzy_date(start, start_precision)
    if end is None or (end == start and end_precision == start_precision):
        return first
    last = format_fuzzy_date(end, end_precision or DAY)
    if start is not None and start_precision == end_precision == DAY:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}–{last}"
        if start.year == end.year:
            return f"{start.day} {calendar.month_name[start.month]} – {last}"
    return f"{first} – {last}"
