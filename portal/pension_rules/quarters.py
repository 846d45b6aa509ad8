"""Quarters year by year: what a recorded year of the career validates (CSS R351-9, R351-12), capped at four a year
for every base scheme together, with the salary it brings to the SAM and its Agirc-Arrco points."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from portal.pension_rules import countries, parameters, text
from portal.pension_rules.dates import months_between
from portal.pension_rules.model import CONTRIBUTED_KINDS, EARNINGS_KINDS, KIND_LABELS, CareerEntry, Kind
from portal.pension_rules.schemes import CIVIL_SERVICE_SCHEMES, COMPLEMENTARY, FOREIGN, REGIME_GENERAL, REGIME_LABELS

# Agirc-Arrco points are computed from salaries only where the unified scheme's rules apply (from 2019); before, the
# relevé's own points are needed (several funds, other rates).
AGIRC_ARRCO_FROM = 2019
LAST_PARAMETER_YEAR = 2026
ZERO = Decimal(0)
CENT = Decimal("0.01")
QUARTERS_PER_YEAR = parameters.MAX_QUARTERS_PER_YEAR


@dataclass(slots=True)
class YearRecord:
    """One calendar year of rights, after the cap of four quarters."""

    year: int
    # Quarters retained: of every base scheme, of the régime général and the aligned schemes, cotisés.
    all: int = 0
    aligned: int = 0
    contributed: int = 0
    # Assimilated quarters retained, by kind: the carrière longue counts some of them, within caps.
    assimilated: dict[str, int] = field(default_factory=dict)
    # Salaries and incomes of the régime général and the aligned schemes (SAM), and whether the year validated a
    # quarter there.
    aligned_earnings: Decimal = ZERO
    sam_year: bool = False
    points: Decimal = ZERO
    points_missing: bool = False
    # Projected years: the earnings counted for the SAM, capped at the PASS.
    sam_capped: Decimal = ZERO
    steps: list[str] = field(default_factory=list)
    entries: tuple[CareerEntry, ...] = ()
    projected: bool = False
    # Quarters validated abroad, by country code ("" when the country is not given).
    abroad: dict[str, int] = field(default_factory=dict)
    # Quarters of services in the fonction publique (SRE, CNRACL) among those retained; projected years: the months
    # of services to come.
    civil_service: int = 0
    civil_service_months: int = 0


def cap_quarters(sources: list[tuple[int, bool, bool, str]]) -> tuple[int, int, int, dict[str, int], int]:
    """Retain at most four quarters in a year, cotisés first then régime général first (the most useful for the
    carrière longue, the surcote and the proratisation). sources: (quarters, contributed, regime_general, kind)."""
    if len(sources) == 1:
        # Most years have one source: nothing to order or share.
        quarters, is_contributed, is_aligned, kind = sources[0]
        kept = max(0, min(quarters, QUARTERS_PER_YEAR))
        return (
            kept,
            kept if is_aligned else 0,
            kept if is_contributed else 0,
            {kind: kept} if kept and not is_contributed else {},
            quarters,
        )
    room = QUARTERS_PER_YEAR
    total = aligned = contributed = 0
    assimilated: dict[str, int] = {}
    offered = sum(source[0] for source in sources)
    for quarters, is_contributed, is_aligned, kind in sorted(sources, key=_retained_first):
        kept = min(quarters, room)
        if kept <= 0:
            continue
        room -= kept
        total += kept
        if is_aligned:
            aligned += kept
        if is_contributed:
            contributed += kept
        else:
            assimilated[kind] = assimilated.get(kind, 0) + kept
    return total, aligned, contributed, assimilated, offered


def _retained_first(source: tuple[int, bool, bool, str]) -> tuple[bool, bool]:
    return not source[1], not source[2]


# A simulation reads the threshold, the PASS and the Agirc-Arrco values of a year many times over: each is read from
# its table once per year number (the tables never change while the process runs).
@cache
def threshold_of(year: int) -> Decimal:
    return parameters.quarter_threshold(min(year, LAST_PARAMETER_YEAR))


@cache
def pass_of(year: int) -> Decimal:
    return parameters.pass_annual(min(year, LAST_PARAMETER_YEAR))


@cache
def _agirc_arrco_year(year: int) -> tuple[date, Decimal, Decimal, Decimal, Decimal, Decimal]:
    """The values that buy a year's points: (day read, PASS, top of tranche 2, rate 1, rate 2, purchase value)."""
    day = date(min(year, LAST_PARAMETER_YEAR), 1, 1)
    series = parameters.agirc_arrco()
    ceiling = pass_of(year)
    return (
        day,
        ceiling,
        ceiling * parameters.value_on(series["t2_ceiling_in_pass"], day).value,
        parameters.value_on(series["rate_t1"], day).value,
        parameters.value_on(series["rate_t2"], day).value,
        parameters.value_on(series["purchase_value"], day).value,
    )


