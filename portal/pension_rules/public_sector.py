"""The pensions of the public sector at a departure (pension-rules §16): the civil-service pension of the SRE or the
CNRACL when the input gives the indice, the RAFP on bonuses, the Ircantec of contractuels from their points. The
rules themselves are in civil_service.py; this module takes what a departure knows and makes `Pension`s of them."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from portal.pension_rules import civil_service
from portal.pension_rules.model import CivilService, Explanation, Pension, PensionKind
from portal.pension_rules.quarters import ZERO, YearRecord

# The points of a projected year do not depend on the departure: every departure of a simulation, and the next
# simulations of the same person, reuse them.
_rafp_points = lru_cache(maxsize=4096)(civil_service.rafp_points)


@dataclass(frozen=True, slots=True)
class FrenchQuarters:
    """The quarters of a departure that the public pensions need."""

    all: int  # every base scheme: the durée d'assurance of CPCM L14 I
    civil_service: int  # services in the SRE or the CNRACL, past and to come
    projected: Mapping[int, YearRecord]  # the years to come, for the RAFP points on the bonuses


def public_pensions(
    day: date,
    birth: date,
    children: int,
    profile: CivilService | None,
    quarters: FrenchQuarters,
    points_of: Mapping[str, tuple[tuple[int, Decimal], ...]],
    general_decote: int,
) -> list[Pension]:
    """The pensions of the public sector at a departure: the civil-service pension (SRE, CNRACL) when the input
    gives what it needs, the RAFP on bonuses, the Ircantec of contractuels (pension-rules §16)."""
    pensions = []
    if profile is not None and quarters.civil_service:
        pensions.append(civil_service_pension(day, birth, children, profile, quarters))
        additional = rafp(day, profile, quarters.projected, points_of["RAFP"])
        if additional is not None:
            pensions.append(additional)
    elif points_of["RAFP"]:
        points = sum((points for year, points in points_of["RAFP"] if year < day.year), ZERO)
        pensions.append(_rafp_pension(civil_service.rafp_pension(points, day), ()))
    # As the RAFP's: the points of the years before the departure's.
    ircantec_points = sum((points for year, points in points_of["IRCANTEC"] if year < day.year), ZERO)
    if ircantec_points:
        ircantec = civil_service.ircantec_pension(ircantec_points, day, general_decote)
        pensions.append(
            Pension(
                scheme="IRCANTEC",
                kind=PensionKind.COMPLEMENTARY,
                computed=True,
                rate=None,
                decote_quarters=general_decote or None,
                surcote_quarters=None,
                annual_gross=ircantec.annual_gross,
                monthly_gross=ircantec.monthly_gross,
                explanation=ircantec.explanation,
            )
        )
    return pensions


def civil_service_pension(
    day: date, birth: date, children: int, profile: CivilService, quarters: FrenchQuarters
) -> Pension:
    """The pension of the SRE or the CNRACL (civil_service.pension), or why it cannot start on this day."""
    scheme = civil_service.CivilServiceScheme(profile.scheme)
    try:
        retained = civil_service.retained_index(profile.index, profile.index_since, day, profile.previous_index)
        traitement = civil_service.indexed_salary(retained.index_majore, day)
        bonification = civil_service.children_bonification_quarters(profile.children_before_2004, day)
        computed = civil_service.pension(
            scheme=scheme,
            departure=day,
            birth=birth,
            category=civil_service.Category(profile.category),
            active_years=profile.active_years,
            traitement=traitement,
            service_quarters=quarters.civil_service,
            bonification_quarters=bonification,
            # CPCM L14 I: the durée d'assurance for the décote counts every base scheme.
            all_scheme_quarters=quarters.all + bonification,
            required=None,
            children=children,
            effective_service_quarters=quarters.civil_service,
            # A simulation claims every pension at the same date, a condition of the minimum garanti (L17).
            other_pensions_claimed=True,
        )
    except civil_service.CivilServiceError as error:
        return Pension(
            scheme=scheme.value,
            kind=PensionKind.BASE,
            computed=False,
            rate=None,
            decote_quarters=None,
            surcote_quarters=None,
            annual_gross=None,
            monthly_gross=None,
            explanation=Explanation(
                f"Pension de la fonction publique : non calculée à cette date. {error}",
                (),
                ("CPCM L24", "CPCM L15"),
            ),
        )
    return Pension(
        scheme=scheme.value,
        kind=PensionKind.BASE,
        computed=True,
        rate=(computed.rate * computed.coefficient * 100).quantize(Decimal("0.001")).normalize(),
        decote_quarters=computed.decote_quarters,
        surcote_quarters=computed.surcote_quarters,
        annual_gross=computed.annual_gross,
        monthly_gross=computed.monthly_gross,
        explanation=Explanation.later(_with_first_step, computed.explanation, retained.reason),
    )


def rafp(
    day: date,
    profile: CivilService,
    projected: Mapping[int, YearRecord],
    recorded: tuple[tuple[int, Decimal], ...],
) -> Pension | None:
    """The RAFP: the points of the relevé, and on the bonuses to come those of each projected year of services,
    at the traitement of the indice held (pension-rules §16.8)."""
    points = sum((points for year, points in recorded if year < day.year), ZERO)
    steps = []
    if profile.annual_bonuses:
        traitement = civil_service.indexed_salary(profile.index, day).annual
        for year, record in sorted(projected.items()):
            if not record.civil_service_months:
                continue
            share = Decimal(min(12, record.civil_service_months)) / 12
            earned = _rafp_points(profile.annual_bonuses * share, traitement * share, year)
            points += earned.points
            steps.append(earned.explanation.summary)
    if not points:
        return None
    return _rafp_pension(civil_service.rafp_pension(points, day), tuple(steps))


def _with_first_step(explanation: Explanation, step: str) -> Explanation:
    return Explanation(explanation.summary, (step, *explanation.steps), explanation.references)


def _rafp_pension(rafp: civil_service.RafpPension, steps: tuple[str, ...]) -> Pension:
    """The RAFP as one of the pensions: a rente is computed; a capital, paid once, is listed with its points."""
    explanation = Explanation(rafp.explanation.summary, (*steps, *rafp.explanation.steps), rafp.explanation.references)
    return Pension(
        scheme="RAFP",
        kind=PensionKind.ADDITIONAL,
        computed=rafp.monthly_gross is not None,
        rate=None,
        decote_quarters=None,
        surcote_quarters=None,
        annual_gross=rafp.annual_gross,
        monthly_gross=rafp.monthly_gross,
        explanation=explanation,
    )
