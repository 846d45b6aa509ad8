"""The default scenario of an assuré's simulation, on the career the portal holds, and the same scenario "si la
demande est acceptée". Pages outside this package (the back-office) call these functions rather than the views."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.pension_rules import parameters
from portal.pension_rules.engine import simulate
from portal.pension_rules.model import ChildInput, CivilService, Departure, SimulationInput, SimulationResult
from portal.simulator import inputs

# The régimes whose last earnings go on in the default scenario: salaried and self-employed work of the régime
# général (and the MSA's salaried scheme, aligned on it).
CONTINUED_REGIMES = parameters.ALIGNED_SCHEMES


def last_earnings(career) -> Decimal | None:
    """The earnings of the last recorded year in the régime général, or for a fonctionnaire now the traitement of
    that year in their scheme (inputs.current_scheme); None when there are none."""
    last = inputs.last_recorded_year(career)
    if last is None:
        return None
    scheme = inputs.current_scheme(career)
    regimes = {scheme} if scheme in inputs.CIVIL_SERVICE_SCHEMES else CONTINUED_REGIMES
    total = sum(
        (entry.earnings or Decimal(0))
        for entry in career
        if entry.year == last and entry.regime in regimes and entry.earnings
    )
    return total or None


def default_input(assure, career, children, today: date, civil_service: CivilService | None = None) -> SimulationInput:
    """The default scenario: the same earnings as the last recorded year, until the departure."""
    return inputs.simulation_input(
        birth_date=assure.birth_date,
        today=today,
        sex=inputs.sex_of(assure),
        career=career,
        children=children,
        annual_earnings=last_earnings(career),
        civil_service=civil_service,
    )


def chosen_departure(result: SimulationResult, wanted: date | None = None) -> Departure:
    """The departure a scenario looks at: the requested month if any, else the earliest possible."""
    day = wanted.replace(day=1) if wanted else result.earliest_date
    return next((d for d in result.departures if d.date == day), result.departures[0])


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def compare(before: SimulationResult, after: SimulationResult) -> dict:
    """The two results at the dates a person decides on: each one's earliest date and the automatic full rate
    date, with the differences (months earlier, quarters, rate points, monthly total) where both can leave that
    day."""
    after_by_date = {departure.date: departure for departure in after.departures}
    before_by_date = {departure.date: departure for departure in before.departures}
    dates = [("Au premier départ possible", before.earliest_date)]
    if after.earliest_date != before.earliest_date:
        dates = [
            ("Au premier départ possible aujourd'hui", before.earliest_date),
            ("Au premier départ possible si la demande est acceptée", after.earliest_date),
        ]
    dates.append(("À l'âge du taux plein automatique", before.automatic_full_rate_date))
    rows = []
    for label, day in dates:
        recorded, accepted = before_by_date.get(day), after_by_date.get(day)
        delta = None
        if recorded is not None and accepted is not None:
            delta = {
                "quarters": accepted.quarters_all_regimes - recorded.quarters_all_regimes,
                "rate": accepted.rate - recorded.rate,
                "total_monthly_gross": accepted.total_monthly_gross - recorded.total_monthly_gross,
            }
        rows.append({"label": label, "date": day, "before": recorded, "after": accepted, "delta": delta})
    first_full_before = next((d for d in before.departures if d.full_rate), None)
    first_full_after = next((d for d in after.departures if d.full_rate), None)
    return {
        "before": before,
        "after": after,
        "rows": rows,
        "first_full_before": first_full_before,
        "first_full_after": first_full_after,
        # Positive: so many months earlier if the request is accepted.
        "earliest_shift_months": _months_between(after.earliest_date, before.earliest_date),
        "full_rate_shift_months": (
            _months_between(first_full_after.date, first_full_before.date)
            if first_full_before and first_full_after
            else None
        ),
    }


@dataclass(frozen=True)
class AssureSimulation:
    """An assuré's default scenario, and with a pending signalement the same scenario as if it were accepted.

    `result` is None when there is nothing to simulate: no period recorded, or a birth date before those the
    legislation tables cover (`is_supported`)."""

    career_size: int
    last_year: int | None
    last_earnings: Decimal | None
    future_start: date
    children: tuple[ChildInput, ...]
    is_supported: bool
    result: SimulationResult | None
    accepted: SimulationResult | None = None
    comparison: dict | None = None
    notes: tuple[str, ...] = ()


def simulate_assure(assure, *, today: date, signalement=None) -> AssureSimulation:
    """Simulate the default scenario on the assuré's current career and civil-service profile (one query for the
    career, one for the children, one for the profile). With a signalement still pending, simulate it also as if
    every item were accepted as proposed (inputs.apply_signalement) and compare the two. Raises nothing for an
    assuré the engine cannot simulate: `result` is then None."""
    versions = inputs.career_versions(assure.id)
    career = [inputs.entry_of(version) for version in versions.values()]
    children = tuple(inputs.children_of(assure.id))
    is_supported = assure.birth_date >= parameters.FIRST_SUPPORTED_BIRTH_DATE
    facts = {
        "career_size": len(career),
        "last_year": inputs.last_recorded_year(career),
        "last_earnings": last_earnings(career),
        "future_start": inputs.default_future_start(career, today),
        "children": children,
        "is_supported": is_supported,
    }
    if not career or not is_supported:
        return AssureSimulation(**facts, result=None)
    civil_service = inputs.civil_service_of(assure.id)
    result = simulate(default_input(assure, career, children, today, civil_service))
    if signalement is None or not inputs.is_pending(signalement):
        return AssureSimulation(**facts, result=result)
    projected, notes = inputs.apply_signalement(versions, signalement)
    accepted = simulate(default_input(assure, projected, children, today, civil_service))
    return AssureSimulation(
        **facts, result=result, accepted=accepted, comparison=compare(result, accepted), notes=tuple(notes)
    )
