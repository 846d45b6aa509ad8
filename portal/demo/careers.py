"""Careers of the demo assurés, keyed by the `sub` of their identity in portal.demo.identities.

A career is written as a few readable entries (a job, a spell of unemployment, a business…) and expanded by
`build_periods` into the periods the fund would hold: one per calendar year, with earnings, quarters and points
computed by the rules of ../shared/pension-rules.md, so that the portal shows what a real relevé would.

Amounts are gross euros. Before 2002 the accounts were kept in francs: amounts of those years are written here
already converted at 6.55957 F per euro, as the Cnav converted its accounts. The legislation tables (PASS, SMIC and
quarter thresholds, Agirc-Arrco values and rates, days per quarter of assimilated periods, scheme codes) are those
of portal/pension_rules/data, read through portal.pension_rules.parameters, which converts their franc years the
same way. Only the values the engine has no table for (Ircantec, RAFP, Arrco before 2019, AVPF hours…) are kept
below, each with its source. The people, employers and SIRETs are invented (SIRETs are Luhn-valid).
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TypedDict, assert_never

from portal.careers.corrections import civil_quarters_covered
from portal.careers.models import DataSource, PeriodNature
from portal.pension_rules import countries
from portal.pension_rules.parameters import (
    ABROAD_SCHEME,
    CIVIL_SERVICE_SCHEME,
    FARM_EMPLOYEES_SCHEME,
    GENERAL_SCHEME,
    MAX_QUARTERS_PER_YEAR,
    SELF_EMPLOYED_IN_GENERAL_SCHEME_FROM,
    SELF_EMPLOYED_SCHEME,
    agirc_arrco,
    days_per_quarter,
    pass_annual,
    quarter_threshold,
    quarter_thresholds,
    quarters_from_earnings,
    value_on,
)

LAST_REPORTED_YEAR = 2025  # the data of 2026 is not reported yet

# Agirc-Arrco points = (T1 × rate_t1 + T2 × rate_t2) / valeur d'achat, tranche 2 up to t2_ceiling_in_pass PASS
# (pension-rules.md §8): rates, ceiling and valeurs d'achat from 2019 come from pension_rules/data/agirc_arrco.csv.
# That table starts with the 2019 merger, as the engine deduces no points from older salaries, so the demo keeps
# here what it needs for 1999-2018: the Arrco "salaire de référence" (IPP `sal_ref_arrco_euros`). Approximations,
# honestly: before 1999 (several Arrco funds, no single value) the 1999 value is scaled by the PASS; the 2019 rates
# are applied to every earlier year, though the historical Arrco/Agirc contractual rates were lower and Agirc
# (cadres, T2) bought points of its own before the 2019 merger. Enough for a demo relevé, not for a pension estimate.
ARRCO_REFERENCE_SALARY = {
    1999: "10.9540", 2000: "11.5345", 2001: "11.7076", 2002: "11.8949", 2003: "12.0852", 2004: "12.3632",
    2005: "12.6600", 2006: "13.0271", 2007: "13.5091", 2008: "13.9684", 2009: "14.2198", 2010: "14.4047",
    2011: "14.7216", 2012: "15.0528", 2013: "15.2284", 2014: "15.2589", 2015: "15.2589", 2016: "15.6556",
    2017: "16.1879", 2018: "16.7226",
}  # fmt: skip

# Ircantec (non-titulaires): points = theoretical contributions / salaire de référence; tranche A 1.80 % + 2.70 %
# and tranche B 4.76 % + 9.24 % from 1992 to 2010, tranche B up to 8 PASS (IPP `ircantec` theoretical rates,
# `sal_ref_ircantec`). Kept here, not in pension_rules/data: the engine does not compute Ircantec pensions.
IRCANTEC_A_RATE = Decimal("0.0450")
IRCANTEC_B_RATE = Decimal("0.1400")
IRCANTEC_B_TOP_IN_PASS = 8
IRCANTEC_REFERENCE_SALARY = {
    1995: "2.314", 1996: "2.358", 1997: "2.368", 1998: "2.400", 1999: "2.451", 2000: "2.503", 2001: "2.552",
}  # fmt: skip

# RAFP (fonctionnaires, from 2005): 5 % + 5 % on bonuses, within 20 % of the traitement indiciaire, divided by the
# valeur d'acquisition (IPP to 2021; 2022-2024 as published by the ERAFP). 2025: the 2024 value, not found.
# Kept here, not in pension_rules/data: the engine does not compute RAFP pensions.
RAFP_RATE = Decimal("0.10")
RAFP_BONUS_CEILING = Decimal("0.20")
RAFP_PURCHASE_VALUE = {
    2005: "1.00000", 2006: "1.01700", 2007: "1.03022", 2008: "1.03537", 2009: "1.04572", 2010: "1.05095",
    2011: "1.05620", 2012: "1.07420", 2013: "1.08500", 2014: "1.09585", 2015: "1.14520", 2016: "1.19670",
    2017: "1.20030", 2018: "1.21230", 2019: "1.23170", 2020: "1.24520", 2021: "1.24520", 2022: "1.27400",
    2023: "1.34660", 2024: "1.41120", 2025: "1.41120",
}  # fmt: skip

# AVPF: the CAF contributes on a full-time SMIC (151.67 hours a month), the base commonly described
# (pension-rules.md §5.5 marks the exact base as unverified). Not in pension_rules/data: the engine takes the AVPF
# base as the CAF reports it; the SMIC itself is the one of quarter_thresholds.csv.
AVPF_MONTHLY_HOURS = Decimal("151.67")

# Quarters of assimilated periods (CSS R351-12, pension-rules.md §5.3): the days of benefit per quarter, by nature,
# are those of pension_rules/data/assimilated_periods.csv (parameters.days_per_quarter). A maternity leave counts by
# days for births from 2014 only; before, it validates the civil quarter of the birth. Both give one quarter per
# childbirth for a standard 16-week leave. The CSV states that year in its source text only, hence this constant.
MATERNITY_BY_DAYS_FROM = 2014
# Services of a fonctionnaire count by duration: one quarter per 90 days of service, four for a full year. Kept
# here, not in pension_rules/data: the engine does not compute the pension of the fonction publique (SRE).
PUBLIC_SERVICE_DAYS_PER_QUARTER = 90
# The DSN replaced the DADS for all private employers in 2017.
DSN_FROM = 2017
# Earnings-based quarters: salaries, self-employed income and the AVPF base, pooled per scheme and year.
EARNINGS_NATURES = frozenset(
    {PeriodNature.SALARIED, PeriodNature.APPRENTICESHIP, PeriodNature.SELF_EMPLOYED, PeriodNature.AVPF}
)

Amount = int | Decimal | str


def _cents(euros: Amount) -> int:
    return int((Decimal(str(euros)) * 100).quantize(Decimal(1), ROUND_HALF_UP))


def smic_hourly_cents(year: int) -> Decimal:
    """SMIC horaire on 1 January, in euro cents, from pension_rules/data/quarter_thresholds.csv.

    Before 2002 the table holds the franc SMIC converted and rounded to the cent: an AVPF of those years (the demo
    has none) would be computed on that rounded value."""
    return quarter_thresholds()[year].smic_hourly * 100


def quarter_threshold_cents(year: int) -> int:
    """Earnings validating one quarter in `year` (CSS R351-9), in euro cents: parameters.quarter_threshold."""
    return int(quarter_threshold(year) * 100)


def earnings_quarters(earnings_cents: int, year: int) -> int:
    """Quarters validated by a year's earnings in cents (CSS R351-9): parameters.quarters_from_earnings."""
    return quarters_from_earnings(year, Decimal(earnings_cents) / 100)


