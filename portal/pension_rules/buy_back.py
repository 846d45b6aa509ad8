"""Versement pour la retraite (« rachat de trimestres ») of the régime général: what it costs, whether it can be
asked, and what it changes to the basic pension at each departure date.

Pure Python like the engine: a SimulationInput and a BuyBackRequest in, a BuyBackResult out, every figure with its
French explanation. The rules are those of docs/pension-rules.md §22; where that section marks a point as uncertain
(the barème's provenance, the age and the income retained, the pairing of the young graduates' abattement with the
options), the result says so in its explanations and `limits`.

The barème (data/buy_back_bareme.csv) is the one fixed for 2013 by the arrêté du 21 octobre 2012, still applied in
2026 because no arrêté followed (Cnav circular of 5 February 2026); only its income thresholds move with the PASS.
"""

import dataclasses
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from types import MappingProxyType

from portal.pension_rules import parameters, text
from portal.pension_rules.dates import age_at
from portal.pension_rules.engine import SimulationError, simulate
from portal.pension_rules.model import (
    Age,
    BoughtQuarters,
    BuyBackOption,
    Departure,
    Explanation,
    SimulationInput,
    SimulationResult,
    YearQuarters,
)

# CSS L351-14-1 I: twelve quarters in a whole career, all reasons together (studies, incomplete years, and the
# high-level-sport and local-mandate periods); CSS D351-3: from 20 years of age and before 67, at the request date.
MAX_QUARTERS = 12
MIN_AGE = 20
MAX_AGE = 66
# The barème in force was fixed for 2013 (arrêté du 21 octobre 2012); earlier requests followed other barèmes.
FIRST_BAREME_YEAR = 2013
# Young graduates' reduced tariff (CSS L351-14-1 II, D351-14-1, décret 2015-14): a flat abattement per quarter on at
# most four study quarters, asked by 31 December of the year of the 40th birthday (since the 2023 reform,
# lassuranceretraite.fr). Which amount goes with which option is inferred from the order of the décret's summary
# ("670 euros ou 1 000 euros, selon l'option") and the options' relative prices: pension-rules §22.2.6, uncertain.
REDUCED_TARIFF_MAX_QUARTERS = 4
REDUCED_TARIFF_LAST_BIRTHDAY = 40
REDUCED_TARIFF_ABATEMENT = MappingProxyType(
    {BuyBackOption.RATE: Decimal(670), BuyBackOption.RATE_AND_DURATION: Decimal(1000)}
)
# The low bracket ends at 75 % of the PASS of the year of the request (the Cnav tables of 2024 to 2026).
LOW_BRACKET_SHARE = Decimal("0.75")
QUARTERS_PER_YEAR = parameters.MAX_QUARTERS_PER_YEAR
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal(0)

OPTION_LABELS = MappingProxyType(
    {
        BuyBackOption.RATE: "option 1, « taux seul »",
        BuyBackOption.RATE_AND_DURATION: "option 2, « taux et durée d'assurance »",
    }
)
REFERENCES = (
    "CSS L351-14-1",
    "CSS D351-3 à D351-14-3",
    "arrêté du 21 octobre 2012",
    "circulaire Cnav du 5 février 2026",
    "service-public F15675",
)


class BuyBackReason(enum.StrEnum):
    """What the quarters are bought for (CSS L351-14-1 I 1° and 2°)."""

    STUDIES = "studies"  # higher studies that led to a diploma (or admission to a grande école)
    INCOMPLETE_YEARS = "incomplete_years"  # calendar years of the régime général with fewer than four quarters


REASON_LABELS = MappingProxyType(
    {
        BuyBackReason.STUDIES: "années d'études supérieures",
        BuyBackReason.INCOMPLETE_YEARS: "années incomplètes",
    }
)


class Bracket(enum.StrEnum):
    """The three income brackets of the barème, by the average earnings R and the PASS of the request year."""

    LOW = "low"  # R < 75 % PASS: a flat amount
    MIDDLE = "middle"  # 75 % PASS ≤ R ≤ PASS: a percentage of R
    HIGH = "high"  # R > PASS: a flat amount


BRACKET_LABELS = MappingProxyType({Bracket.LOW: "basse", Bracket.MIDDLE: "du milieu", Bracket.HIGH: "haute"})


# --- The barème ---


@dataclass(frozen=True, slots=True)
class Tariff:
    """The price of one quarter for one age and one option: a flat amount in the low and high brackets (euros), a
    percentage of the average earnings in the middle one."""

    low: Decimal
    middle_percent: Decimal
    high: Decimal


@dataclass(frozen=True, slots=True)
class BaremeRow:
    age: int
    rate: Tariff
    rate_and_duration: Tariff
    source: str

    def tariff(self, option: BuyBackOption) -> Tariff:
        return self.rate if option is BuyBackOption.RATE else self.rate_and_duration


