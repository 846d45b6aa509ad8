"""The years to come: what the earnings or the services the person expects (`FutureWork`) validate each year until
a departure, in quarters (at most four a year with the recorded ones), SAM salary, Agirc-Arrco points and
civil-service quarters. Amounts are in constant 2026 euros: the 2026 threshold, PASS and Agirc-Arrco values are kept.

One `Projection` per simulation: a whole year is computed once, the year of each departure (cut at the departure)
once per departure date, and the years before a departure's are added up once per year."""

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from portal.pension_rules import text
from portal.pension_rules.model import FutureWork
from portal.pension_rules.quarters import (
    CENT,
    LAST_PARAMETER_YEAR,
    QUARTERS_PER_YEAR,
    ZERO,
    YearRecord,
    agirc_arrco_points,
    months_in,
    pass_of,
    threshold_of,
)
from portal.pension_rules.schemes import CIVIL_SERVICE_SCHEMES, REGIME_LABELS

# The years before a departure's, which every departure of that year shares: the records, and their quarters (all,
# aligned), points and civil-service quarters added up.
Before = tuple[dict[int, YearRecord], int, int, Decimal, int]


class Projection:
    __slots__ = ("_future", "_past", "_first_year", "_years", "_before")

    def __init__(self, future: tuple[FutureWork, ...], past: Mapping[int, YearRecord]):
        self._future = future
        self._past = past
        self._first_year = min((work.start_date.year for work in future), default=0)
        self._years: dict[tuple[int, date | None, bool], YearRecord | None] = {}
        self._before: dict[int, Before] = {}

    def year(self, year: int, departure: date | None = None, explain: bool = False) -> YearRecord | None:
        """One projected year, None when nothing is expected in it; `departure` when it is the year of departure
        (it ends the year early); `explain` writes its steps (only the years table shows them)."""
        key = (year, departure, explain)
        if key not in self._years:
            self._years[key] = self._compute(year, departure, explain)
        return self._years[key]

    def before(self, year: int) -> tuple[dict[int, YearRecord], int, int, Decimal, int]:
        """The whole projected years before `year`, which every departure of that year shares: the records, and their
        quarters (all, aligned), points and civil-service quarters added up."""
        cached = self._before.get(year)
        if cached is not None:
            return cached
        if not self._future or year <= self._first_year:
            cached = ({}, 0, 0, ZERO, 0)
        else:
            years, total, aligned, points, civil = self.before(year - 1)
            record = self.year(year - 1)
            if record is not None:
                years = {**years, year - 1: record}
                total += record.all
                aligned += record.aligned
                points += record.points
                civil += record.civil_service
            cached = (years, total, aligned, points, civil)
        self._before[year] = cached
        return cached

    def years(self, departure: date, explain: bool = False) -> dict[int, YearRecord]:
        """Projected years from the future earnings, up to the day before the departure; `explain` writes the
        steps of each year (only the years table shows them). Years before the departure's do not depend on it:
        they are computed once."""
        if not self._future:
            return {}
        first = min(work.start_date.year for work in self._future)
        years = {}
        for year in range(first, departure.year + 1):
            limit = departure if year == departure.year else None
            record = self.year(year, limit, explain)
            if record is not None:
                years[year] = record
        return years

    def _compute(self, year: int, departure: date | None, explain: bool) -> YearRecord | None:
        """One projected year; `departure` when it is the year of departure (it ends the year early)."""
        year_end = date(year + 1, 1, 1)
        record = None
        for work in self._future:
            end = year_end if departure is None else min(year_end, departure)
            if work.end_date is not None:
                end = min(end, _day_after(work.end_date))
            months = months_in(year, work.start_date, end)
            if months <= 0:
                continue
            if record is None:
                record = YearRecord(year, projected=True)
            if work.regime in CIVIL_SERVICE_SCHEMES:
                # Services count by duration, part time as full time for the durée (CPCM L5, L11): one quarter per
                # three months of services.
                record.civil_service_months += months
                if explain:
                    record.steps.append(
                        f"Services à venir dans la fonction publique ({REGIME_LABELS[work.regime]}) : {months} mois."
                    )
                continue
            earnings = (work.annual_earnings * work.part_time_percent * months / Decimal(1200)).quantize(
                CENT, ROUND_HALF_UP
            )
            record.aligned_earnings += earnings
            if explain:
                record.steps.append(
                    f"Revenus prévus : {text.euros(work.annual_earnings)} par an"
                    + (f" à {work.part_time_percent} %" if work.part_time_percent != 100 else "")
                    + f" pendant {months} mois, soit {text.euros(earnings)}."
                )
        if record is None:
            return None
        threshold = threshold_of(year)
        quarters = min(QUARTERS_PER_YEAR, int(record.aligned_earnings // threshold))
        civil = min(QUARTERS_PER_YEAR, record.civil_service_months // 3)
        if departure is not None:
            # Only the civil quarters already over count in the year of departure.
            elapsed = (departure.month - 1) // 3
            if max(quarters, civil) > elapsed and explain:
                record.steps.append(
                    f"Départ le {text.day(departure)} : seuls les {elapsed} trimestres civils déjà écoulés de "
                    f"{year} peuvent être validés."
                )
            quarters, civil = min(quarters, elapsed), min(civil, elapsed)
        past = self._past.get(year)
        room = QUARTERS_PER_YEAR - (past.all if past else 0)
        kept = max(0, min(quarters, room))
        civil = max(0, min(civil, room - kept))
        record.aligned = record.contributed = kept
        record.all = kept + civil
        record.contributed += civil
        record.civil_service = civil
        record.sam_year = kept > 0
        record.sam_capped = min(record.aligned_earnings, pass_of(year))
        if explain and record.aligned_earnings:
            record.steps.append(
                f"Seuil de validation : {text.euros(threshold)} par trimestre"
                + (" (valeur 2026, euros constants)" if year > LAST_PARAMETER_YEAR else "")
                + f", soit {text.quarters(kept)}."
            )
        if explain and civil:
            record.steps.append(f"Fonction publique : {text.quarters(civil)} de services.")
        if record.aligned_earnings:
            record.points, step = agirc_arrco_points(year, record.aligned_earnings, explain)
            if explain:
                record.steps.append(step)
        return record


def _day_after(day: date) -> date:
    return day + timedelta(days=1)
