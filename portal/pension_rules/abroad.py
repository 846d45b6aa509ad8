"""Periods abroad (pension-rules §17): the quarters validated abroad grouped by agreement, and the base pension of
the régime général computed under each agreement, to be compared with the national one.

Periods under two different agreements are never added together (§17.4): each agreement gives its own computation
and the engine keeps the most favourable."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.pension_rules import countries, text
from portal.pension_rules.model import Explanation
from portal.pension_rules.quarters import QUARTERS_PER_YEAR, ZERO, YearRecord

# The summary mode gives the quarters abroad by country, not by year: this year stands for "no year".
SUMMARY_YEAR = 0


@dataclass(frozen=True, slots=True)
class FrenchFacts:
    """What the national computation of a departure found, which every agreement's computation starts from."""

    quarters: int  # every French base scheme, for the taux
    aligned: int  # régime général and aligned schemes, for the amount
    required: int
    full: bool  # taux plein in France already (by age, duration or carrière longue)
    missing_by_age: int
    full_rate: Decimal
    max_decote: int
    decote_reduction: Decimal


@dataclass(frozen=True, slots=True)
class AbroadGroup:
    """The periods abroad that one agreement covers: every EU/EEA/Swiss country together (regulation 883/2004), or
    one country of a bilateral convention; periods under two agreements are never added (pension-rules §17.4)."""

    agreement: countries.Agreement
    names: tuple[str, ...]
    quarters_by_year: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Computation:
    """One way of computing the base pension before the minimum contributif and the majoration for children."""

    label: str
    foreign_quarters: int
    full: bool
    decote: int
    rate: Decimal
    amount: Decimal
    steps: tuple[str, ...]


def abroad_groups(past: Mapping[int, YearRecord]) -> tuple[tuple[AbroadGroup, ...], tuple[str, ...], int]:
    """Group the quarters validated abroad by agreement: (groups that count, names of countries without an agreement,
    quarters whose country is not given)."""
    by_key: dict[str, tuple[countries.Agreement, set[str], dict[int, int]]] = {}
    without: set[str] = set()
    unknown = 0
    for year, record in past.items():
        for code, quarters in record.abroad.items():
            if not code:
                unknown += quarters
                continue
            place = countries.country(code)
            agreement = place.agreement
            if not agreement.counts_for_rate or agreement.kind is countries.AgreementKind.FRANCE:
                without.add(place.name)
                continue
            # The EU regulation covers every member state together; a convention, the territories it names (the
            # United States and Puerto Rico share one): countries of one agreement share its label.
            key = agreement.kind.value if agreement.kind is countries.AgreementKind.EU else agreement.label
            _, names, years = by_key.setdefault(key, (agreement, set(), {}))
            names.add(place.name)
            years[year] = years.get(year, 0) + quarters
    groups = tuple(
        AbroadGroup(agreement, tuple(sorted(names)), tuple(sorted(years.items())))
        for agreement, names, years in by_key.values()
    )
    return groups, tuple(sorted(without)), unknown


