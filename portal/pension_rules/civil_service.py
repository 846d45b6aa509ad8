"""Fonction publique pensions: the SRE (État) and the CNRACL (territoriale, hospitalière), the RAFP and Ircantec.

Pure functions over figures the caller supplies; the engine wires them to a career. The rules are those of the code
des pensions civiles et militaires de retraite (CPCM), which the CNRACL applies through décret 2003-1306, as
docs/pension-rules.md §16 reads them. Every value lives in data/civil_service_*.csv with its source and an
`uncertain` flag where §16 or §20 marks it; every result says, in French, when a figure rests on such a value.

Not covered: departures for invalidity, handicap, a disabled child, incurable illness or carrière longue (CPCM L24 I
2° to 5°, L25 bis), the limite d'âge, the surcote parentale (L14 IV), the ceiling of the minimum garanti (amount not
found), the actuarial coefficient of the RAFP capital, military pensions.
"""

import enum
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

from portal.pension_rules import parameters, text
from portal.pension_rules.dates import add_months, age_reached_on, first_pension_date, months_between
from portal.pension_rules.model import Age, Explanation

ZERO = Decimal(0)
ONE = Decimal(1)
CENT = Decimal("0.01")
MONTHS_PER_QUARTER = 3
QUARTERS_PER_YEAR = 4


class CivilServiceScheme(enum.StrEnum):
    """The base scheme paying the pension, with the codes of the career record (parameters.CIVIL_SERVICE_SCHEME)."""

    SRE = "SRE"  # Service des retraites de l'État: fonctionnaires d'État, magistrats (CPCM L2)
    CNRACL = "CNRACL"  # fonctionnaires territoriaux et hospitaliers (décret 2003-1306)


class Category(enum.StrEnum):
    """The category of the jobs held (CPCM L24 I 1°)."""

    SEDENTARY = "sedentary"
    ACTIVE = "active"  # « risque particulier ou fatigues exceptionnelles », list set by decree
    SUPER_ACTIVE = "super_active"  # police, surveillance pénitentiaire, égouts, identificateurs de l'IML


SCHEME_LABELS = {
    CivilServiceScheme.SRE: "pension civile de l'État (SRE)",
    CivilServiceScheme.CNRACL: "pension de la CNRACL",
}
CATEGORY_LABELS = {
    Category.SEDENTARY: "sédentaire",
    Category.ACTIVE: "active",
    Category.SUPER_ACTIVE: "super-active",
}
# The CNRACL's rules are those of the CPCM, restated by its own décret.
SCHEME_REFERENCES = {
    CivilServiceScheme.SRE: (),
    CivilServiceScheme.CNRACL: ("décret 2003-1306",),
}


class CivilServiceError(ValueError):
    """Facts that the civil service rules refuse, with a message a person can read."""


# --- Data ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One value of data/civil_service_*.csv as it applies on a day."""

    name: str
    value: Decimal
    effective_from: date
    source: str
    # Marked uncertain in the data, or an amount carried past the last year the data knows.
    uncertain: bool
    carried_forward: bool = False


def _flag(value: str) -> bool:
    if value not in ("true", "false"):
        raise ValueError(f"The uncertain column holds true or false, not {value!r}.")
    return value == "true"


@dataclass(frozen=True, slots=True)
class _Series:
    values: MappingProxyType[str, tuple[parameters.DatedValue, ...]]
    uncertain: frozenset[tuple[str, date]]


def _series(file: str) -> _Series:
    grouped: dict[str, list[dict[str, str]]] = {}
    uncertain = set()
    for row in parameters.rows(file):
        grouped.setdefault(row["name"], []).append(row)
        if _flag(row["uncertain"]):
            uncertain.add((row["name"], date.fromisoformat(row["effective_from"])))
    values = {
        name: tuple(
            sorted(
                (
                    parameters.DatedValue(
                        date.fromisoformat(row["effective_from"]), Decimal(row["value"]), row["source"]
                    )
                    for row in rows
                ),
                key=lambda value: value.effective_from,
            )
        )
        for name, rows in grouped.items()
    }
    return _Series(MappingProxyType(values), frozenset(uncertain))


@cache
def _rules() -> _Series:
    return _series("civil_service_rules.csv")


@cache
def _amounts() -> _Series:
    return _series("civil_service_amounts.csv")


def _figure(series: _Series, name: str, day: date, carry: bool) -> Figure:
    try:
        values = series.values[name]
    except KeyError:
        raise KeyError(f"No civil service parameter named {name!r}.") from None
    value = parameters.value_on(values, day)
    carried = carry and day.year > values[-1].effective_from.year
    return Figure(
        name=name,
        value=value.value,
        effective_from=value.effective_from,
        source=value.source,
        uncertain=(name, value.effective_from) in series.uncertain or carried,
        carried_forward=carried,
    )


@cache
def rule(name: str, day: date) -> Figure:
    """A rule of data/civil_service_rules.csv (rates, thresholds) in force on `day`. KeyError before its first
    effective date."""
    return _figure(_rules(), name, day, carry=False)


@cache
def amount(name: str, day: date) -> Figure:
    """An amount of data/civil_service_amounts.csv (point d'indice, minimum garanti, RAFP and Ircantec values) in force
    on `day`. After the last year the data knows, its last value is kept and flagged uncertain."""
    return _figure(_amounts(), name, day, carry=True)


def _int(figure: Figure) -> int:
    return int(figure.value)


# Why an amount is uncertain, in French, for the explanations (the data's sources are in English).
_UNCERTAIN_REASONS = {
    "point_indice_annual": "aucune hausse générale n'a été trouvée après celle du 1er juillet 2023, sans certitude "
    "pour 2026",
    "miga_monthly": "montant de janvier 2023 revalorisé comme les pensions, pas lu dans un texte",
    "rafp_purchase_value": "la valeur de cette année n'a pas été trouvée : celle de 2024 est reprise",
    "rafp_service_value": "la valeur de cette année n'a pas été trouvée : celle de 2024 est reprise",
    "ircantec_reference_salary": "la valeur de cette année n'a pas été trouvée : celle de 2024 augmentée comme la "
    "valeur de service est retenue",
    "ircantec_service_value": "valeur déduite ou tirée d'une source non officielle",
}


def figure_note(label: str, figure: Figure, day: date) -> str:
    """The French sentence saying why `figure` (named `label` for the reader) is uncertain on `day`; empty when it
    is not."""
    if figure.carried_forward:
        return (
            f"{label} : la dernière valeur connue ({figure.effective_from.year}) est reprise pour {day.year}, "
            "valeur incertaine."
        )
    if figure.uncertain:
        return f"{label} : valeur incertaine, {_UNCERTAIN_REASONS.get(figure.name, 'non confirmée')}."
    return ""


