"""The retirement rules engine: from a career to the age, the rate and the amount of every departure option.

Pure Python: it takes a SimulationInput and returns a SimulationResult, every figure with its explanation. The
legislation lives in data/ (see parameters.py); the rules applied are those of docs/pension-rules.md, and where
that file marks a point as uncertain the engine keeps to what is certain and says so in `limits`.

Scope: one pension per scheme (`Departure.pensions`): the régime général and the aligned schemes (CNAV, artisans and
commerçants, salariés agricoles) liquidated as one (LURA), Agirc-Arrco with its coefficients d'anticipation, the
fonction publique (SRE, CNRACL, civil_service.py) when the input gives the indice, the RAFP and Ircantec from their
points; periods abroad under the EU regulation or a bilateral convention (countries.py). Quarters of every base
scheme count for the rate. The pensions of the exploitants agricoles and of foreign schemes are listed, not computed.

Amounts after the last known year are in constant 2026 euros: the quarter threshold, the PASS and the Agirc-Arrco
values of 2026 are kept for the years after it.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from portal.pension_rules import (
    abroad,
    civil_service,
    countries,
    departure_explanations,
    minimum_contributif,
    parameters,
    public_sector,
    reference_salary,
    text,
)
from portal.pension_rules import complementary as complementary_rules
from portal.pension_rules.dates import (
    add_months,
    age_at,
    age_reached_on,
    first_pension_date,
    months_between,
    next_month_start,
    quarter_of,
)
from portal.pension_rules.model import (
    Age,
    BuyBackOption,
    Departure,
    Explanation,
    LongCareer,
    Pension,
    PensionKind,
    SimulationInput,
    SimulationResult,
    YearQuarters,
    pension_label,
)
from portal.pension_rules.projection import Projection
from portal.pension_rules.quarters import (
    CENT,
    ZERO,
    YearRecord,
    pass_of,
    past_year,
    past_years,
)
from portal.pension_rules.reference_salary import ReferenceSalary
from portal.pension_rules.schemes import (
    CIVIL_SERVICE_SCHEMES,
    REGIME_GENERAL,
    aligned_schemes,
    not_computed_pensions,
)

# The first revaluation of salaries in data/salary_revaluation.csv covers the salaries up to 1970 (arrêté of
# 14 March 1972); the arrêtés before it were not transcribed.
OLDEST_REVALUATION_YEAR = 1972
ONE = Decimal(1)
LFSS_2026_FROM = date(2026, 9, 1)
# The liquidation unique (CSS L173-1-2) covers the insured born from 1 January 1953 (loi 2014-40, art. 43).
LURA_FIRST_GENERATION = 1953


@dataclass(frozen=True, slots=True)
class _DayRules:
    """The scalar rules in force for a pension taking effect on one day, read once."""

    full_rate: Decimal
    max_decote: int
    surcote: Decimal
    cap_in_pass: Decimal
    children_needed: int
    children_majoration: Decimal
    base_deductions: Decimal
    complementary_deductions: Decimal
    service_value: parameters.DatedValue


@cache
def _day_rules(day: date) -> _DayRules:
    base_deductions = sum(
        (parameters.rule(name, day).value for name in ("csg_pension_normal_rate", "crds_rate", "casa_rate")), ZERO
    )
    return _DayRules(
        full_rate=parameters.rule("full_rate", day).value,
        max_decote=int(parameters.rule("max_decote_quarters", day).value),
        surcote=parameters.rule("surcote_per_quarter", day).value,
        cap_in_pass=parameters.rule("pension_cap_in_pass", day).value,
        children_needed=int(parameters.rule("children_for_majoration", day).value),
        children_majoration=parameters.rule("children_majoration", day).value,
        base_deductions=base_deductions,
        complementary_deductions=base_deductions + parameters.rule("complementary_health_contribution", day).value,
        service_value=parameters.value_on(parameters.agirc_arrco()["service_value"], day),
    )


class LazyExplanations(Mapping[str, Explanation]):
    """A departure's explanations, written in French only when read (`build(*arguments)`): a simulation computes
    some twenty departures and a page or an API answer reads them, a comparison of amounts does not."""

    __slots__ = ("_build", "_arguments", "_data")

    def __init__(self, build: Callable[..., dict[str, Explanation]], *arguments: object):
        self._build = build
        self._arguments = arguments
        self._data: dict[str, Explanation] | None = None

    def _get(self) -> dict[str, Explanation]:
        if self._data is None:
            self._data = self._build(*self._arguments)
            self._arguments = ()
        return self._data

    def __getitem__(self, key: str) -> Explanation:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


class SimulationError(ValueError):
    """The input cannot be simulated; `message` is French and says why."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(slots=True)
class _State:
    """Rights at a departure date."""

    # Quarters of every base scheme, of the régime général and the aligned schemes (both with the children's), cotisés,
    # assimilated ones réputés cotisés for the carrière longue (within their caps).
    all: int
    aligned: int
    contributed: int
    reputes: int
    # Majorations de durée d'assurance for children (CSS L351-4, L351-5).
    children_quarters: int
    years: dict[int, YearRecord]
    future_points: Decimal = ZERO
    # Quarters of services in the fonction publique (SRE, CNRACL), past and to come.
    civil_service: int = 0