def pass_cents(year: int) -> int:
    """The PASS of `year` in euro cents: parameters.pass_annual."""
    return int(pass_annual(year) * 100)


def _agirc_arrco(parameter: str, year: int) -> Decimal:
    """An Agirc-Arrco parameter of agirc_arrco.csv in force on 1 January of `year`; before the table, its first
    value (the 2019 rates are applied to every earlier year)."""
    series = agirc_arrco()[parameter]
    return value_on(series, max(date(year, 1, 1), series[0].effective_from)).value


def agirc_arrco_purchase_value(year: int) -> Decimal:
    series = agirc_arrco()["purchase_value"]
    if date(year, 1, 1) >= series[0].effective_from:
        return value_on(series, date(year, 1, 1)).value
    if year in ARRCO_REFERENCE_SALARY:
        return Decimal(ARRCO_REFERENCE_SALARY[year])
    first = min(ARRCO_REFERENCE_SALARY)
    return Decimal(ARRCO_REFERENCE_SALARY[first]) * pass_cents(year) / pass_cents(first)


def _points(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _tranches(
    earnings_cents: int, year: int, year_share: Decimal, top_in_pass: int | Decimal
) -> tuple[Decimal, Decimal]:
    # The ceiling follows the part of the year worked: two months of work have two months of PASS.
    ceiling = Decimal(pass_cents(year)) * year_share
    earnings = Decimal(earnings_cents)
    tranche_1 = min(earnings, ceiling)
    tranche_2 = min(max(earnings - ceiling, Decimal(0)), ceiling * (top_in_pass - 1))
    return tranche_1 / 100, tranche_2 / 100


def agirc_arrco_points(earnings_cents: int, year: int, year_share: Decimal = Decimal(1)) -> Decimal:
    top_in_pass = _agirc_arrco("t2_ceiling_in_pass", year)
    tranche_1, tranche_2 = _tranches(earnings_cents, year, year_share, top_in_pass)
    contributions = tranche_1 * _agirc_arrco("rate_t1", year) + tranche_2 * _agirc_arrco("rate_t2", year)
    return _points(contributions / agirc_arrco_purchase_value(year))


def ircantec_points(earnings_cents: int, year: int, year_share: Decimal = Decimal(1)) -> Decimal:
    tranche_a, tranche_b = _tranches(earnings_cents, year, year_share, IRCANTEC_B_TOP_IN_PASS)
    contributions = tranche_a * IRCANTEC_A_RATE + tranche_b * IRCANTEC_B_RATE
    return _points(contributions / Decimal(IRCANTEC_REFERENCE_SALARY[year]))


def rafp_points(bonus_cents: int, salary_cents: int, year: int) -> Decimal:
    base = min(Decimal(bonus_cents), Decimal(salary_cents) * RAFP_BONUS_CEILING) / 100
    return _points(base * RAFP_RATE / Decimal(RAFP_PURCHASE_VALUE[year]))


def _days(start: date, end: date) -> int:
    return (end - start).days + 1


def _year_length(year: int) -> int:
    return _days(date(year, 1, 1), date(year, 12, 31))


def _year_slices(start: date, end: date) -> list[tuple[date, date]]:
    return [(max(start, date(year, 1, 1)), min(end, date(year, 12, 31))) for year in range(start.year, end.year + 1)]


# --- Career entries ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """The year's earnings were first declared wrong, then corrected by the fund on `on` (ISO date)."""

    year: int
    declared: Amount
    on: str
    reason: str = "Salaire rectifié après transmission des bulletins de paie"


@dataclass(frozen=True)
class Job:
    """Salaried work for one employer. `gross`: full-time annual gross of the first and last years, grown evenly."""

    employer: str
    siret: str
    start: str
    end: str
    gross: tuple[Amount, Amount] | None = None
    share: Decimal | str = "1"  # working time: "0.5" is a half-time job
    by_year: dict[int, Amount] = field(default_factory=dict)  # actual earnings of a year, off the trend
    nature: PeriodNature = PeriodNature.SALARIED
    regime: str = GENERAL_SCHEME
    complementary: str | None = "AGIRC_ARRCO"
    correction: Correction | None = None


@dataclass(frozen=True)
class SelfEmployment:
    """An artisan's or commerçant's business: SSI until 2019, régime général from 2020."""

    business: str
    siret: str
    start: str
    end: str
    income: tuple[Amount, Amount]
    by_year: dict[int, Amount] = field(default_factory=dict)
    notes: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PublicService:
    """A fonctionnaire's services (SRE) and, from 2005, the RAFP on bonuses (`bonus_share` of the traitement)."""

    employer: str
    siret: str
    start: str
    end: str
    salary: tuple[Amount, Amount]
    bonus_share: str


@dataclass(frozen=True)
class Benefit:
    """An assimilated period: unemployment, sickness, maternity, invalidity or national service."""

    nature: PeriodNature
    start: str
    end: str
    office: str  # who reported it: CPAM, MSA, Assedic / Pôle emploi / France Travail region, military record
    birth: str | None = None  # maternity: the child's birth date
    regime: str = GENERAL_SCHEME


@dataclass(frozen=True)
class Avpf:
    """Assurance vieillesse du parent au foyer, paid by the CAF to the régime général."""

    start: str
    end: str
    office: str


@dataclass(frozen=True)
class Abroad:
    """Work abroad, known from the foreign institution: no French quarter, but the quarters the foreign scheme
    validated, which count at retirement as the agreement with the country says (pension_rules.countries)."""

    employer: str
    country: str  # ISO 3166-1 alpha-2
    start: str
    end: str


Entry = Job | SelfEmployment | PublicService | Benefit | Avpf | Abroad


@dataclass(frozen=True)
class FirstDeclaration:
    earnings_cents: int
    quarters: int
    reason: str
    corrected_on: date


@dataclass(frozen=True)
class PeriodSpec:
    """One period to record, as record_period takes it (regime by code)."""

    regime: str
    nature: PeriodNature
    start_date: date
    end_date: date
    source: DataSource
    source_reference: str | None = None
    employer_name: str | None = None
    employer_siret: str | None = None
    earnings_cents: int | None = None
    quarters: int | None = None
    points: Decimal | None = None
    days: int | None = None
    country: str | None = None  # a period abroad: ISO 3166-1 alpha-2
    # When set, the period is first recorded with these values, then corrected to the ones above.
    first_declaration: FirstDeclaration | None = None


class _SharedFields(TypedDict):
    """The keywords of PeriodSpec that the periods of one year of a public service share (SRE and RAFP)."""

    nature: PeriodNature
    start_date: date
    end_date: date
    source: DataSource
    employer_name: str | None
    employer_siret: str | None


class _JobSharedFields(_SharedFields):
    """The keywords of PeriodSpec that the periods of one year of a job share (base and complementary schemes)."""

    source_reference: str | None
    earnings_cents: int | None


def _grown(first: Amount, last: Amount, first_year: int, last_year: int, year: int) -> Decimal:
    first, last = Decimal(str(first)), Decimal(str(last))
    if last_year == first_year:
        return first
    return first * (last / first) ** (Decimal(year - first_year) / (last_year - first_year))


def _slice_earnings(
    trend: tuple[Amount, Amount], start: date, end: date, share: Decimal, piece: tuple[date, date]
) -> int:
    year = piece[0].year
    annual = _grown(trend[0], trend[1], start.year, end.year, year) * share
    return _cents(annual * _days(*piece) / _year_length(year))


def _salary_reference(year: int, siret: str, regime: str) -> str:
    if year >= DSN_FROM:
        return f"DSN {year} — SIRET {siret}"
    if regime == FARM_EMPLOYEES_SCHEME:
        return f"Déclaration trimestrielle des salaires (MSA) {year} — SIRET {siret}"
    return f"DADS {year} — SIRET {siret}"


def _job_periods(job: Job) -> list[PeriodSpec]:
    start, end = date.fromisoformat(job.start), date.fromisoformat(job.end)
    share = Decimal(str(job.share))
    periods = []
    for piece in _year_slices(start, end):
        year = piece[0].year
        if year in job.by_year:
            earnings = _cents(job.by_year[year])
        elif job.gross is not None:
            earnings = _slice_earnings(job.gross, start, end, share, piece)
        else:
            raise ValueError(f"{job.employer}: no earnings for {year}")
        if year >= DSN_FROM or job.regime != FARM_EMPLOYEES_SCHEME:
            source = DataSource.DSN if year >= DSN_FROM else DataSource.DADS
        else:
            source = DataSource.ANNUAL_REPORT
        common: _JobSharedFields = {
            "nature": job.nature,
            "start_date": piece[0],
            "end_date": piece[1],
            "source": source,
            "source_reference": _salary_reference(year, job.siret, job.regime),
            "employer_name": job.employer,
            "employer_siret": job.siret,
            "earnings_cents": earnings,
        }
        first_declaration = None
        if job.correction is not None and job.correction.year == year:
            declared = _cents(job.correction.declared)
            first_declaration = FirstDeclaration(
                declared,
                earnings_quarters(declared, year),
                job.correction.reason,
                date.fromisoformat(job.correction.on),
            )
        periods.append(PeriodSpec(regime=job.regime, quarters=0, first_declaration=first_declaration, **common))
        if job.complementary is not None:
            year_share = Decimal(_days(*piece)) / _year_length(year)
            compute = agirc_arrco_points if job.complementary == "AGIRC_ARRCO" else ircantec_points
            periods.append(PeriodSpec(regime=job.complementary, points=compute(earnings, year, year_share), **common))
    return periods


def _self_employment_periods(business: SelfEmployment) -> list[PeriodSpec]:
    start, end = date.fromisoformat(business.start), date.fromisoformat(business.end)
    periods = []
    for piece in _year_slices(start, end):
        year = piece[0].year
        if year in business.by_year:
            income = _cents(business.by_year[year])
        else:
            income = _slice_earnings(business.income, start, end, Decimal(1), piece)
        reference = f"Déclaration de revenus d'indépendant {year}"
        if year in business.notes:
            reference = f"{reference} — {business.notes[year]}"
        periods.append(
            PeriodSpec(
                regime=GENERAL_SCHEME if year >= SELF_EMPLOYED_IN_GENERAL_SCHEME_FROM else SELF_EMPLOYED_SCHEME,
                nature=PeriodNature.SELF_EMPLOYED,
                start_date=piece[0],
                end_date=piece[1],
                source=DataSource.SELF_EMPLOYED_DECLARATION,
                source_reference=reference,
                employer_name=business.business,
                employer_siret=business.siret,
                earnings_cents=income,
                quarters=0,
            )
        )
    return periods


def _public_service_periods(service: PublicService) -> list[PeriodSpec]:
    start, end = date.fromisoformat(service.start), date.fromisoformat(service.end)
    periods = []
    for piece in _year_slices(start, end):
        year = piece[0].year
        salary = _slice_earnings(service.salary, start, end, Decimal(1), piece)
        common: _SharedFields = {
            "nature": PeriodNature.PUBLIC_SERVICE,
            "start_date": piece[0],
            "end_date": piece[1],
            "source": DataSource.PUBLIC_EMPLOYER,
            "employer_name": service.employer,
            "employer_siret": service.siret,
        }
        periods.append(
            PeriodSpec(
                regime=CIVIL_SERVICE_SCHEME,
                source_reference=f"Compte individuel de retraite {year}",
                earnings_cents=salary,
                quarters=min(MAX_QUARTERS_PER_YEAR, _days(*piece) // PUBLIC_SERVICE_DAYS_PER_QUARTER),
                **common,
            )
        )
        if year in RAFP_PURCHASE_VALUE:
            bonus = _cents(Decimal(salary) / 100 * Decimal(service.bonus_share))
            periods.append(
                PeriodSpec(
                    regime="RAFP",
                    source_reference=f"Déclaration RAFP {year}",
                    earnings_cents=bonus,
                    points=rafp_points(bonus, salary, year),
                    **common,
                )
            )
    return periods


def _unemployment_agency(year: int) -> str:
    if year >= 2024:
        return "France Travail"
    return "Pôle emploi" if year >= 2009 else "Assedic"


def _benefit_quarters(benefit: Benefit, piece: tuple[date, date]) -> int:
    if benefit.nature is PeriodNature.INVALIDITY:
        return civil_quarters_covered(*piece)
    if benefit.nature is PeriodNature.MATERNITY:
        if benefit.birth is None:
            raise ValueError(f"{benefit.start}: a maternity leave needs the child's birth date")
        birth = date.fromisoformat(benefit.birth)
        if birth.year >= MATERNITY_BY_DAYS_FROM:
            return _days(*piece) // days_per_quarter()[benefit.nature.value]
        return 1 if piece[0] <= birth <= piece[1] else 0
    return min(MAX_QUARTERS_PER_YEAR, _days(*piece) // days_per_quarter()[benefit.nature.value])


BENEFIT_SOURCES = {
    PeriodNature.UNEMPLOYMENT: DataSource.FRANCE_TRAVAIL,
    PeriodNature.SICKNESS: DataSource.HEALTH_INSURANCE,
    PeriodNature.MATERNITY: DataSource.HEALTH_INSURANCE,
    PeriodNature.INVALIDITY: DataSource.HEALTH_INSURANCE,
    PeriodNature.NATIONAL_SERVICE: DataSource.MILITARY_RECORD,
}


def _benefit_periods(benefit: Benefit) -> list[PeriodSpec]:
    start, end = date.fromisoformat(benefit.start), date.fromisoformat(benefit.end)
    periods = []
    for piece in _year_slices(start, end):
        office = benefit.office
        if benefit.nature is PeriodNature.UNEMPLOYMENT:
            office = f"{_unemployment_agency(piece[0].year)} {office}"
        periods.append(
            PeriodSpec(
                regime=benefit.regime,
                nature=benefit.nature,
                start_date=piece[0],
                end_date=piece[1],
                source=BENEFIT_SOURCES[benefit.nature],
                source_reference=f"{office}, {piece[0].year}",
                quarters=_benefit_quarters(benefit, piece),
                # An invalidity pension is paid by the month, not by the day.
                days=None if benefit.nature is PeriodNature.INVALIDITY else _days(*piece),
            )
        )
    return periods


def _avpf_periods(avpf: Avpf) -> list[PeriodSpec]:
    start, end = date.fromisoformat(avpf.start), date.fromisoformat(avpf.end)
    periods = []
    for piece in _year_slices(start, end):
        year = piece[0].year
        full_year = smic_hourly_cents(year) * AVPF_MONTHLY_HOURS * 12
        base = int((full_year * _days(*piece) / _year_length(year)).quantize(Decimal(1), ROUND_HALF_UP))
        periods.append(
            PeriodSpec(
                regime=GENERAL_SCHEME,
                nature=PeriodNature.AVPF,
                start_date=piece[0],
                end_date=piece[1],
                source=DataSource.FAMILY_ALLOWANCE,
                source_reference=f"{avpf.office}, {year}",
                earnings_cents=base,
                quarters=0,
            )
        )
    return periods


def _abroad_periods(abroad: Abroad) -> list[PeriodSpec]:
    start, end = date.fromisoformat(abroad.start), date.fromisoformat(abroad.end)
    name = countries.country(abroad.country).name
    # Each foreign scheme validates periods by its own rules; the demo takes the civil quarters a period covers, what
    # the foreign institution's statement of periods would report for a full-time job held throughout.
    return [
        PeriodSpec(
            regime=ABROAD_SCHEME,
            nature=PeriodNature.ABROAD,
            start_date=piece[0],
            end_date=piece[1],
            source=DataSource.FOREIGN_INSTITUTION,
            source_reference=f"{abroad.employer} — {name}",
            employer_name=abroad.employer,
            quarters=civil_quarters_covered(*piece),
            country=abroad.country,
        )
        for piece in _year_slices(start, end)
    ]


def _expand(entry: Entry) -> list[PeriodSpec]:
    """The yearly periods of one career entry."""
    match entry:
        case Job():
            return _job_periods(entry)
        case SelfEmployment():
            return _self_employment_periods(entry)
        case PublicService():
            return _public_service_periods(entry)
        case Benefit():
            return _benefit_periods(entry)
        case Avpf():
            return _avpf_periods(entry)
        case Abroad():
            return _abroad_periods(entry)
    assert_never(entry)


def _allocate_earnings_quarters(periods: list[PeriodSpec]) -> list[PeriodSpec]:
    """Quarters of earnings-based periods, computed on the year's total earnings in each scheme (R351-9).

    Two half-year jobs each paying 1.5 thresholds validate 3 quarters, not 1 + 1: the year's quarters are
    floor(total / threshold), capped at 4, shared between its periods in date order as they accumulate.
    """
    pools: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, period in enumerate(periods):
        if period.nature in EARNINGS_NATURES and period.quarters is not None:
            pools[(period.start_date.year, period.regime)].append(index)
    allocated = list(periods)
    for (year, _regime), indexes in pools.items():
        indexes.sort(key=lambda index: periods[index].start_date)
        cumulated, validated = 0, 0
        for index in indexes:
            earnings = periods[index].earnings_cents
            if earnings is None:
                raise ValueError(f"{periods[index].start_date}: an earnings-based period without earnings")
            cumulated += earnings
            quarters = earnings_quarters(cumulated, year) - validated
            validated += quarters
            allocated[index] = replace(periods[index], quarters=quarters)
        if any(periods[index].first_declaration for index in indexes) and len(indexes) > 1:
            raise ValueError(f"{year}: a corrected period must be alone in its scheme that year")
    return allocated


def build_periods(entries: tuple[Entry, ...]) -> list[PeriodSpec]:
    """Expand a career's entries into yearly periods, in date order."""
    periods = [period for entry in entries for period in _expand(entry)]
    for period in periods:
        if period.end_date.year > LAST_REPORTED_YEAR:
            raise ValueError(f"{period.start_date}: not reported before {LAST_REPORTED_YEAR + 1}")
    periods = _allocate_earnings_quarters(periods)
    return sorted(periods, key=lambda period: (period.start_date, period.regime))


# --- When the fund received each period -------------------------------------------------------------------------

# (month, day) of the year after the period by which each source reports it; a DSN reports the month after.
# DADS: due on 31 January of the following year. MSA: the last quarterly declaration of the
# year, due in January. Indépendants: the yearly income declaration, due in May. France Travail, the health
# insurance, the CAF, the armed forces and public employers report a year's periods in the first quarter of the
# next; a foreign institution's data arrives through the liaison bodies, later in the year.
REPORTED_IN_NEXT_YEAR_ON = {
    DataSource.DADS: (1, 31),
    DataSource.ANNUAL_REPORT: (1, 31),
    DataSource.SELF_EMPLOYED_DECLARATION: (5, 31),
    DataSource.FRANCE_TRAVAIL: (3, 31),
    DataSource.HEALTH_INSURANCE: (3, 31),
    DataSource.FAMILY_ALLOWANCE: (3, 31),
    DataSource.MILITARY_RECORD: (3, 31),
    DataSource.PUBLIC_EMPLOYER: (3, 31),
    DataSource.FOREIGN_INSTITUTION: (6, 30),
}
# The monthly DSN is due on the 5th or the 15th of the following month, depending on the employer: the later date.
DSN_DAY = 15


def reported_on(period: PeriodSpec) -> date:
    """The day the fund received `period` as first declared: the due date of its source after the period's end.
    The same for every run, whatever the day the demo is loaded."""
    end = period.end_date
    if period.source is DataSource.DSN:
        return date(end.year + 1, 1, DSN_DAY) if end.month == 12 else date(end.year, end.month + 1, DSN_DAY)
    month, day = REPORTED_IN_NEXT_YEAR_ON[period.source]
    return date(end.year + 1, month, day)


# --- The careers -----------------------------------------------------------------------------------------------

UNEMPLOYMENT = PeriodNature.UNEMPLOYMENT
SICKNESS = PeriodNature.SICKNESS
MATERNITY = PeriodNature.MATERNITY
INVALIDITY = PeriodNature.INVALIDITY
NATIONAL_SERVICE = PeriodNature.NATIONAL_SERVICE
APPRENTICESHIP = PeriodNature.APPRENTICESHIP

CAREERS: dict[str, tuple[Entry, ...]] = {
    # Born 1962, first job at 17, national service, 46 years of salaried work; a layoff in 2009.
    "demo-jean-pierre-martin": (
        Job("Mécanique de Précision du Rhône SARL", "66910738500017", "1979-09-03", "1982-09-24",
            gross=(3_900, 5_900)),
        Benefit(NATIONAL_SERVICE, "1982-10-01", "1983-09-30", "État signalétique et des services, Lyon"),
        Job("Forges et Ateliers de Vénissieux SA", "66583475000010", "1983-10-17", "1997-12-31",
            gross=(8_600, 19_800)),
        Job("Rhodanienne d'Automatismes SA", "41549763500029", "1998-01-05", "2009-02-27",
            gross=(21_300, 34_800), correction=Correction(1998, declared=4_150, on="2003-11-17")),
        Benefit(UNEMPLOYMENT, "2009-03-01", "2009-10-31", "Rhône-Alpes"),
        Job("Lumière Industrie Services SAS", "69408564800012", "2009-11-02", "2025-12-31",
            gross=(36_000, 49_500)),
    ),
    # Two births (2003, 2007), parental leave then half-time, 80 %, back to full time in 2019.
    "demo-marie-helene-lefevre-dubois": (
        Job("Breizh Distribution SAS", "34396803800012", "1996-09-02", "2001-12-31", gross=(14_600, 18_200)),
        Job("Mutuelle Armor Santé", "83411606300019", "2002-01-02", "2007-12-31", gross=(19_800, 23_400),
            by_year={2003: 15_900, 2007: 15_300}),
        Benefit(MATERNITY, "2003-02-24", "2003-06-15", "CPAM d'Ille-et-Vilaine", birth="2003-04-12"),
        Benefit(MATERNITY, "2007-08-20", "2007-12-09", "CPAM d'Ille-et-Vilaine", birth="2007-10-01"),
        Job("Mutuelle Armor Santé", "83411606300019", "2008-09-01", "2012-12-31", gross=(24_000, 27_200),
            share="0.5"),
        Job("Mutuelle Armor Santé", "83411606300019", "2013-01-01", "2018-12-31", gross=(27_600, 30_400),
            share="0.8"),
        Job("Mutuelle Armor Santé", "83411606300019", "2019-01-01", "2025-12-31", gross=(31_000, 35_500)),
    ),
    # Engineer: first job in Algeria, studies in Grenoble (2005 empty), four years in Canada.
    "demo-karim-benali": (
        Abroad("Tassili Ingénierie", "DZ", "2002-09-01", "2004-06-30"),
        Job("Alpes Ingénierie Conseil SAS", "65257294200017", "2006-09-04", "2012-03-30", gross=(31_500, 41_000)),
        Abroad("Groupe Laurentide Génie inc.", "CA", "2012-04-16", "2016-08-31"),
        Job("Dauphiné Systèmes Industriels SA", "78654159900019", "2016-10-03", "2025-12-31",
            gross=(46_000, 62_000)),
    ),
    # A student job, studies (2009-2010 empty), then three spells of unemployment between jobs.
    "demo-sophie-nguyen": (
        Job("Librairie du Commerce SARL", "70034568900017", "2008-07-01", "2008-08-29", gross=(15_600, 15_600)),
        Job("Agence Parisienne de Communication SAS", "63317297800015", "2011-09-05", "2013-08-30",
            gross=(26_000, 28_000)),
        Benefit(UNEMPLOYMENT, "2013-09-02", "2014-06-13", "Île-de-France"),
        Job("Médias Seine Éditions SAS", "38629292400019", "2014-06-16", "2019-03-29", gross=(29_000, 34_000)),
        Benefit(UNEMPLOYMENT, "2019-04-01", "2020-02-28", "Île-de-France"),
        Job("Éditions Numériques Grenelle SAS", "48157173500010", "2020-03-02", "2023-10-31",
            gross=(36_000, 39_500)),
        Benefit(UNEMPLOYMENT, "2023-11-01", "2024-09-30", "Île-de-France"),
        Job("Coopérative Culturelle d'Île-de-France", "56195326600021", "2024-10-01", "2025-12-31",
            gross=(41_000, 42_500)),
    ),
    # Joiner: salaried, national service, then his own workshop (SSI until 2019, régime général from 2020).
    "demo-eric-le-gall": (
        Job("Menuiserie Kerjean SARL", "93020118100029", "1984-07-02", "1985-09-27", gross=(5_300, 5_700)),
        Benefit(NATIONAL_SERVICE, "1985-10-01", "1986-09-30", "État signalétique et des services, Brest"),
        Job("Charpentes et Bois de l'Iroise SA", "71396366800015", "1986-10-13", "1998-06-30",
            gross=(7_200, 17_000)),
        SelfEmployment("Le Gall Menuiserie", "90679239500012", "1998-07-01", "2025-12-31", income=(16_000, 34_000),
                       by_year={1998: 5_200, 2020: 12_400}),
    ),
    # Small part-time contracts under the quarter thresholds, a year off (2017), a birth, parental leave (2022).
    "demo-chloe-rousseau": (
        Job("Cave à Manger du Capitole SARL", "75455001000021", "2010-07-01", "2010-08-31", gross=(13_900, 13_900)),
        Job("Restauration Capitole SARL", "79680074600029", "2012-09-03", "2014-06-30", gross=(17_000, 17_300),
            share="0.3"),
        Job("Garonne Services à la Personne", "42429862800019", "2014-09-01", "2016-12-31", gross=(17_400, 17_700),
            share="0.5"),
        Job("Garonne Services à la Personne", "42429862800019", "2018-02-05", "2021-03-31", gross=(18_000, 18_700),
            share="0.28"),
        Benefit(MATERNITY, "2021-05-10", "2021-08-29", "CPAM de la Haute-Garonne", birth="2021-06-21"),
        Job("Pharmacie des Carmes SELARL", "76911184000021", "2023-01-09", "2025-12-31", gross=(21_000, 22_500),
            share="0.43"),
    ),
    # Apprentice mechanic at 16, national service 1977-78, textile layoff in 1993, retired end of 2020.
    "demo-thierry-moreau": (
        Job("Garage Vandenbroucke et Fils", "82030699100010", "1975-09-01", "1977-06-30", nature=APPRENTICESHIP,
            by_year={1975: 280, 1976: 1_190, 1977: 800}),
        Job("Garage Vandenbroucke et Fils", "82030699100010", "1977-07-01", "1977-09-30", by_year={1977: 760}),
        Benefit(NATIONAL_SERVICE, "1977-10-03", "1978-09-29", "État signalétique et des services, Lille"),
        Job("Filature Lilloise du Nord SA", "46805292300017", "1978-10-16", "1992-12-31", gross=(4_700, 14_600)),
        Benefit(UNEMPLOYMENT, "1993-01-04", "1994-03-31", "Nord-Pas-de-Calais"),
        Job("Transports Flandres Logistique SAS", "83445229400012", "1994-04-05", "2020-12-31",
            gross=(15_600, 33_500)),
    ),
    # Cleaning then care assistant; two sick leaves, an invalidity pension from July 2019.
    "demo-fatou-diallo": (
        Job("Nettoyage Industriel Francilien SAS", "67747249000015", "2006-10-02", "2012-08-31",
            gross=(15_300, 17_300), share="0.8"),
        Job("Clinique Saint-Exupéry SAS", "87624675200029", "2012-09-03", "2018-09-07", gross=(19_500, 23_200),
            by_year={2016: 15_100}),
        Benefit(SICKNESS, "2016-02-15", "2016-06-24", "CPAM de Paris"),
        Benefit(SICKNESS, "2018-09-10", "2019-06-30", "CPAM de Paris"),
        Benefit(INVALIDITY, "2019-07-01", "2025-12-31", "CPAM de Paris, pension d'invalidité 2e catégorie"),
    ),
    # A summer job, a year without work (1994), contractual teacher (Ircantec), then fonctionnaire (SRE, RAFP). His
    # traitement of 2025 is that of his indice majoré, 673 × 59,0734 € (seed.CIVIL_SERVICE).
    "demo-pierre-yves-daubigne": (
        Job("Calanques Nautisme SARL", "80237567500021", "1993-07-01", "1993-08-31", by_year={1993: 1_780}),
        Job("Rectorat de l'académie d'Aix-Marseille", "17193786500011", "1995-09-01", "2001-08-31",
            gross=(14_200, 17_600), complementary="IRCANTEC"),
        PublicService("Lycée Marius-Fabre, Marseille", "19313735300010", "2001-09-01", "2025-12-31",
                      salary=(20_300, "39756.40"), bonus_share="0.09"),
    ),
    # Grape harvests, farm work (MSA), a birth in 2006 then AVPF while raising two children, back to a cooperative.
    "demo-anne-sophie-girard": (
        Job("SCEA Château Lafleur-Grandmont", "75320280300015", "1996-09-16", "1996-10-18",
            regime=FARM_EMPLOYEES_SCHEME, by_year={1996: 1_010}),
        Job("SCEA Château Lafleur-Grandmont", "75320280300015", "1997-09-08", "1997-10-24",
            regime=FARM_EMPLOYEES_SCHEME, by_year={1997: 1_395}),
        Job("SCEA Vignobles de l'Entre-Deux-Mers", "52728849200012", "1999-03-01", "2006-06-02",
            regime=FARM_EMPLOYEES_SCHEME, gross=(12_100, 17_600)),
        Benefit(MATERNITY, "2006-06-05", "2006-09-24", "MSA de la Gironde", birth="2006-07-18",
                regime=FARM_EMPLOYEES_SCHEME),
        Avpf("2006-10-01", "2011-12-31", "CAF de la Gironde"),
        Job("Cave Coopérative des Coteaux de Garonne", "95420647000021", "2012-03-05", "2016-12-31",
            regime=FARM_EMPLOYEES_SCHEME, gross=(18_200, 20_100), share="0.8"),
        Job("Cave Coopérative des Coteaux de Garonne", "95420647000021", "2017-01-01", "2025-12-31",
            regime=FARM_EMPLOYEES_SCHEME, gross=(20_500, 27_900)),
    ),
    # CAP de cuisine as an apprentice from 16, commis, a short spell of unemployment, chef de partie.
    "demo-lucas-petit": (
        Job("Brasserie de l'Erdre SARL", "91635916900015", "2012-09-03", "2014-08-29", nature=APPRENTICESHIP,
            by_year={2012: 1_420, 2013: 4_980, 2014: 4_730}),
        Job("Brasserie de l'Erdre SARL", "91635916900015", "2014-09-01", "2017-06-30", gross=(18_600, 19_900)),
        Benefit(UNEMPLOYMENT, "2017-07-03", "2017-11-03", "Pays de la Loire"),
        Job("Groupe Hôtelier Atlantique SAS", "61391042100015", "2017-11-06", "2025-12-31",
            gross=(21_600, 29_400)),
    ),
    # Textile work in Portugal from 16, cleaning in Paris, unemployment, a gap (1995), hotels in Geneva, care home.
    "demo-brigitte-fernandes": (
        Abroad("Fábrica Têxtil do Ave, Lda", "PT", "1980-09-01", "1986-12-31"),
        Job("Nettoyage Services Parisiens SARL", "44429642000029", "1987-03-02", "1993-06-30",
            gross=(7_900, 10_600), share="0.75"),
        Benefit(UNEMPLOYMENT, "1993-07-01", "1994-12-31", "Île-de-France"),
        Abroad("Hôtel du Lac Léman SA", "CH", "1996-02-01", "2002-11-30"),
        Job("Résidence Seniors Les Tilleuls SAS", "95159486000029", "2003-01-06", "2025-12-31",
            gross=(14_100, 24_600), by_year={2015: 15_700}),
        Benefit(SICKNESS, "2015-10-05", "2015-12-31", "CPAM du Val-de-Marne"),
    ),
    # Shop assistant, a year helping the family (1989), then his own shop: SSI until 2019, régime général from
    # 2020. In 2020 his income fell under the minimum base, so contributions were due on 11.5 % of the PASS.
    "demo-dominique-santoni": (
        Job("Supermarché du Cours Napoléon SARL", "37396905400015", "1986-06-02", "1988-08-31",
            gross=(6_300, 7_200)),
        SelfEmployment("Santoni Produits Corses", "98684885100010", "1990-04-02", "2025-12-31",
                       income=(9_000, 31_000), by_year={1990: 5_600, 2009: 3_150, 2020: "4730.64"},
                       notes={2020: "assiette minimale (11,5 % du PASS)"}),
    ),
}  # fmt: skip