@dataclass(frozen=True, slots=True)
class _CohortValue:
    row: parameters.CohortRow[int]
    uncertain: bool


def _cohort_rows(file: str, columns: tuple[str, ...]) -> tuple[_CohortValue, ...]:
    return tuple(
        _CohortValue(
            parameters.CohortRow(
                born_from=date.fromisoformat(row["born_from"]),
                born_until=date.fromisoformat(row["born_until"]) if row["born_until"] else None,
                pensions_from=date.fromisoformat(row["pensions_from"]) if row.get("pensions_from") else None,
                pensions_until=date.fromisoformat(row["pensions_until"]) if row.get("pensions_until") else None,
                value=tuple(int(row[column]) for column in columns),
                source=row["source"],
            ),
            _flag(row["uncertain"]),
        )
        for row in parameters.rows(file)
    )


@cache
def _active_ages() -> tuple[_CohortValue, ...]:
    return _cohort_rows("civil_service_active_age.csv", ("years", "months"))


@cache
def _active_quarters() -> tuple[_CohortValue, ...]:
    return _cohort_rows("civil_service_active_quarters.csv", ("quarters",))


@cache
def _cancellation_ages() -> MappingProxyType[Category, tuple[_CohortValue, ...]]:
    table: dict[Category, list[_CohortValue]] = {}
    for row in parameters.rows("civil_service_cancellation_age.csv"):
        value = _CohortValue(
            parameters.CohortRow(
                born_from=date.fromisoformat(row["born_from"]),
                born_until=date.fromisoformat(row["born_until"]) if row["born_until"] else None,
                pensions_from=None,
                pensions_until=None,
                value=(int(row["years"]), int(row["months"])),
                source=row["source"],
            ),
            _flag(row["uncertain"]),
        )
        table.setdefault(Category(row["category"]), []).append(value)
    return MappingProxyType({category: tuple(rows) for category, rows in table.items()})


def _find(table: tuple[_CohortValue, ...], birth: date, pension_date: date | None) -> _CohortValue | None:
    for value in table:
        if value.row.matches(birth, pension_date):
            return value
    return None


# --- Ages and required quarters -----------------------------------------------------------------------------------


class AgeRule(NamedTuple):
    age: Age
    source: str
    uncertain: bool


class QuartersRule(NamedTuple):
    quarters: int
    source: str
    uncertain: bool


@dataclass(frozen=True, slots=True)
class _CategoryDecision:
    category: Category
    uncertain: bool
    note: str  # French, empty when the category asked for applies plainly


def _decide_category(category: Category, active_years: Decimal | int, day: date) -> _CategoryDecision:
    # CPCM L24 I 1°: the âge anticipé needs seventeen years of services actifs; below, the agent leaves as a
    # sédentaire. CNRACL writes « entre 15 et 17 ans »: between the two the answer is uncertain. Super-actifs meet a
    # condition of their corps (27 years for the police and the surveillance pénitentiaire, 12 with 32 years of
    # services for the égouts and the IML) that the caller checks.
    if category is not Category.ACTIVE:
        return _CategoryDecision(category, False, "")
    required = rule("active_min_years", day)
    low = rule("active_min_years_low", day)
    years = Decimal(active_years)
    if years >= required.value:
        return _CategoryDecision(Category.ACTIVE, False, "")
    if years >= low.value:
        return _CategoryDecision(
            Category.SEDENTARY,
            True,
            f"{_plain(years)} ans de services actifs, moins des {required.value} ans que demande le code des "
            f"pensions (article L24) : règles des sédentaires. La CNRACL indique une durée « entre {low.value} et "
            f"{required.value} ans » selon la génération : à vérifier avec votre caisse.",
        )
    return _CategoryDecision(
        Category.SEDENTARY,
        False,
        f"{_plain(years)} ans de services actifs, moins des {required.value} ans requis (CPCM L24) : règles "
        "des sédentaires.",
    )


def applied_category(category: Category, active_years: Decimal | int, pension_date: date) -> Category:
    """The category whose ages apply: ACTIVE falls back to SEDENTARY below 17 years of services actifs (CPCM L24 I
    1°). The other functions taking a category expect this one."""
    return _decide_category(category, active_years, pension_date).category


def _plain(value: Decimal) -> str:
    """20 for 20.00, 16,5 for 16.50."""
    if value == value.to_integral_value():
        return text.number(value, 0)
    return text.number(value, len(str(value.normalize()).split(".")[1]))


def _shifted_legal_age(birth: date, pension_date: date, shift_years: int) -> parameters.CohortRow[int]:
    return parameters.legal_age(add_months(birth, -12 * shift_years), pension_date)


def _minus_years(age: Age, years: int) -> Age:
    return Age(age.years - years, age.months)


def opening_age(birth: date, category: Category, active_years: Decimal | int, pension_date: date) -> AgeRule:
    """Âge d'ouverture des droits (CPCM L24 I 1°) for a pension taking effect on pension_date.

    Sédentaires: the régime général age (CSS L161-17-2, parameters.legal_age). Actifs with at least 17 years of services
    actifs: the table of pension-rules §16.2 (data/civil_service_active_age.csv, LFSS 2026 rows derived and flagged).
    Super-actifs: the legal age of the cohort born ten years earlier minus ten years, always flagged uncertain.
    KeyError for cohorts outside the tables.
    """
    decision = _decide_category(category, active_years, pension_date)
    if decision.category is Category.SEDENTARY:
        row = parameters.legal_age(birth, pension_date)
        source = row.source if not decision.note else f"{row.source}; {decision.note}"
        return AgeRule(Age(*row.value), source, decision.uncertain)
    if decision.category is Category.ACTIVE:
        found = _find(_active_ages(), birth, pension_date)
        if found is None:
            raise KeyError(f"No active-category age for people born on {birth} (pension on {pension_date}).")
        return AgeRule(Age(*found.row.value), found.row.source, found.uncertain)
    shift = rule("super_active_cohort_shift_years", pension_date)
    reduction = rule("super_active_age_reduction_years", pension_date)
    row = _shifted_legal_age(birth, pension_date, _int(shift))
    age = _minus_years(Age(*row.value), _int(reduction))
    return AgeRule(age, f"CPCM L24 I 1°; âge minoré; {shift.source}", True)