class _Simulation:
    def __init__(self, simulation_input: SimulationInput):
        self.simulation_input = simulation_input
        self.birth = simulation_input.birth_date
        self.summary = simulation_input.summary
        self.past = {} if simulation_input.summary else past_years(simulation_input.career)
        # Every scheme the person has rights in: the career's, the summary's civil-service quarters, the years to come.
        career_schemes = {entry.regime for entry in simulation_input.career}
        self.schemes = frozenset(
            career_schemes
            | set(self.summary.quarters_by_scheme if self.summary else ())
            | {work.regime for work in simulation_input.future}
        )
        self.aligned_schemes, self.aligned_payer = aligned_schemes(simulation_input.career)
        self.civil_service = simulation_input.civil_service
        self.has_civil_service = any(record.civil_service for record in self.past.values())
        self.points_of = {
            scheme: tuple(
                (entry.year, entry.points)
                for entry in simulation_input.career
                if entry.regime == scheme and entry.points is not None
            )
            if scheme in career_schemes
            else ()
            for scheme in ("IRCANTEC", "RAFP")
        }
        self.has_public_pensions = bool(
            self.civil_service or any(scheme in CIVIL_SERVICE_SCHEMES | {"IRCANTEC", "RAFP"} for scheme in self.schemes)
        )
        # Ircantec and the RAFP are computed from the points of the relevé; without them they are listed as not
        # computed, like a civil-service scheme without the block its pension needs.
        computed_elsewhere = {scheme for scheme, rows in self.points_of.items() if rows} | (
            CIVIL_SERVICE_SCHEMES if self.civil_service else set()
        )
        self.other_pensions = tuple(
            pension for pension in not_computed_pensions(self.schemes) if pension.scheme not in computed_elsewhere
        )
        if self.summary:
            # The summary mode gives the quarters abroad by country, not by year: year 0 stands for "no year".
            self.abroad_groups, self.abroad_without_agreement, self.abroad_unknown = abroad.abroad_groups(
                {abroad.SUMMARY_YEAR: YearRecord(abroad.SUMMARY_YEAR, abroad=dict(self.summary.quarters_abroad))}
            )
        else:
            self.abroad_groups, self.abroad_without_agreement, self.abroad_unknown = abroad.abroad_groups(self.past)
        # A convention with totalisation-proratisation and no national comparison leaves only its own computation.
        self.national_allowed = not any(
            group.agreement.kind is countries.AgreementKind.PRORATA and not group.agreement.national_comparison
            for group in self.abroad_groups
        )
        # A career in the fonction publique alone (its Ircantec or RAFP aside) has no pension of the régime général
        # and the aligned schemes: none is listed, and their majorations for children (CSS L351-4, L351-5), given
        # with a pension of theirs, add nothing; the civil-service block carries the fonction publique's own.
        self.has_aligned = bool(
            self.summary
            or not career_schemes.isdisjoint(REGIME_GENERAL)
            or any(work.regime not in CIVIL_SERVICE_SCHEMES for work in simulation_input.future)
            or not self.has_public_pensions
        )
        if self.has_aligned:
            self.children_quarters, self.children_quarters_steps = self._children_quarters()
        else:
            self.children_quarters, self.children_quarters_steps = 0, []
        self.child_count = len(simulation_input.children)
        self.automatic_full_rate_row = parameters.full_rate_age(self.birth)
        self.automatic_full_rate_age = Age(*self.automatic_full_rate_row.value)
        self.automatic_full_rate_date = first_pension_date(age_reached_on(self.birth, self.automatic_full_rate_age))
        self.decote_row = parameters.decote_reduction(self.birth)
        # A pension is asked for in advance and starts on a first of month: the earliest is next month's first.
        self.earliest_allowed = next_month_start(simulation_input.as_of)
        last_past = max(self.past, default=simulation_input.as_of.year - 1)
        self.last_recorded_year = last_past
        # Set by run(): the first date of a catégorie active departure before the legal age, if any.
        self.early_from: date | None = None
        self.legal_date = self.earliest_allowed
        self.explained_career = departure_explanations.Career(
            summary_quarters=self.summary.quarters_all_regimes if self.summary else None,
            last_recorded_year=last_past,
            children_quarters_steps=tuple(self.children_quarters_steps),
            automatic_full_rate_age=self.automatic_full_rate_age,
            automatic_full_rate_date=self.automatic_full_rate_date,
            abroad_without_agreement=self.abroad_without_agreement,
            abroad_unknown=self.abroad_unknown,
        )
        self._states: dict[date, _State] = {}
        self._past_totals: dict[int, tuple[int, int, int, int]] = {}
        self.reference_salary = ReferenceSalary(self.past, last_past)
        self._explained_future: dict[date, dict[int, YearRecord]] = {}
        self.projection = Projection(simulation_input.future, self.past)
        self._past_points: dict[int, Decimal] = {}

    # --- Children ---

    def _children_quarters(self) -> tuple[int, list[str]]:
        """Majorations de durée d'assurance for children (CSS L351-4, L351-5): 8 quarters per child to the mother by
        default; to the father only what is declared."""
        total = 0
        steps = []
        for child in self.simulation_input.children:
            if child.mda_quarters is not None:
                quarters = child.mda_quarters
                steps.append(f"Enfant né le {text.day(child.birth_date)} : {text.quarters_as(quarters, 'indiqué')}.")
            elif self.simulation_input.sex is not None and self.simulation_input.sex.value == "F":
                quarters = int(parameters.rule("mda_quarters_per_child", date(2010, 1, 1)).value)
                steps.append(
                    f"Enfant né le {text.day(child.birth_date)} : {text.quarters(quarters)} à la mère (4 au titre de "
                    "la maternité ou de l'adoption, 4 au titre de l'éducation, CSS L351-4)."
                )
            else:
                quarters = 0
                steps.append(
                    f"Enfant né le {text.day(child.birth_date)} : les trimestres d'éducation vont à la mère, sauf "
                    "déclaration contraire des parents ; indiquez-les s'ils vous ont été attribués."
                )
            total += quarters
        return total, steps

    # --- Quarters at a date ---

    def past_points(self, last_year: int) -> Decimal:
        cached = self._past_points.get(last_year)
        if cached is None:
            if not self._past_points:
                # Every year's running total at once (`past` is in year order): the departures read a handful.
                running = ZERO
                for year, record in self.past.items():
                    running += record.points
                    self._past_points[year] = running
            if last_year in self._past_points:
                return self._past_points[last_year]
            if self.past and last_year >= self.last_recorded_year:
                cached = self._past_points[self.last_recorded_year]
            else:
                cached = sum((r.points for year, r in self.past.items() if year <= last_year), ZERO)
            self._past_points[last_year] = cached
        return cached

    def past_totals(self, last_year: int) -> tuple[int, int, int, int]:
        """Quarters of the recorded career up to last_year: all, régime général, cotisés, and the assimilated ones
        réputés cotisés for the carrière longue within their caps (D351-1-2)."""
        totals = self._past_totals
        if not totals and self.past:
            # Every recorded year's running totals in one pass (`past` is in year order).
            caps = parameters.reputes_cotises_caps()
            total = aligned = contributed = 0
            by_kind: dict[str, int] = {}
            for year, record in self.past.items():
                total += record.all
                aligned += record.aligned
                contributed += record.contributed
                for kind, quarters in record.assimilated.items():
                    by_kind[kind] = by_kind.get(kind, 0) + quarters
                reputes = 0
                for kind, quarters in by_kind.items():
                    if kind in caps:
                        cap = caps[kind]
                        reputes += quarters if cap is None else min(cap, quarters)
                totals[year] = (total, aligned, contributed, reputes)
            self._first_past_year, self._last_past_year = min(self.past), max(self.past)
        cached = totals.get(last_year)
        if cached is not None:
            return cached
        if not self.past or last_year < self._first_past_year:
            return (0, 0, 0, 0)
        # A year with nothing recorded holds the totals of the last year before it that has some.
        year = min(last_year, self._last_past_year)
        while year not in totals:
            year -= 1
        cached = totals[last_year] = totals[year]
        return cached

    def state(self, departure: date) -> _State:
        cached = self._states.get(departure)
        if cached is not None:
            return cached
        future, future_all, future_aligned, future_points, civil = self.projection.before(departure.year)
        if self.simulation_input.future:
            record = self.projection.year(departure.year, departure)
            if record is not None:
                future = {**future, departure.year: record}
                future_all += record.all
                future_aligned += record.aligned
                future_points += record.points
                civil += record.civil_service
        if self.summary:
            base_all = self.summary.quarters_all_regimes
            base_aligned = self.summary.quarters_regime_general
            base_contributed = self.summary.quarters_contributed
            reputes = 0
            civil += sum(self.summary.quarters_by_scheme.values())
        else:
            base_all, base_aligned, base_contributed, reputes = self.past_totals(departure.year - 1)
            current = self.past.get(departure.year)
            if current is not None and departure.month > 1:
                # Only the civil quarters already over count in the year of departure.
                kept = min(current.all, (departure.month - 1) // 3)
                base_all += kept
                base_aligned += min(current.aligned, kept)
                base_contributed += min(current.contributed, kept)
            if self.has_civil_service:
                civil += sum(record.civil_service for year, record in self.past.items() if year < departure.year)
                if current is not None:
                    civil += min(current.civil_service, (departure.month - 1) // 3)
        bought = self.simulation_input.bought_quarters
        bought_all = bought.quarters if bought else 0
        bought_aligned = bought_all if bought and bought.option is BuyBackOption.RATE_AND_DURATION else 0
        state = _State(
            all=base_all + future_all + self.children_quarters + bought_all,
            aligned=base_aligned + future_aligned + self.children_quarters + bought_aligned,
            contributed=base_contributed + future_all,
            reputes=reputes,
            children_quarters=self.children_quarters,
            years=future,
            future_points=future_points,
            civil_service=civil,
        )
        self._states[departure] = state
        return state

    # --- Ages and dates ---

    def legal_age_date(self, pension_date: date) -> tuple[Age, date, parameters.CohortRow[int]]:
        row = parameters.legal_age(self.birth, pension_date)
        age = Age(*row.value)
        return age, first_pension_date(age_reached_on(self.birth, age)), row

    def legal_earliest(self) -> tuple[Age, date, parameters.CohortRow[int]]:
        """The first date the legal age opens, the tables in force on that date deciding (1 September 2026). For the
        generations born before the 2023 reform's first cohort, the first tables' age is that of the law before
        (62), so their true legal date, before 1 September 2023, is kept (pension-rules §14.4)."""
        best = None
        switches = parameters.pension_regime_switch_dates()
        for index, switch in enumerate(switches):
            until = switches[index + 1] if index + 1 < len(switches) else None
            age, reached, row = self.legal_age_date(switch)
            candidate = reached if index == 0 else max(reached, switch)
            if until is not None and candidate >= until:
                continue
            if best is None or candidate < best[1]:
                best = (age, candidate, row)
        assert best is not None
        return best

    def civil_service_opening(self) -> date | None:
        """The first date the civil-service pension of a fonctionnaire of the catégorie active (or super-active) can
        start, when the input gives the block its pension needs and services in it; None otherwise, or for a
        sédentaire, whose age is the legal age."""
        profile = self.civil_service
        if profile is None or profile.category == civil_service.Category.SEDENTARY.value:
            return None
        if not self.schemes & CIVIL_SERVICE_SCHEMES:
            return None
        day = self.earliest_allowed
        # The age depends on the rules in force on the pension's date: read again on the date it gives, once.
        for _ in range(2):
            try:
                rule = civil_service.opening_age(
                    self.birth, civil_service.Category(profile.category), profile.active_years, day
                )
            except KeyError:
                return None
            day = max(self.earliest_allowed, first_pension_date(age_reached_on(self.birth, rule.age)))
        return day

    def required(self, departure: date) -> parameters.CohortRow[int]:
        return parameters.required_quarters(self.birth, max(departure, parameters.FIRST_SUPPORTED_PENSION_DATE))

    # --- Carrière longue ---

    def quarters_by_end_of(self, year: int) -> int:
        return sum(record.all for number, record in self.past.items() if number <= year)

    def long_career_at(self, departure: date) -> tuple[parameters.CohortRow[int] | None, str | None]:
        """The bracket that opens a carrière longue departure on this date, or None with the reason."""
        if self.summary:
            return None, "Le mode résumé ne dit pas quand les trimestres ont été validés."
        brackets = parameters.long_career_brackets(self.birth, departure)
        if not brackets:
            return None, "Votre génération n'a pas de départ anticipé pour carrière longue dans les règles simulées."
        start_needed = 4 if self.birth.month >= 10 else 5
        state = self.state(departure)
        required = self.required(departure).value[0]
        children_quarters_cap = (
            int(parameters.rule("long_career_mda_reputes_cotises", departure).value)
            if departure >= LFSS_2026_FROM
            else 0
        )
        counted = state.contributed + state.reputes + min(state.children_quarters, children_quarters_cap)
        reason = None
        for row in brackets:
            started_before, years, months = row.value
            opens = first_pension_date(age_reached_on(self.birth, Age(years, months)))
            if departure < opens:
                reason = reason or f"Avant {text.age(Age(years, months))}, aucun départ anticipé n'est possible."
                continue
            early = self.quarters_by_end_of(self.birth.year + started_before)
            if early < start_needed:
                reason = (
                    f"{text.quarters_as(early, 'validé')} avant la fin de l'année de vos {started_before} ans : il en "
                    f"faut {start_needed}."
                )
                continue
            if counted < required:
                reason = (
                    f"{counted} trimestres cotisés ou réputés cotisés au {text.day(departure)}, il en faut {required}."
                )
                continue
            return row, None
        return None, reason

    def long_career(self, legal_date: date) -> tuple[LongCareer, date | None]:
        if self.summary:
            return LongCareer(
                False,
                None,
                None,
                Explanation(
                    "Carrière longue : non évaluée en mode résumé.",
                    ("Il faut savoir combien de trimestres ont été validés avant 16, 18, 20 ou 21 ans.",),
                    ("CSS L351-1-1", "CSS D351-1-1"),
                ),
            ), None
        if self.earliest_allowed >= legal_date:
            return LongCareer(
                False,
                None,
                None,
                Explanation(
                    "Carrière longue : sans objet, vous avez déjà atteint l'âge légal.",
                    ("Le départ anticipé pour carrière longue permet de partir avant l'âge légal.",),
                    ("CSS L351-1-1", "CSS D351-1-1"),
                ),
            ), None
        start = first_pension_date(age_reached_on(self.birth, Age(58, 0)))
        candidate = max(start, self.earliest_allowed)
        last_reason = None
        while candidate < legal_date:
            row, reason = self.long_career_at(candidate)
            if row is not None:
                started_before, years, months = row.value
                state = self.state(candidate)
                explanation = Explanation(
                    f"Vous pouvez partir dès le {text.day(candidate)} au titre des carrières longues "
                    f"(début de carrière avant {started_before} ans).",
                    (
                        f"Au moins {4 if self.birth.month >= 10 else 5} trimestres validés avant la fin de l'année "
                        f"de vos {started_before} ans.",
                        f"Âge de départ pour ce cas : {text.age(Age(years, months))} ({row.source}).",
                        f"Trimestres cotisés : {state.contributed}, réputés cotisés retenus : {state.reputes}"
                        + (
                            f", trimestres liés aux enfants retenus : {min(state.children_quarters, 2)}"
                            if candidate >= LFSS_2026_FROM and state.children_quarters
                            else ""
                        )
                        + f" ; il en faut {self.required(candidate).value[0]}.",
                        "Le départ anticipé se fait au taux plein, sans décote.",
                    ),
                    ("CSS L351-1-1", "CSS D351-1-1", "CSS D351-1-2"),
                )
                return LongCareer(True, candidate, started_before, explanation), candidate
            last_reason = reason
            candidate = add_months(candidate, 1)
        return LongCareer(
            False,
            None,
            None,
            Explanation(
                "Vous ne remplissez pas les conditions d'un départ anticipé pour carrière longue.",
                tuple(filter(None, (last_reason,))),
                ("CSS L351-1-1", "CSS D351-1-1"),
            ),
        ), None

    # --- One departure ---

    def surcote_quarters(self, departure: date, legal_reached: date, required: int, state: _State) -> int:
        """Quarters cotisés after the legal age and beyond the required duration (D351-1-4): counted by civil quarter,
        from the one after the quarter in which the age is reached, four at most a year."""
        if departure <= legal_reached:
            return 0
        age_year, age_quarter = legal_reached.year, quarter_of(legal_reached)
        # Everything validated before the year of the legal age only moves the count towards the duration.
        if self.summary:
            cumulative = self.summary.quarters_all_regimes + state.children_quarters
        else:
            cumulative = state.children_quarters + self.past_totals(age_year - 1)[0]
        cumulative += sum(record.all for year, record in state.years.items() if year < age_year)
        count = 0
        last_year = _last_counted_year(departure)
        elapsed_in_departure_year = (departure.month - 1) // 3
        past = {} if self.summary else self.past
        future = state.years
        for year in range(age_year, last_year + 1):
            past_year_record = past.get(year)
            future_year_record = future.get(year)
            validated = contributed = 0
            if past_year_record is not None:
                validated, contributed = past_year_record.all, past_year_record.contributed
            if future_year_record is not None:
                validated += future_year_record.all
                contributed += future_year_record.contributed
            # The year's quarters in order: position p is beyond the duration once `cumulative + p - 1` reaches it;
            # it counts if cotisé (p ≤ contributed), after the quarter of the legal age, and already over in the
            # year of departure.
            first = max(1, required - cumulative + 1, age_quarter + 1 if year == age_year else 1)
            last = min(validated, contributed, elapsed_in_departure_year if year == departure.year else validated)
            if last >= first:
                count += last - first + 1
            cumulative += validated
        return count

    def departure(self, day: date, legal_reached: date, long_career_from: date | None) -> Departure:
        state = self.state(day)
        required_row = self.required(day)
        required = required_row.value[0]
        rules = _day_rules(day)
        full_rate_value = rules.full_rate
        is_long_career = long_career_from is not None and day >= long_career_from and day < self.legal_date
        by_age = day >= self.automatic_full_rate_date
        by_quarters = state.all >= required
        full = by_age or by_quarters or is_long_career
        missing_by_quarters = max(0, required - state.all)
        months_to_full_rate_age = max(0, months_between(day, self.automatic_full_rate_date))
        missing_by_age = -(-months_to_full_rate_age // 3)
        max_decote = rules.max_decote
        decote = 0 if full else min(missing_by_quarters, missing_by_age, max_decote)
        reduction = self.decote_row.value[0]
        rate = full_rate_value * (1 - reduction * decote)
        surcote = (
            self.surcote_quarters(day, legal_reached, required, state) if by_quarters and not is_long_career else 0
        )
        surcote_rate = rules.surcote
        proratisation_quarters = min(state.aligned, required)
        proratisation = Decimal(proratisation_quarters) / Decimal(required)
        if self.summary:
            sam, sam_explanation = self.summary.sam, reference_salary.given(self.summary.sam)
        else:
            sam, sam_explanation = self.reference_salary.at(day, state.years)
        raw = sam * rate * proratisation
        cap = pass_of(day.year) * rules.cap_in_pass
        capped = min(raw, cap)
        with_surcote = capped * (1 + surcote_rate * surcote)
        majoration = rules.children_majoration if self.child_count >= rules.children_needed else ZERO
        national = abroad.Computation("national", 0, full, decote, rate, with_surcote, ())
        agreements: tuple[abroad.Computation, ...] = ()
        best_rate = national
        if self.abroad_groups:
            french = abroad.FrenchFacts(
                quarters=state.all,
                aligned=state.aligned,
                required=required,
                full=full,
                missing_by_age=missing_by_age,
                full_rate=full_rate_value,
                max_decote=max_decote,
                decote_reduction=reduction,
            )
            agreements = tuple(
                abroad.computation(
                    group,
                    abroad.foreign_quarters(group, day, self.past),
                    french,
                    sam,
                    cap,
                    1 + surcote_rate * surcote,
                )
                for group in self.abroad_groups
            )
            # Periods abroad count for the taux, hence for Agirc-Arrco's coefficient d'anticipation (§17.4).
            best_rate = min((national, *agreements), key=lambda computation: (not computation.full, computation.decote))
        points = (self.summary.agirc_arrco_points if self.summary else ZERO) + self.past_points(_last_counted_year(day))
        points += state.future_points
        service_value = rules.service_value
        anticipation = complementary_rules.anticipation(
            best_rate.full, missing_by_age, max(0, required - state.all - best_rate.foreign_quarters)
        )
        complementary = (points * service_value.value * anticipation.coefficient).quantize(CENT, ROUND_HALF_UP)
        # Kept in the schema for its clients: since the coefficients d'anticipation are computed, never a maximum.
        upper_bound = False
        public: list[Pension] = []
        if self.has_public_pensions:
            public = public_sector.public_pensions(
                day,
                self.birth,
                self.child_count,
                self.civil_service,
                public_sector.FrenchQuarters(state.all, state.civil_service, state.years),
                self.points_of,
                decote,
            )
        # The ceiling of the minimum contributif weighs every pension (CSS L351-10): Agirc-Arrco and the public ones.
        other_pensions = complementary
        for pension in public:
            if pension.computed and pension.annual_gross:
                other_pensions += pension.annual_gross
        minimum_contributif_applied, before_majoration, minimum_contributif_explanation = minimum_contributif.apply(
            day, full, with_surcote, state.aligned, state.contributed, required, other_pensions
        )
        paid = national
        best = before_majoration if self.national_allowed else None
        for computation in agreements:
            if best is None or computation.amount > best:
                paid, best = computation, computation.amount
        if paid is not national:
            # The computation under an agreement is higher than the national one, minimum contributif included (the
            # minimum of a prorated pension is not computed here: a limit says so).
            before_majoration, minimum_contributif_applied = paid.amount, False
            full, decote, rate = paid.full, paid.decote, paid.rate
        # The majoration for three children comes last: 10 % of the pension as raised to the minimum contributif or
        # cut to the maximum, which it may exceed (CSS L351-12; service-public F19643; pension-rules §14.2).
        base = (before_majoration * (1 + majoration)).quantize(CENT, ROUND_HALF_UP)
        base_monthly = (base / 12).quantize(CENT, ROUND_HALF_UP)
        complementary_monthly = (complementary / 12).quantize(CENT, ROUND_HALF_UP)
        age = age_at(self.birth, day)
        rate_percent = _percent(rate)
        not_before = None
        if self.early_from is not None and day < self.legal_date and not is_long_career:
            # A catégorie active departure before the legal age: only the civil-service pension starts (CPCM L24 I
            # 1°); the aligned schemes', Agirc-Arrco's, the RAFP's (décret 2004-569 art. 5) and Ircantec's wait for
            # the legal age. The departure's rate is that of the pension paid.
            not_before = self.legal_date
            public = [
                _not_before(pension.scheme, pension.kind, not_before)
                if pension.scheme in ("RAFP", "IRCANTEC")
                else pension
                for pension in public
            ]
            paid_public = next(
                (pension for pension in public if pension.scheme in CIVIL_SERVICE_SCHEMES and pension.computed), None
            )
            if paid_public is not None:
                rate_percent = paid_public.rate or ZERO
                decote, surcote = paid_public.decote_quarters or 0, paid_public.surcote_quarters or 0
                full = not decote
            base = base_monthly = complementary = complementary_monthly = ZERO
            minimum_contributif_applied = False

        # The computed pensions: the aligned schemes' and Agirc-Arrco's, then those of the public sector.
        total = base_monthly + complementary_monthly
        net = base_monthly * (1 - rules.base_deductions) + complementary_monthly * (1 - rules.complementary_deductions)
        for pension in public:
            if pension.computed and pension.monthly_gross is not None:
                total += pension.monthly_gross
                deductions = (
                    rules.base_deductions if pension.kind is PensionKind.BASE else rules.complementary_deductions
                )
                net += pension.monthly_gross * (1 - deductions)
        net = net.quantize(CENT, ROUND_HALF_UP)
        facts = departure_explanations.Facts(
            day=day,
            quarters_all=state.all,
            quarters_aligned=state.aligned,
            quarters_contributed=state.contributed,
            children_quarters=state.children_quarters,
            projected=state.years,
            required_row=required_row,
            required=required,
            full=full,
            by_quarters=by_quarters,
            is_long_career=is_long_career,
            decote=decote,
            missing_by_quarters=missing_by_quarters,
            missing_by_age=missing_by_age,
            months_to_full_rate_age=months_to_full_rate_age,
            rate=rate,
            reduction=reduction,
            full_rate_value=full_rate_value,
            surcote=surcote,
            surcote_rate=surcote_rate,
            sam=sam,
            sam_explanation=sam_explanation,
            proratisation_quarters=proratisation_quarters,
            raw=raw,
            cap=cap,
            capped=capped,
            majoration=majoration,
            base=base,
            minimum_contributif_applied=minimum_contributif_applied,
            minimum_contributif_explanation=minimum_contributif_explanation,
            national=national,
            agreements=agreements,
            paid=paid,
            before_majoration=before_majoration,
            points=points,
            service_value=service_value,
            anticipation=anticipation,
            complementary=complementary,
            net=net,
            not_before=not_before,
        )
        explanation = LazyExplanations(departure_explanations.build, self.explained_career, facts)
        pensions = []
        if not_before is not None:
            if self.has_aligned:
                pensions.append(_not_before(self.aligned_payer, PensionKind.BASE, not_before, self.aligned_schemes))
            if points:
                pensions.append(_not_before("AGIRC_ARRCO", PensionKind.COMPLEMENTARY, not_before))
        elif self.has_aligned:
            pensions.append(
                Pension(
                    scheme=self.aligned_payer,
                    kind=PensionKind.BASE,
                    computed=True,
                    rate=rate_percent,
                    decote_quarters=decote,
                    surcote_quarters=surcote,
                    annual_gross=base,
                    monthly_gross=base_monthly,
                    explanation=Explanation.later(_explanation_of, explanation, "base"),
                    merged=self.aligned_schemes,
                )
            )
        if points and not_before is None:
            pensions.append(
                Pension(
                    scheme="AGIRC_ARRCO",
                    kind=PensionKind.COMPLEMENTARY,
                    computed=True,
                    rate=None,
                    decote_quarters=None,
                    surcote_quarters=None,
                    annual_gross=complementary,
                    monthly_gross=complementary_monthly,
                    explanation=Explanation.later(_explanation_of, explanation, "complementary"),
                )
            )
        pensions.extend(public)
        return Departure(
            date=day,
            age=age,
            quarters_all_regimes=state.all,
            quarters_regime_general=state.aligned,
            quarters_contributed=state.contributed,
            required_quarters=required,
            full_rate=full,
            long_career=is_long_career,
            decote_quarters=decote,
            surcote_quarters=surcote,
            rate=rate_percent,
            proratisation=proratisation,
            sam=sam,
            minimum_contributif=minimum_contributif_applied,
            base_annual_gross=base,
            base_monthly_gross=base_monthly,
            agirc_arrco_points=points,
            complementary_annual_gross=complementary,
            complementary_monthly_gross=complementary_monthly,
            complementary_upper_bound=upper_bound,
            total_monthly_gross=total,
            total_monthly_net=net,
            pensions=(*pensions, *self.other_pensions),
            explanation=explanation,
        )

    # --- The whole result ---

    def run(self) -> SimulationResult:
        simulation_input = self.simulation_input
        legal_age, legal_date, legal_row = self.legal_earliest()
        self.legal_date = legal_date
        legal_reached = age_reached_on(self.birth, legal_age)
        long_career, long_career_from = self.long_career(legal_date)
        earliest = max(self.earliest_allowed, long_career_from or legal_date)
        # A fonctionnaire of the catégorie active may leave the fonction publique before the legal age, with that
        # pension alone (CPCM L24 I 1°): the others wait for theirs (pension-rules §16.2).
        opening = self.civil_service_opening()
        self.early_from = opening if opening is not None and opening < earliest else None
        if self.early_from is not None:
            earliest = self.early_from
        if simulation_input.pension_date is not None and simulation_input.pension_date < earliest:
            raise SimulationError(
                f"Le {text.day(simulation_input.pension_date)} est avant votre premier départ possible, "
                f"le {text.day(earliest)}.",
                "pension_date",
            )
        for compared in simulation_input.compare_dates:
            if compared < earliest:
                raise SimulationError(
                    f"Le {text.day(compared)} est avant votre premier départ possible, le {text.day(earliest)}.",
                    f"compare_dates[{simulation_input.compare_dates.index(compared)}]",
                )
        candidates = {earliest, max(earliest, legal_date), max(earliest, self.automatic_full_rate_date)}
        cursor = date(earliest.year, 3 * ((earliest.month - 1) // 3) + 1, 1)
        while cursor < self.automatic_full_rate_date:
            if cursor > earliest:
                candidates.add(cursor)
            cursor = add_months(cursor, 3)
        full_by_quarters = self.first_full_rate_by_quarters(max(earliest, legal_date))
        if full_by_quarters is not None:
            candidates.add(full_by_quarters)
        if simulation_input.pension_date is not None:
            candidates.add(simulation_input.pension_date)
        candidates.update(simulation_input.compare_dates)
        departures = tuple(
            self.departure(day, legal_reached, long_career_from)
            for day in sorted(candidates)
            if day >= legal_date
            or (long_career_from is not None and day >= long_career_from)
            or (self.early_from is not None and day >= self.early_from)
        )
        reference = simulation_input.pension_date or max(candidates)
        required_row = self.required(legal_date)
        result = SimulationResult(
            rules_version=parameters.RULES_VERSION,
            birth_date=self.birth,
            as_of=simulation_input.as_of,
            legal_age=legal_age,
            legal_age_date=legal_date,
            earliest_date=earliest,
            required_quarters=required_row.value[0],
            automatic_full_rate_age=self.automatic_full_rate_age,
            automatic_full_rate_date=self.automatic_full_rate_date,
            quarters_by_year=self.quarters_by_year(reference),
            long_career=long_career,
            departures=departures,
            explanation={
                "legal_age": Explanation(
                    (
                        f"Âge légal de votre génération : {text.age(legal_age)}, atteint le {text.day(legal_reached)} "
                        f"(une retraite pouvait commencer dès le {text.day(legal_date)}). Vous avez passé cet âge : "
                        f"demandée maintenant, votre retraite peut commencer le {text.day(self.earliest_allowed)}."
                        if self.earliest_allowed > legal_date
                        else f"Âge légal de votre génération : {text.age(legal_age)}, atteint le "
                        f"{text.day(legal_reached)} ; première date de départ : le {text.day(legal_date)}."
                    ),
                    (
                        "Une retraite commence le 1er jour d'un mois, jamais avant l'âge légal : le 1er du mois "
                        "qui suit votre anniversaire, ou le jour même si vous êtes né un 1er.",
                        "Elle se demande à l'avance et ne prend pas effet avant sa demande : au plus tôt le 1er du "
                        "mois qui suit.",
                        "Depuis la LFSS pour 2026, l'âge légal des générations 1964 à 1968 est abaissé, pour les "
                        "retraites qui prennent effet à partir du 1er septembre 2026.",
                        f"Source : {legal_row.source}.",
                    ),
                    ("CSS L161-17-2", "CSS L351-1", "loi 2025-1403, art. 105"),
                ),
                "required_quarters": Explanation(
                    f"Durée requise pour le taux plein : {required_row.value[0]} trimestres.",
                    (f"Source : {required_row.source}.",),
                    ("CSS L161-17-3",),
                ),
                "automatic_full_rate": Explanation(
                    f"Taux plein automatique à {text.age(self.automatic_full_rate_age)}, "
                    f"le {text.day(self.automatic_full_rate_date)}, quel que soit le nombre de trimestres.",
                    (f"Source : {self.automatic_full_rate_row.source}.",),
                    ("CSS L351-8 1°",),
                ),
            },
            limits=self.limits(),
            mode="summary" if self.summary else "career",
        )
        return result

    def first_full_rate_by_quarters(self, start: date) -> date | None:
        candidate = start
        while candidate < self.automatic_full_rate_date:
            if self.state(candidate).all >= self.required(candidate).value[0]:
                return candidate
            candidate = add_months(candidate, 1)
        return None

    def quarters_by_year(self, reference: date) -> tuple[YearQuarters, ...]:
        future = self.state(reference).years
        rows = []
        for year in sorted(set(self.past) | set(future)):
            past = self.past.get(year)
            projected = future.get(year)
            quarters = aligned = contributed = 0
            points = ZERO
            for record in filter(None, (past, projected)):
                quarters += record.all
                aligned += record.aligned
                contributed += record.contributed
                points += record.points
            rows.append(
                YearQuarters(
                    year=year,
                    quarters=quarters,
                    quarters_regime_general=aligned,
                    quarters_contributed=contributed,
                    agirc_arrco_points=points,
                    projected=past is None,
                    explanation=Explanation.later(self.year_explanation, year, quarters, reference),
                )
            )
        return tuple(rows)

    def year_explanation(self, year: int, quarters: int, reference: date) -> Explanation:
        steps: list[str] = []
        past = self.past.get(year)
        if past is not None:
            steps.extend(past_year(year, past.entries, explain=True).steps)
        explained = self._explained_future.get(reference)
        if explained is None:
            explained = self._explained_future[reference] = self.projection.years(reference, explain=True)
        projected = explained.get(year)
        if projected is not None:
            steps.extend(projected.steps)
        return Explanation(
            f"{year} : {text.quarters(quarters)}" + (" (prévision)" if past is None else "") + ".",
            tuple(steps),
            ("CSS R351-9", "CSS R351-12"),
        )

    def limits(self) -> tuple[str, ...]:
        """What the result leaves out, said to the assuré: what is not counted, in which direction it moves the
        figures, and what to do about it. Same texts in the page, the JSON API and the CLI (`limits`)."""
        limits = [
            "Vos revenus à venir et les montants de votre retraite sont en euros de 2026 : ils ne tiennent pas "
            "compte des hausses futures des salaires, du plafond de la Sécurité sociale ni de la valeur du point "
            "Agirc-Arrco. Lisez-les comme un pouvoir d'achat d'aujourd'hui.",
            "Vos salaires passés sont revalorisés avec les coefficients officiels jusqu'en 2023, puis avec les "
            "hausses des retraites de 2024 à 2026 : le salaire annuel moyen que calculera votre caisse peut différer "
            "légèrement (moins de 1 %). Le montant exact figurera sur la notification de votre retraite.",
            "Si vous partez avant d'avoir le taux plein, l'Agirc-Arrco réduit définitivement votre retraite "
            "complémentaire par un coefficient d'anticipation. Il est calculé ici avec les coefficients publiés par "
            "l'Institut des politiques publiques, que l'Agirc-Arrco ne publie pas sous cette forme : confirmez le "
            "montant avec le simulateur de l'Agirc-Arrco (agirc-arrco.fr).",
            "La loi de financement de la Sécurité sociale pour 2026 prévoit de calculer le salaire annuel moyen des "
            "mères sur leurs 24 meilleures années avec un enfant, 23 avec deux enfants ou plus, au lieu de 25. La "
            "simulation garde 25 années, en attendant les textes d'application : si vous êtes concernée, votre "
            "retraite de base pourrait être un peu plus élevée. Votre caisse appliquera la règle en vigueur à votre "
            "demande de retraite.",
            "Le site service-public.fr indique un départ un an plus tôt pour les parents nés à partir du 1er avril "
            "1965 qui ont au moins un trimestre de majoration pour enfant. La simulation retient l'âge légal "
            "habituel : si vous êtes dans ce cas, demandez à votre caisse de confirmer votre âge de départ avant de "
            "décider.",
            "Ne sont pas calculées ici les retraites des exploitants agricoles (MSA) et des pays étrangers (elles "
            "sont listées avec ce qu'il faut faire), ni la surcote parentale, la majoration Agirc-Arrco pour enfants "
            "et les départs anticipés pour handicap, inaptitude ou incapacité permanente. La pension de la fonction "
            "publique est calculée quand l'indice majoré est connu. Si l'un de ces cas vous concerne, votre retraite "
            "totale sera différente : le simulateur de tous vos régimes sur info-retraite.fr ou votre caisse vous "
            "renseignera.",
        ]
        if any(record.points_missing for record in self.past.values()):
            limits.append(
                "Votre relevé ne donne pas vos points Agirc-Arrco de certaines années avant 2019 : ils ne sont pas "
                "comptés, et votre retraite complémentaire est donc sous-estimée. Consultez votre relevé de points "
                "sur agirc-arrco.fr et, s'il en manque, signalez-le à l'Agirc-Arrco."
            )
        if any(year < OLDEST_REVALUATION_YEAR and record.sam_year for year, record in self.past.items()):
            limits.append(
                "Vos salaires d'avant 1972 sont revalorisés avec les coefficients fixés depuis 1972 seulement : les "
                "revalorisations plus anciennes ne sont pas dans les tables du simulateur. Ces années comptent "
                "rarement parmi les 25 meilleures ; si c'est le cas pour vous, votre salaire annuel moyen est un peu "
                "sous-estimé."
            )
        if self.birth.year < LURA_FIRST_GENERATION and len(self.aligned_schemes) > 1:
            limits.append(
                "Né avant 1953, vous ne relevez pas de la liquidation unique des régimes alignés : chacun de ces "
                "régimes (salariés, indépendants, salariés agricoles) calcule sa propre retraite. La simulation les "
                "calcule ensemble, comme une seule : votre caisse fera un calcul par régime."
            )
        if self.abroad_groups:
            limits.append(
                "Vos périodes à l'étranger sont comptées selon l'accord de chaque pays, avec les trimestres que le "
                "régime étranger a validés. Quand le calcul selon un accord l'emporte, le minimum contributif d'une "
                "retraite ainsi proratisée n'est pas calculé. Votre caisse fera le calcul définitif avec les périodes "
                "que le pays étranger lui confirmera."
            )
        if self.civil_service is not None:
            limits.append(
                "La pension de la fonction publique est calculée sur l'indice majoré indiqué, supposé inchangé "
                "jusqu'au départ, et sur la valeur du point d'indice de 2026. Les âges et durées des catégories "
                "active et super-active après la LFSS 2026 sont en partie déduits (voir le détail du calcul) : "
                "l'Ensap ou la CNRACL vous les confirmeront. Des services à la fois à l'État (SRE) et dans les "
                "fonctions publiques territoriale ou hospitalière (CNRACL) sont comptés ici dans une seule pension, "
                "celle du régime indiqué : l'Ensap ou la CNRACL vous diront quel régime verse votre pension et sur "
                "quels services."
            )
        if self.birth.year in (1969, 1970):
            limits.append(
                "Pour les personnes nées en 1969 et 1970, un ajustement des âges de départ pour carrière longue a été "
                "annoncé mais n'est pas encore publié : la simulation applique les âges fixés en 2023. Vérifiez votre "
                "date de départ avec votre caisse avant de décider."
            )
        return tuple(limits)


def _not_before(scheme: str, kind: PensionKind, day: date, merged: tuple[str, ...] = ()) -> Pension:
    """A pension that cannot start yet at a catégorie active departure: from the legal age only."""
    return Pension(
        scheme=scheme,
        kind=kind,
        computed=False,
        rate=None,
        decote_quarters=None,
        surcote_quarters=None,
        annual_gross=None,
        monthly_gross=None,
        explanation=Explanation(
            f"{pension_label(scheme, merged)}, pas avant le {text.day(day)}, l'âge légal.",
            (f"Son montant : celui du départ du {text.day(day)}, plus bas dans le tableau.",),
            ("CSS L161-17-2", "CPCM L24 I 1°", "décret 2004-569 art. 5"),
        ),
        merged=merged,
        not_before=day,
    )


def _explanation_of(explanations: Mapping[str, Explanation], name: str) -> Explanation:
    return explanations[name]


def _percent(fraction: Decimal) -> Decimal:
    """50 for 0.5 (not 5E+1), 43.125 for 0.43125: the rate as people read it."""
    value = (fraction * 100).normalize()
    return value.quantize(ONE) if value == value.to_integral_value() else value


def _last_counted_year(departure: date) -> int:
    """The last recorded year whose rights count for a departure: the year before, or the year itself from February
    (its quarters already validated)."""
    return departure.year if departure.month > 1 else departure.year - 1


def simulate(simulation_input: SimulationInput) -> SimulationResult:
    """Simulate every departure option from the earliest possible date to the automatic full rate.

    Raises SimulationError (with a French message) when a requested date is before the first possible departure.
    """
    return _Simulation(simulation_input).run()
