"""From what the portal holds to the engine's input: the current career, the children, a pending signalement
applied as if it were accepted, and `simulation_input`, the one place where the portal builds a SimulationInput."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from portal.careers import checks, corrections
from portal.careers import queries as careers_queries
from portal.careers.models import Assure, Child, PeriodNature, PeriodVersion, RegimeKind
from portal.db import db
from portal.formatting import format_date, format_euros, plural
from portal.pension_rules import schemes
from portal.pension_rules.model import (
    CareerEntry,
    ChildInput,
    CivilService,
    FutureWork,
    Kind,
    Sex,
    SimulationInput,
    Summary,
)
from portal.pension_rules.parameters import ABROAD_SCHEME, GENERAL_SCHEME
from portal.signalements import instruction
from portal.signalements.states import PENDING_STATES

# The portal's natures on the schema's kinds: apprentices are salaried, fonctionnaires are salaried in their scheme.
KIND_OF_NATURE = {
    PeriodNature.SALARIED: Kind.SALARIED,
    PeriodNature.APPRENTICESHIP: Kind.SALARIED,
    PeriodNature.PUBLIC_SERVICE: Kind.SALARIED,
    PeriodNature.SELF_EMPLOYED: Kind.SELF_EMPLOYED,
    PeriodNature.UNEMPLOYMENT: Kind.UNEMPLOYMENT,
    PeriodNature.SICKNESS: Kind.SICKNESS,
    PeriodNature.MATERNITY: Kind.MATERNITY,
    PeriodNature.INVALIDITY: Kind.INVALIDITY,
    PeriodNature.NATIONAL_SERVICE: Kind.NATIONAL_SERVICE,
    PeriodNature.AVPF: Kind.AVPF,
    PeriodNature.ABROAD: Kind.ABROAD,
}


# The base schemes of the fonction publique: their services count by duration and their pension is computed on the
# indice of CivilService (pension_rules.civil_service).
CIVIL_SERVICE_SCHEMES = schemes.CIVIL_SERVICE_SCHEMES


def entry_of(version: PeriodVersion) -> CareerEntry:
    is_points = version.regime.kind is RegimeKind.COMPLEMENTARY
    quarters = version.quarters
    if quarters is None and version.regime.kind is RegimeKind.FOREIGN:
        # What counts is the figure of the foreign institution, reported through the liaison bodies; until it is
        # on record, the civil quarters the period covers stand for it, as for a job held throughout.
        quarters = corrections.civil_quarters_covered(version.start_date, version.end_date)
    return CareerEntry(
        year=version.start_date.year,
        regime=version.regime.code,
        kind=KIND_OF_NATURE[version.nature],
        earnings=version.earnings,
        days=version.days,
        quarters=None if is_points else (quarters or 0),
        points=version.points if is_points else None,
        country=version.country,
    )


def career_versions(assure_id: int) -> dict[int, PeriodVersion]:
    """The current version of every period, keyed by period id. One query."""
    return {version.period_id: version for version in careers_queries.list_current_versions(assure_id)}


def career_entries(assure_id: int) -> dict[int, CareerEntry]:
    """The current career as engine entries, keyed by period id."""
    return {period_id: entry_of(version) for period_id, version in career_versions(assure_id).items()}


def is_abroad(entry: CareerEntry) -> bool:
    """Whether the engine takes the entry for a period abroad, whose country decides what it counts for (as
    pension_rules.quarters reads it: the kind, or the régime of the foreign schemes)."""
    return entry.kind is Kind.ABROAD or entry.regime == ABROAD_SCHEME


@dataclass(frozen=True)
class AbroadStay:
    """Periods abroad that follow one another in one country as recorded (or all without a country): one stay,
    one country to ask. `country` is the recorded one, None when the portal does not hold it."""

    period_ids: tuple[int, ...]
    start_date: date
    end_date: date
    country: str | None
    employers: tuple[str, ...]


def abroad_stays(versions: Mapping[int, PeriodVersion]) -> list[AbroadStay]:
    """The career's periods abroad grouped into stays (careers.checks.stays_abroad, the stays « À vérifier »
    describes), one country to ask each."""
    return [
        AbroadStay(
            period_ids=tuple(version.period_id for version in stay),
            start_date=stay[0].start_date,
            end_date=max(version.end_date for version in stay),
            country=stay[0].country,
            employers=tuple(sorted({version.employer_name for version in stay if version.employer_name})),
        )
        for stay in checks.stays_abroad(versions.values())
    ]


def with_countries(entries: Mapping[int, CareerEntry], countries: Mapping[int, str | None]) -> list[CareerEntry]:
    """The career as the engine takes it (`entries` by period id), each period abroad of `countries` (by period id)
    in the country given there, None for a country not given: the countries a person chose for one simulation. The
    engine reads the country of a period on its CareerEntry; the career on record is left as it is."""
    return [
        replace(entry, country=countries[period_id]) if period_id in countries and is_abroad(entry) else entry
        for period_id, entry in entries.items()
    ]


def children_of(assure_id: int) -> list[ChildInput]:
    rows = db.session.execute(db.select(Child).where(Child.assure_id == assure_id).order_by(Child.birth_date))
    return [ChildInput(birth_date=child.birth_date, adopted=child.is_adopted) for child in rows.scalars()]


def civil_service_of(assure_id: int) -> CivilService | None:
    """The fonctionnaire's profile as the engine takes it, None when none is on record (the engine then lists the
    civil-service pension as not computed)."""
    profile = careers_queries.get_civil_service_profile(assure_id)
    if profile is None:
        return None
    return CivilService(
        scheme=profile.scheme.value,
        category=profile.category.value,
        index=profile.index_majore,
        index_since=profile.index_start_date,
        previous_index=profile.previous_index_majore,
        active_years=profile.active_years,
        children_before_2004=profile.children_before_2004,
        annual_bonuses=profile.annual_bonuses,
    )


def has_civil_service(career: Iterable[CareerEntry]) -> bool:
    """Whether the career holds services in the fonction publique (SRE, CNRACL)."""
    return any(entry.regime in CIVIL_SERVICE_SCHEMES for entry in career)


def current_scheme(career: Iterable[CareerEntry]) -> str:
    """The base scheme the person works in now, in which the work to come goes by default: the scheme of the last
    work of the last recorded year (the career in date order, as career_entries gives it), the régime général when
    it is not a civil-service scheme. A fonctionnaire's services to come count by duration in their scheme."""
    career = tuple(career)
    last = last_recorded_year(career)
    work = [
        entry
        for entry in career
        if entry.year == last and entry.kind in (Kind.SALARIED, Kind.SELF_EMPLOYED) and entry.points is None
    ]
    if work and work[-1].regime in CIVIL_SERVICE_SCHEMES:
        return work[-1].regime
    return GENERAL_SCHEME