def cancellation_age(birth: date, category: Category, active_years: Decimal | int, pension_date: date) -> AgeRule:
    """Âge d'annulation de la décote (CPCM L14 bis).

    Sédentaires: the régime général age of the automatic full rate (67 from the 1955 cohort, parameters.full_rate_age).
    Actifs: the âge anticipé of L24 (64 - 5) plus three years, 62; super-actifs: the âge minoré (64 - 10) plus three,
    57 (juris-cnracl; earlier cohorts flagged). Both are fixed ages, not the cohort's opening age plus three: L14 bis
    adds three years to the ages L24 defines from the first paragraph of L161-17-2, as L351-8 does for the 67.
    """
    decision = _decide_category(category, active_years, pension_date)
    if decision.category is Category.SEDENTARY:
        row = parameters.full_rate_age(birth)
        source = row.source if not decision.note else f"{row.source}; {decision.note}"
        return AgeRule(Age(*row.value), source, decision.uncertain)
    found = _find(_cancellation_ages()[decision.category], birth, None)
    if found is None:
        raise KeyError(f"No âge d'annulation de la décote for people born on {birth}.")
    return AgeRule(Age(*found.row.value), found.row.source, found.uncertain)


def required_quarters(birth: date, category: Category, pension_date: date) -> QuartersRule:
    """Durée des services et bonifications for the maximum rate (CPCM L13 I, CSS L161-17-3), for the category that
    applies (applied_category).

    Sédentaires: the régime général value. Actifs: CNRACL's 170 and 171 for people born from 1969 to 1970, otherwise
    the sédentaire value of the cohort born five years earlier (flagged uncertain); super-actifs: ten years earlier
    (flagged uncertain).
    """
    if category is Category.SEDENTARY:
        row = parameters.required_quarters(birth, pension_date)
        return QuartersRule(row.value[0], row.source, False)
    if category is Category.ACTIVE:
        found = _find(_active_quarters(), birth, pension_date)
        if found is not None:
            return QuartersRule(found.row.value[0], found.row.source, found.uncertain)
        shift = rule("active_quarters_cohort_shift_years", pension_date)
    else:
        shift = rule("super_active_quarters_cohort_shift_years", pension_date)
    row = parameters.required_quarters(add_months(birth, -12 * _int(shift)), pension_date)
    return QuartersRule(row.value[0], f"CPCM L13 I; {shift.source}; {row.source}", shift.uncertain)


# --- Traitement ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Traitement:
    """The traitement indiciaire brut of CPCM L15, annual (primes excluded: they feed the RAFP)."""

    annual: Decimal
    index_majore: int | None = None
    point_value: Decimal | None = None
    uncertain: bool = False
    source: str = ""
    uncertain_note: str = ""  # French


def indexed_salary(index_majore: int, day: date) -> Traitement:
    """The annual traitement indiciaire brut of an indice majoré on `day`: IM × the annual value of the point
    (59,0734 € since 1 July 2023), rounded to the cent."""
    if index_majore <= 0:
        raise CivilServiceError("L'indice majoré doit être un nombre positif.")
    point = amount("point_indice_annual", day)
    annual = (index_majore * point.value).quantize(CENT, ROUND_HALF_UP)
    note = figure_note("Valeur du point d'indice", point, day)
    return Traitement(annual, index_majore, point.value, point.uncertain, point.source, note)


@dataclass(frozen=True, slots=True)
class RetainedIndex:
    index_majore: int
    held_six_months: bool
    reason: str  # French


def retained_index(
    current_index: int,
    current_since: date,
    radiation_date: date,
    previous_index: int | None = None,
    *,
    six_months_waived: bool = False,
) -> RetainedIndex:
    """The indice whose traitement the pension is computed on (CPCM L15 I).

    The index of the job, grade and échelon « effectivement détenus depuis six mois au moins » when services end
    (radiation_date: the first day out of service); otherwise the one held before (unless it was lost by a
    disciplinary demotion, which the caller handles). six_months_waived: death or an accident in service, where the
    condition does not apply. Raises CivilServiceError when the previous index is needed and missing.
    """
    six_months = add_months(current_since, 6)
    if six_months <= radiation_date:
        return RetainedIndex(
            current_index,
            True,
            f"Indice majoré {current_index} retenu : détenu depuis le {text.day(current_since)}, soit au moins six "
            f"mois à la fin de vos services le {text.day(radiation_date)} (CPCM L15).",
        )
    if six_months_waived:
        return RetainedIndex(
            current_index,
            False,
            f"Indice majoré {current_index} retenu sans condition de six mois : décès ou accident survenu en service "
            "(CPCM L15).",
        )
    if previous_index is None:
        raise CivilServiceError(
            f"L'indice {current_index} n'est détenu que depuis le {text.day(current_since)}, moins de six mois avant "
            "la fin des services : indiquez l'indice détenu auparavant (CPCM L15)."
        )
    return RetainedIndex(
        previous_index,
        False,
        f"Indice majoré {previous_index} retenu : l'indice {current_index}, détenu depuis le "
        f"{text.day(current_since)}, ne l'était pas depuis six mois à la fin de vos services le "
        f"{text.day(radiation_date)} ; la pension se calcule alors sur l'indice détenu auparavant (CPCM L15).",
    )


# --- The pension ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CivilServicePension:
    scheme: CivilServiceScheme
    category: Category  # the category applied (ACTIVE below 17 years of services actifs becomes SEDENTARY)
    departure: date
    opening_age: Age
    opening_date: date
    cancellation_age: Age
    cancellation_date: date
    required_quarters: int
    traitement: Decimal  # annual traitement indiciaire brut
    liquidation_quarters: int  # min(services, required) + bonifications
    rate: Decimal  # pourcentage de liquidation, a fraction (0.75 for 75 %), at most 0.80
    decote_quarters: int
    surcote_quarters: int
    coefficient: Decimal  # 1 - 1.25 % × décote, or 1 + 1.25 % × surcote
    pension_before_minimum: Decimal  # annual, after décote or surcote
    minimum_garanti: Decimal | None  # annual amount when the conditions are met, else None
    minimum_applied: bool
    children_majoration_rate: Decimal
    children_majoration: Decimal  # annual, after the cap
    capped_at_traitement: bool
    annual_gross: Decimal
    monthly_gross: Decimal
    uncertain: bool
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class _PensionFacts:
    scheme: CivilServiceScheme
    decision: _CategoryDecision
    asked_category: Category
    active_years: Decimal
    departure: date
    opening: AgeRule
    opening_date: date
    cancellation: AgeRule
    cancellation_date: date
    legal_age: Age
    legal_date: date
    required: int
    required_source: str
    required_uncertain: bool
    traitement: Traitement
    service_quarters: int
    bonification_quarters: int
    liquidation_quarters: int
    rate: Decimal
    rate_capped: bool
    base: Decimal
    all_scheme_quarters: int
    missing_quarters: int
    months_to_cancellation: int
    quarters_to_cancellation: int
    decote_quarters: int
    decote_rate: Decimal
    surcote_quarters: int
    surcote_bound: int
    surcote_asked: int | None
    surcote_rate: Decimal
    after_coefficient: Decimal
    miga_eligible: bool
    full_rate: bool
    other_pensions_claimed: bool
    effective_service_quarters: int
    miga_figure: Figure
    miga_share: Decimal
    miga: Decimal | None
    minimum_applied: bool
    before_majoration: Decimal
    children: int
    majoration_rate: Decimal
    majoration: Decimal
    capped_at_traitement: bool
    total: Decimal
    monthly: Decimal


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def _months_until(start: date, end: date) -> int:
    """Months from start to end, a started month counting whole (the décote's « arrondi à l'entier supérieur »)."""
    if end <= start:
        return 0
    months = months_between(start, end)
    if add_months(start, months) < end:
        months += 1
    return months