@cache
def bareme() -> MappingProxyType[int, BaremeRow]:
    """The table of data/buy_back_bareme.csv, by age in completed years (20 to 66): pension-rules §22.2.4."""
    table: dict[int, BaremeRow] = {}
    for row in parameters.rows("buy_back_bareme.csv"):
        age = int(row["age"])
        table[age] = BaremeRow(
            age=age,
            rate=Tariff(Decimal(row["rate_low_eur"]), Decimal(row["rate_mid_percent"]), Decimal(row["rate_high_eur"])),
            rate_and_duration=Tariff(
                Decimal(row["rate_and_duration_low_eur"]),
                Decimal(row["rate_and_duration_mid_percent"]),
                Decimal(row["rate_and_duration_high_eur"]),
            ),
            source=row["source"],
        )
    return MappingProxyType(table)


def bareme_row(age: int) -> BaremeRow:
    """The barème of an age in completed years. KeyError outside 20–66."""
    table = bareme()
    try:
        return table[age]
    except KeyError:
        raise KeyError(
            f"No buy-back barème at {age}: the table covers {min(table)} to {max(table)} "
            "(portal/pension_rules/data/buy_back_bareme.csv)."
        ) from None


def thresholds(year: int) -> tuple[Decimal, Decimal]:
    """The bracket limits of a request year: 75 % of its PASS and its PASS (Cnav circular of 5 February 2026: "seuls
    les montants des tranches … exprimés par référence au plafond annuel … évoluent chaque année"). After the PASS
    table, its last year's value (amounts in constant euros, as in the engine). KeyError before 2013."""
    if year < FIRST_BAREME_YEAR:
        raise KeyError(f"No buy-back barème for {year}: the barème in the table applies from {FIRST_BAREME_YEAR}.")
    ceilings = parameters.social_security_ceilings()
    ceiling = parameters.pass_annual(min(year, max(ceilings)))
    return ceiling * LOW_BRACKET_SHARE, ceiling


def income_bracket(average_earnings: Decimal, year: int) -> Bracket:
    """The bracket of the average earnings. Earnings equal to the PASS fall in the middle one: the Cnav table reads
    « 36 045 € à 48 060 € » and « > 48 060 € » (pension-rules §22.2.3; the boundary is not otherwise confirmed)."""
    low, high = thresholds(year)
    if average_earnings < low:
        return Bracket.LOW
    if average_earnings <= high:
        return Bracket.MIDDLE
    return Bracket.HIGH


def quarter_cost(age: int, option: BuyBackOption, average_earnings: Decimal, year: int) -> Decimal:
    """The price of one quarter bought at `age` (completed years at the request) with `option`, for average annual
    earnings `average_earnings` and a request in `year` (pension-rules §22.2.3). The middle bracket's percentage is
    kept to the cent: how the Cnav rounds it was not found. KeyError outside the barème (ages 20–66, from 2013)."""
    tariff = bareme_row(age).tariff(option)
    bracket = income_bracket(average_earnings, year)
    if bracket is Bracket.LOW:
        return tariff.low
    if bracket is Bracket.HIGH:
        return tariff.high
    return (tariff.middle_percent * average_earnings / 100).quantize(CENT, ROUND_HALF_UP)


def instalment_years(quarters: int, reduced_tariff: bool = False) -> tuple[int, ...]:
    """The payment durations (years) the Cnav offers: none for one quarter (paid at once); 1 or 3 years from 2 to 8
    quarters; 1, 3 or 5 years from 9 (CSS D351-10; service-public F15675 2026; ASH n° 2599). Reduced-tariff requests
    may be spread over 1, 3 or 5 years "par dérogation" (décret 2015-14 as summarised by paperblog and the FHF)."""
    if quarters <= 1:
        return ()
    if quarters >= 9 or reduced_tariff:
        return (1, 3, 5)
    return (1, 3)


# --- The request and the results ---


@dataclass(frozen=True, kw_only=True)
class BuyBackRequest:
    """What the assuré considers asking the Assurance retraite for."""

    reason: BuyBackReason
    quarters: int
    # None: price both options, to compare them.
    option: BuyBackOption | None = None
    # Average gross annual earnings of the three years before the request (pension-rules §22.2.2).
    average_earnings: Decimal
    # None: the simulation's as_of.
    request_date: date | None = None
    # Young graduates' abattement (studies only, by the end of the year of the 40th birthday).
    reduced_tariff: bool = False
    # Quarters already bought under L351-14-1, all reasons together.
    already_bought: int = 0


@dataclass(frozen=True, slots=True)
class Instalments:
    """One payment plan: monthly direct debits over `years`; `monthly` is the first year's debit, before the yearly
    increase of what remains due by forecast inflation, which is not known in advance."""

    years: int
    monthly: Decimal


