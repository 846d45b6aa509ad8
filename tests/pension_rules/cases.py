"""Builders for the engine's tests: JSON-shaped inputs, parsed by `portal.pension_rules.io.parse_input` as the web page
and the API send them, then simulated. No app, no database."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.pension_rules import parameters
from portal.pension_rules.engine import simulate
from portal.pension_rules.io import parse_input
from portal.pension_rules.model import Departure, SimulationResult

CENT = Decimal("0.01")
# A year's salary that validates four quarters in every year of the tables (4 × 1 803 € in 2026 is the highest).
FULL_YEAR = 30000


def iso(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else value


def run(data: dict) -> SimulationResult:
    """Parse `data` (as_of required, it is also `today`) and simulate it."""
    as_of = date.fromisoformat(data["as_of"])
    return simulate(parse_input(data, today=as_of))


def person(birth: date | str, as_of: date | str, **fields) -> dict:
    data = {"birth_date": iso(birth), "as_of": iso(as_of)}
    for key, value in fields.items():
        if key in ("pension_date",):
            value = iso(value)
        elif key == "compare_dates":
            value = [iso(day) for day in value]
        data[key] = value
    return data


def summary(
    quarters: int, *, regime_general: int | None = None, contributed: int | None = None, sam=30000, points=0
) -> dict:
    """The technicians' mode: quarters all regimes, of the régime général, cotisés; SAM; Agirc-Arrco points."""
    return {
        "quarters_all_regimes": quarters,
        "quarters_regime_general": quarters if regime_general is None else regime_general,
        "quarters_contributed": quarters if contributed is None else contributed,
        "sam": sam,
        "agirc_arrco_points": points,
    }


def work(year: int, earnings=FULL_YEAR, *, regime: str = "CNAV", kind: str = "salaried") -> dict:
    return {"year": year, "regime": regime, "kind": kind, "earnings": earnings}


def work_quarters(year: int, quarters: int) -> dict:
    """A salary that validates exactly `quarters` quarters in `year` (CSS R351-9)."""
    return work(year, str(parameters.quarter_threshold(year) * quarters))


def days(year: int, kind: str, count: int, *, regime: str = "CNAV") -> dict:
    return {"year": year, "regime": regime, "kind": kind, "days": count}


def years_of_work(first: int, last: int, *, skip=(), earnings=FULL_YEAR) -> list[dict]:
    """Four quarters a year from `first` to `last` inclusive, except the years in `skip`."""
    return [work(year, earnings) for year in range(first, last + 1) if year not in skip]


def departure(result: SimulationResult, day: date) -> Departure:
    for row in result.departures:
        if row.date == day:
            return row
    raise AssertionError(f"No departure on {day}; departures: {[row.date.isoformat() for row in result.departures]}")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def early_starter(birth: date, as_of: date, *, skip=(), **fields) -> dict:
    """Someone who started before 20 but not before 18: 3 quarters in the year of the 16th birthday (fewer than the
    4 or 5 of the 16 and 18 brackets), nothing at 17 and 18, then four quarters a year from the year of the 19th
    birthday to the year before `as_of`, and a full-time salary from 1 January of the year of `as_of` on."""
    career = [work_quarters(birth.year + 16, 3), *years_of_work(birth.year + 19, as_of.year - 1, skip=skip)]
    career.extend(fields.pop("extra_career", ()))
    fields.setdefault("future_earnings", [{"annual_earnings": FULL_YEAR}])
    return person(birth, as_of, career=career, **fields)