def _full_months(start: date, end: date) -> int:
    """Whole months elapsed from start to end."""
    if end <= start:
        return 0
    months = months_between(start, end)
    if add_months(start, months) > end:
        months -= 1
    return months


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def minimum_garanti_share(effective_service_quarters: int, required: int, day: date) -> Decimal:
    """The share of the full minimum garanti earned by the services effectifs (CPCM L17 b and d).

    40 years: 100 %; 15 years: 57,5 %, + 2,5 points a year to 30 years (95 %), + 0,5 point a year to 40. Below 15
    years: the full amount per year over the years required for the maximum rate (required / 4). Years count in
    quarters (0,625 point per quarter from 15 to 30 years) [DERIVED: the text counts years].
    """
    years = Decimal(effective_service_quarters) / QUARTERS_PER_YEAR
    full_years = rule("miga_full_years", day).value
    min_years = rule("miga_min_years", day).value
    mid_years = rule("miga_mid_years", day).value
    if years >= full_years:
        return ONE
    if years < min_years:
        return Decimal(effective_service_quarters) / Decimal(required)
    return (
        rule("miga_rate_at_15_years", day).value
        + rule("miga_points_per_year_15_to_30", day).value * (min(years, mid_years) - min_years)
        + rule("miga_points_per_year_30_to_40", day).value * max(ZERO, years - mid_years)
    )


def children_bonification_quarters(children_born_before_2004: int, day: date) -> int:
    """Bonification of CPCM L12 b: four quarters per child born or adopted before 1 January 2004 for whom the agent
    interrupted or reduced activity (the caller checks that condition, set by a decree not read)."""
    return children_born_before_2004 * _int(rule("bonification_quarters_per_child", day))