def agirc_arrco_points(year: int, salary: Decimal, explain: bool = True) -> tuple[Decimal, str]:
    """Points bought by a year's salary: (tranche 1 × 6,20 % + tranche 2 × 17 %) / valeur d'achat (ANI 2017)."""
    if year < AGIRC_ARRCO_FROM:
        return ZERO, "Agirc-Arrco : avant 2019, les points ne peuvent pas être déduits du salaire."
    day, ceiling, t2_top, rate_1, rate_2, purchase = _agirc_arrco_year(year)
    tranche_1 = min(salary, ceiling)
    tranche_2 = max(ZERO, min(salary, t2_top) - ceiling)
    points = ((tranche_1 * rate_1 + tranche_2 * rate_2) / purchase).quantize(CENT, ROUND_HALF_UP)
    if not explain:
        return points, ""
    step = (
        f"Agirc-Arrco : ({text.euros(tranche_1)} × {text.percent(rate_1)}"
        + (f" + {text.euros(tranche_2)} × {text.percent(rate_2)}" if tranche_2 else "")
        + f") ÷ {text.number(purchase, 4)} € (valeur d'achat {day.year}) = {text.number(points)} points."
    )
    return points, step


def past_years(career: Iterable[CareerEntry]) -> dict[int, YearRecord]:
    """The recorded career, year by year: quarters by R351-9 and R351-12, capped at four, the SAM salary, points.
    The French steps of a year are written only when its explanation is read (`past_year(..., explain=True)`)."""
    by_year: dict[int, list[CareerEntry]] = {}
    for entry in career:
        by_year.setdefault(entry.year, []).append(entry)
    return {year: past_year(year, tuple(by_year[year]), explain=False) for year in sorted(by_year)}


