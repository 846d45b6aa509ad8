"""What the simulator takes and what it returns: plain frozen dataclasses, no Flask, no database.

The JSON form of both is documented in docs/simulation.md and described by the OpenAPI document served at
/api/v1/openapi.json; `portal.pension_rules.io` converts between the two.
"""

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TypeVarTuple


class Kind(enum.StrEnum):
    """The nature of a career entry, as the schema names it."""

    SALARIED = "salaried"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYMENT = "unemployment"
    SICKNESS = "sickness"
    MATERNITY = "maternity"
    INVALIDITY = "invalidity"
    NATIONAL_SERVICE = "national_service"
    AVPF = "avpf"
    ABROAD = "abroad"


KIND_LABELS = {
    Kind.SALARIED: "activité salariée",
    Kind.SELF_EMPLOYED: "activité indépendante",
    Kind.UNEMPLOYMENT: "chômage indemnisé",
    Kind.SICKNESS: "maladie",
    Kind.MATERNITY: "maternité",
    Kind.INVALIDITY: "invalidité",
    Kind.NATIONAL_SERVICE: "service national",
    Kind.AVPF: "assurance vieillesse des parents au foyer (AVPF)",
    Kind.ABROAD: "activité à l'étranger",
}
# Quarters that count as cotisés (contributed): work. The others are périodes assimilées (CSS L351-3).
CONTRIBUTED_KINDS = frozenset({Kind.SALARIED, Kind.SELF_EMPLOYED})
# Entries whose quarters come from earnings against the threshold of the year (CSS R351-9), the AVPF included: its
# affiliation is a salary base on which the CAF pays the contribution.
EARNINGS_KINDS = frozenset({Kind.SALARIED, Kind.SELF_EMPLOYED, Kind.AVPF})


class Sex(enum.StrEnum):
    FEMALE = "F"
    MALE = "M"


@dataclass(frozen=True, slots=True)
class CareerEntry:
    """One year of one régime: what a relevé de carrière shows on one line."""

    year: int
    regime: str
    kind: Kind
    earnings: Decimal | None = None
    days: int | None = None
    quarters: int | None = None
    points: Decimal | None = None
    # A period abroad: the country (ISO 3166-1 alpha-2); `quarters` are then those the foreign scheme validated.
    country: str | None = None


@dataclass(frozen=True, slots=True)
class ChildInput:
    birth_date: date
    adopted: bool = False
    # Majoration de durée d'assurance for this child; None: the rule's default for the parent's sex.
    mda_quarters: int | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """The technicians' mode: figures read off a file replace what the career would give."""

    quarters_all_regimes: int
    quarters_regime_general: int
    quarters_contributed: int
    sam: Decimal
    agirc_arrco_points: Decimal
    # Of the quarters, those of a civil-service scheme (SRE, CNRACL); and quarters validated abroad, by country.
    quarters_by_scheme: Mapping[str, int] = field(default_factory=dict)
    quarters_abroad: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FutureWork:
    """Earnings to come, from start_date to end_date (None: until the departure), at part_time_percent of them. In
    the régime général by default; in a civil-service scheme (SRE, CNRACL), services to come: quarters by duration,
    the pension on the traitement of CivilService."""

    start_date: date
    annual_earnings: Decimal
    end_date: date | None = None
    part_time_percent: int = 100
    regime: str = "CNAV"


@dataclass(frozen=True, slots=True)
class CivilService:
    """What the pension of a fonctionnaire needs beyond the career's quarters (pension-rules §16.11): the scheme,
    the category, the indice majoré held at the end and since when, the previous one (the six-month rule, CPCM L15),
    the children born before 2004 for whom the activity was interrupted or reduced (bonification, CPCM L12 b), the
    yearly bonuses (RAFP)."""

    scheme: str  # SRE or CNRACL
    category: str  # sedentary, active, super_active
    index: int
    index_since: date
    previous_index: int | None = None
    active_years: int = 0
    children_before_2004: int = 0
    annual_bonuses: Decimal | None = None


class BuyBackOption(enum.StrEnum):
    """The two irrevocable options of a versement pour la retraite (CSS L351-14-1, D351-7)."""

    RATE = "rate"  # « taux seul »: the quarters reduce the décote only
    RATE_AND_DURATION = "rate_and_duration"  # « taux et durée d'assurance »: also the proratisation


@dataclass(frozen=True, slots=True)
class BoughtQuarters:
    """Quarters bought back, credited at the departure: for the décote always, for the proratisation with
    RATE_AND_DURATION; never for the carrière longue nor the surcote (CSS L173-7; pension-rules §22.1)."""

    quarters: int
    option: BuyBackOption


@dataclass(frozen=True)
class SimulationInput:
    birth_date: date
    as_of: date
    career: tuple[CareerEntry, ...] = ()
    sex: Sex | None = None
    pension_date: date | None = None
    compare_dates: tuple[date, ...] = ()
    children: tuple[ChildInput, ...] = ()
    summary: Summary | None = None
    future: tuple[FutureWork, ...] = ()
    bought_quarters: BoughtQuarters | None = None
    civil_service: CivilService | None = None


# The arguments of a deferred Explanation's builder.
_BuildArguments = TypeVarTuple("_BuildArguments")