def pension(
    *,
    scheme: CivilServiceScheme,
    departure: date,
    birth: date,
    category: Category,
    active_years: Decimal | int,
    traitement: Traitement | Decimal,
    service_quarters: int,
    bonification_quarters: int,
    all_scheme_quarters: int,
    required: int | None,
    children: int,
    effective_service_quarters: int,
    other_pensions_claimed: bool,
    surcote_quarters: int | None = None,
) -> CivilServicePension:
    """The pension of the CPCM (SRE) or of the CNRACL for a departure on `departure`.

    traitement: the traitement indiciaire brut of L15 (indexed_salary of the index chosen by retained_index), or its
        annual amount.
    service_quarters: services liquidables (part time counted pro rata). bonification_quarters: bonifications of L12
        (children born before 2004: children_bonification_quarters).
    all_scheme_quarters: the durée d'assurance of L14 I, all base schemes: these services and bonifications, the MDA
        and the quarters of every other base scheme.
    required: the durée for the maximum rate; None takes required_quarters() for the category that applies.
    effective_service_quarters: services effectifs, for the minimum garanti (L17).
    other_pensions_claimed: whether every other pension has been claimed, a condition of the minimum garanti (L17).
    surcote_quarters: quarters cotisés after the legal age of CSS L161-17-2 and beyond the required duration (L14
        III). None counts every whole quarter from the legal age to the departure, as for an agent working until the
        departure; a count is capped at the same bound.

    Order (CPCM L13, L14, L17, L18): rate, décote or surcote, minimum garanti, then the majoration for children on
    the pension or on the minimum if higher, the whole capped at the traitement.

    Raises CivilServiceError when the departure is before the opening date or a count is impossible, and KeyError
    for cohorts or dates outside the data.
    """
    if min(service_quarters, bonification_quarters, all_scheme_quarters, children, effective_service_quarters) < 0:
        raise CivilServiceError("Les nombres de trimestres et d'enfants ne peuvent pas être négatifs.")
    if all_scheme_quarters < service_quarters + bonification_quarters:
        raise CivilServiceError(
            f"La durée d'assurance tous régimes ({all_scheme_quarters} trimestres) comprend les services et les "
            f"bonifications ({service_quarters + bonification_quarters} trimestres) : elle ne peut pas être inférieure."
        )
    if not isinstance(traitement, Traitement):
        traitement = Traitement(Decimal(traitement))
    if traitement.annual <= 0:
        raise CivilServiceError("Le traitement indiciaire brut doit être positif.")

    decision = _decide_category(category, active_years, departure)
    applied = decision.category
    opening = opening_age(birth, category, active_years, departure)
    # CPCM L26 only says the pension cannot start before the radiation des cadres: as in the régime général, it starts
    # on the first of the month after the age is reached (pension-rules §20, item 11, an assumption).
    opening_date = first_pension_date(age_reached_on(birth, opening.age))
    if departure < opening_date:
        raise CivilServiceError(
            f"Le {text.day(departure)} est avant votre premier départ possible dans la fonction publique, le "
            f"{text.day(opening_date)} ({text.age(opening.age)}, catégorie {CATEGORY_LABELS[applied]})."
        )
    cancellation = cancellation_age(birth, category, active_years, departure)
    cancellation_date = first_pension_date(age_reached_on(birth, cancellation.age))
    legal_row = parameters.legal_age(birth, departure)
    legal = Age(*legal_row.value)
    legal_date = first_pension_date(age_reached_on(birth, legal))

    if required is None:
        required_rule = required_quarters(birth, applied, departure)
    else:
        required_rule = QuartersRule(required, "durée indiquée", False)
    required_count = required_rule.quarters
    if required_count <= 0:
        raise CivilServiceError("La durée requise doit être positive.")

    # CPCM L13 I: each quarter is worth 75 %/D, services counting up to D; L12: the bonifications may take the rate
    # 5 points higher.
    max_rate = rule("max_rate", departure).value
    rate_cap = max_rate + rule("bonification_rate_cap", departure).value
    liquidation = min(service_quarters, required_count) + bonification_quarters
    uncapped_rate = max_rate * liquidation / required_count
    rate = min(uncapped_rate, rate_cap)
    base = traitement.annual * rate

    # CPCM L14 I: n = the smaller of the quarters from the age at departure to the AAD (rounded up) and the quarters
    # missing to D, all base schemes, at most 20; the coefficient applies to the pension.
    missing = max(0, required_count - all_scheme_quarters)
    months_to_cancellation = _months_until(departure, cancellation_date)
    quarters_to_cancellation = _ceil_div(months_to_cancellation, MONTHS_PER_QUARTER)
    max_decote = _int(rule("max_decote_quarters", departure))
    decote = min(missing, quarters_to_cancellation, max_decote)
    # The rate is set by the year the rights opened (0,125 % to 1,25 % over 2006-2015); a décote only falls on rights
    # opened from 2015 here, earlier cohorts having passed their AAD by the first supported departure.
    decote_rate = rule("decote_per_quarter", departure).value if decote else ZERO

    # CPCM L14 III: 1,25 % per quarter beyond D and after the legal age of L161-17-2 (the sédentaire age, whatever
    # the category). The whole quarters between that age and the departure bound the count [DERIVED].
    surcote_bound = 0
    if not decote and all_scheme_quarters > required_count:
        elapsed = _full_months(legal_date, departure) // MONTHS_PER_QUARTER
        surcote_bound = min(all_scheme_quarters - required_count, elapsed)
    if surcote_quarters is not None and surcote_quarters < 0:
        raise CivilServiceError("Le nombre de trimestres de surcote ne peut pas être négatif.")
    surcote = surcote_bound if surcote_quarters is None else min(surcote_quarters, surcote_bound)
    surcote_rate = rule("surcote_per_quarter", departure).value if surcote else ZERO
    coefficient = ONE - decote_rate * decote + surcote_rate * surcote
    after_coefficient = base * coefficient

    # CPCM L17: the minimum garanti at the full rate by duration or at the AAD, once every other pension is claimed.
    full_rate = all_scheme_quarters >= required_count or departure >= cancellation_date
    miga_figure = amount("miga_monthly", departure)
    miga_share = minimum_garanti_share(effective_service_quarters, required_count, departure)
    miga_eligible = full_rate and other_pensions_claimed
    miga = _round(miga_figure.value * 12 * miga_share) if miga_eligible else None
    minimum_applied = miga is not None and miga > after_coefficient
    before_majoration = miga if minimum_applied and miga is not None else after_coefficient

    # CPCM L18 V: 10 % for three children, 5 % for each further one, on the pension after décote or surcote or on the
    # minimum if higher; pension and majoration together at most the traitement, both reduced pro rata.
    needed = _int(rule("children_for_majoration", departure))
    majoration_rate = ZERO
    if children >= needed:
        majoration_rate = rule("children_majoration_three", departure).value + rule(
            "children_majoration_each_further", departure
        ).value * (children - needed)
    majoration = before_majoration * majoration_rate
    cap = traitement.annual * rule("majoration_cap_in_traitement", departure).value
    capped = majoration > 0 and before_majoration + majoration > cap
    if capped:
        factor = cap / (before_majoration + majoration)
        before_majoration, majoration = before_majoration * factor, majoration * factor
    total = _round(before_majoration + majoration)
    majoration = _round(majoration)
    monthly = _round(total / 12)

    uncertain = (
        decision.uncertain
        or opening.uncertain
        or (decote > 0 and cancellation.uncertain)
        or required_rule.uncertain
        or traitement.uncertain
        or (minimum_applied and miga_figure.uncertain)
    )
    facts = _PensionFacts(
        scheme=scheme,
        decision=decision,
        asked_category=category,
        active_years=Decimal(active_years),
        departure=departure,
        opening=opening,
        opening_date=opening_date,
        cancellation=cancellation,
        cancellation_date=cancellation_date,
        legal_age=legal,
        legal_date=legal_date,
        required=required_count,
        required_source=required_rule.source,
        required_uncertain=required_rule.uncertain,
        traitement=traitement,
        service_quarters=service_quarters,
        bonification_quarters=bonification_quarters,
        liquidation_quarters=liquidation,
        rate=rate,
        rate_capped=uncapped_rate > rate_cap,
        base=base,
        all_scheme_quarters=all_scheme_quarters,
        missing_quarters=missing,
        months_to_cancellation=months_to_cancellation,
        quarters_to_cancellation=quarters_to_cancellation,
        decote_quarters=decote,
        decote_rate=decote_rate,
        surcote_quarters=surcote,
        surcote_bound=surcote_bound,
        surcote_asked=surcote_quarters,
        surcote_rate=surcote_rate,
        after_coefficient=after_coefficient,
        miga_eligible=miga_eligible,
        full_rate=full_rate,
        other_pensions_claimed=other_pensions_claimed,
        effective_service_quarters=effective_service_quarters,
        miga_figure=miga_figure,
        miga_share=miga_share,
        miga=miga,
        minimum_applied=minimum_applied,
        before_majoration=before_majoration,
        children=children,
        majoration_rate=majoration_rate,
        majoration=majoration,
        capped_at_traitement=capped,
        total=total,
        monthly=monthly,
    )
    return CivilServicePension(
        scheme=scheme,
        category=applied,
        departure=departure,
        opening_age=opening.age,
        opening_date=opening_date,
        cancellation_age=cancellation.age,
        cancellation_date=cancellation_date,
        required_quarters=required_count,
        traitement=traitement.annual,
        liquidation_quarters=liquidation,
        rate=rate,
        decote_quarters=decote,
        surcote_quarters=surcote,
        coefficient=coefficient,
        pension_before_minimum=_round(after_coefficient),
        minimum_garanti=miga,
        minimum_applied=minimum_applied,
        children_majoration_rate=majoration_rate,
        children_majoration=majoration,
        capped_at_traitement=capped,
        annual_gross=total,
        monthly_gross=monthly,
        uncertain=uncertain,
        explanation=Explanation.later(_pension_explanation, facts),
    )


def _rate_text(fraction: Decimal) -> str:
    """75 %, 69,767 % (three decimals at most: the exact rate is kept in the computation)."""
    hundred = fraction * 100
    rounded = hundred.quantize(Decimal("0.001"), ROUND_HALF_UP)
    if rounded == hundred:
        return text.percent(fraction)
    return f"{text.number(hundred, 3)}\u00a0%"


