"""The salaire annuel moyen (SAM) of the régime général and the aligned schemes (CSS R351-29, L351-11): the best
years' salaries, each capped at the PASS of its year and revalued by the coefficients in force when the pension
starts, averaged.

One `ReferenceSalary` per simulation: departures of one year share their best years, departures sharing the
revaluations in force share the revalued salaries, and each is computed once.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from portal.pension_rules import parameters, text
from portal.pension_rules.model import Explanation
from portal.pension_rules.quarters import CENT, ZERO, YearRecord, pass_of

ONE = Decimal(1)
# The number of best years for the people born from 1948 (CSS R351-29).
BEST_YEARS = int(parameters.rule("sam_best_years", date(1948, 1, 1)).value)
REFERENCES = ("CSS R351-29", "CSS L351-11", "service-public F21552", "arrêtés annuels de revalorisation")

# A salary year counted for the SAM: (revalued value, year, salary capped at the PASS, revaluation coefficient).
SalaryYear = tuple[Decimal, int, Decimal, Decimal]
# The French line of a recorded salary year, by year: (salary capped at the PASS, coefficient, revalued value).
SalaryLines = dict[int, tuple[Decimal, Decimal, Decimal]]


@dataclass(slots=True)
class _BestYears:
    """The best years for the SAM of the departures of one year (the years before it): the years chosen, best
    first, how many could be, and once computed their total and average."""

    years: list[SalaryYear]
    eligible: int
    average: tuple[Decimal, Decimal] | None = None


class ReferenceSalary:
    """The SAM of every departure of one career: `past` is the recorded career year by year (in year order),
    `last_recorded_year` its last year."""

    __slots__ = ("_past", "_last_recorded_year", "_salaries", "_best")

    def __init__(self, past: Mapping[int, YearRecord], last_recorded_year: int):
        self._past = past
        self._last_recorded_year = last_recorded_year
        self._salaries: dict[date, tuple[list[SalaryYear], SalaryLines]] = {}
        self._best: dict[tuple[date, int], _BestYears] = {}

    def at(self, departure: date, projected: Mapping[int, YearRecord]) -> tuple[Decimal, Explanation]:
        """The SAM of a pension starting on `departure`, the projected years (`projected`) competing with the
        recorded ones."""
        key = parameters.revaluation_key(departure)
        # The salaries of the calendar year in which the pension takes effect are left out of the SAM, whatever the
        # month (service-public F21552; ministerial answer QE 5108; pension-rules §14.1): its quarters still count.
        last_year = departure.year - 1
        best_key = (key, last_year)
        base = self._best.get(best_key)
        if base is None:
            full_years = [
                (record.sam_capped, year, record.sam_capped, ONE)
                for year, record in projected.items()
                if record.sam_year and year <= last_year and year not in self._past
            ]
            base = self._best[best_key] = _BestYears(*self._best_years(key, last_year, full_years))
        best, eligible = base.years, base.eligible
        if not best:
            return ZERO, Explanation(
                "Aucune année ne compte pour le salaire annuel moyen.",
                ("Seules les années ayant validé au moins un trimestre au régime général comptent.",),
                ("CSS R351-29",),
            )
        if base.average is None:
            total = sum([item[0] for item in best], ZERO)
            # Kept for the next departures of the same year, which share their best years.
            base.average = (total, (total / len(best)).quantize(CENT, ROUND_HALF_UP))
        total, sam = base.average
        _, lines = self._revalued(key)
        return sam, Explanation.later(explanation, best, eligible, total, sam, lines, departure.year)

    def _revalued(self, key: date) -> tuple[list[SalaryYear], SalaryLines]:
        """Recorded salaries counted for the SAM, capped at the PASS and revalued for pensions sharing the
        revaluations in force on `key`: (value, year, capped, coefficient), best first, and their French lines."""
        cached = self._salaries.get(key)
        if cached is not None:
            return cached
        coefficients = parameters.revaluation_coefficients(key)
        salaries: list[SalaryYear] = []
        lines: SalaryLines = {}
        for year, record in self._past.items():
            if not record.sam_year:
                continue
            coefficient = coefficients.get(year, ONE)
            capped = min(record.aligned_earnings, pass_of(year))
            value = capped * coefficient
            salaries.append((value, year, capped, coefficient))
            lines[year] = (capped, coefficient, value)
        salaries.sort(reverse=True)
        cached = self._salaries[key] = (salaries, lines)
        return cached

    def _best_years(self, key: date, last_year: int, projected: list[SalaryYear]) -> tuple[list[SalaryYear], int]:
        """The best years (25 for people born from 1948, R351-29) among the recorded ones up to last_year and the
        projected ones, best first, and how many years could be chosen."""
        past, _lines = self._revalued(key)
        if not past or self._last_recorded_year <= last_year:
            # The usual case: every recorded year is before the departure.
            candidates = past[:BEST_YEARS]
            eligible = len(past)
        else:
            # `past` is sorted best first: its first BEST_YEARS years of the period are all that can be chosen.
            kept = [item for item in past if item[1] <= last_year]
            candidates, eligible = kept[:BEST_YEARS], len(kept)
        if not projected:
            return candidates, eligible
        return sorted([*candidates, *projected], reverse=True)[:BEST_YEARS], eligible + len(projected)


def given(sam: Decimal) -> Explanation:
    """The SAM a person gives in the summary mode."""
    return Explanation(f"Salaire annuel moyen indiqué : {text.euros(sam)}.", (), ("CSS R351-29",))


def explanation(
    best: list[SalaryYear], eligible: int, total: Decimal, sam: Decimal, lines: SalaryLines, departure_year: int
) -> Explanation:
    steps = [
        f"Les {len(best)} meilleures années sur {eligible} ayant validé au moins un trimestre au régime "
        f"général jusqu'en {departure_year - 1}, chaque salaire plafonné au PASS de son année puis revalorisé. "
        f"Les salaires de {departure_year}, l'année où la retraite commence, ne comptent pas (ses trimestres, "
        "si) : une retraite au 1er janvier garde l'année précédente entière.",
    ]
    for _value, year, capped, _coefficient in sorted(best, key=lambda item: item[1]):
        if year in lines:
            capped, coefficient, value = lines[year]
            steps.append(f"{year} : {text.euros(capped)} × {text.number(coefficient, 3)} = {text.euros(value)}")
        else:
            steps.append(f"{year} : {text.euros(capped)} (prévision, euros constants de 2026)")
    steps.append(f"Moyenne : {text.euros(total)} ÷ {len(best)} = {text.euros(sam)}.")
    return Explanation(
        f"Salaire annuel moyen : {text.euros(sam)}, moyenne de vos {len(best)} meilleures années.",
        tuple(steps),
        REFERENCES,
    )