class Explanation:
    """How a figure was obtained, in plain French, with the legal references it rests on.

    `Explanation.later(build, *args)` defers the writing until the text is read: `build(*args)` returns the
    Explanation. A simulation computes every departure, a reader opens few of them."""

    __slots__ = ("_build", "_value", "_summary", "_steps", "_references")

    def __init__(self, summary: str, steps: tuple[str, ...] = (), references: tuple[str, ...] = ()):
        self._summary, self._steps, self._references = summary, tuple(steps), tuple(references)
        self._build: tuple[Callable[..., Explanation], tuple[object, ...]] | None = None

    @classmethod
    def later(cls, build: Callable[[*_BuildArguments], "Explanation"], *args: *_BuildArguments) -> "Explanation":
        explanation = cls.__new__(cls)
        explanation._build = (build, args)
        return explanation

    def _resolve(self) -> None:
        if self._build is not None:
            build, args = self._build
            value = build(*args)
            self._summary, self._steps, self._references = value.summary, value.steps, value.references
            self._build = None

    @property
    def summary(self) -> str:
        self._resolve()
        return self._summary

    @property
    def steps(self) -> tuple[str, ...]:
        self._resolve()
        return self._steps

    @property
    def references(self) -> tuple[str, ...]:
        self._resolve()
        return self._references

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Explanation):
            return NotImplemented
        return (self.summary, self.steps, self.references) == (other.summary, other.steps, other.references)

    def __hash__(self) -> int:
        return hash((self.summary, self.steps, self.references))

    def __repr__(self) -> str:
        return f"Explanation({self.summary!r})"


@dataclass(frozen=True, slots=True)
class Age:
    years: int
    months: int


@dataclass(slots=True)
class YearQuarters:
    year: int
    quarters: int
    quarters_regime_general: int
    quarters_contributed: int
    agirc_arrco_points: Decimal
    projected: bool
    explanation: Explanation


@dataclass(frozen=True, slots=True)
class LongCareer:
    eligible: bool
    earliest_date: date | None
    started_before: int | None
    explanation: Explanation


class PensionKind(enum.StrEnum):
    BASE = "base"
    COMPLEMENTARY = "complementary"
    ADDITIONAL = "additional"  # the RAFP of the fonction publique


# Not frozen, like Departure: a simulation builds some forty of them (see below).
@dataclass(slots=True)
class Pension:
    """One pension paid at a departure, by one scheme. `computed` False: the scheme is in the career but its pension
    is not simulated; the amounts are then None and the explanation says what to do."""

    scheme: str
    kind: PensionKind
    computed: bool
    rate: Decimal | None
    decote_quarters: int | None
    surcote_quarters: int | None
    annual_gross: Decimal | None
    monthly_gross: Decimal | None
    explanation: Explanation
    # For the single pension of the aligned schemes (CSS L173-1-2): the schemes it covers.
    merged: tuple[str, ...] = ()
    # Not paid yet at this departure, from this date only (a catégorie active fonctionnaire leaving before the legal
    # age: the other pensions wait for it).
    not_before: date | None = None

    @property
    def label(self) -> str:
        """Its name as people read it."""
        return pension_label(self.scheme, self.merged)


def pension_label(scheme: str, merged: tuple[str, ...] = ()) -> str:
    if merged:
        return "Retraite de base : " + " et ".join(ALIGNED_LABELS.get(code, code) for code in merged)
    return PENSION_LABELS.get(scheme, scheme)


ALIGNED_LABELS = {"CNAV": "régime général", "SSI": "indépendants", "MSA_SALARIES": "salariés agricoles (MSA)"}
PENSION_LABELS = {
    "AGIRC_ARRCO": "Retraite complémentaire Agirc-Arrco",
    "SRE": "Pension de la fonction publique d'État (SRE)",
    "CNRACL": "Pension de la CNRACL (fonction publique territoriale ou hospitalière)",
    "RAFP": "Retraite additionnelle de la fonction publique (RAFP)",
    "IRCANTEC": "Retraite complémentaire Ircantec",
    "MSA_EXPLOITANTS": "Retraite des non-salariés agricoles (MSA)",
    "ETRANGER": "Retraite des pays étrangers",
}


# Not frozen: a simulation builds some twenty of them, and a frozen dataclass sets each field through
# object.__setattr__. Nothing changes them once returned.
@dataclass(slots=True)
class Departure:
    date: date
    age: Age
    quarters_all_regimes: int
    quarters_regime_general: int
    quarters_contributed: int
    required_quarters: int
    full_rate: bool
    long_career: bool
    decote_quarters: int
    surcote_quarters: int
    rate: Decimal  # percent of the SAM
    proratisation: Decimal  # quarters_regime_general (capped) / required, as a fraction
    sam: Decimal
    minimum_contributif: bool
    base_annual_gross: Decimal
    base_monthly_gross: Decimal
    agirc_arrco_points: Decimal
    complementary_annual_gross: Decimal
    complementary_monthly_gross: Decimal
    # Before the taux plein, Agirc-Arrco applies coefficients d'anticipation this simulator does not hold: the
    # complementary amount shown is then a maximum.
    complementary_upper_bound: bool
    # The sum of the computed pensions; `pensions` says which are not computed.
    total_monthly_gross: Decimal
    total_monthly_net: Decimal
    pensions: tuple[Pension, ...]
    # Written when read (engine.LazyExplanations): a mapping, not a dict.
    explanation: Mapping[str, Explanation]


@dataclass(frozen=True)
class SimulationResult:
    rules_version: str
    birth_date: date
    as_of: date
    legal_age: Age
    legal_age_date: date
    earliest_date: date
    required_quarters: int
    automatic_full_rate_age: Age
    automatic_full_rate_date: date
    quarters_by_year: tuple[YearQuarters, ...]
    long_career: LongCareer
    departures: tuple[Departure, ...]
    explanation: dict[str, Explanation] = field(default_factory=dict)
    limits: tuple[str, ...] = ()
    mode: str = "career"