def sex_of(assure: Assure) -> Sex:
    # The first digit of the NIR: 1 for men, 2 for women.
    return Sex.FEMALE if assure.sex == "2" else Sex.MALE


def last_recorded_year(entries) -> int | None:
    return max((entry.year for entry in entries), default=None)


def is_pending(signalement) -> bool:
    """Whether the fund may still accept the signalement (signalements.states.PENDING_STATES)."""
    return signalement.state in PENDING_STATES


def apply_signalement(versions: dict[int, PeriodVersion], signalement) -> tuple[list[CareerEntry], list[str]]:
    """The career as it would be if every item of the signalement were accepted as proposed, with a French line
    per change. Existing periods change by the very rule a decision applies (backoffice.services.period_changes),
    new periods are cut per calendar year by the same rule as well."""
    changed = {period_id: entry_of(version) for period_id, version in versions.items()}
    notes: list[str] = []
    added: list[CareerEntry] = []
    for item in signalement.items:
        if item.period_id is not None:
            version = versions.get(item.period_id)
            if version is None:
                continue
            current = changed[item.period_id]
            changes = instruction.period_changes(signalement, item, version)
            if changes.get("is_withdrawn"):
                del changed[item.period_id]
                notes.append(f"La période de {current.year} en double est retirée.")
                continue
            year, kind, earnings, quarters = current.year, current.kind, current.earnings, current.quarters
            if "earnings_cents" in changes:
                earnings = Decimal(changes["earnings_cents"]) / 100
                notes.append(f"Les revenus de {current.year} deviennent {format_euros(earnings)}.")
            if "quarters" in changes and current.quarters is not None:
                quarters = changes["quarters"]
            if "nature" in changes:
                kind = KIND_OF_NATURE[changes["nature"]]
                notes.append(f"La période de {current.year} devient : {changes['nature'].label.lower()}.")
            if "start_date" in changes and changes["start_date"].year != current.year:
                year = changes["start_date"].year
            changed[item.period_id] = replace(current, year=year, kind=kind, earnings=earnings, quarters=quarters)
            continue
        nature = item.proposed_nature or PeriodNature.SALARIED
        for start, end, quarters, earnings_cents in instruction.new_period_parts(item):
            added.append(
                CareerEntry(
                    year=start.year,
                    regime=corrections.regime_code_for(nature, start.year),
                    kind=KIND_OF_NATURE[nature],
                    earnings=None if earnings_cents is None else Decimal(earnings_cents) / 100,
                    quarters=quarters,
                )
            )
            notes.append(
                f"Une période du {format_date(start)} au {format_date(end)} est ajoutée "
                f"({plural(quarters, 'trimestre')})."
            )
    return list(changed.values()) + added, notes