def _years_text(quarters: int) -> str:
    years, rest = divmod(quarters, QUARTERS_PER_YEAR)
    if not rest:
        return f"{years} ans"
    return f"{years} ans et {text.quarters(rest)}"


def _first_reference(source: str) -> str:
    return source.split(";")[0].strip()


_SHIFT_NOTES = {
    Category.ACTIVE: "déduite de celle des sédentaires nés cinq ans plus tôt (la CNRACL ne la donne que pour les "
    "générations 1969 et 1970)",
    Category.SUPER_ACTIVE: "déduite de celle des sédentaires nés dix ans plus tôt, par analogie avec les actifs",
}


def _pension_explanation(f: _PensionFacts) -> Explanation:
    steps: list[str] = []
    notes: list[str] = []
    applied = f.decision.category
    if f.asked_category is Category.ACTIVE:
        steps.append(
            f"Catégorie active : {_plain(f.active_years)} ans de services actifs."
            if applied is Category.ACTIVE
            else f.decision.note
        )
    else:
        steps.append(f"Catégorie {CATEGORY_LABELS[applied]}.")
    steps.append(
        f"Âge d'ouverture des droits : {text.age(f.opening.age)} ({_first_reference(f.opening.source)}), soit un "
        f"départ possible à partir du {text.day(f.opening_date)}."
    )
    if f.opening.uncertain and not f.decision.uncertain:
        notes.append(
            "Âge d'ouverture des droits : valeur incertaine, déduite des règles publiées pour les générations voisines "
            "(le texte qui la fixe pour la vôtre n'a pas été lu)."
        )
    traitement = f.traitement
    if traitement.index_majore is not None and traitement.point_value is not None:
        steps.append(
            f"Traitement indiciaire brut : indice majoré {traitement.index_majore} × "
            f"{text.number(traitement.point_value, 4)} € par point = {text.euros(traitement.annual)} par an (les "
            "primes n'en font pas partie : elles comptent pour la RAFP)."
        )
    else:
        steps.append(f"Traitement indiciaire brut indiqué : {text.euros(traitement.annual)} par an.")
    if traitement.uncertain_note:
        notes.append(traitement.uncertain_note)
    steps.append(
        f"Durée requise pour le taux maximum : {text.quarters(f.required)} ({_first_reference(f.required_source)})."
    )
    if f.required_uncertain:
        notes.append(f"Durée requise : valeur incertaine, {_SHIFT_NOTES.get(f.decision.category, 'non confirmée')}.")
    counted = min(f.service_quarters, f.required)
    services = f"{text.quarters(counted)} de services"
    if f.service_quarters > f.required:
        services += f" (sur {f.service_quarters}, limités à la durée requise)"
    if f.bonification_quarters:
        services += f" + {text.quarters(f.bonification_quarters)} de bonification"
    if f.bonification_quarters:
        services += f" = {f.liquidation_quarters}"
    rate_step = (
        f"Trimestres liquidables : {services}. Taux de liquidation : 75 % × {f.liquidation_quarters}/{f.required}"
    )
    if f.rate_capped:
        rate_step += ", plafonné à 80 % avec les bonifications"
    steps.append(f"{rate_step} = {_rate_text(f.rate)}.")
    steps.append(f"Pension : {text.euros(traitement.annual)} × {_rate_text(f.rate)} = {text.euros(f.base)} par an.")
    if f.decote_quarters:
        steps.append(
            f"Durée d'assurance tous régimes : {f.all_scheme_quarters} trimestres pour {f.required} requis, soit "
            f"{text.quarters(f.missing_quarters)} manquants ; jusqu'à l'âge d'annulation de la décote "
            f"({text.age(f.cancellation.age)}, le {text.day(f.cancellation_date)}) : {f.months_to_cancellation} mois, "
            f"soit {text.quarters(f.quarters_to_cancellation)} (arrondi au trimestre supérieur). Le plus petit nombre "
            f"est retenu, 20 au plus : {text.quarters(f.decote_quarters)}."
        )
        steps.append(
            f"Décote : − {text.percent(f.decote_rate)} × {f.decote_quarters} = − "
            f"{text.percent(f.decote_rate * f.decote_quarters)}, soit {text.euros(f.after_coefficient)} par an."
        )
        if f.cancellation.uncertain:
            notes.append(
                "Âge d'annulation de la décote : valeur incertaine, la CNRACL ne la confirme que pour des générations "
                "plus récentes."
            )
    elif f.surcote_quarters:
        steps.append(
            f"Surcote : {text.quarters(f.surcote_quarters)} au-delà de l'âge légal ({text.age(f.legal_age)}) et de la "
            f"durée requise, + {text.percent(f.surcote_rate)} × {f.surcote_quarters} = + "
            f"{text.percent(f.surcote_rate * f.surcote_quarters)}, soit {text.euros(f.after_coefficient)} par an."
        )
        if f.surcote_asked is None:
            steps.append(
                "Trimestres de surcote comptés comme si vous travailliez jusqu'au départ : seuls les trimestres "
                "entiers cotisés comptent."
            )
        elif f.surcote_asked > f.surcote_quarters:
            steps.append(
                f"Les {f.surcote_asked} trimestres de surcote indiqués sont ramenés à {f.surcote_bound} : ceux au-delà "
                "de l'âge légal et de la durée requise."
            )
    elif f.all_scheme_quarters >= f.required:
        steps.append(
            f"Ni décote ni surcote : {f.all_scheme_quarters} trimestres tous régimes pour {f.required} requis."
        )
    else:
        steps.append(
            f"Pas de décote : vous avez atteint l'âge d'annulation de la décote ({text.age(f.cancellation.age)})."
        )

    miga_monthly = f.miga_figure.value
    if not f.full_rate:
        steps.append("Minimum garanti : non, il demande le taux plein par la durée ou l'âge d'annulation de la décote.")
    elif not f.other_pensions_claimed:
        steps.append(
            "Minimum garanti : non, il n'est versé qu'une fois toutes vos autres retraites demandées (CPCM L17)."
        )
    elif f.miga is not None:
        share = "" if f.miga_share == ONE else f"{_rate_text(f.miga_share)} de {text.euros(miga_monthly)}, soit "
        steps.append(
            f"Minimum garanti pour {_years_text(f.effective_service_quarters)} de services effectifs : {share}"
            f"{text.euros(f.miga / 12)} par mois ({text.euros(f.miga)} par an)."
        )
        if f.minimum_applied:
            steps.append(
                f"Votre pension ({text.euros(f.after_coefficient)} par an) est inférieure : elle est portée au minimum "
                "garanti. Il n'est versé que si l'ensemble de vos retraites reste sous un plafond fixé par décret, "
                "dont le montant n'a pas été trouvé : votre caisse le vérifie au départ."
            )
            if f.miga_figure.uncertain:
                notes.append(figure_note("Montant du minimum garanti", f.miga_figure, f.departure))
        else:
            steps.append("Votre pension dépasse ce minimum : il ne s'applique pas.")

    if f.majoration_rate:
        on_what = "le minimum garanti" if f.minimum_applied else "la pension"
        steps.append(
            f"Majoration pour {f.children} enfants : + {text.percent(f.majoration_rate)} sur {on_what}, soit "
            f"{text.euros(f.majoration)} par an."
        )
        if f.capped_at_traitement:
            steps.append(
                f"Pension et majoration ne peuvent dépasser le traitement ({text.euros(traitement.annual)} par an) : "
                "les deux sont réduites dans la même proportion."
            )
    steps.extend(notes)
    label = SCHEME_LABELS[f.scheme]
    summary = f"{label[0].upper()}{label[1:]} : {text.euros(f.total)} brut par an, {text.euros(f.monthly)} par mois."
    if notes:
        summary += " Ce montant repose sur une valeur incertaine."
    references = (
        "CPCM L12",
        "CPCM L13",
        "CPCM L14",
        "CPCM L14 bis",
        "CPCM L15",
        "CPCM L17",
        "CPCM L18",
        "CPCM L24",
        *SCHEME_REFERENCES[f.scheme],
    )
    return Explanation(summary, tuple(steps), references)