@dataclass(frozen=True)
class BuyBackCost:
    """The price of the request for one option."""

    option: BuyBackOption
    age: int
    year: int
    average_earnings: Decimal
    bracket: Bracket
    low_threshold: Decimal
    high_threshold: Decimal
    quarter_cost: Decimal
    quarters: int
    # quarters × quarter_cost, before the abattement
    full_total: Decimal
    # Quarters priced with the young graduates' abattement, and the abattement in all.
    reduced_quarters: int
    abatement_per_quarter: Decimal
    abatement: Decimal
    total: Decimal
    # Empty: paid at once.
    instalments: tuple[Instalments, ...]
    explanation: Explanation


@dataclass(frozen=True)
class DepartureEffect:
    """What the quarters bought change to the basic pension of one departure date (gross amounts)."""

    date: date
    age: Age
    before_annual_gross: Decimal
    after_annual_gross: Decimal
    before_monthly_gross: Decimal
    after_monthly_gross: Decimal
    annual_gain: Decimal
    # (annual after − annual before) / 12
    monthly_gain: Decimal
    # total cost / annual gain, undiscounted; None when the quarters change nothing at this date.
    years_to_recover: Decimal | None
    # How many of the quarters bought leave the pension of this date unchanged: the smallest number giving the same
    # pension is quarters − quarters_without_effect.
    quarters_without_effect: int
    decote_quarters_before: int
    decote_quarters_after: int
    rate_before: Decimal
    rate_after: Decimal
    proratisation_before: Decimal
    proratisation_after: Decimal
    explanation: Explanation


@dataclass(frozen=True)
class OptionResult:
    option: BuyBackOption
    cost: BuyBackCost
    departures: tuple[DepartureEffect, ...]
    # The simulation with the quarters credited, on the same dates as the base.
    simulation: SimulationResult
    explanation: Explanation


@dataclass(frozen=True)
class BuyBackResult:
    request: BuyBackRequest
    request_date: date
    age: int
    base: SimulationResult
    options: tuple[OptionResult, ...]
    # What was checked before pricing.
    explanation: Explanation
    limits: tuple[str, ...]


# --- Eligibility ---


def request_age(birth_date: date, request_date: date) -> int:
    """Age in completed years at the request date: the one D351-3 bounds ("à la date à laquelle elles présentent la
    demande", codes-et-lois.fr copy) and the one used for the price, although the published tables are headed
    "Âge en 2026" (pension-rules §22.2.2, uncertain)."""
    return age_at(birth_date, request_date).years


def reduced_tariff_deadline(birth_date: date) -> date:
    """31 December of the year of the 40th birthday (lassuranceretraite.fr, since 1 September 2023)."""
    return date(birth_date.year + REDUCED_TARIFF_LAST_BIRTHDAY, 12, 31)


def check_request(request: BuyBackRequest, *, birth_date: date, request_date: date) -> int:
    """Check what the request itself allows, without the career: age 20–66 at the request, 1–12 quarters within the
    career quota, earnings not negative, the reduced tariff's conditions. Returns the age at the request.

    Raises SimulationError with a French message and the field at fault (`buy_back.…`)."""
    if request_date.year < FIRST_BAREME_YEAR:
        raise SimulationError(
            f"Le barème simulé s'applique aux demandes faites à partir de {FIRST_BAREME_YEAR}.",
            "buy_back.request_date",
        )
    age = request_age(birth_date, request_date)
    if age < MIN_AGE:
        raise SimulationError(
            f"Le rachat de trimestres n'est possible qu'à partir de {MIN_AGE} ans : le {text.day(request_date)}, vous "
            f"aurez {age} ans.",
            "buy_back.request_date",
        )
    if age > MAX_AGE:
        raise SimulationError(
            f"Le rachat de trimestres doit être demandé avant {MAX_AGE + 1} ans : le {text.day(request_date)}, vous "
            f"aurez {age} ans.",
            "buy_back.request_date",
        )
    if not 0 <= request.already_bought <= MAX_QUARTERS:
        raise SimulationError(
            f"Indiquez entre 0 et {MAX_QUARTERS} trimestres déjà rachetés.", "buy_back.already_bought"
        )
    if not 1 <= request.quarters <= MAX_QUARTERS:
        raise SimulationError(
            f"On rachète de 1 à {MAX_QUARTERS} trimestres, tous motifs confondus sur toute la carrière.",
            "buy_back.quarters",
        )
    if request.quarters + request.already_bought > MAX_QUARTERS:
        left = MAX_QUARTERS - request.already_bought
        raise SimulationError(
            f"Vous avez déjà racheté {text.quarters(request.already_bought)} : sur une carrière, on en rachète "
            f"{MAX_QUARTERS} au plus, tous motifs confondus. Il vous en reste {left}.",
            "buy_back.quarters",
        )
    if request.average_earnings < 0:
        raise SimulationError("Un revenu ne peut pas être négatif.", "buy_back.average_earnings")
    if request.reduced_tariff:
        if request.reason is not BuyBackReason.STUDIES:
            raise SimulationError(
                "Le tarif réduit des jeunes diplômés ne concerne que le rachat d'années d'études supérieures.",
                "buy_back.reduced_tariff",
            )
        deadline = reduced_tariff_deadline(birth_date)
        if request_date > deadline:
            raise SimulationError(
                "Le tarif réduit des jeunes diplômés doit être demandé au plus tard le 31 décembre de l'année de vos "
                f"{REDUCED_TARIFF_LAST_BIRTHDAY} ans, soit le {text.day(deadline)}.",
                "buy_back.reduced_tariff",
            )
    return age