def foreign_quarters(group: AbroadGroup, day: date, past: Mapping[int, YearRecord]) -> int:
    """Quarters validated abroad under one agreement that count at a departure: at most four a year with the
    French ones (overlaps count once, legislation.cnav.fr « accords internationaux »), those of the departure
    year up to the civil quarter before it (CSS R351-1)."""
    total = 0
    for year, quarters in group.quarters_by_year:
        if year == SUMMARY_YEAR:
            # Read off a file (summary mode): the caisse's count, already without overlaps.
            total += quarters
            continue
        if year > day.year:
            continue
        if year == day.year:
            quarters = min(quarters, (day.month - 1) // 3)
        french = past[year].all if year in past else 0
        total += max(0, min(quarters, QUARTERS_PER_YEAR - french))
    return total


def computation(
    group: AbroadGroup,
    foreign: int,
    french: FrenchFacts,
    sam: Decimal,
    cap: Decimal,
    surcote_factor: Decimal,
) -> Computation:
    """The base pension under one agreement (pension-rules §17.1–17.2): the foreign quarters count for the taux;
    the amount is prorated on the French quarters (separate computation) or is a theoretical pension on all the
    periods × French periods / all periods (totalisation-proratisation); a convention leaving the choice takes
    the better. Before the minimum contributif and the majoration for children."""
    agreement = group.agreement
    places = ", ".join(group.names)
    required = french.required
    quarters = french.quarters + foreign
    full = french.full or quarters >= required
    decote = 0 if full else min(required - quarters, french.missing_by_age, french.max_decote)
    rate = french.full_rate * (1 - french.decote_reduction * decote)
    steps = [
        f"{agreement.label[:1].upper()}{agreement.label[1:]} ({places}) : "
        f"{text.quarters_as(foreign, 'retenu')} à l'étranger "
        f"(4 par an au plus avec ceux de France), soit {quarters} trimestres pour le taux : "
        + (
            f"taux plein de {text.percent(rate)}."
            if full
            else f"décote de {text.quarters(decote)}, taux de {text.percent(rate)}."
        )
    ]
    separate = min(sam * rate * Decimal(min(french.aligned, required)) / required, cap) * surcote_factor
    french_and_foreign = french.aligned + foreign
    theoretical = min(sam * rate * Decimal(min(french_and_foreign, required)) / required, cap) * surcote_factor
    prorated = theoretical * french.aligned / french_and_foreign if french_and_foreign else ZERO
    kind = agreement.kind
    if kind is countries.AgreementKind.SEPARATE:
        amount, label = separate, "separate"
        steps.append(
            f"Calcul séparé : {text.euros(sam)} × {text.percent(rate)} × {min(french.aligned, required)}/{required}"
            f" = {text.euros(separate)} par an (vos seuls trimestres français pour le montant)."
        )
    else:
        steps.append(
            f"Pension théorique, comme si toute la carrière était en France : {text.euros(sam)} × "
            f"{text.percent(rate)} × {min(french_and_foreign, required)}/{required} = {text.euros(theoretical)} "
            f"par an ; au prorata de vos trimestres français, {french.aligned}/{french_and_foreign} : "
            f"{text.euros(prorated)} par an."
        )
        amount, label = prorated, "prorata"
        if kind is countries.AgreementKind.CHOICE:
            steps.append(
                f"Calcul séparé : {text.euros(separate)} par an. La convention laisse le choix : le plus "
                "avantageux est retenu."
            )
            if separate > prorated:
                amount, label = separate, "separate"
    if agreement.uncertain:
        steps.append(f"À vérifier : {agreement.note}")
    return Computation(label, foreign, full, decote, rate, amount, tuple(steps))


def explanation(
    national: Computation,
    abroad: tuple[Computation, ...],
    paid: Computation,
    before_majoration: Decimal,
    without_agreement: tuple[str, ...],
    unknown: int,
) -> Explanation:
    steps: list[str] = [
        f"Calcul national, sur vos seules périodes françaises : {text.euros(national.amount)} par an avant le "
        "minimum contributif."
    ]
    for computation in abroad:
        steps.extend(computation.steps)
    if paid is national:
        summary = "Périodes à l'étranger : le calcul sur vos seules périodes françaises reste le plus favorable."
    else:
        summary = (
            f"Périodes à l'étranger : le calcul selon l'accord donne {text.euros(before_majoration)} par an, plus "
            "que le calcul national ; c'est lui qui est retenu."
        )
    if len(abroad) > 1:
        steps.append(
            "Vos périodes relèvent de plusieurs accords : chacun est appliqué séparément, sans additionner leurs "
            "périodes, et le calcul le plus favorable est retenu."
        )
    if without_agreement:
        steps.append(
            f"{', '.join(without_agreement)} : pas de convention de sécurité sociale avec la France, "
            "ces périodes ne comptent pas pour votre retraite française. Avant le 1er avril 1983, elles peuvent "
            "compter pour le taux comme « périodes équivalentes » ; un rachat ou l'assurance volontaire (Caisse "
            "des Français de l'étranger) sont possibles sous conditions."
        )
    if unknown:
        steps.append(
            f"{text.quarters(unknown)} à l'étranger sans pays indiqué : ils ne sont pas comptés. "
            "Indiquez le pays pour savoir s'ils comptent."
        )
    steps.append(
        "La retraite du pays étranger est versée par sa propre caisse et n'est pas comprise ici. Le résultat "
        "dépend des périodes étrangères que votre caisse retiendra après vérification auprès du pays concerné. "
        "Les points Agirc-Arrco ne s'acquièrent que sur les salaires versés en France."
    )
    return Explanation(summary, tuple(steps), ("règlement (CE) 883/2004, art. 52", "CSS R351-27"))
