"""Reading a career: current versions of an assuré's periods, grouped by year, with totals."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.careers.models import (
    Assure,
    CareerPeriod,
    Child,
    CivilServiceProfile,
    Confirmation,
    PeriodNature,
    PeriodVersion,
    Regime,
    RegimeKind,
)
from portal.db import db
from portal.pension_rules.parameters import MAX_QUARTERS_PER_YEAR

NATURE_CATEGORY = {
    PeriodNature.SALARIED: "work",
    PeriodNature.APPRENTICESHIP: "work",
    PeriodNature.SELF_EMPLOYED: "work",
    PeriodNature.PUBLIC_SERVICE: "work",
    PeriodNature.UNEMPLOYMENT: "assimilated",
    PeriodNature.SICKNESS: "assimilated",
    PeriodNature.MATERNITY: "assimilated",
    PeriodNature.INVALIDITY: "assimilated",
    PeriodNature.NATIONAL_SERVICE: "assimilated",
    PeriodNature.AVPF: "assimilated",
    PeriodNature.ABROAD: "abroad",
}


@dataclass
class RegimeTotal:
    regime: Regime
    quarters: int = 0
    points: Decimal = Decimal(0)
    first_year: int | None = None
    last_year: int | None = None


@dataclass
class YearView:
    year: int
    periods: list[PeriodVersion] = field(default_factory=list)
    quarters_declared: int = 0
    points: Decimal = Decimal(0)
    earnings_cents: int = 0

    @property
    def quarters_retained(self) -> int:
        return min(MAX_QUARTERS_PER_YEAR, self.quarters_declared)

    @property
    def is_gap(self) -> bool:
        return not self.periods

    @property
    def is_incomplete(self) -> bool:
        return bool(self.periods) and self.quarters_retained < MAX_QUARTERS_PER_YEAR


@dataclass
class CareerView:
    assure: Assure
    years: list[YearView]
    regimes: list[RegimeTotal]

    @property
    def quarters_total(self) -> int:
        return sum(year.quarters_retained for year in self.years)

    @property
    def first_year(self) -> int | None:
        return self.years[0].year if self.years else None

    @property
    def last_year(self) -> int | None:
        return self.years[-1].year if self.years else None

    @property
    def gap_years(self) -> list[int]:
        return [year.year for year in self.years if year.is_gap]

    @property
    def incomplete_years(self) -> list[int]:
        return [year.year for year in self.years if year.is_incomplete]


def list_current_versions(assure_id: int) -> list[PeriodVersion]:
    """The current, non-withdrawn version of every period of the assuré, in date order. One query."""
    statement = (
        select(PeriodVersion)
        .where(
            PeriodVersion.assure_id == assure_id,
            PeriodVersion.superseded_at.is_(None),
            PeriodVersion.is_withdrawn.is_(False),
        )
        .options(joinedload(PeriodVersion.regime))
        .order_by(PeriodVersion.start_date, PeriodVersion.regime_id, PeriodVersion.id)
    )
    return list(db.session.execute(statement).scalars())


def get_career(assure: Assure) -> CareerView:
    """Group the current periods by calendar year, from the first to the last year with a record.

    Years in between with no record are kept, empty, so that the page shows them as gaps.
    """
    versions = list_current_versions(assure.id)
    by_year: dict[int, YearView] = {}
    totals: dict[int, RegimeTotal] = {}
    for version in versions:
        year = by_year.setdefault(version.start_date.year, YearView(version.start_date.year))
        year.periods.append(version)
        total = totals.setdefault(version.regime_id, RegimeTotal(version.regime))
        if version.regime.kind is RegimeKind.BASE and version.quarters:
            year.quarters_declared += version.quarters
            total.quarters += version.quarters
        if version.points:
            year.points += version.points
            total.points += version.points
        if version.earnings_cents and version.regime.kind is RegimeKind.BASE:
            year.earnings_cents += version.earnings_cents
        total.first_year = min(filter(None, (total.first_year, year.year)))
        total.last_year = max(filter(None, (total.last_year, year.year)))
    if by_year:
        for year_number in range(min(by_year), max(by_year) + 1):
            by_year.setdefault(year_number, YearView(year_number))
    years = [by_year[number] for number in sorted(by_year)]
    regimes = sorted(totals.values(), key=lambda total: (total.regime.kind != RegimeKind.BASE, total.first_year))
    return CareerView(assure=assure, years=years, regimes=regimes)


def get_period_for_assure(period_id: int, assure_id: int) -> CareerPeriod | None:
    """The period with its full version history, or None when it is not this assuré's."""
    statement = (
        select(CareerPeriod)
        .where(CareerPeriod.id == period_id, CareerPeriod.assure_id == assure_id)
        .options(joinedload(CareerPeriod.versions))
    )
    return db.session.execute(statement).unique().scalar_one_or_none()


def count_versions_by_period(assure_id: int) -> dict[int, int]:
    """How many versions each period has, to mark corrected periods on the career page. One query."""
    statement = (
        select(PeriodVersion.period_id, func.count())
        .where(PeriodVersion.assure_id == assure_id)
        .group_by(PeriodVersion.period_id)
    )
    rows = db.session.execute(statement).all()
    return defaultdict(int, {row[0]: row[1] for row in rows})


def list_children_birth_years(assure_id: int) -> list[int]:
    statement = select(Child.birth_date).where(Child.assure_id == assure_id).order_by(Child.birth_date)
    return [birth_date.year for birth_date in db.session.execute(statement).scalars()]


def get_civil_service_profile(assure_id: int) -> CivilServiceProfile | None:
    """The assuré's civil-service profile, None when none is on record."""
    statement = select(CivilServiceProfile).where(CivilServiceProfile.assure_id == assure_id)
    return db.session.execute(statement).scalar_one_or_none()


def list_valid_confirmations(assure_id: int, current_version_ids_by_year: dict[int, set[int]]):
    """The latest confirmation of each year, kept only while the year still holds exactly the versions
    confirmed: a correction since then makes the confirmation stale."""
    statement = select(Confirmation).where(Confirmation.assure_id == assure_id).order_by(Confirmation.id)
    latest = {confirmation.year: confirmation for confirmation in db.session.execute(statement).scalars()}
    return {
        year: confirmation
        for year, confirmation in latest.items()
        if {int(i) for i in confirmation.period_version_ids.split(",")} == current_version_ids_by_year.get(year, set())
    }