def incomplete_years(quarters_by_year: Iterable[YearQuarters], before_year: int) -> tuple[YearQuarters, ...]:
    """The recorded calendar years (not projected) before `before_year` that hold 1 to 3 quarters, one of the
    régime général at least (L351-14-1 2°: a year "ayant donné lieu à affiliation … du régime général" with fewer
    than four quarters). Years with no quarter are left out: one is buyable only if some affiliation is recorded
    (umr-retraite.fr), which the quarters do not show."""
    return tuple(
        row
        for row in quarters_by_year
        if not row.projected
        and row.year < before_year
        and 1 <= row.quarters < QUARTERS_PER_YEAR
        and row.quarters_regime_general >= 1
    )


def _check_incomplete_years(request: BuyBackRequest, base: SimulationResult, request_date: date) -> tuple[str, ...]:
    """Incomplete years: the quarters asked must fit in what the recorded years lack (4 − quarters each, R351-9)."""
    years = incomplete_years(base.quarters_by_year, request_date.year)
    missing = sum(QUARTERS_PER_YEAR - row.quarters for row in years)
    if base.mode == "summary":
        raise SimulationError(
            "Pour racheter des années incomplètes, il faut votre carrière année par année : le mode résumé ne dit pas "
            "quelles années comptent moins de 4 trimestres.",
            "buy_back.reason",
        )
    if request.quarters > missing:
        detail = (
            "Années de votre relevé comptant de 1 à 3 trimestres dont au moins un au régime général : "
            + ", ".join(
                f"{row.year} ({text.quarters_as(QUARTERS_PER_YEAR - row.quarters, 'manquant')})" for row in years
            )
            + "."
            if years
            else "Aucune année de votre relevé ne compte de 1 à 3 trimestres dont au moins un au régime général."
        )
        raise SimulationError(
            f"Vous demandez {text.quarters(request.quarters)} au titre des années incomplètes, mais il en manque "
            f"{missing} dans vos années incomplètes. {detail} Une année sans aucun trimestre n'est pas comptée ici : "
            "elle n'est rachetable que si une affiliation au régime général y est enregistrée ; votre caisse vous le "
            "dira.",
            "buy_back.quarters",
        )
    return (
        f"Années incomplètes : il manque {text.quarters(missing)} dans vos années de 1 à 3 trimestres ("
        + ", ".join(f"{row.year} : {QUARTERS_PER_YEAR - row.quarters}" for row in years)
        + f") ; vous en demandez {request.quarters}.",
        "Une année sans aucun trimestre n'est pas comptée ici : elle n'est rachetable que si une affiliation au "
        "régime général y est enregistrée.",
    )


# --- Cost ---


def price(request: BuyBackRequest, *, birth_date: date, request_date: date) -> tuple[BuyBackCost, ...]:
    """The cost of the request for its option, or for both options when it names none (option 1 first).

    Checks the request first (`check_request`); raises SimulationError."""
    age = check_request(request, birth_date=birth_date, request_date=request_date)
    options = (request.option,) if request.option is not None else tuple(BuyBackOption)
    return tuple(_cost(request, option, age, request_date) for option in options)


def _cost(request: BuyBackRequest, option: BuyBackOption, age: int, request_date: date) -> BuyBackCost:
    year = request_date.year
    low, high = thresholds(year)
    bracket = income_bracket(request.average_earnings, year)
    per_quarter = quarter_cost(age, option, request.average_earnings, year)
    full_total = per_quarter * request.quarters
    reduced = min(request.quarters, REDUCED_TARIFF_MAX_QUARTERS) if request.reduced_tariff else 0
    abatement_per_quarter = REDUCED_TARIFF_ABATEMENT[option] if reduced else ZERO
    # cost per reduced quarter = max(0, barème − abattement) (pension-rules §22.2.6)
    abatement = min(per_quarter, abatement_per_quarter) * reduced
    total = full_total - abatement
    plans = tuple(
        Instalments(years, (total / (12 * years)).quantize(CENT, ROUND_HALF_UP))
        for years in instalment_years(request.quarters, request.reduced_tariff)
    )
    facts = _CostFacts(
        request, option, age, request_date, low, high, bracket, per_quarter, full_total, reduced, abatement, total
    )
    return BuyBackCost(
        option=option,
        age=age,
        year=year,
        average_earnings=request.average_earnings,
        bracket=bracket,
        low_threshold=low,
        high_threshold=high,
        quarter_cost=per_quarter,
        quarters=request.quarters,
        full_total=full_total,
        reduced_quarters=reduced,
        abatement_per_quarter=abatement_per_quarter,
        abatement=abatement,
        total=total,
        instalments=plans,
        explanation=Explanation.later(_cost_explanation, facts, plans),
    )


