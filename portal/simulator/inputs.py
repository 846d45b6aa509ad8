"""From what the portal holds to the engine's input: the current career, the children, and a pending signalement
applied as if it were accepted."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from portal.backoffice import services as backoffice_services
from portal.careers import queries as careers_queries
from portal.careers.models import Assure, Child, PeriodNature, PeriodVersion, RegimeKind
from portal.extensions import db
from portal.simulation import text
from portal.simulation.model import CareerEntry, ChildInput, Kind, Sex

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
# A signalement is "pending" while the fund may still accept it.
PENDING_STATES = ("deposee", "en_instruction", "complement_demande", "a_valider")


def entry_of(version: PeriodVersion) -> CareerEntry:
    is_points = version.regime.kind is RegimeKind.COMPLEMENTARY
    return CareerEntry(
        year=version.start_date.year,
        regime=version.regime.code,
        kind=KIND_OF_NATURE[version.nature],
        earnings=version.earnings,
        days=version.days,
        quarters=None if is_points else (version.quarters or 0),
        points=version.points if is_points else None,
    )


def career_versions(assure_id: int) -> dict[int, PeriodVersion]:
    """The current version of every period, keyed by period id. One query."""
    return {version.period_id: version for version in careers_queries.list_current_versions(assure_id)}


def career_entries(assure_id: int) -> dict[int, CareerEntry]:
    """The current career as engine entries, keyed by period id."""
    return {period_id: entry_of(version) for period_id, version in career_versions(assure_id).items()}


def children_of(assure_id: int) -> list[ChildInput]:
    rows = db.session.execute(db.select(Child).where(Child.assure_id == assure_id).order_by(Child.birth_date))
    return [ChildInput(birth_date=child.birth_date, adopted=child.is_adopted) for child in rows.scalars()]


def sex_of(assure: Assure) -> Sex:
    # The first digit of the NIR: 1 for men, 2 for women.
    return Sex.FEMALE if assure.sex == "2" else Sex.MALE


def last_recorded_year(entries) -> int | None:
    return max((entry.year for entry in entries), default=None)


def is_pending(signalement) -> bool:
    return signalement.state.value in PENDING_STATES


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
            changes = backoffice_services.period_changes(signalement, item, version)
            if changes.get("is_withdrawn"):
                del changed[item.period_id]
                notes.append(f"La période de {current.year} en double est retirée.")
                continue
            update = {}
            if "earnings_cents" in changes:
                update["earnings"] = Decimal(changes["earnings_cents"]) / 100
                notes.append(f"Les revenus de {current.year} deviennent {text.euros(update['earnings'])}.")
            if "quarters" in changes and current.quarters is not None:
                update["quarters"] = changes["quarters"]
            if "nature" in changes:
                update["kind"] = KIND_OF_NATURE[changes["nature"]]
                notes.append(f"La période de {current.year} devient : {changes['nature'].label.lower()}.")
            if "start_date" in changes and changes["start_date"].year != current.year:
                update["year"] = changes["start_date"].year
            changed[item.period_id] = replace(current, **update)
            continue
        nature = item.proposed_nature or PeriodNature.SALARIED
        for start, end, quarters, earnings_cents in backoffice_services.new_period_parts(item):
            added.append(
                CareerEntry(
                    year=start.year,
                    regime=backoffice_services.regime_code_for(nature, start.year),
                    kind=KIND_OF_NATURE[nature],
                    earnings=None if earnings_cents is None else Decimal(earnings_cents) / 100,
                    quarters=quarters,
                )
            )
            notes.append(
                f"Une période du {start:%d/%m/%Y} au {end:%d/%m/%Y} est ajoutée ({quarters} trimestre"
                + ("s" if quarters > 1 else "")
                + ")."
            )
    return list(changed.values()) + added, notes


def default_future_start(entries, today: date) -> date:
    """Earnings to come start on 1 January of the first year the career does not report yet, and not before this
    year: years left empty in the past are gaps, not work to come."""
    last = last_recorded_year(entries)
    return max(date((last or today.year - 1) + 1, 1, 1), date(today.year, 1, 1))
