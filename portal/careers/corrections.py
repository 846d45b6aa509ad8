"""How an accepted correction is written to the career: cut by calendar year, with the quarters of each year by the
rule of the period's nature, and applied as new versions that keep every previous one.

The signalement's decision (portal/signalements/instruction.py), its embedded controls and the simulator's « si votre
demande est acceptée » all read these rules, so that what is checked and shown is what gets written.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Generic, TypeVar

from sqlalchemy import select

from portal.careers import services as careers_services
from portal.careers.models import Assure, CareerPeriod, DataSource, PeriodNature, PeriodVersion, Regime
from portal.db import db
from portal.pension_rules import parameters
from portal.pension_rules.parameters import MAX_QUARTERS_PER_YEAR, quarters_from_earnings

# The scheme a new period is recorded in, by nature; the others go to the régime général (see regime_code_for).
DEFAULT_REGIME = {
    PeriodNature.PUBLIC_SERVICE: parameters.CIVIL_SERVICE_SCHEME,
    PeriodNature.ABROAD: parameters.ABROAD_SCHEME,
}


def _days(start: date, end: date) -> int:
    return (end - start).days + 1


@dataclass(frozen=True)
class YearPart:
    """The part of a period within one calendar year (rights are recorded year by year), with its share of the
    period's earnings, pro rata temporis."""

    year: int
    start: date
    end: date
    earnings_cents: int | None

    @property
    def days(self) -> int:
        return _days(self.start, self.end)

    @property
    def share_of_year(self) -> Fraction:
        return Fraction(self.days, _days(date(self.year, 1, 1), date(self.year, 12, 31)))


def split_by_calendar_year(start: date | None, end: date | None, earnings_cents: int | None) -> tuple[YearPart, ...]:
    """The period cut at each 31 December, earnings shared by days; empty when a date is missing or they are in the
    wrong order."""
    if start is None or end is None or end < start:
        return ()
    total = _days(start, end)
    parts = []
    cursor = start
    while cursor <= end:
        last = min(end, date(cursor.year, 12, 31))
        share = None if earnings_cents is None else round(earnings_cents * _days(cursor, last) / total)
        parts.append(YearPart(cursor.year, cursor, last, share))
        cursor = last + timedelta(days=1)
    return tuple(parts)


def civil_quarters_covered(start: date, end: date) -> int:
    """Civil quarters of start's year entirely inside [start, end]: an invalidity pension counts the quarters it was
    paid for, and a period abroad, until the foreign institution's figure is known, the quarters it covers."""
    count = 0
    for first_month in (1, 4, 7, 10):
        quarter_start = date(start.year, first_month, 1)
        quarter_end = date(start.year, first_month + 3, 1) if first_month < 10 else date(start.year + 1, 1, 1)
        if start <= quarter_start and (end - quarter_end).days >= -1:
            count += 1
    return count


def days_per_quarter(nature: PeriodNature) -> int | None:
    """Indemnified days that validate one quarter for an assimilated nature (CSS R351-12), from the rules engine's
    legislation table (portal/pension_rules/data/assimilated_periods.csv); None for the others."""
    return parameters.days_per_quarter().get(nature.value)


def new_part_quarters(
    nature: PeriodNature, part: YearPart, *, declared_days: int | None, single_year: bool
) -> int | None:
    """The quarters a new period validates in one calendar year: for an assimilated period one per 50, 60 or 90
    indemnified days (CSS R351-12; the days declared when the period lies in one year, else its calendar days), for
    a period of work by its earnings (CSS R351-9); four at most. None when nothing says how many (no earnings).
    Raises KeyError for a year outside the quarter thresholds table."""
    per_quarter = days_per_quarter(nature)
    if per_quarter is not None:
        days = declared_days if declared_days and single_year else part.days
        return min(MAX_QUARTERS_PER_YEAR, days // per_quarter)
    if part.earnings_cents is None:
        return None
    return quarters_from_earnings(part.year, Decimal(part.earnings_cents) / 100)


def regime_code_for(nature: PeriodNature, year: int) -> str:
    """The scheme a new period of this nature is recorded in."""
    if nature is PeriodNature.SELF_EMPLOYED:
        if year >= parameters.SELF_EMPLOYED_IN_GENERAL_SCHEME_FROM:
            return parameters.GENERAL_SCHEME
        return parameters.SELF_EMPLOYED_SCHEME
    return DEFAULT_REGIME.get(nature, parameters.GENERAL_SCHEME)


def regime_for(nature: PeriodNature, year: int) -> Regime:
    return db.session.execute(select(Regime).where(Regime.code == regime_code_for(nature, year))).scalar_one()


def weight(quarters: int | None, earnings_cents: int | None, is_withdrawn: bool) -> tuple[int, int]:
    """What a period version counts for in the career, as (quarters, earnings in cents): nothing once withdrawn."""
    if is_withdrawn:
        return 0, 0
    return quarters or 0, earnings_cents or 0


# What asked for a write; the careers feature does not know it (the signalement item accepted).
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class CareerWrite(Generic[ItemT]):
    """One write that a correction makes to the career: a new version of an existing period (`period_id`), or a new
    period (`period_id` None, one per calendar year), with what the year counted before and after. Computed once,
    then both weighed (four eyes) and applied (`apply_write`): what a second agent checks is what gets written."""

    item: ItemT  # what asked for the write: the signalement item accepted
    period_id: int | None
    values: dict  # supersede_period's keywords for an existing period, record_period's for a new one
    year: int
    quarters_before: int
    quarters_after: int
    earnings_before_cents: int
    earnings_after_cents: int


def apply_write(
    write: CareerWrite, *, assure: Assure, source_reference: str, recorded_by: str, reason: str, signalement_id: int
) -> PeriodVersion:
    """Write one correction: a new version of the period (the previous one is superseded, never rewritten), or a
    new period recorded as a correction."""
    if write.period_id is not None:
        period = db.session.get(CareerPeriod, write.period_id)
        # write.period_id was read from the period itself (a foreign key; periods are never deleted).
        assert period is not None
        return careers_services.supersede_period(
            period,
            recorded_by=recorded_by,
            reason=reason,
            signalement_id=signalement_id,
            **write.values,
        )
    return careers_services.record_period(
        assure,
        source=DataSource.CORRECTION,
        source_reference=source_reference,
        recorded_by=recorded_by,
        reason=reason,
        signalement_id=signalement_id,
        **write.values,
    )
