"""« À vérifier »: what deserves a look in a career, explained to the person, with a pre-filled signalement.

Pure functions over a CareerView: no database, no request. Each check looks for one pattern that often means a
missing or wrong record and returns Findings that say, in plain French, what was seen and what to do about it.
A finding is a question, not an error: many have an ordinary explanation, which the text gives too.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from portal.careers.models import PeriodNature, PeriodVersion, RegimeKind
from portal.careers.queries import CareerView
from portal.formatting import format_date, format_euros, plural
from portal.pension_rules import countries
from portal.pension_rules.parameters import (
    GENERAL_SCHEME,
    MAX_QUARTERS_PER_YEAR,
    SELF_EMPLOYED_IN_GENERAL_SCHEME_FROM,
    SELF_EMPLOYED_SCHEME,
    quarter_thresholds,
    revaluation_coefficients,
    salary_revaluations,
)

WOMAN = "2"  # first digit of the NIR
MAN = "1"

# A hole in the record longer than this many days, inside a year or across a year end, is worth a look.
GAP_DAYS = 90
# After a job, another period (work, unemployment, sickness…) is expected within this many days.
FOLLOW_UP_DAYS = 60
# Earnings of a full year with one employer: less than half, or more than double, the year before is atypical,
# once the year before is revalued into the euros of the year compared (see _revaluation_factor).
EARNINGS_RATIO = 2
# Loi 97-1019 du 28 octobre 1997: the call-up (appel sous les drapeaux) is suspended for men born after
# 31 December 1978; those born before remained subject to the service national of the former code.
NATIONAL_SERVICE_LAST_BIRTH_YEAR = 1978
# Incorporation from 18; deferments (reports d'incorporation) could push it to 26 at the latest.
NATIONAL_SERVICE_FROM_AGE = 18
NATIONAL_SERVICE_UNTIL_AGE = 27

JOB_NATURES = frozenset({PeriodNature.SALARIED, PeriodNature.APPRENTICESHIP})
WORK_NATURES = JOB_NATURES | {PeriodNature.SELF_EMPLOYED}
# Periods whose earnings count towards the quarter threshold (CSS R351-9), the AVPF base included.
EARNINGS_NATURES = WORK_NATURES | {PeriodNature.AVPF}
# Periods that say where the person was: base schemes and work abroad (complementary schemes only mirror a job).
COVERAGE_KINDS = frozenset({RegimeKind.BASE, RegimeKind.FOREIGN})

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Finding:
    code: str  # stable id: "gap_years", "low_year", "job_end_without_unemployment"…
    title: str  # short French title
    reason: str  # plain French explanation, with the numbers that triggered it
    years: tuple[int, ...]
    period_ids: tuple[int, ...]  # PeriodVersion.period_id of the periods concerned (empty for a missing one)
    anomaly_type: str  # the signalement the button opens: "missing_period", "wrong_earnings"…
    prefill: dict[str, str] = field(hash=False)  # query parameters of the pre-filled signalement form
    severity: str = "warning"  # "info" or "warning"

    @property
    def is_warning(self) -> bool:
        """Worth a check (« À vérifier »), rather than given for information."""
        return self.severity == "warning"


def examine(
    career: CareerView,
    *,
    birth_date: date,
    sex: str,
    children_birth_years: Sequence[int] = (),
    today: date,
) -> list[Finding]:
    """Everything in `career` that deserves a look, in year order."""
    findings = [
        *check_gap_years(career),
        *check_gaps_within_years(career),
        *check_low_years(career),
        *check_job_ends(career, today=today),
        *check_earnings_variations(career),
        *check_abroad(career),
        *check_regime_changes(career),
        *check_children(career, sex=sex, children_birth_years=children_birth_years, today=today),
        *check_national_service(career, birth_date=birth_date, sex=sex, today=today),
    ]
    return sorted(findings, key=lambda finding: finding.years[0] if finding.years else 0)


# --- The checks ----------------------------------------------------------------------------------------------


def check_gap_years(career: CareerView) -> list[Finding]:
    """Years with no period at all between the first and the last year of the career: one finding for them all.

    A year of studies or without activity is normal; a year of work, unemployment or sickness is not.
    """
    years = career.gap_years
    if not years:
        return []
    first_run = _first_run(years)
    listed = _join([str(year) for year in years])
    several = len(years) > 1
    reason = (
        f"Aucune période n'est enregistrée sur votre relevé pour {listed}. "
        f"Si, {'ces années-là' if several else 'cette année-là'}, vous avez travaillé (en France ou à l'étranger), "
        "reçu des allocations chômage, été en arrêt maladie, en congé maternité ou au service national, "
        "il manque une période : signalez-la. Si vous faisiez des études ou ne travailliez pas, il n'y a rien à faire."
    )
    return [
        Finding(
            code="gap_years",
            title="Des années sans aucune période" if several else f"Aucune période en {years[0]}",
            reason=reason,
            years=tuple(years),
            period_ids=(),
            anomaly_type="missing_period",
            prefill=_prefill(
                "missing_period", year=years[0], start=date(first_run[0], 1, 1), end=date(first_run[-1], 12, 31)
            ),
        )
    ]


def check_gaps_within_years(career: CareerView) -> list[Finding]:
    """Holes of more than GAP_DAYS days between consecutive periods, all base schemes (and work abroad) together.

    Holes that contain a whole empty year are left to check_gap_years, and holes right after the end of a job to
    check_job_ends, so that one hole gives one finding.
    """
    gap_years = set(career.gap_years)
    findings = []
    for start, end, ending in _holes(career):
        days = (end - start).days + 1
        if days <= GAP_DAYS:
            continue
        if any(date(year, 1, 1) >= start and date(year, 12, 31) <= end for year in gap_years):
            continue
        if any(_is_job(period) for period in ending):
            continue
        findings.append(
            Finding(
                code="gap_within_year",
                title="Une interruption de plus de trois mois",
                reason=(
                    f"Rien n'est enregistré sur votre relevé du {format_date(start, 'long')} au "
                    f"{format_date(end, 'long')}, soit {days} jours. Si pendant cette période vous avez travaillé, "
                    "reçu des allocations chômage, été en arrêt maladie ou en congé maternité, il manque une "
                    "période : signalez-la. Si vous ne travailliez pas (études, période sans activité), il n'y a "
                    "rien à faire."
                ),
                years=tuple(range(start.year, end.year + 1)),
                period_ids=(),
                anomaly_type="missing_period",
                prefill=_prefill("missing_period", year=start.year, start=start, end=end),
            )
        )
    return findings


def check_low_years(career: CareerView) -> list[Finding]:
    """Years of work with fewer than 4 quarters and earnings under the 4-quarter threshold (CSS R351-9).

    One quarter is validated per 150 hours of SMIC earned (200 hours until 2013), at most 4 a year: part-time work
    or a low salary validates fewer, and so does a payslip that never reached the fund.
    """
    findings = []
    for year_view in career.years:
        year = year_view.year
        if year_view.quarters_retained >= MAX_QUARTERS_PER_YEAR:
            continue
        base = [period for period in year_view.periods if _is_base(period)]
        work = [period for period in base if period.nature in WORK_NATURES]
        if not work or year not in quarter_thresholds():
            continue
        threshold = quarter_thresholds()[year]
        needed = threshold.threshold * MAX_QUARTERS_PER_YEAR
        earnings = sum(
            (Decimal(period.earnings_cents or 0) / 100 for period in base if period.nature in EARNINGS_NATURES),
            Decimal(0),
        )
        if earnings >= needed:
            continue
        findings.append(
            Finding(
                code="low_year",
                title=f"Moins de 4 trimestres en {year}",
                reason=(
                    f"En {year}, vos revenus d'activité enregistrés s'élèvent à "
                    f"{format_euros(earnings, drop_zero_cents=True)}. Pour valider les 4 trimestres de l'année, il "
                    f"fallait au moins {format_euros(needed, drop_zero_cents=True)} (4 × "
                    f"{format_euros(threshold.threshold, drop_zero_cents=True)} : un trimestre est validé pour chaque "
                    f"tranche de {threshold.hours} heures payées au SMIC). Vous avez validé "
                    f"{plural(year_view.quarters_retained, 'trimestre')} cette année-là. C'est normal si vous avez "
                    "travaillé à temps partiel, avec un petit salaire ou seulement une partie de l'année. Sinon, un "
                    "salaire manquant ou mal déclaré (un bulletin de paie non pris en compte, par exemple) peut en "
                    "être la cause : comparez avec vos bulletins de paie."
                ),
                years=(year,),
                period_ids=_ids(work),
                anomaly_type="wrong_earnings",
                prefill=_prefill("wrong_earnings", year=year, periods=work),
            )
        )
    return findings


def check_job_ends(career: CareerView, *, today: date) -> list[Finding]:
    """A job that ends and is not followed within FOLLOW_UP_DAYS days by another period.

    After a job, paid unemployment validates quarters (one per 50 days indemnified, CSS R351-12); it is often
    missing when the person moved or the agency changed name. Not checked: the end of the recorded career (the
    31 December of its last year: later years are not reported yet) and job ends too recent to judge.
    """
    if career.last_year is None:
        return []
    coverage = _coverage(career)
    ends: dict[date, list[PeriodVersion]] = defaultdict(list)
    for period in coverage:
        if _is_job(period):
            ends[period.end_date].append(period)
    findings = []
    for end, jobs in sorted(ends.items()):
        limit = end + timedelta(days=FOLLOW_UP_DAYS)
        if end == date(career.last_year, 12, 31) or limit >= today:
            continue
        following = [period for period in coverage if period.end_date > end]
        if any(period.start_date <= limit for period in following):
            continue
        next_start = min((period.start_date for period in following), default=None)
        employers = _join(sorted({period.employer_name or "votre employeur" for period in jobs}))
        nothing_until = (
            f"jusqu'au {format_date(next_start - ONE_DAY, 'long')}" if next_start else "depuis sur votre relevé"
        )
        findings.append(
            Finding(
                code="job_end_without_unemployment",
                title="Une fin d'emploi sans période de chômage",
                reason=(
                    f"Votre emploi chez {employers} s'est terminé le {format_date(end, 'long')}, et aucune période "
                    f"n'est enregistrée ensuite ({nothing_until}). Si vous avez alors reçu des allocations chômage "
                    "(France Travail, anciennement Pôle emploi, ANPE ou Assedic), ces périodes valident des "
                    "trimestres (un trimestre pour 50 jours indemnisés) : signalez-les, avec vos attestations. "
                    "Si vous avez retravaillé ou été en arrêt maladie, signalez-le aussi. Si vous n'avez ni "
                    "travaillé ni été indemnisé, il n'y a rien à faire."
                ),
                years=(end.year,),
                period_ids=_ids(jobs),
                anomaly_type="unemployment_missing",
                prefill=_prefill(
                    "unemployment_missing",
                    year=end.year,
                    periods=jobs,
                    start=end + ONE_DAY,
                    end=next_start - ONE_DAY if next_start else None,
                ),
            )
        )
    return findings


def check_earnings_variations(career: CareerView) -> list[Finding]:
    """Earnings with one employer, between two consecutive full years, below half or above double, the first
    year's revalued into euros of the second (as the pension calculation revalues them).

    A pay cut or a rise of that size has its reasons (part-time, unpaid leave, a bonus…), but it is also what a
    wrong or missing employer declaration looks like. Only full years are compared: a partial year is expected
    to differ. Self-employed income is left out: it varies too much from year to year to tell anything.
    """
    by_employer: dict[str, dict[int, list[PeriodVersion]]] = defaultdict(lambda: defaultdict(list))
    for period in _all_periods(career):
        if _is_base(period) and _is_job(period) and period.start_date.year == period.end_date.year:
            key = period.employer_siret or period.employer_name
            if key:
                by_employer[key][period.start_date.year].append(period)
    findings = []
    for years in by_employer.values():
        full = {year: periods for year, periods in years.items() if _covers_year(periods, year)}
        for year in sorted(full):
            if year - 1 not in full:
                continue
            before, after = _earnings(full[year - 1]), _earnings(full[year])
            factor = _revaluation_factor(year - 1)
            revalued = before * factor
            if not before or (revalued <= after * EARNINGS_RATIO and after <= revalued * EARNINGS_RATIO):
                continue
            periods = [*full[year - 1], *full[year]]
            employer = periods[-1].employer_name or "votre employeur"
            if after < before:
                change = "une telle baisse (moins de la moitié)"
                causes = "un passage à temps partiel, un congé sans solde, un congé parental ou un arrêt maladie"
            else:
                change = "une telle hausse (plus du double)"
                causes = "un passage à temps plein, une promotion ou une prime exceptionnelle"
            findings.append(
                Finding(
                    code="earnings_variation",
                    title=f"Un salaire inhabituel en {year}",
                    reason=(
                        f"Chez {employer}, votre salaire enregistré passe de "
                        f"{format_euros(before, drop_zero_cents=True)} en {year - 1} à "
                        f"{format_euros(after, drop_zero_cents=True)} en {year}, alors que vous y avez travaillé les "
                        "deux années entières. "
                        f"{_revaluation_note(year, revalued) if factor != 1 else ''}"
                        f"{change.capitalize()} peut s'expliquer par {causes}, mais elle peut aussi venir d'une "
                        "erreur dans la déclaration de votre employeur. Comparez avec vos bulletins de paie de "
                        f"décembre {year - 1} et décembre {year}, qui indiquent le salaire brut cumulé de l'année."
                    ),
                    years=(year - 1, year),
                    period_ids=_ids(periods),
                    anomaly_type="wrong_earnings",
                    prefill=_prefill("wrong_earnings", year=year, periods=periods),
                )
            )
    return findings


def stays_abroad(periods: Iterable[PeriodVersion]) -> list[list[PeriodVersion]]:
    """The periods abroad grouped into stays, in date order: the same recorded country, each period starting at the
    latest the day after the stay so far ends. « À vérifier » describes these stays, the simulator asks their
    country: a stay cut into one period a year is one stay."""
    stays: list[list[PeriodVersion]] = []
    for period in sorted((p for p in periods if p.is_abroad), key=lambda period: period.start_date):
        if (
            stays
            and period.country == stays[-1][0].country
            and period.start_date <= max(p.end_date for p in stays[-1]) + ONE_DAY
        ):
            stays[-1].append(period)
        else:
            stays.append([period])
    return stays


def check_abroad(career: CareerView) -> list[Finding]:
    """Work abroad, one finding per uninterrupted stay in one country.

    Foreign periods give no French quarter: the foreign scheme counts them and pays its own pension. What they do to
    the French pension depends on the agreement with the country (pension_rules.countries): the finding says it with
    the very sentences the simulator shows for the same period (countries.advice), so that the two pages agree. A
    period whose country is not on record gets a neutral text that asks to check it.
    """
    findings = []
    for stay in stays_abroad(_all_periods(career)):
        start, end = stay[0].start_date, max(period.end_date for period in stay)
        employers = sorted({period.employer_name for period in stay if period.employer_name})
        at = f" (employeur : {_join(employers)})" if employers else ""
        place = countries.country(stay[0].country) if stay[0].country else None
        findings.append(
            Finding(
                code="abroad",
                title=f"Une période à l'étranger : {place.name}" if place else "Une période à l'étranger",
                reason=(
                    f"Du {format_date(start, 'long')} au {format_date(end, 'long')}, vous avez travaillé à "
                    f"l'étranger{at}. "
                    + (_abroad_with_country(place, stay) if place is not None else _ABROAD_WITHOUT_COUNTRY)
                    + _ABROAD_PROOF
                ),
                years=tuple(range(start.year, end.year + 1)),
                period_ids=_ids(stay),
                anomaly_type="other",
                prefill=_prefill("other", year=start.year, periods=stay, start=start, end=end),
                severity="info",
            )
        )
    return findings


_ABROAD_WITHOUT_COUNTRY = (
    "Votre relevé n'indique pas dans quel pays. Ces périodes ne donnent pas de trimestres dans les régimes "
    "français : c'est le régime de retraite du pays concerné qui les compte, et qui vous versera le moment venu sa "
    "propre retraite. Selon le pays, elles peuvent aussi compter pour le taux de votre retraite française (Union "
    "européenne, Espace économique européen, Suisse, ou pays lié à la France par une convention de sécurité "
    "sociale), ou ne compter pour rien. Vérifiez les dates, et signalez le pays s'il manque."
)
_ABROAD_PROOF = " Gardez vos justificatifs : contrats, bulletins de paie, relevés de l'organisme étranger."


def _abroad_with_country(place: countries.Country, stay: list[PeriodVersion]) -> str:
    """What the agreement with the country does to the French pension, as the simulator says it, with the quarters
    the foreign scheme validated when they are on record."""
    quarters = [period.quarters for period in stay]
    validated = ""
    if all(count is not None for count in quarters):
        total = sum(count or 0 for count in quarters)
        validated = (
            f" Le régime de ce pays a validé {plural(total, 'trimestre')} pour cette période, d'après les "
            "informations reçues de l'organisme étranger."
        )
    advice = " ".join(countries.advice(place.agreement.kind))
    return f"Pays : {place.name} ({place.agreement.label}).{validated} {advice} Vérifiez les dates."


def check_regime_changes(career: CareerView) -> list[Finding]:
    """A base scheme that appears from one year with base periods to the next.

    When a person moves from one scheme to another (a job in agriculture, setting up a business, the civil
    service…), a period is sometimes left out by one of the two, most often in the year of the change.
    """
    previous: tuple[int, dict[str, list[PeriodVersion]]] | None = None
    findings = []
    for year_view in career.years:
        schemes: dict[str, list[PeriodVersion]] = defaultdict(list)
        for period in year_view.periods:
            if _is_base(period):
                schemes[_scheme_key(period)].append(period)
        if not schemes:
            continue
        if previous is not None:
            before_year, before = previous
            arrived = [key for key in schemes if key not in before]
            if arrived:
                findings.append(_regime_change(before_year, before, year_view.year, schemes, arrived))
        previous = (year_view.year, schemes)
    return findings


def check_children(career: CareerView, *, sex: str, children_birth_years: Sequence[int], today: date) -> list[Finding]:
    """For a mother, a birth year of the career with no maternity period.

    A maternity leave paid by the health insurance validates quarters (the quarter of the birth before 2014, one
    quarter per 90 days of allowances since: CSS R351-12). The child-related extra quarters (MDA, CSS L351-4) are
    added when the pension is calculated and are not periods of the career: they are mentioned, not checked.
    """
    first_year, last_year = career.first_year, career.last_year
    if sex != WOMAN or first_year is None or last_year is None:
        return []
    maternity_years = {
        year
        for period in _all_periods(career)
        if period.nature is PeriodNature.MATERNITY
        for year in range(period.start_date.year, period.end_date.year + 1)
    }
    findings = []
    for year in sorted(set(children_birth_years)):
        if not first_year <= year <= last_year or year > today.year or year in maternity_years:
            continue
        findings.append(
            Finding(
                code="child_without_maternity",
                title=f"Une naissance en {year} sans congé maternité",
                reason=(
                    f"Un de vos enfants est né en {year}, mais aucun congé maternité n'est enregistré cette année-là. "
                    "Si vous travailliez ou receviez des allocations chômage à ce moment-là, votre congé maternité, "
                    "payé par l'Assurance maladie, valide des trimestres : signalez-le. Si vous ne travailliez pas, "
                    "c'est normal. Chaque enfant vous donne aussi des trimestres supplémentaires (jusqu'à 8 par "
                    "enfant) : ils ne figurent pas parmi vos périodes, ils sont ajoutés au calcul de votre retraite, "
                    "à condition que vos enfants soient connus de votre caisse de retraite."
                ),
                years=(year,),
                period_ids=(),
                anomaly_type="children",
                prefill=_prefill("children", year=year),
            )
        )
    return findings


def check_national_service(career: CareerView, *, birth_date: date, sex: str, today: date) -> list[Finding]:
    """A man born before 1979 with no national service between his 18th and 27th birthdays.

    Loi 97-1019: men born after 31 December 1978 were never called up. Before, the service was compulsory for
    most men, between 18 and 26 with deferments; every 90 days of service validate a quarter (CSS R351-12). It is
    often missing when the military record never reached the fund. Exemptions were common: hence "info".
    """
    if sex != MAN or birth_date.year > NATIONAL_SERVICE_LAST_BIRTH_YEAR:
        return []
    window_start = _birthday(birth_date, NATIONAL_SERVICE_FROM_AGE)
    window_end = _birthday(birth_date, NATIONAL_SERVICE_UNTIL_AGE) - ONE_DAY
    if window_start > today:
        return []
    for period in _all_periods(career):
        if (
            period.nature is PeriodNature.NATIONAL_SERVICE
            and period.start_date <= window_end
            and period.end_date >= window_start
        ):
            return []
    return [
        Finding(
            code="national_service_missing",
            title="Service national non enregistré",
            reason=(
                "Les hommes nés avant 1979 devaient en principe faire leur service national (service militaire ou "
                "civil). Aucune période de service national n'est enregistrée entre vos 18 ans "
                f"({format_date(window_start, 'long')}) et vos 27 ans ({format_date(window_end + ONE_DAY, 'long')}). "
                "Chaque période de 90 jours de service valide un trimestre : si vous l'avez fait, signalez-le en "
                "joignant votre état signalétique et des services (à demander aux archives du ministère des Armées). "
                "Si vous avez été exempté, réformé ou dispensé, ou si vous n'étiez pas français à cet âge, il n'y a "
                "rien à faire."
            ),
            years=tuple(range(window_start.year, window_end.year + 1)),
            period_ids=(),
            anomaly_type="national_service_missing",
            prefill=_prefill("national_service_missing", year=window_start.year, start=window_start, end=window_end),
            severity="info",
        )
    ]


# --- Helpers ---------------------------------------------------------------------------------------------------


def _regime_change(
    before_year: int,
    before: dict[str, list[PeriodVersion]],
    year: int,
    after: dict[str, list[PeriodVersion]],
    arrived: list[str],
) -> Finding:
    def names(schemes: Iterable[list[PeriodVersion]]) -> str:
        return _join([periods[0].regime.short_name for periods in schemes])

    new_names = names(after[key] for key in arrived)
    old_names = names(before.values())
    reason = (
        f"En {year}, un régime de retraite de base apparaît sur votre relevé : {new_names}. En {before_year}, vos "
        f"périodes relevaient de : {old_names}. Lors d'un changement de régime (un emploi dans un autre secteur, une "
        "installation à votre compte, une entrée dans la fonction publique…), il arrive qu'une période soit oubliée "
        f"par l'un des deux régimes. Vérifiez que toutes vos périodes de {before_year} et de {year} figurent bien."
    )
    if year == SELF_EMPLOYED_IN_GENERAL_SCHEME_FROM and SELF_EMPLOYED_SCHEME in before and GENERAL_SCHEME in arrived:
        reason += (
            " Depuis le 1er janvier 2020, les artisans et commerçants relèvent du régime général : ce changement "
            "a été automatique, mais vérifiez que vos revenus de 2019 et de 2020 ont bien été repris."
        )
    periods = [period for periods in (*before.values(), *after.values()) for period in periods]
    return Finding(
        code="regime_change",
        title="Un changement de régime de retraite",
        reason=reason,
        years=(before_year, year),
        period_ids=_ids(periods),
        anomaly_type="missing_period",
        prefill=_prefill("missing_period", year=year, periods=periods),
        severity="info",
    )


def _all_periods(career: CareerView) -> Iterator[PeriodVersion]:
    for year_view in career.years:
        yield from year_view.periods


def _is_base(period: PeriodVersion) -> bool:
    return period.regime.kind is RegimeKind.BASE


def _is_job(period: PeriodVersion) -> bool:
    return period.nature in JOB_NATURES and _is_base(period)


def _scheme_key(period: PeriodVersion) -> str:
    return period.regime.code or str(period.regime_id)


def _coverage(career: CareerView) -> list[PeriodVersion]:
    """Periods that say where the person was, in date order."""
    periods = [period for period in _all_periods(career) if period.regime.kind in COVERAGE_KINDS]
    return sorted(periods, key=lambda period: (period.start_date, period.end_date))


def _holes(career: CareerView) -> Iterator[tuple[date, date, list[PeriodVersion]]]:
    """(first day, last day, periods ending just before) of each stretch with no period, between two periods."""
    covered_until: date | None = None
    ending: list[PeriodVersion] = []
    for period in _coverage(career):
        if covered_until is not None and period.start_date > covered_until + ONE_DAY:
            yield covered_until + ONE_DAY, period.start_date - ONE_DAY, ending
        if covered_until is None or period.end_date > covered_until:
            covered_until, ending = period.end_date, [period]
        elif period.end_date == covered_until:
            ending.append(period)


def _covers_year(periods: list[PeriodVersion], year: int) -> bool:
    day = date(year, 1, 1)
    for period in sorted(periods, key=lambda period: period.start_date):
        if period.start_date > day:
            return False
        day = max(day, period.end_date + ONE_DAY)
    return day > date(year, 12, 31)


def _earnings(periods: list[PeriodVersion]) -> Decimal:
    return sum((Decimal(period.earnings_cents or 0) / 100 for period in periods), Decimal(0))


def _revaluation_factor(year: int) -> Decimal:
    """What one euro of salary of `year` is worth in euros of the next year: the ratio of their revaluation
    coefficients (CSS L351-11), from the rules engine's table as of its last revaluation. Comparing nominal euros
    would take the inflation of the 1970s and 1980s (up to 19 % a year) for a rise. Years the table does not
    cover (before 1972, or not revalued yet) are compared as they are."""
    coefficients = revaluation_coefficients(salary_revaluations()[-1].effective_from)
    if year not in coefficients or year + 1 not in coefficients:
        return Decimal(1)
    return coefficients[year] / coefficients[year + 1]


def _revaluation_note(year: int, revalued: Decimal) -> str:
    return (
        f"Revalorisé comme pour le calcul de votre retraite, le salaire de {year - 1} représente "
        f"{format_euros(revalued.quantize(Decimal(1), ROUND_HALF_UP), drop_zero_cents=True)} en euros de {year} : "
        "l'écart ne s'explique donc pas par la seule évolution des prix et des salaires. "
    )


def _first_run(years: list[int]) -> list[int]:
    run = [years[0]]
    for year in years[1:]:
        if year != run[-1] + 1:
            break
        run.append(year)
    return run


def _birthday(birth_date: date, age: int) -> date:
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:  # born on 29 February
        return date(birth_date.year + age, 3, 1)


def _ids(periods: Iterable[PeriodVersion]) -> tuple[int, ...]:
    return tuple(sorted({period.period_id for period in periods if period.period_id is not None}))


def _prefill(
    anomaly_type: str,
    *,
    year: int | None = None,
    periods: Iterable[PeriodVersion] = (),
    start: date | None = None,
    end: date | None = None,
) -> dict[str, str]:
    values = {"type": anomaly_type}
    if year is not None:
        values["annee"] = str(year)
    ids = _ids(periods)
    if ids:
        values["periodes"] = ",".join(str(period_id) for period_id in ids)
    if start is not None:
        values["debut"] = start.isoformat()
    if end is not None:
        values["fin"] = end.isoformat()
    return values


def _join(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} et {items[-1]}"