@dataclass(frozen=True, slots=True)
class _CostFacts:
    request: BuyBackRequest
    option: BuyBackOption
    age: int
    request_date: date
    low: Decimal
    high: Decimal
    bracket: Bracket
    per_quarter: Decimal
    full_total: Decimal
    reduced: int
    abatement: Decimal
    total: Decimal


def _cost_explanation(facts: _CostFacts, plans: tuple[Instalments, ...]) -> Explanation:
    request, option, age, year = facts.request, facts.option, facts.age, facts.request_date.year
    tariff = bareme_row(age).tariff(option)
    earnings = request.average_earnings
    steps = [
        f"Âge à la date de la demande ({text.day(facts.request_date)}) : {age} ans.",
        f"Revenu annuel moyen des trois années précédant la demande : {text.euros(earnings)}. Tranches {year} : moins "
        f"de {text.euros(facts.low)} (75 % du plafond de la Sécurité sociale), de {text.euros(facts.low)} à "
        f"{text.euros(facts.high)}, plus de {text.euros(facts.high)}. Votre revenu est dans la tranche "
        f"{BRACKET_LABELS[facts.bracket]}.",
    ]
    if facts.bracket is Bracket.MIDDLE:
        steps.append(
            f"Prix d'un trimestre à {age} ans, {OPTION_LABELS[option]} : {text.number(tariff.middle_percent)} % de "
            f"votre revenu, soit {text.euros(earnings)} × {text.number(tariff.middle_percent)} % = "
            f"{text.euros(facts.per_quarter)}."
        )
    else:
        steps.append(
            f"Prix d'un trimestre à {age} ans, {OPTION_LABELS[option]} : {text.euros(facts.per_quarter)} (montant "
            "forfaitaire du barème)."
        )
    steps.append(
        f"{text.quarters(request.quarters)} × {text.euros(facts.per_quarter)} = {text.euros(facts.full_total)}."
    )
    if facts.reduced:
        per = REDUCED_TARIFF_ABATEMENT[option]
        steps.append(
            f"Tarif réduit des jeunes diplômés : abattement de {text.euros(per)} par trimestre sur "
            f"{text.quarters(facts.reduced)}, soit − {text.euros(facts.abatement)}. Ce montant suppose que 670 € vont "
            "avec l'option 1 et 1 000 € avec l'option 2 : le décret dit « selon l'option » sans que le texte lu "
            "précise laquelle ; votre caisse confirmera."
        )
        if request.quarters > facts.reduced:
            steps.append(
                f"L'abattement porte sur {REDUCED_TARIFF_MAX_QUARTERS} trimestres au plus : les "
                f"{request.quarters - facts.reduced} autres sont au barème plein."
            )
        steps.append(
            "Les trimestres de stage déjà rachetés, et ceux déjà rachetés au tarif réduit, diminuent ce quota de "
            f"{REDUCED_TARIFF_MAX_QUARTERS} (CSS L351-17)."
        )
    steps.append(f"Total à payer : {text.euros(facts.total)}.")
    if plans:
        steps.append(
            "Paiement possible en une fois ou par prélèvements mensuels : "
            + " ; ".join(
                f"sur {plan.years} an{'s' if plan.years > 1 else ''}, {text.euros(plan.monthly)} par mois"
                for plan in plans
            )
            + ". Au-delà d'un an, le montant restant dû est majoré chaque année de l'inflation prévisionnelle (hors "
            "tabac) : les mensualités suivantes seront un peu plus élevées, ce qui n'est pas calculé ici."
        )
    else:
        steps.append("Un seul trimestre se paie en une fois.")
    if facts.bracket is Bracket.MIDDLE:
        steps.append(
            "Tranche du milieu : le barème n'a pas été revu depuis 2013 alors que le plafond de la Sécurité sociale a "
            f"augmenté. À {age} ans, le prix dans cette tranche va de "
            f"{text.euros((tariff.middle_percent * facts.low / 100).quantize(CENT, ROUND_HALF_UP))} à "
            f"{text.euros((tariff.middle_percent * facts.high / 100).quantize(CENT, ROUND_HALF_UP))}, contre "
            f"{text.euros(tariff.low)} juste en dessous et {text.euros(tariff.high)} au-dessus de "
            f"{text.euros(facts.high)} : il dépasse souvent celui de la tranche haute. Ce chiffre applique le barème à "
            "la lettre ; c'est une estimation, la caisse confirmera le montant."
        )
    return Explanation(
        f"Rachat de {text.quarters(request.quarters)} ({REASON_LABELS[request.reason]}), {OPTION_LABELS[option]} : "
        f"{text.euros(facts.total)}.",
        tuple(steps),
        REFERENCES + (("CSS D351-14-1", "décret 2015-14") if facts.reduced else ()),
    )