def default_future_start(entries, today: date) -> date:
    """Earnings to come start on 1 January of the first year the career does not report yet, and not before this
    year: years left empty in the past are gaps, not work to come."""
    last = last_recorded_year(entries)
    return max(date((last or today.year - 1) + 1, 1, 1), date(today.year, 1, 1))


def simulation_input(
    *,
    birth_date: date,
    today: date,
    sex: Sex | None = None,
    career: Iterable[CareerEntry] = (),
    children: Iterable[ChildInput] = (),
    summary: Summary | None = None,
    departure: date | None = None,
    annual_earnings: Decimal | None = None,
    part_time_percent: int | None = None,
    work_until: date | None = None,
    stop_start: date | None = None,
    stop_end: date | None = None,
    civil_service: CivilService | None = None,
) -> SimulationInput:
    """The engine's input for a simulation of the portal: every face that simulates builds it here (the citizen's
    page, its default scenario and "si la demande est acceptée", and the back-office's simulators).

    `career` and `children` are the engine's entries, `summary` the figures read off a file (mode résumé) in
    place of a career. `departure` is the month of departure to look at (its 1st, a pension starting on the 1st of
    a month), None for the earliest possible. Earnings to come, when `annual_earnings` is given (and not zero):
    from `default_future_start` (1 January of this year when the career is a summary), at `part_time_percent` of
    them (None: full time), until `work_until` (None: until the departure), interrupted from `stop_start` to
    `stop_end` when both are given; in the scheme the person works in now (`current_scheme`): for a fonctionnaire,
    services to come in their scheme, `annual_earnings` being then the traitement brut. `civil_service` is what a
    fonctionnaire's pension needs (None: the engine lists that pension as not computed)."""
    career = tuple(career)
    return SimulationInput(
        birth_date=birth_date,
        as_of=today,
        career=career,
        sex=sex,
        pension_date=departure.replace(day=1) if departure else None,
        children=tuple(children),
        summary=summary,
        future=_future_work(
            default_future_start(career, today),
            annual_earnings,
            regime=current_scheme(career),
            part_time_percent=part_time_percent or 100,
            until=work_until,
            stop=(stop_start, stop_end) if stop_start and stop_end else None,
        ),
        civil_service=civil_service,
    )


def _future_work(
    start: date,
    annual_earnings: Decimal | None,
    *,
    regime: str,
    part_time_percent: int,
    until: date | None,
    stop: tuple[date, date] | None,
) -> tuple[FutureWork, ...]:
    """The years to come as engine segments: a planned stop cuts the work in two."""
    if not annual_earnings:
        return ()
    if stop is not None:
        segments = [(start, stop[0] - timedelta(days=1)), (stop[1], until)]
    else:
        segments = [(start, until)]
    return tuple(
        FutureWork(
            start_date=begin,
            end_date=end,
            annual_earnings=annual_earnings,
            part_time_percent=part_time_percent,
            regime=regime,
        )
        for begin, end in segments
        if end is None or end >= begin
    )
