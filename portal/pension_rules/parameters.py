"""Legislation parameters, read from the CSV files of portal/pension_rules/data.

Each file holds one row per year with its source, so that a value can be checked or updated without touching code.
Amounts are euros; the years before 2002 were set in francs and are converted at 6.55957 F per euro, rounded to the
cent, as the Cnav converted its accounts.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Generic, TypeVar

# CSS R351-9: at most four quarters are validated per calendar year, all base schemes together.
MAX_QUARTERS_PER_YEAR = 4
# Code du travail L4153-1: no one may work before 14 (the age from which a career can hold periods of work).
MINIMUM_WORKING_AGE = 14

# The schemes' codes, as the career record (the régime table) and the engine name them.
GENERAL_SCHEME = "CNAV"  # régime général of the salaried workers
SELF_EMPLOYED_SCHEME = "SSI"  # artisans and commerçants (ex-RSI)
FARM_EMPLOYEES_SCHEME = "MSA_SALARIES"
CIVIL_SERVICE_SCHEME = "SRE"  # fonction publique d'État
ABROAD_SCHEME = "ETRANGER"  # periods worked abroad, recorded for information
# Régime général and the régimes alignés, liquidated as one since 1 July 2017 (liquidation unique, loi 2014-40
# art. 43): their quarters and salaries make one pension.
ALIGNED_SCHEMES = frozenset({GENERAL_SCHEME, SELF_EMPLOYED_SCHEME, FARM_EMPLOYEES_SCHEME})
# Artisans and commerçants are in the régime général since 1 January 2020 (loi 2017-1836, art. 15).
SELF_EMPLOYED_IN_GENERAL_SCHEME_FROM = 2020


def working_age_date(birth: date) -> date:
    """The 14th birthday (MINIMUM_WORKING_AGE); for someone born on 29 February, 1 March in a common year."""
    try:
        return birth.replace(year=birth.year + MINIMUM_WORKING_AGE)
    except ValueError:
        return date(birth.year + MINIMUM_WORKING_AGE, 3, 1)


@dataclass(frozen=True)
class QuarterThreshold:
    """Gross earnings validating one quarter in a year: `hours` × the SMIC horaire in force on 1 January."""

    year: int
    smic_hourly: Decimal
    hours: int
    threshold: Decimal
    source: str


@cache
def quarter_thresholds() -> MappingProxyType[int, QuarterThreshold]:
    """The table of data/quarter_thresholds.csv, by year (200 hours of SMIC until 2013, 150 from 2014)."""
    table: dict[int, QuarterThreshold] = {}
    for row in rows("quarter_thresholds.csv"):
        year = int(row["year"])
        table[year] = QuarterThreshold(
            year=year,
            smic_hourly=Decimal(row["smic_hourly_eur"]),
            hours=int(row["hours"]),
            threshold=Decimal(row["threshold_eur"]),
            source=row["source"],
        )
    return MappingProxyType(table)


def quarter_threshold(year: int) -> Decimal:
    """Earnings (euros, gross) that validate one quarter in `year` (CSS R351-9). KeyError outside the table."""
    table = quarter_thresholds()
    try:
        return table[year].threshold
    except KeyError:
        raise KeyError(
            f"No quarter-validation threshold for {year}: the table covers {min(table)} to {max(table)} "
            "(portal/pension_rules/data/quarter_thresholds.csv)."
        ) from None


def quarters_from_earnings(year: int, earnings: Decimal | int) -> int:
    """Quarters validated by a year's gross earnings: one per threshold reached, at most four (CSS R351-9)."""
    quarters = int(Decimal(earnings) // quarter_threshold(year))
    return max(0, min(MAX_QUARTERS_PER_YEAR, quarters))


@dataclass(frozen=True)
class SocialSecurityCeiling:
    """The plafond annuel de la Sécurité sociale (PASS) of a year, in euros."""

    year: int
    amount: Decimal
    source: str


@cache
def social_security_ceilings() -> MappingProxyType[int, SocialSecurityCeiling]:
    """The table of data/pass.csv, by year (IPP series from 1962, francs converted; docs/pension-rules.md §6.1): the
    14th birthday of the first generation simulated is covered (pension-rules §14.3)."""
    table: dict[int, SocialSecurityCeiling] = {}
    for row in rows("pass.csv"):
        year = int(row["year"])
        table[year] = SocialSecurityCeiling(year=year, amount=Decimal(row["pass_eur"]), source=row["source"])
    return MappingProxyType(table)


def pass_annual(year: int) -> Decimal:
    """The PASS of `year` in euros: the old-age contribution and the salary counted for the SAM are capped at it
    (CSS L241-3, R351-29). KeyError outside the table."""
    table = social_security_ceilings()
    try:
        return table[year].amount
    except KeyError:
        raise KeyError(
            f"No plafond annuel de la Sécurité sociale for {year}: the table covers {min(table)} to {max(table)} "
            "(portal/pension_rules/data/pass.csv)."
        ) from None


# --- Tables keyed by birth date and by the pension's effective date (LFSS 2026 values from 1 September 2026) ---

# The version of the rules printed on every result: the research date of the legislation tables
# (docs/pension-rules.md) and the last law they follow.
RULES_VERSION = "2026-11-24 (loi 2023-270, LFSS 2026 : loi 2025-1403)"
# Simulations take pensions from this date on, the first with the 2023 reform's parameters: earlier ones are settled.
FIRST_SUPPORTED_PENSION_DATE = date(2023, 9, 1)
FIRST_SUPPORTED_BIRTH_DATE = date(1950, 1, 1)


def rows(name: str) -> list[dict[str, str]]:
    """The rows of data/<name>, a CSV with a header row: every table of the rules is read through here."""
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


# The type of the values of a cohort table: int (ages, quarters) or Decimal (the décote).
_Value = TypeVar("_Value", int, Decimal)


@dataclass(frozen=True, slots=True)
class CohortRow(Generic[_Value]):
    """One value for people born between born_from and born_until (inclusive, None: open), for pensions taking effect
    between pensions_from and pensions_until (inclusive, None: open)."""

    born_from: date
    born_until: date | None
    pensions_from: date | None
    pensions_until: date | None
    value: tuple[_Value, ...]
    source: str

    def matches(self, birth_date: date, pension_date: date | None) -> bool:
        if birth_date < self.born_from or (self.born_until is not None and birth_date > self.born_until):
            return False
        if pension_date is None:
            return True
        if self.pensions_from is not None and pension_date < self.pensions_from:
            return False
        return self.pensions_until is None or pension_date <= self.pensions_until


def _cohort_table(name: str, columns: tuple[str, ...], cast: Callable[[str], _Value]) -> tuple[CohortRow[_Value], ...]:
    return tuple(
        CohortRow(
            born_from=date.fromisoformat(row["born_from"]),
            born_until=_date(row["born_until"]),
            pensions_from=_date(row.get("pensions_from", "")),
            pensions_until=_date(row.get("pensions_until", "")),
            value=tuple(cast(row[column]) for column in columns),
            source=row["source"],
        )
        for row in rows(name)
    )


def _lookup(
    table: tuple[CohortRow[_Value], ...], name: str, birth_date: date, pension_date: date | None
) -> CohortRow[_Value]:
    for row in table:
        if row.matches(birth_date, pension_date):
            return row
    raise KeyError(f"No {name} for people born on {birth_date} (pension on {pension_date}).")


@cache
def legal_age_table() -> tuple[CohortRow[int], ...]:
    """Âge légal (CSS L161-17-2): data/legal_age.csv, value (years, months)."""
    return _cohort_table("legal_age.csv", ("years", "months"), int)


@cache
def required_quarters_table() -> tuple[CohortRow[int], ...]:
    """Durée d'assurance for the taux plein (CSS L161-17-3): data/required_quarters.csv, value (quarters,)."""
    return _cohort_table("required_quarters.csv", ("quarters",), int)


@cache
def full_rate_age_table() -> tuple[CohortRow[int], ...]:
    """Âge d'annulation de la décote (CSS L351-8 1°): data/full_rate_age.csv, value (years, months)."""
    return _cohort_table("full_rate_age.csv", ("years", "months"), int)


@cache
def decote_table() -> tuple[CohortRow[Decimal], ...]:
    """Relative reduction per missing quarter (CSS R351-27): data/decote.csv, value (Decimal,)."""
    return _cohort_table("decote.csv", ("reduction_per_quarter",), Decimal)


@cache
def long_career_table() -> tuple[CohortRow[int], ...]:
    """Carrière longue ages (CSS D351-1-1): data/long_career.csv, value (started_before, years, months)."""
    return _cohort_table("long_career.csv", ("started_before", "years", "months"), int)


@cache
def legal_age(birth_date: date, pension_date: date | None) -> CohortRow[int]:
    return _lookup(legal_age_table(), "legal age", birth_date, pension_date)


@cache
def required_quarters(birth_date: date, pension_date: date | None) -> CohortRow[int]:
    return _lookup(required_quarters_table(), "required duration", birth_date, pension_date)


@cache
def full_rate_age(birth_date: date) -> CohortRow[int]:
    return _lookup(full_rate_age_table(), "full-rate age", birth_date, None)


@cache
def decote_reduction(birth_date: date) -> CohortRow[Decimal]:
    return _lookup(decote_table(), "décote", birth_date, None)


@cache
def long_career_brackets(birth_date: date, pension_date: date) -> tuple[CohortRow[int], ...]:
    """The carrière longue brackets open to this cohort for a pension on pension_date, earliest start first."""
    return tuple(
        sorted(
            (row for row in long_career_table() if row.matches(birth_date, pension_date)),
            key=lambda row: row.value[0],
        )
    )


@cache
def pension_regime_switch_dates() -> tuple[date, ...]:
    """The dates on which the age and duration tables change for pensions (1 September 2023, 1 September 2026)."""
    return tuple(sorted({row.pensions_from for row in legal_age_table() if row.pensions_from}))


@dataclass(frozen=True, slots=True)
class DatedValue:
    effective_from: date
    value: Decimal
    source: str


def _dated(rows: list[dict[str, str]], column: str = "value") -> tuple[DatedValue, ...]:
    values = [
        DatedValue(date.fromisoformat(row["effective_from"]), Decimal(row[column]), row["source"]) for row in rows
    ]
    return tuple(sorted(values, key=lambda value: value.effective_from))


def value_on(series: tuple[DatedValue, ...], day: date) -> DatedValue:
    """The value in force on `day`: the last one whose effective date is on or before it."""
    current = None
    for value in series:
        if value.effective_from > day:
            break
        current = value
    if current is None:
        raise KeyError(f"No value in force on {day}: the series starts on {series[0].effective_from}.")
    return current


@cache
def rules() -> MappingProxyType[str, tuple[DatedValue, ...]]:
    """Scalar rules of data/rules.csv (taux plein, surcote, majoration…), each a series by effective date."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows("rules.csv"):
        grouped.setdefault(row["name"], []).append(row)
    return MappingProxyType({name: _dated(rows) for name, rows in grouped.items()})


@cache
def rule(name: str, day: date) -> DatedValue:
    return value_on(rules()[name], day)


@cache
def agirc_arrco() -> MappingProxyType[str, tuple[DatedValue, ...]]:
    """Agirc-Arrco parameters of data/agirc_arrco.csv: purchase_value, service_value, rate_t1, rate_t2…"""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows("agirc_arrco.csv"):
        grouped.setdefault(row["parameter"], []).append(row)
    return MappingProxyType({name: _dated(rows) for name, rows in grouped.items()})


@dataclass(frozen=True, slots=True)
class AnticipationCoefficient:
    quarters_to_full_rate: int
    coefficient: Decimal
    source: str


@cache
def agirc_arrco_anticipation() -> tuple[AnticipationCoefficient, ...]:
    """Agirc-Arrco's permanent coefficients d'anticipation, by quarters short of the taux plein (index = quarters,
    0 to 40): data/agirc_arrco_anticipation.csv (pension-rules §18)."""
    table = tuple(
        AnticipationCoefficient(int(row["quarters_to_full_rate"]), Decimal(row["coefficient"]), row["source"])
        for row in rows("agirc_arrco_anticipation.csv")
    )
    assert [row.quarters_to_full_rate for row in table] == list(range(len(table)))
    return table


@dataclass(frozen=True, slots=True)
class MinimumContributif:
    effective_from: date
    monthly: Decimal
    monthly_majore: Decimal
    ceiling_monthly: Decimal
    source: str


@cache
def minimum_contributif_table() -> tuple[MinimumContributif, ...]:
    """Minimum contributif (CSS L351-10) by effective date: data/minimum_contributif.csv."""
    return tuple(
        MinimumContributif(
            effective_from=date.fromisoformat(row["effective_from"]),
            monthly=Decimal(row["monthly"]),
            monthly_majore=Decimal(row["monthly_majore"]),
            ceiling_monthly=Decimal(row["ceiling_monthly"]),
            source=row["source"],
        )
        for row in rows("minimum_contributif.csv")
    )


@cache
def minimum_contributif(day: date) -> MinimumContributif:
    current = None
    for row in minimum_contributif_table():
        if row.effective_from <= day:
            current = row
    if current is None:
        raise KeyError(f"No minimum contributif in force on {day}.")
    return current


@dataclass(frozen=True, slots=True)
class SalaryRevaluation:
    """A revaluation of the salaries portés au compte: from effective_from, the salaries of the years up to
    salaries_until are multiplied by coefficient (CSS L351-11, R351-29-2)."""

    effective_from: date
    coefficient: Decimal
    salaries_until: int
    source: str


@cache
def salary_revaluations() -> tuple[SalaryRevaluation, ...]:
    return tuple(
        SalaryRevaluation(
            effective_from=date.fromisoformat(row["effective_from"]),
            coefficient=Decimal(row["coefficient"]),
            salaries_until=int(row["salaries_until"]),
            source=row["source"],
        )
        for row in rows("salary_revaluation.csv")
    )


@cache
def revaluation_coefficients(pension_date: date) -> MappingProxyType[int, Decimal]:
    """The coefficient of each salary year for a pension taking effect on pension_date: the product of every
    revaluation in force by then that covers the year, rounded to the thousandth as the Cnav's tables are."""
    applicable = [r for r in salary_revaluations() if r.effective_from <= pension_date]
    # Salaries before 1972 get the revaluations from 1972 on; the earlier arrêtés are not in the table (a limit
    # the engine states for such careers).
    first_year = min(social_security_ceilings())
    last_year = max((r.salaries_until for r in applicable), default=first_year - 1)
    coefficients = {}
    for year in range(first_year, pension_date.year + 1):
        product = Decimal(1)
        if year <= last_year:
            for revaluation in applicable:
                if revaluation.salaries_until >= year:
                    product *= revaluation.coefficient
        coefficients[year] = product.quantize(Decimal("0.001"))
    return MappingProxyType(coefficients)


@cache
def revaluation_key(pension_date: date) -> date:
    """The date of the last revaluation in force on pension_date: pensions sharing it share their coefficients."""
    key = FIRST_SUPPORTED_PENSION_DATE
    for revaluation in salary_revaluations():
        if revaluation.effective_from <= pension_date:
            key = revaluation.effective_from
    return key


@cache
def days_per_quarter() -> MappingProxyType[str, int]:
    """Days of an assimilated period that validate one quarter (CSS R351-12): data/assimilated_periods.csv."""
    return MappingProxyType({row["kind"]: int(row["days_per_quarter"]) for row in rows("assimilated_periods.csv")})


@cache
def reputes_cotises_caps() -> MappingProxyType[str, int | None]:
    """Assimilated quarters réputés cotisés for the carrière longue, by kind, with their cap (None: no cap)."""
    return MappingProxyType(
        {
            row["kind"]: (int(row["max_quarters"]) if row["max_quarters"] else None)
            for row in rows("reputes_cotises.csv")
        }
    )