# --- Effect on the pension ---


def quarters_with_effect(departure: Departure, quarters: int, option: BuyBackOption) -> int:
    """The smallest number n ≤ `quarters` giving the same basic pension at `departure` (a simulation without bought
    quarters) as `quarters` (pension-rules §22.4.3).

    Bought quarters lower the quarters missing for the durée requise, q = required − all-regime quarters; the
    décote is min(q, quarters to the taux-plein age, 20), so they reduce it only while q is the smallest term, and
    never beyond the taux plein (no surcote). With option 2 they also raise the proratisation until the régime
    général quarters reach the required number."""
    missing = departure.required_quarters - departure.quarters_all_regimes
    decote_after = min(max(0, missing - quarters), departure.decote_quarters)
    by_rate = 0 if decote_after == departure.decote_quarters else missing - decote_after
    if option is BuyBackOption.RATE:
        return by_rate
    by_duration = min(quarters, max(0, departure.required_quarters - departure.quarters_regime_general))
    return max(by_rate, by_duration)


def evaluate(simulation_input: SimulationInput, request: BuyBackRequest) -> BuyBackResult:
    """Check the request, price it, and compare the basic pension without and with the quarters at every departure
    date of the simulation that comes after the request: one simulation as is, then one per option priced, on the
    same dates (pension-rules §22.4).

    Raises SimulationError (French message, `buy_back.…` field) when the request cannot be made, or when the
    simulation itself cannot be run."""
    if simulation_input.bought_quarters is not None:
        raise SimulationError(
            "La simulation compte déjà des trimestres rachetés : indiquez-les comme trimestres déjà rachetés.",
            "buy_back.already_bought",
        )
    request_date = request.request_date or simulation_input.as_of
    costs = price(request, birth_date=simulation_input.birth_date, request_date=request_date)
    age = costs[0].age
    base = simulate(simulation_input)
    steps = [
        f"Âge à la date de la demande : {age} ans (de {MIN_AGE} à {MAX_AGE} ans).",
        f"Trimestres demandés : {request.quarters}, déjà rachetés : {request.already_bought}, pour "
        f"{MAX_QUARTERS} au plus sur la carrière.",
    ]
    if request.reason is BuyBackReason.INCOMPLETE_YEARS:
        steps.extend(_check_incomplete_years(request, base, request_date))
    else:
        steps.append(
            "Années d'études : elles doivent avoir donné un diplôme (ou l'admission dans une grande école ou une "
            "classe préparatoire), et le régime général doit être le premier régime auquel vous avez été affilié "
            "ensuite ; 90 jours d'études font un trimestre. Votre caisse le vérifiera."
        )
    if request.reduced_tariff:
        steps.append(
            f"Tarif réduit : demande au plus tard le {text.day(reduced_tariff_deadline(simulation_input.birth_date))}."
        )
    if simulation_input.pension_date is not None and simulation_input.pension_date <= request_date:
        raise SimulationError(
            "Le rachat doit être demandé avant la retraite : votre départ le "
            f"{text.day(simulation_input.pension_date)} ne vient pas après la demande du {text.day(request_date)}.",
            "buy_back.request_date",
        )
    considered = tuple(row for row in base.departures if row.date > request_date)
    if not considered:
        raise SimulationError(
            f"Le rachat doit être demandé avant la retraite : aucune date de départ simulée ne vient après le "
            f"{text.day(request_date)}.",
            "buy_back.request_date",
        )
    steps.append(
        f"Demande avant la retraite : les départs comparés vont du {text.day(considered[0].date)} au "
        f"{text.day(considered[-1].date)}."
    )
    dates = tuple(row.date for row in considered)
    reference = _reference(simulation_input, base, considered)
    options = tuple(_option_result(simulation_input, request, cost, considered, dates, reference) for cost in costs)
    return BuyBackResult(
        request=request,
        request_date=request_date,
        age=age,
        base=base,
        options=options,
        explanation=Explanation(
            f"Demande de rachat de {text.quarters(request.quarters)} au titre des {REASON_LABELS[request.reason]} : "
            "recevable selon les règles vérifiées ici.",
            tuple(steps),
            ("CSS L351-14-1", "CSS D351-3", "service-public F15675"),
        ),
        limits=_limits(request, costs),
    )


def _reference(simulation_input: SimulationInput, base: SimulationResult, considered: tuple[Departure, ...]) -> date:
    """The departure the option's summary quotes: the one asked for, else the first at the legal age or after."""
    if simulation_input.pension_date is not None:
        return simulation_input.pension_date
    return next((row.date for row in considered if row.date >= base.legal_age_date), considered[0].date)