def past_year(year_number: int, entries: tuple[CareerEntry, ...], explain: bool) -> YearRecord:
    per_quarter_days = parameters.days_per_quarter()
    record = YearRecord(year_number)
    record.entries = entries
    sources: list[tuple[int, bool, bool, str]] = []
    # Earnings validate quarters per scheme and year, pooled (R351-9): two jobs in one year add up.
    pooled: dict[tuple[str, Kind], Decimal] = {}
    pooled_days: dict[tuple[str, Kind], int] = {}
    pooled_schemes: dict[tuple[str, Kind], list[tuple[str, Kind]]] = {}
    civil_offered = 0
    agirc_points = ZERO
    has_agirc_entry = False
    aligned_salaries = ZERO
    for entry in entries:
        if entry.regime in COMPLEMENTARY:
            if entry.regime == "AGIRC_ARRCO" and entry.points is not None:
                has_agirc_entry = True
                agirc_points += entry.points
                if explain:
                    record.steps.append(f"Agirc-Arrco : {text.number(entry.points)} points inscrits à votre relevé.")
            continue
        if entry.kind is Kind.ABROAD or entry.regime in FOREIGN:
            code = entry.country or ""
            record.abroad[code] = record.abroad.get(code, 0) + (entry.quarters or 0)
            if explain:
                place = countries.country(entry.country).name if entry.country else "pays non indiqué"
                record.steps.append(
                    f"Activité à l'étranger ({place}) : {text.quarters_as(entry.quarters or 0, 'validé')} par le "
                    "régime du pays. Elle ne donne pas de trimestres dans les régimes français ; selon le pays, un "
                    "accord la retient pour le taux (voir « Périodes à l'étranger »), et l'organisme étranger verse "
                    "sa propre retraite."
                )
            continue
        is_aligned = entry.regime in REGIME_GENERAL
        contributed = entry.kind in CONTRIBUTED_KINDS
        if entry.regime in CIVIL_SERVICE_SCHEMES:
            civil_offered += entry.quarters or 0
        if is_aligned and entry.kind in EARNINGS_KINDS and entry.earnings:
            record.aligned_earnings += entry.earnings
            if entry.kind is Kind.SALARIED:
                aligned_salaries += entry.earnings
        if entry.quarters is not None:
            sources.append((entry.quarters, contributed, is_aligned, entry.kind.value))
            if explain:
                record.steps.append(
                    f"{KIND_LABELS[entry.kind].capitalize()} ({REGIME_LABELS[entry.regime]}) : "
                    f"{text.quarters_as(entry.quarters, 'inscrit')} à votre relevé."
                )
            if is_aligned and entry.kind in EARNINGS_KINDS and entry.quarters:
                record.sam_year = True
        elif entry.kind in EARNINGS_KINDS:
            # Liquidation unique (CSS L173-1-2 I, R173-4-4-1 2°; pension-rules §15): the salaries and incomes of the
            # aligned schemes of one year add up before they are divided by the threshold.
            if is_aligned and contributed:
                key = (parameters.GENERAL_SCHEME, Kind.SALARIED)
                if explain:
                    pooled_schemes.setdefault(key, []).append((entry.regime, entry.kind))
            else:
                key = (entry.regime, entry.kind)
            pooled[key] = pooled.get(key, ZERO) + (entry.earnings or ZERO)
        elif entry.days is not None:
            # Days of one kind add up over the year before they are divided (R351-12: "par 50 jours").
            key = (entry.regime, entry.kind)
            pooled_days[key] = pooled_days.get(key, 0) + entry.days
        else:
            if explain:
                record.steps.append(
                    f"{KIND_LABELS[entry.kind].capitalize()} ({REGIME_LABELS[entry.regime]}) : ni trimestres ni "
                    "jours indiqués, aucun trimestre compté."
                )
    for (regime, kind), days in pooled_days.items():
        per = per_quarter_days[kind.value]
        quarters = min(QUARTERS_PER_YEAR, days // per)
        sources.append((quarters, False, regime in REGIME_GENERAL, kind.value))
        if explain:
            record.steps.append(
                f"{KIND_LABELS[kind].capitalize()} : {days} jours, soit {text.quarters(quarters)} "
                f"(un trimestre par {per} jours, CSS R351-12)."
            )
    for (regime, kind), earnings in pooled.items():
        threshold = threshold_of(year_number)
        quarters = min(QUARTERS_PER_YEAR, int(earnings // threshold))
        is_aligned = regime in REGIME_GENERAL
        sources.append((quarters, kind in CONTRIBUTED_KINDS, is_aligned, kind.value))
        if is_aligned and quarters:
            record.sam_year = True
        if explain:
            threshold_row = parameters.quarter_thresholds()[min(year_number, LAST_PARAMETER_YEAR)]
            sources_of_pool = list(dict.fromkeys(pooled_schemes.get((regime, kind), [(regime, kind)])))
            label = " et ".join(f"{KIND_LABELS[k]} ({REGIME_LABELS[r]})" for r, k in sources_of_pool)
            record.steps.append(
                f"{label[0].upper()}{label[1:]} : {text.euros(earnings)} bruts"
                + (
                    ", additionnés (liquidation unique des régimes alignés, CSS L173-1-2)"
                    if len(sources_of_pool) > 1
                    else ""
                )
                + ". "
                f"Un trimestre est validé par tranche de {text.euros(threshold)} ({threshold_row.hours} heures de "
                f"SMIC à {text.euros(threshold_row.smic_hourly)} au 1er janvier {threshold_row.year}), soit "
                f"{text.quarters(int(earnings // threshold))}"
                + (" (plafonnés à 4)." if earnings // threshold > QUARTERS_PER_YEAR else ".")
            )
    record.all, record.aligned, record.contributed, record.assimilated, offered = cap_quarters(sources)
    if civil_offered:
        # The quarters of the other base schemes are retained after those of the régime général (cap_quarters).
        record.civil_service = min(civil_offered, record.all - record.aligned)
    if offered > QUARTERS_PER_YEAR:
        if explain:
            record.steps.append(
                f"Au total {offered} trimestres sont possibles, mais une année civile en valide au plus 4, tous "
                "régimes de base confondus (CSS R351-9)."
            )
    if has_agirc_entry:
        record.points = agirc_points
    elif aligned_salaries and year_number >= AGIRC_ARRCO_FROM:
        record.points, step = agirc_arrco_points(year_number, aligned_salaries, explain)
        if explain:
            record.steps.append(step + " (calculés : le relevé n'en porte pas)")
    elif aligned_salaries:
        record.points_missing = True
        if explain:
            record.steps.append(
                "Agirc-Arrco : aucun point inscrit pour cette année ; avant 2019 ils ne peuvent pas être déduits "
                "du salaire. Ajoutez ceux de votre relevé Agirc-Arrco."
            )
    return record


def months_in(year: int, start: date, end_exclusive: date) -> int:
    """Months of `year` between start (a first of month in practice) and end_exclusive."""
    first = max(start, date(year, 1, 1))
    last = min(end_exclusive, date(year + 1, 1, 1))
    if last <= first:
        return 0
    months = months_between(first, last)
    # A segment starting mid-month counts from the next month: earnings are annual amounts shared by month.
    if first.day != 1:
        months -= 1
    if last.day != 1:
        months += 1
    return max(0, months)
