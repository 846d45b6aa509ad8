"""Legislation parameters, read from the CSV files of portal/simulation/data.

Each file holds one row per year with its source, so that a value can be checked or updated without touching code.
Amounts are euros; the years before 2002 were set in francs and are converted at 6.55957 F per euro, rounded to the
cent, as the Cnav converted its accounts.
"""

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from types import MappingProxyType

# CSS R351-9: at most four quarters are validated per calendar year, all base schemes together.
MAX_QUARTERS_PER_YEAR = 4


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
    text = resources.files(__package__).joinpath("data", "quarter_thresholds.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
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
            "(portal/simulation/data/quarter_thresholds.csv)."
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
    """The table of data/pass.csv, by year (IPP series from 1972, francs converted; pension-rules.md §6.1)."""
    table: dict[int, SocialSecurityCeiling] = {}
    text = resources.files(__package__).joinpath("data", "pass.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
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
            "(portal/simulation/data/pass.csv)."
        ) from None