def _option_result(
    simulation_input: SimulationInput,
    request: BuyBackRequest,
    cost: BuyBackCost,
    considered: tuple[Departure, ...],
    dates: tuple[date, ...],
    reference: date,
) -> OptionResult:
    after_input = dataclasses.replace(
        simulation_input,
        bought_quarters=BoughtQuarters(request.quarters, cost.option),
        compare_dates=dates,
    )
    after = simulate(after_input)
    after_by_date = {row.date: row for row in after.departures}
    effects = tuple(_effect(before, after_by_date[before.date], request.quarters, cost) for before in considered)
    shown = next(effect for effect in effects if effect.date == reference)
    return OptionResult(
        option=cost.option,
        cost=cost,
        departures=effects,
        simulation=after,
        explanation=Explanation.later(_option_explanation, cost, shown),
    )


def _effect(before: Departure, after: Departure, quarters: int, cost: BuyBackCost) -> DepartureEffect:
    annual_gain = after.base_annual_gross - before.base_annual_gross
    monthly_gain = (annual_gain / 12).quantize(CENT, ROUND_HALF_UP)
    years = (cost.total / annual_gain).quantize(TENTH, ROUND_HALF_UP) if annual_gain > 0 else None
    # A pension that does not move (the 50 % PASS cap, the minimum contributif) leaves every quarter without effect,
    # whatever the décote and the proratisation say.
    without = quarters - quarters_with_effect(before, quarters, cost.option) if annual_gain else quarters
    return DepartureEffect(
        date=before.date,
        age=before.age,
        before_annual_gross=before.base_annual_gross,
        after_annual_gross=after.base_annual_gross,
        before_monthly_gross=before.base_monthly_gross,
        after_monthly_gross=after.base_monthly_gross,
        annual_gain=annual_gain,
        monthly_gain=monthly_gain,
        years_to_recover=years,
        quarters_without_effect=without,
        decote_quarters_before=before.decote_quarters,
        decote_quarters_after=after.decote_quarters,
        rate_before=before.rate,
        rate_after=after.rate,
        proratisation_before=before.proratisation,
        proratisation_after=after.proratisation,
        explanation=Explanation.later(_effect_explanation, before, after, quarters, cost, without, years),
    )


def _effect_explanation(
    before: Departure,
    after: Departure,
    quarters: int,
    cost: BuyBackCost,
    without: int,
    years: Decimal | None,
) -> Explanation:
    required = before.required_quarters

    def line(label: str, row: Departure) -> str:
        return (
            f"{label} : {row.quarters_all_regimes} trimestres tous régimes pour {required} requis, taux de "
            f"{text.percent(row.rate / 100)}, proratisation "
            f"{min(row.quarters_regime_general, required)}/{required} : {text.euros(row.base_annual_gross)} brut par "
            f"an, {text.euros(row.base_monthly_gross)} par mois."
        )

    gain = after.base_annual_gross - before.base_annual_gross
    steps = [line("Sans rachat", before), line(f"Avec {text.quarters(quarters)} rachetés", after)]
    if gain > 0:
        steps.append(
            f"Gain : {text.euros(gain)} brut par an, soit {text.euros(gain / 12)} par mois. Coût "
            f"{text.euros(cost.total)} ÷ {text.euros(gain)} = {text.number(years or ZERO, 1)} années de retraite pour "
            "le récupérer (sans actualisation, avant impôt et prélèvements)."
        )
    else:
        steps.append("Aucun gain à cette date : le rachat ne se récupère pas.")
    if without:
        if before.full_rate and cost.option is BuyBackOption.RATE:
            reason = "vous avez déjà le taux plein à cette date, et l'option 1 ne joue que sur le taux"
        elif cost.option is BuyBackOption.RATE:
            reason = (
                "ils ne réduisent la décote que tant qu'il vous manque plus de trimestres pour la durée requise "
                "que jusqu'à l'âge du taux plein automatique, et ne donnent jamais de surcote"
            )
        else:
            reason = (
                "ils ne réduisent la décote que tant qu'il vous manque plus de trimestres pour la durée requise "
                f"que jusqu'à l'âge du taux plein automatique, et ne relèvent la proratisation que jusqu'à {required} "
                "trimestres au régime général ; ils ne donnent jamais de surcote"
            )
        if not gain and not (before.full_rate and cost.option is BuyBackOption.RATE):
            reason = "votre retraite de base ne change pas à cette date"
        steps.append(f"{without} des {text.quarters(quarters)} rachetés n'ont pas d'effet à cette date : {reason}.")
    summary = (
        f"Départ le {text.day(before.date)} : {text.euros(before.base_monthly_gross)} → "
        f"{text.euros(after.base_monthly_gross)} brut par mois"
        + (f", récupéré en {text.number(years, 1)} ans." if years is not None else ", sans gain.")
    )
    return Explanation(summary, tuple(steps), ("CSS R351-27", "CSS L351-8", "CSS R351-6", "pension-rules §22.4"))


