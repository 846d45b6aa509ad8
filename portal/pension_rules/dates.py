"""Date rules of the pension: ages reached, the first day a pension can start, ages at a date."""

import calendar
from datetime import date

from portal.pension_rules.model import Age


def add_months(day: date, months: int) -> date:
    """`day` plus a number of months; a day that the target month lacks becomes its last day (born 31 August, six
    months later is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if day.day <= 28:  # every month has it: the calendar is read only for the 29th to the 31st
        return date(year, month, day.day)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_reached_on(birth_date: date, age: Age) -> date:
    return add_months(birth_date, age.years * 12 + age.months)


def first_pension_date(reached: date) -> date:
    """A pension starts on the first day of a month, never before the age is reached: the first of the next month,
    or the day itself when it is a first (service-public F19666: born 1 July 1963, pension from 1 July 2026)."""
    if reached.day == 1:
        return reached
    return next_month_start(reached)


def next_month_start(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def age_at(birth_date: date, day: date) -> Age:
    """Completed years and months on `day`."""
    months = (day.year - birth_date.year) * 12 + day.month - birth_date.month
    # The month is complete on the same day of the month, or on its last day when it is shorter (born a 31st).
    if day.day < birth_date.day and (day.day < 28 or day.day < calendar.monthrange(day.year, day.month)[1]):
        months -= 1
    return Age(months // 12, months % 12)


def months_between(start: date, end: date) -> int:
    """Whole months from start to end, both firsts of a month in practice."""
    return (end.year - start.year) * 12 + end.month - start.month


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1