# --- RAFP ---------------------------------------------------------------------------------------------------------


class RafpForm(enum.StrEnum):
    CAPITAL = "capital"  # one payment, below the capital threshold
    SPLIT_CAPITAL = "split_capital"  # « capital fractionné »: between the capital and the rente thresholds
    RENTE = "rente"  # a life annuity


@dataclass(frozen=True, slots=True)
class RafpPoints:
    year: int
    bonuses: Decimal
    base: Decimal  # the primes counted: at most 20 % of the traitement
    contribution: Decimal
    purchase_value: Decimal
    points: Decimal  # two decimals
    uncertain: bool
    explanation: Explanation


def rafp_points(bonuses: Decimal, traitement: Decimal, year: int) -> RafpPoints:
    """Points of the RAFP earned in `year`: primes capped at 20 % of the traitement indiciaire brut of the year,
    × 10 % (agent and employer), / the valeur d'acquisition of the year."""
    if bonuses < 0 or traitement < 0:
        raise CivilServiceError("Les primes et le traitement ne peuvent pas être négatifs.")
    day = date(year, 1, 1)
    cap_rate = rule("rafp_base_cap_in_traitement", day)
    contribution_rate = rule("rafp_contribution_rate", day)
    purchase = amount("rafp_purchase_value", day)
    cap = traitement * cap_rate.value
    base = min(Decimal(bonuses), cap)
    contribution = base * contribution_rate.value
    points = (contribution / purchase.value).quantize(CENT, ROUND_HALF_UP)
    steps = [
        f"Primes et indemnités de {year} : {text.euros(Decimal(bonuses))}, retenues dans la limite de "
        f"{text.percent(cap_rate.value)} du traitement indiciaire brut ({text.euros(traitement)}), soit "
        f"{text.euros(base)}.",
        f"Cotisation de {text.percent(contribution_rate.value)} (agent et employeur) : {text.euros(contribution)}.",
        f"Divisée par la valeur d'acquisition du point en {year} ({text.number(purchase.value, 4)} €) : "
        f"{text.number(points)} points.",
    ]
    if purchase.uncertain:
        steps.append(figure_note(f"Valeur d'acquisition {year}", purchase, day))
    return RafpPoints(
        year=year,
        bonuses=Decimal(bonuses),
        base=base,
        contribution=contribution,
        purchase_value=purchase.value,
        points=points,
        uncertain=purchase.uncertain,
        explanation=Explanation(
            f"RAFP {year} : {text.number(points)} points.", tuple(steps), ("Décret 2004-569", "pension-rules §16.8")
        ),
    )


@dataclass(frozen=True, slots=True)
class RafpPension:
    points: Decimal
    form: RafpForm
    service_value: Decimal
    annual_value: Decimal  # points × valeur de service, whatever the form
    # The rente; None when paid as a capital, whose actuarial coefficient this module does not hold.
    annual_gross: Decimal | None
    monthly_gross: Decimal | None
    uncertain: bool
    explanation: Explanation


def rafp_pension(points: Decimal, day: date) -> RafpPension:
    """The RAFP benefit for `points` liquidated on `day`: points × valeur de service a year, paid as a rente from
    5 125 points, as a capital below 4 900 (4 600 before 1 April 2024), as a split capital between the two."""
    if points < 0:
        raise CivilServiceError("Le nombre de points ne peut pas être négatif.")
    service = amount("rafp_service_value", day)
    capital_threshold = rule("rafp_capital_threshold_points", day)
    rente_threshold = rule("rafp_rente_threshold_points", day)
    annual_value = _round(Decimal(points) * service.value)
    steps = [
        f"{text.number(Decimal(points))} points × valeur de service {text.number(service.value, 5)} € = "
        f"{text.euros(annual_value)} par an."
    ]
    uncertain = service.uncertain
    if points < capital_threshold.value:
        form = RafpForm.CAPITAL
        steps.append(
            f"Moins de {text.number(capital_threshold.value, 0)} points : la RAFP verse un capital unique. Elle le "
            "calcule avec un coefficient actuariel (selon l'âge) que ce simulateur ne connaît pas : le montant annuel "
            "ci-dessus n'est qu'un ordre de grandeur."
        )
    elif points < rente_threshold.value:
        form = RafpForm.SPLIT_CAPITAL
        uncertain = True
        steps.append(
            f"Entre {text.number(capital_threshold.value, 0)} et {text.number(rente_threshold.value - 1, 0)} points : "
            "versement en capital fractionné, dont les modalités n'ont pas été vérifiées."
        )
        steps.append(
            "Forme du versement : incertaine, le seuil de la rente (5 125 points) vient d'une source non officielle."
        )
    else:
        form = RafpForm.RENTE
        steps.append(f"À partir de {text.number(rente_threshold.value, 0)} points : versement en rente viagère.")
    if service.uncertain:
        steps.append(figure_note("Valeur de service", service, day))
    rente = form is RafpForm.RENTE
    if rente:
        summary = f"RAFP : rente de {text.euros(annual_value)} brut par an, {text.euros(annual_value / 12)} par mois."
    else:
        summary = (
            f"RAFP : {text.number(Decimal(points))} points, versés en capital (valeur annuelle "
            f"{text.euros(annual_value)})."
        )
    return RafpPension(
        points=Decimal(points),
        form=form,
        service_value=service.value,
        annual_value=annual_value,
        annual_gross=annual_value if rente else None,
        monthly_gross=_round(annual_value / 12) if rente else None,
        uncertain=uncertain,
        explanation=Explanation(summary, tuple(steps), ("Décret 2004-569", "pension-rules §16.8")),
    )