def _option_explanation(cost: BuyBackCost, shown: DepartureEffect) -> Explanation:
    if cost.option is BuyBackOption.RATE:
        what = (
            "Option 1, « taux seul » : les trimestres rachetés comptent seulement pour le taux (ils réduisent la "
            "décote), pas dans le nombre de trimestres qui proratise la retraite du régime général."
        )
    else:
        what = (
            "Option 2, « taux et durée d'assurance » : les trimestres rachetés comptent pour le taux et dans le "
            "nombre de trimestres du régime général qui proratise la retraite, limité à la durée requise."
        )
    gain = (
        f"+{text.euros(shown.monthly_gain)} brut par mois, coût récupéré en {text.number(shown.years_to_recover, 1)} "
        "ans"
        if shown.years_to_recover is not None
        else "aucun gain"
    )
    return Explanation(
        f"{OPTION_LABELS[cost.option].capitalize()} : {text.euros(cost.total)} pour "
        f"{text.quarters(cost.quarters)} ; au départ le {text.day(shown.date)}, {gain}.",
        (
            what,
            "Le choix de l'option figure dans la demande et ne peut plus être changé ensuite.",
            "Les trimestres rachetés ne comptent ni pour un départ anticipé (carrière longue, handicap) ni pour la "
            "surcote.",
            cost.explanation.summary,
            shown.explanation.summary,
        ),
        ("CSS L351-14-1", "CSS D351-7", "CSS L173-7", "service-public F15675"),
    )


def _limits(request: BuyBackRequest, costs: tuple[BuyBackCost, ...]) -> tuple[str, ...]:
    """What the result leaves out, said to the assuré (pension-rules §22.4.4, §22.4.5 and §22.6)."""
    limits = [
        "Les retraites comparées sont des montants bruts de retraite de base, avant CSG, CRDS, CASA et impôt sur le "
        "revenu : le gain est imposable et soumis aux prélèvements sociaux.",
        "Le délai de récupération divise le coût par le gain annuel brut, sans actualisation : il ne compte ni la "
        "revalorisation des retraites, qui le raccourcit, ni l'impôt et les prélèvements sur le gain, qui "
        "l'allongent.",
        "Le versement est déductible de votre revenu imposable l'année où vous le payez : son coût réel est plus bas. "
        "L'économie d'impôt dépend de votre taux marginal et n'est pas calculée ici.",
        "Une réforme future peut changer la valeur des trimestres rachetés : en 2023, le recul de l'âge légal a rendu "
        "certains rachats inutiles et un remboursement a été ouvert jusqu'au 14 avril 2025, ce que rien ne garantit "
        "pour l'avenir.",
        "Ce rachat ne porte que sur la retraite de base. L'Agirc-Arrco a son propre rachat de points (140 points au "
        "plus par année, 3 années au plus, pour des périodes déjà rachetées au régime de base), non simulé ici. Si le "
        "rachat vous donne le taux plein, l'Agirc-Arrco n'applique plus sa minoration pour départ avant le taux "
        "plein : votre retraite complémentaire augmente aussi, ce que le gain affiché ne compte pas.",
        "Le barème appliqué est celui fixé pour 2013 (arrêté du 21 octobre 2012), toujours en vigueur selon la Cnav. "
        "Il a été reconstitué à partir de la presse, et les prix de 38 à 61 ans de recopies de seconde main : le coût "
        "est une estimation, le montant exact figurera sur l'évaluation que vous enverra votre caisse.",
        "L'âge retenu pour le prix est votre âge à la date de la demande ; certains tableaux publiés donnent l'âge "
        "atteint dans l'année. À quelques mois d'un anniversaire, demandez à votre caisse lequel elle retient.",
        "Le revenu retenu est la moyenne de vos revenus bruts des trois années précédant la demande ; "
        "service-public.fr parle des revenus des 12 derniers mois. Près d'un seuil, la tranche peut changer.",
        "Votre caisse vérifie aussi ce qui n'est pas simulé : pas plus de 4 trimestres par année civile, trimestres "
        "déjà validés compris ; pour les études, le diplôme et votre premier régime d'affiliation. Sans réponse dans "
        "les 2 mois, la demande est rejetée.",
    ]
    if any(cost.bracket is Bracket.MIDDLE for cost in costs):
        limits.append(
            "Votre revenu est dans la tranche du milieu, où le barème figé depuis 2013 coûte souvent plus cher que "
            "dans la tranche haute. Le prix affiché applique le barème à la lettre : c'est une estimation."
        )
    if request.reduced_tariff:
        limits.append(
            "Le tarif réduit est calculé avec un abattement de 670 € par trimestre pour l'option 1 et de 1 000 € "
            "pour l'option 2 ; les textes lus ne disent pas clairement quel montant va avec quelle option."
        )
    return tuple(limits)