# --- Ircantec ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IrcantecPoints:
    year: int
    salary: Decimal
    base_a: Decimal  # up to 1 PASS
    base_b: Decimal  # from 1 to 8 PASS
    points_a: Decimal  # two decimals: the official example rounds to whole points, the rule was not read
    points_b: Decimal
    points: Decimal
    reference_salary: Decimal
    uncertain: bool
    explanation: Explanation


def ircantec_points(salary: Decimal, year: int) -> IrcantecPoints:
    """Ircantec points of a year's gross salary: tranche A (up to 1 PASS) × 5,60 % and tranche B (1 to 8 PASS)
    × 15,60 % (the taux théoriques), each divided by the salaire de référence of the year."""
    if salary < 0:
        raise CivilServiceError("Le salaire ne peut pas être négatif.")
    day = date(year, 1, 1)
    ceiling = parameters.pass_annual(year)
    rate_a = rule("ircantec_rate_a", day).value
    rate_b = rule("ircantec_rate_b", day).value
    b_ceiling = ceiling * rule("ircantec_tranche_b_ceiling_in_pass", day).value
    reference = amount("ircantec_reference_salary", day)
    gross = Decimal(salary)
    base_a = min(gross, ceiling)
    base_b = max(ZERO, min(gross, b_ceiling) - ceiling)
    points_a = (base_a * rate_a / reference.value).quantize(CENT, ROUND_HALF_UP)
    points_b = (base_b * rate_b / reference.value).quantize(CENT, ROUND_HALF_UP)
    points = points_a + points_b
    reference_text = text.number(reference.value, 3)
    steps = [
        f"Tranche A (jusqu'au plafond de la Sécurité sociale, {text.euros(ceiling)}) : {text.euros(base_a)} × "
        f"{text.percent(rate_a)} / {reference_text} € = {text.number(points_a)} points.",
    ]
    if base_b:
        steps.append(
            f"Tranche B (de 1 à 8 plafonds) : {text.euros(base_b)} × {text.percent(rate_b)} / {reference_text} € = "
            f"{text.number(points_b)} points."
        )
    if reference.uncertain:
        steps.append(figure_note(f"Salaire de référence {year}", reference, day))
    return IrcantecPoints(
        year=year,
        salary=gross,
        base_a=base_a,
        base_b=base_b,
        points_a=points_a,
        points_b=points_b,
        points=points,
        reference_salary=reference.value,
        uncertain=reference.uncertain,
        explanation=Explanation(
            f"Ircantec {year} : {text.number(points)} points.",
            tuple(steps),
            ("Décret 70-1277", "baseircantec : détermination du nombre de points"),
        ),
    )


@dataclass(frozen=True, slots=True)
class IrcantecPension:
    points: Decimal
    service_value: Decimal
    decote_quarters: int
    minoration: Decimal  # fraction taken off
    annual_gross: Decimal
    monthly_gross: Decimal
    uncertain: bool
    explanation: Explanation


def ircantec_minoration(decote_quarters: int, day: date) -> Decimal:
    """The reduction before the taux plein: 1 % per missing quarter for the first 12, 1,25 % for the next 8, 1,75 %
    beyond (at most 40 quarters and 43 %; IPP, arrêté du 30/09/1970; the current rule was not read)."""
    first = rule("ircantec_minoration_first", day).value
    first_quarters = _int(rule("ircantec_minoration_first_quarters", day))
    second = rule("ircantec_minoration_second", day).value
    second_quarters = _int(rule("ircantec_minoration_second_quarters", day))
    beyond = rule("ircantec_minoration_beyond", day).value
    n = min(decote_quarters, _int(rule("ircantec_minoration_max_quarters", day)))
    in_first = min(n, first_quarters)
    in_second = min(max(0, n - first_quarters), second_quarters)
    rest = max(0, n - first_quarters - second_quarters)
    return min(first * in_first + second * in_second + beyond * rest, rule("ircantec_minoration_max", day).value)


def ircantec_pension(points: Decimal, day: date, decote_quarters: int = 0) -> IrcantecPension:
    """The Ircantec pension of `points` liquidated on `day`: points × valeur de service, reduced when the régime
    général pension has a décote of decote_quarters (ircantec_minoration, flagged uncertain)."""
    if points < 0 or decote_quarters < 0:
        raise CivilServiceError("Les points et les trimestres de décote ne peuvent pas être négatifs.")
    service = amount("ircantec_service_value", day)
    minoration = ircantec_minoration(decote_quarters, day) if decote_quarters else ZERO
    gross = Decimal(points) * service.value
    annual = _round(gross * (ONE - minoration))
    steps = [
        f"{text.number(Decimal(points))} points × valeur de service {text.number(service.value, 5)} € = "
        f"{text.euros(gross)} par an."
    ]
    uncertain = service.uncertain
    if minoration:
        uncertain = True
        steps.append(
            f"Minoration pour {text.quarters(decote_quarters)} manquants au régime général : − "
            f"{text.percent(minoration)}, soit {text.euros(annual)} par an."
        )
        steps.append(
            "Coefficient de minoration : incertain, la règle actuelle de l'Ircantec n'a pas été lue (barème de "
            "l'arrêté du 30 septembre 1970)."
        )
    if service.uncertain:
        steps.append(figure_note("Valeur de service", service, day))
    monthly = _round(annual / 12)
    return IrcantecPension(
        points=Decimal(points),
        service_value=service.value,
        decote_quarters=decote_quarters,
        minoration=minoration,
        annual_gross=annual,
        monthly_gross=monthly,
        uncertain=uncertain,
        explanation=Explanation(
            f"Ircantec : {text.euros(annual)} brut par an, {text.euros(monthly)} par mois.",
            tuple(steps),
            ("Décret 70-1277", "Arrêté du 30 septembre 1970"),
        ),
    )
