"""« À vérifier »: each check fires on a minimal case and not on its near miss, on objects that never touch the
database."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.careers.checks import (
    Finding,
    check_abroad,
    check_children,
    check_earnings_variations,
    check_gap_years,
    check_gaps_within_years,
    check_job_ends,
    check_low_years,
    check_national_service,
    check_regime_changes,
    examine,
)
from portal.careers.models import PeriodNature, PeriodVersion, Regime, RegimeKind
from portal.careers.queries import CareerView, YearView
from portal.pension_rules import countries

GENERAL = Regime(id=1, code="CNAV", name="Régime général", short_name="Régime général", kind=RegimeKind.BASE)
MSA = Regime(id=2, code="MSA_SALARIES", name="MSA salariés", short_name="MSA salariés", kind=RegimeKind.BASE)
SSI = Regime(id=3, code="SSI", name="SSI", short_name="Indépendants (ex-RSI)", kind=RegimeKind.BASE)
AGIRC_ARRCO = Regime(
    id=4, code="AGIRC_ARRCO", name="Agirc-Arrco", short_name="Agirc-Arrco", kind=RegimeKind.COMPLEMENTARY
)
FOREIGN = Regime(id=5, code="ETRANGER", name="Étranger", short_name="Étranger", kind=RegimeKind.FOREIGN)

TODAY = date(2026, 11, 24)
SALARIED = PeriodNature.SALARIED
_period_ids = itertools.count(1)


def period(
    start: str,
    end: str,
    nature: PeriodNature = SALARIED,
    *,
    regime: Regime = GENERAL,
    earnings: int | str | None = None,
    quarters: int | None = None,
    employer: str | None = "Ateliers Dupont SA",
    siret: str | None = "12345678900017",
    country: str | None = None,
) -> PeriodVersion:
    return PeriodVersion(
        period_id=next(_period_ids),
        regime_id=regime.id,
        regime=regime,
        nature=nature,
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end),
        employer_name=employer if nature in (SALARIED, PeriodNature.ABROAD) else None,
        employer_siret=siret if nature is SALARIED else None,
        earnings_cents=None if earnings is None else int(Decimal(str(earnings)) * 100),
        quarters=quarters,
        country=country,
    )


def full_year(year: int, earnings: int | str = 30_000, quarters: int = 4, **kwargs) -> PeriodVersion:
    return period(f"{year}-01-01", f"{year}-12-31", earnings=earnings, quarters=quarters, **kwargs)


def career(*periods: PeriodVersion) -> CareerView:
    """The CareerView get_career would build from these periods (grouped by start year, empty years kept)."""
    by_year: dict[int, YearView] = {}
    for version in sorted(periods, key=lambda version: version.start_date):
        year = by_year.setdefault(version.start_date.year, YearView(version.start_date.year))
        year.periods.append(version)
        if version.regime.kind is RegimeKind.BASE:
            year.quarters_declared += version.quarters or 0
            year.earnings_cents += version.earnings_cents or 0
    for number in range(min(by_year), max(by_year) + 1):
        by_year.setdefault(number, YearView(number))
    return CareerView(assure=None, years=[by_year[number] for number in sorted(by_year)], regimes=[])


def plain(text: str) -> str:
    """The text with French typography's no-break spaces as ordinary spaces, to compare with literals."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


# --- A clean career ------------------------------------------------------------------------------------------


def test_a_clean_full_career_has_nothing_to_check():
    view = career(*(full_year(year, 24_000 + 600 * (year - 2007)) for year in range(2007, 2025)))
    assert examine(view, birth_date=date(1985, 3, 10), sex="1", today=TODAY) == []


def test_a_clean_career_with_a_maternity_leave_has_nothing_to_check():
    view = career(
        *(full_year(year) for year in range(2005, 2025)),
        period("2012-03-01", "2012-06-20", PeriodNature.MATERNITY, quarters=1),
    )
    assert examine(view, birth_date=date(1983, 6, 1), sex="2", children_birth_years=(2012,), today=TODAY) == []


def test_an_empty_career_has_nothing_to_check():
    view = CareerView(assure=None, years=[], regimes=[])
    assert examine(view, birth_date=date(1990, 1, 1), sex="2", children_birth_years=(2015,), today=TODAY) == []


def test_findings_come_in_year_order():
    view = career(full_year(2000), full_year(2002), period("2003-01-01", "2003-05-31", earnings=3_000, quarters=2))
    findings = examine(view, birth_date=date(1980, 1, 1), sex="1", today=TODAY)
    assert codes(findings) == ["job_end_without_unemployment", "gap_years", "low_year", "job_end_without_unemployment"]
    assert [finding.years[0] for finding in findings] == [2000, 2001, 2003, 2003]


# --- Years with no period ------------------------------------------------------------------------------------


def test_empty_years_between_the_first_and_the_last_give_one_finding():
    view = career(full_year(2000), full_year(2001), full_year(2004), full_year(2006))
    [finding] = check_gap_years(view)
    assert finding.code == "gap_years"
    assert finding.years == (2002, 2003, 2005)
    assert finding.period_ids == ()
    assert finding.anomaly_type == "missing_period"
    assert finding.severity == "warning"
    assert "2002, 2003 et 2005" in finding.reason
    # The form is pre-filled with the first run of empty years.
    assert finding.prefill == {"type": "missing_period", "annee": "2002", "debut": "2002-01-01", "fin": "2003-12-31"}


def test_no_empty_year_no_gap_finding():
    assert check_gap_years(career(full_year(2000), full_year(2001))) == []


# --- Holes within a year -------------------------------------------------------------------------------------


def hole_after_unemployment(days: int) -> CareerView:
    unemployment_end = date(2010, 3, 31)
    next_start = unemployment_end + timedelta(days=days + 1)
    return career(
        full_year(2009),
        period("2010-01-01", "2010-03-31", PeriodNature.UNEMPLOYMENT, quarters=1),
        period(next_start.isoformat(), "2010-12-31", earnings=20_000, quarters=3),
    )


@pytest.mark.parametrize("days", [89, 90])
def test_a_hole_of_up_to_90_days_is_not_reported(days):
    assert check_gaps_within_years(hole_after_unemployment(days)) == []


def test_a_hole_of_91_days_is_reported_with_its_dates():
    [finding] = check_gaps_within_years(hole_after_unemployment(91))
    assert finding.code == "gap_within_year"
    assert finding.years == (2010,)
    assert finding.anomaly_type == "missing_period"
    assert finding.prefill == {"type": "missing_period", "annee": "2010", "debut": "2010-04-01", "fin": "2010-06-30"}
    assert "du 1er avril 2010 au 30 juin 2010, soit 91 jours" in finding.reason


def test_a_hole_across_a_year_end_is_reported_in_both_years():
    view = career(
        full_year(2009),
        period("2010-01-01", "2010-11-30", PeriodNature.SICKNESS, quarters=3),
        period("2011-03-02", "2011-12-31", earnings=25_000, quarters=4),  # 1 Dec – 1 Mar: 91 days
    )
    [finding] = check_gaps_within_years(view)
    assert finding.years == (2010, 2011)
    assert (finding.prefill["debut"], finding.prefill["fin"]) == ("2010-12-01", "2011-03-01")


def test_schemes_are_taken_together_and_work_abroad_fills_a_hole():
    view = career(
        full_year(2009),
        period("2010-01-01", "2010-05-31", PeriodNature.UNEMPLOYMENT, quarters=2),
        period("2010-06-01", "2010-12-31", PeriodNature.SELF_EMPLOYED, regime=SSI, earnings=9_000, quarters=2),
        period("2011-01-01", "2011-12-31", PeriodNature.ABROAD, regime=FOREIGN),
        full_year(2012, regime=MSA),
    )
    assert check_gaps_within_years(view) == []


def test_a_hole_after_a_job_is_reported_once_as_a_job_end():
    view = career(full_year(2009), period("2010-01-01", "2010-03-31", earnings=7_100, quarters=4), full_year(2011))
    findings = examine(view, birth_date=date(1985, 1, 1), sex="2", today=TODAY)
    assert codes(findings) == ["job_end_without_unemployment"]


def test_a_hole_with_a_whole_empty_year_is_reported_as_empty_years():
    view = career(period("2008-01-01", "2008-06-30", PeriodNature.UNEMPLOYMENT, quarters=2), full_year(2010))
    assert check_gaps_within_years(view) == []
    assert check_gap_years(view)[0].years == (2009,)


# --- Years under four quarters -------------------------------------------------------------------------------


def test_a_year_one_euro_under_the_four_quarter_threshold_is_reported():
    # 2017: 150 hours × 9.76 € = 1 464 € a quarter, 5 856 € for four.
    view = career(full_year(2016), full_year(2017, earnings=5_855, quarters=3), full_year(2018))
    [finding] = check_low_years(view)
    job_2017 = view.years[1].periods[0]
    assert finding.code == "low_year"
    assert finding.years == (2017,)
    assert finding.period_ids == (job_2017.period_id,)
    assert finding.anomaly_type == "wrong_earnings"
    assert finding.prefill == {"type": "wrong_earnings", "annee": "2017", "periodes": str(job_2017.period_id)}
    reason = plain(finding.reason)
    assert "5 855 €" in reason
    assert "au moins 5 856 € (4 × 1 464 €" in reason
    assert "150 heures" in reason
    assert "3 trimestres" in reason
    assert "bulletin de paie" in reason


def test_earnings_exactly_at_the_threshold_are_not_reported():
    # Even with fewer quarters recorded: the earnings are enough, this check has nothing to say.
    view = career(full_year(2016), full_year(2017, earnings=5_856, quarters=3), full_year(2018))
    assert check_low_years(view) == []


def test_a_year_with_four_quarters_is_not_reported_whatever_the_earnings():
    view = career(
        period("2017-01-01", "2017-03-31", earnings=2_000, quarters=1),
        period("2017-04-01", "2017-12-31", PeriodNature.UNEMPLOYMENT, quarters=3),
    )
    assert check_low_years(view) == []


def test_a_year_without_work_is_not_a_low_year():
    view = career(full_year(2016), period("2017-01-01", "2017-06-30", PeriodNature.SICKNESS, quarters=2))
    assert check_low_years(view) == []


def test_a_franc_year_is_shown_in_euros_with_its_cents():
    # 1990: 200 hours × 29.91 F = 5 982 F = 911.95 € a quarter.
    view = career(period("1990-01-01", "1990-12-31", earnings="2500", quarters=2))
    [finding] = check_low_years(view)
    assert "au moins 3 647,80 € (4 × 911,95 € : un trimestre est validé pour chaque tranche de 200 heures" in plain(
        finding.reason
    )


def test_complementary_points_and_their_earnings_are_not_counted_twice():
    view = career(
        period("2017-01-01", "2017-12-31", earnings=5_000, quarters=3),
        period("2017-01-01", "2017-12-31", regime=AGIRC_ARRCO, earnings=5_000),
    )
    [finding] = check_low_years(view)
    assert "s'élèvent à 5 000 €" in plain(finding.reason)
    assert len(finding.period_ids) == 1


# --- End of a job --------------------------------------------------------------------------------------------


def job_then_next(days_after: int, nature: PeriodNature = PeriodNature.UNEMPLOYMENT) -> CareerView:
    next_start = date(2012, 6, 30) + timedelta(days=days_after)
    return career(
        full_year(2011),
        period("2012-01-01", "2012-06-30", earnings=15_000, quarters=4),
        period(next_start.isoformat(), "2012-12-31", nature, earnings=5_000, quarters=0),
        full_year(2013),
    )


def test_a_period_starting_60_days_after_a_job_follows_it():
    assert check_job_ends(job_then_next(60), today=TODAY) == []
    assert check_job_ends(job_then_next(1), today=TODAY) == []
    assert check_job_ends(job_then_next(30, SALARIED), today=TODAY) == []


def test_a_job_not_followed_within_60_days_is_reported():
    view = job_then_next(61)
    job = view.years[1].periods[0]
    [finding] = check_job_ends(view, today=TODAY)
    assert finding.code == "job_end_without_unemployment"
    assert finding.anomaly_type == "unemployment_missing"
    assert finding.years == (2012,)
    assert finding.period_ids == (job.period_id,)
    assert finding.prefill == {
        "type": "unemployment_missing",
        "annee": "2012",
        "periodes": str(job.period_id),
        "debut": "2012-07-01",
        "fin": "2012-08-29",
    }
    assert "Ateliers Dupont SA" in finding.reason
    assert "30 juin 2012" in finding.reason
    assert "France Travail, anciennement Pôle emploi, ANPE ou Assedic" in finding.reason


def test_a_job_ending_on_31_december_and_not_followed_is_reported():
    view = career(full_year(2011), period("2012-03-05", "2012-12-31", earnings=20_000, quarters=4))
    [finding] = check_job_ends(view, today=TODAY)
    assert finding.years == (2011,)
    assert (finding.prefill["debut"], finding.prefill["fin"]) == ("2012-01-01", "2012-03-04")


def test_the_same_job_continuing_on_1_january_is_not_an_end():
    assert check_job_ends(career(full_year(2011), full_year(2012), full_year(2013)), today=TODAY) == []


def test_a_concurrent_job_continuing_after_the_end_follows_it():
    view = career(
        full_year(2011),
        period("2012-01-01", "2012-04-30", earnings=6_000, quarters=2, employer="Boulangerie Martin"),
        period("2012-01-01", "2012-12-31", earnings=12_000, quarters=2),
        full_year(2013),
    )
    assert check_job_ends(view, today=TODAY) == []


def test_the_end_of_the_recorded_career_is_not_a_job_end():
    view = career(full_year(2023), full_year(2024), full_year(2025))
    assert check_job_ends(view, today=TODAY) == []


def test_a_recent_job_end_is_not_judged_yet():
    view = career(full_year(2024), period("2025-01-01", "2025-10-31", earnings=25_000, quarters=4))
    assert check_job_ends(view, today=date(2025, 12, 30)) == []
    [finding] = check_job_ends(view, today=TODAY)
    assert finding.prefill["debut"] == "2025-11-01"
    assert "fin" not in finding.prefill


def test_the_end_of_an_unemployment_or_self_employed_period_is_not_a_job_end():
    view = career(
        full_year(2011),
        period("2012-01-01", "2012-03-31", PeriodNature.UNEMPLOYMENT, quarters=1),
        period("2013-01-01", "2013-06-30", PeriodNature.SELF_EMPLOYED, regime=SSI, earnings=12_000, quarters=4),
        full_year(2014),
    )
    assert check_job_ends(view, today=TODAY) == []


# --- Earnings with one employer ------------------------------------------------------------------------------


@pytest.mark.parametrize("earnings_2016", [15_000, 60_000, 30_000])
def test_half_or_double_the_year_before_is_not_atypical(earnings_2016):
    view = career(full_year(2015, 30_000), full_year(2016, earnings_2016))
    assert check_earnings_variations(view) == []


@pytest.mark.parametrize(
    ("earnings_2016", "change"),
    [(14_999, "une telle baisse (moins de la moitié)"), (60_001, "une telle hausse (plus du double)")],
)
def test_less_than_half_or_more_than_double_is_reported(earnings_2016, change):
    view = career(full_year(2015, 30_000), full_year(2016, earnings_2016))
    ids = tuple(year.periods[0].period_id for year in view.years)
    [finding] = check_earnings_variations(view)
    assert finding.code == "earnings_variation"
    assert finding.anomaly_type == "wrong_earnings"
    assert finding.years == (2015, 2016)
    assert finding.period_ids == ids
    assert finding.prefill == {"type": "wrong_earnings", "annee": "2016", "periodes": f"{ids[0]},{ids[1]}"}
    assert f"de 30 000 € en 2015 à {earnings_2016:,} € en 2016".replace(",", " ") in plain(finding.reason)
    assert change.capitalize() in finding.reason


def test_a_rise_that_the_salary_revaluation_explains_is_not_atypical():
    # 1974 salaries were revalued by 1.096 × 1.083 before 1975's (arrêtés of 4 July 1975): in the engine's table,
    # 6.022 against 5.074, so 10 000 € of 1974 are 11 868 € of 1975 and 21 000 € is not more than double.
    view = career(full_year(1974, 10_000), full_year(1975, 21_000))
    assert check_earnings_variations(view) == []


def test_a_rise_beyond_the_salary_revaluation_is_reported_with_the_revalued_amount():
    view = career(full_year(1974, 10_000), full_year(1975, 24_000))
    [finding] = check_earnings_variations(view)
    assert finding.years == (1974, 1975)
    assert "Une telle hausse (plus du double)" in finding.reason
    assert "le salaire de 1974 représente 11 868 € en euros de 1975" in plain(finding.reason)


def test_a_fall_hidden_by_inflation_is_reported():
    # 20 000 € of 1975 are 23 502 € of 1976 (5.074 / 4.318): 10 400 € is less than half of that.
    view = career(full_year(1975, 20_000), full_year(1976, 10_400))
    [finding] = check_earnings_variations(view)
    assert "Une telle baisse (moins de la moitié)" in finding.reason
    assert "représente 23 502 € en euros de 1976" in plain(finding.reason)


def test_years_the_revaluation_table_does_not_cover_are_compared_as_they_are():
    # The engine's coefficients start with the salaries of 1972; 1965 and 1966 are compared in nominal euros.
    assert check_earnings_variations(career(full_year(1965, 3_000), full_year(1966, 6_000))) == []
    [finding] = check_earnings_variations(career(full_year(1965, 3_000), full_year(1966, 6_001)))
    assert "Revalorisé" not in finding.reason


def test_a_partial_year_is_not_compared():
    view = career(full_year(2015, 30_000), period("2016-01-01", "2016-06-30", earnings=10_000, quarters=4))
    assert check_earnings_variations(view) == []


def test_two_employers_are_not_compared_with_each_other():
    view = career(
        full_year(2015, 30_000),
        full_year(2016, 12_000, employer="Transports Leroy", siret="98765432100019"),
    )
    assert check_earnings_variations(view) == []


def test_a_year_in_two_periods_with_one_employer_counts_as_full():
    view = career(
        full_year(2015, 30_000),
        period("2016-01-01", "2016-06-30", earnings=6_000, quarters=2),
        period("2016-07-01", "2016-12-31", earnings=6_000, quarters=2),
    )
    [finding] = check_earnings_variations(view)
    assert "à 12 000 € en 2016" in plain(finding.reason)


# --- Abroad --------------------------------------------------------------------------------------------------


def test_a_stay_abroad_is_one_information_finding():
    view = career(
        full_year(2010),
        period("2011-04-01", "2011-12-31", PeriodNature.ABROAD, regime=FOREIGN, employer="Lakeside Ltd"),
        period("2012-01-01", "2012-08-31", PeriodNature.ABROAD, regime=FOREIGN, employer="Lakeside Ltd"),
        full_year(2013),
    )
    abroad = [p.period_id for year in view.years for p in year.periods if p.nature is PeriodNature.ABROAD]
    [finding] = check_abroad(view)
    assert finding.code == "abroad"
    assert finding.severity == "info"
    assert finding.anomaly_type == "other"
    assert finding.years == (2011, 2012)
    assert finding.period_ids == tuple(abroad)
    assert finding.prefill == {
        "type": "other",
        "annee": "2011",
        "periodes": ",".join(map(str, abroad)),
        "debut": "2011-04-01",
        "fin": "2012-08-31",
    }
    assert "Lakeside Ltd" in finding.reason
    # No country on record: a neutral text, which asks to check.
    assert finding.title == "Une période à l'étranger"
    assert "n'indique pas dans quel pays" in finding.reason
    assert "régime de retraite du pays concerné" in finding.reason
    assert "convention de sécurité sociale" in finding.reason


def test_two_stays_abroad_are_two_findings():
    view = career(
        period("2000-01-01", "2000-12-31", PeriodNature.ABROAD, regime=FOREIGN),
        full_year(2001),
        period("2002-01-01", "2002-12-31", PeriodNature.ABROAD, regime=FOREIGN),
    )
    assert [finding.years for finding in check_abroad(view)] == [(2000,), (2002,)]


def abroad_in(country: str, quarters: tuple[int, int] | None = (3, 4)) -> Finding:
    [finding] = check_abroad(
        career(
            full_year(2010),
            period("2011-04-01", "2011-12-31", PeriodNature.ABROAD, regime=FOREIGN, country=country,
                   quarters=quarters and quarters[0]),
            period("2012-01-01", "2012-12-31", PeriodNature.ABROAD, regime=FOREIGN, country=country,
                   quarters=quarters and quarters[1]),
            full_year(2013),
        )
    )  # fmt: skip
    return finding


def says_what_the_simulator_says(finding: Finding, country: str) -> None:
    # The simulator explains periods abroad with countries.advice: « À vérifier » shows the same sentences.
    for sentence in countries.advice(countries.country(country).agreement.kind):
        assert sentence in finding.reason, sentence


def test_a_period_in_the_european_union_counts_for_the_rate_with_a_national_and_a_prorated_amount():
    finding = abroad_in("PT")
    assert finding.title == "Une période à l'étranger : Portugal"
    reason = plain(finding.reason)
    assert "Pays : Portugal (règlement européen 883/2004)." in reason
    assert "comptent pour le taux de votre retraite française" in reason
    assert "l'un sur vos seules périodes françaises, l'autre comme si toute votre carrière avait eu lieu en France" in (
        reason
    )
    assert "Le régime de ce pays a validé 7 trimestres pour cette période" in reason
    says_what_the_simulator_says(finding, "PT")


@pytest.mark.parametrize("country", ["DZ", "CA"])
def test_a_convention_with_a_separate_computation_counts_the_foreign_quarters_for_the_rate_only(country):
    finding = abroad_in(country)
    reason = plain(finding.reason)
    assert "comptent pour le taux de votre retraite française, mais le montant français n'est calculé que sur vos " \
        "trimestres en France" in reason  # fmt: skip
    assert "comme si toute votre carrière" not in reason
    says_what_the_simulator_says(finding, country)


def test_a_country_without_agreement_counts_for_nothing_and_the_text_says_what_exists():
    finding = abroad_in("AE")
    reason = plain(finding.reason)
    assert "Pays : Émirats arabes unis (aucune convention de sécurité sociale)." in reason
    assert "ne comptent pas pour votre retraite française" in reason
    assert "périodes équivalentes" in reason
    assert "racheter des cotisations" in reason
    assert "Caisse des Français de l'étranger" in reason
    says_what_the_simulator_says(finding, "AE")


def test_quarters_not_on_record_are_not_invented():
    assert "a validé" not in abroad_in("PT", quarters=None).reason


def test_two_countries_in_a_row_are_two_stays():
    view = career(
        period("2000-01-01", "2000-12-31", PeriodNature.ABROAD, regime=FOREIGN, country="PT"),
        period("2001-01-01", "2001-12-31", PeriodNature.ABROAD, regime=FOREIGN, country="CH"),
    )
    assert [finding.title for finding in check_abroad(view)] == [
        "Une période à l'étranger : Portugal",
        "Une période à l'étranger : Suisse",
    ]


def test_no_period_abroad_no_abroad_finding():
    assert check_abroad(career(full_year(2000), full_year(2001))) == []


# --- Change of scheme ----------------------------------------------------------------------------------------


def test_a_new_base_scheme_is_reported():
    view = career(full_year(2010), full_year(2011, regime=MSA), full_year(2012, regime=MSA))
    [finding] = check_regime_changes(view)
    assert finding.code == "regime_change"
    assert finding.severity == "info"
    assert finding.anomaly_type == "missing_period"
    assert finding.years == (2010, 2011)
    ids = tuple(year.periods[0].period_id for year in view.years[:2])
    assert finding.period_ids == ids
    assert finding.prefill == {"type": "missing_period", "annee": "2011", "periodes": f"{ids[0]},{ids[1]}"}
    assert "En 2011, un régime de retraite de base apparaît sur votre relevé : MSA salariés" in finding.reason
    assert "Régime général" in finding.reason


def test_the_same_scheme_or_a_complementary_scheme_is_not_a_change():
    view = career(
        full_year(2010),
        full_year(2011),
        period("2011-01-01", "2011-12-31", regime=AGIRC_ARRCO, earnings=30_000),
        period("2012-01-01", "2012-12-31", PeriodNature.ABROAD, regime=FOREIGN),
        full_year(2013),
    )
    assert check_regime_changes(view) == []


def test_the_move_of_the_self_employed_to_the_general_scheme_in_2020_is_explained():
    view = career(
        period("2019-01-01", "2019-12-31", PeriodNature.SELF_EMPLOYED, regime=SSI, earnings=20_000, quarters=4),
        period("2020-01-01", "2020-12-31", PeriodNature.SELF_EMPLOYED, earnings=20_000, quarters=4),
    )
    [finding] = check_regime_changes(view)
    assert "Depuis le 1er janvier 2020, les artisans et commerçants relèvent du régime général" in finding.reason


# --- Children ------------------------------------------------------------------------------------------------


def mother_career(*extra: PeriodVersion) -> CareerView:
    return career(*(full_year(year) for year in range(2005, 2020)), *extra)


def test_a_birth_without_maternity_leave_is_reported_for_a_mother():
    [finding] = check_children(mother_career(), sex="2", children_birth_years=(2012, 2012), today=TODAY)
    assert finding.code == "child_without_maternity"
    assert finding.anomaly_type == "children"
    assert finding.years == (2012,)
    assert finding.period_ids == ()
    assert finding.prefill == {"type": "children", "annee": "2012"}
    assert "congé maternité" in finding.reason
    assert "trimestres supplémentaires" in finding.reason


def test_a_maternity_leave_in_the_birth_year_is_enough():
    view = mother_career(period("2011-11-20", "2012-03-10", PeriodNature.MATERNITY, quarters=1))
    assert check_children(view, sex="2", children_birth_years=(2012,), today=TODAY) == []


def test_no_check_for_fathers_nor_for_births_outside_the_career():
    assert check_children(mother_career(), sex="1", children_birth_years=(2012,), today=TODAY) == []
    assert check_children(mother_career(), sex="2", children_birth_years=(2001, 2024), today=TODAY) == []
    assert check_children(mother_career(), sex="2", children_birth_years=(), today=TODAY) == []


# --- National service ----------------------------------------------------------------------------------------


def test_a_man_born_in_1978_without_national_service_is_reported():
    view = career(*(full_year(year) for year in range(1998, 2010)))
    [finding] = check_national_service(view, birth_date=date(1978, 12, 31), sex="1", today=TODAY)
    assert finding.code == "national_service_missing"
    assert finding.anomaly_type == "national_service_missing"
    assert finding.severity == "info"
    assert finding.period_ids == ()
    assert finding.years == tuple(range(1996, 2006))
    # Between the 18th birthday and the day before the 27th.
    assert finding.prefill == {
        "type": "national_service_missing",
        "annee": "1996",
        "debut": "1996-12-31",
        "fin": "2005-12-30",
    }
    assert "exempté, réformé ou dispensé" in finding.reason


@pytest.mark.parametrize("birth_date", [date(1979, 1, 1), date(1980, 1, 1)])
def test_men_born_from_1979_were_not_called_up(birth_date):
    # Loi 97-1019: the call-up is suspended for men born after 31 December 1978.
    view = career(*(full_year(year) for year in range(1998, 2010)))
    assert check_national_service(view, birth_date=birth_date, sex="1", today=TODAY) == []


def test_a_recorded_national_service_or_a_woman_gives_nothing():
    view = career(
        full_year(1979),
        period("1980-10-01", "1981-09-30", PeriodNature.NATIONAL_SERVICE, quarters=4),
        full_year(1982),
    )
    assert check_national_service(view, birth_date=date(1960, 5, 2), sex="1", today=TODAY) == []
    bare = career(full_year(1979), full_year(1980))
    assert check_national_service(bare, birth_date=date(1960, 5, 2), sex="2", today=TODAY) == []


def test_a_national_service_outside_the_window_does_not_count():
    view = career(
        period("1987-05-02", "1988-05-01", PeriodNature.NATIONAL_SERVICE, quarters=4),  # from the 27th birthday
        full_year(1989),
    )
    [finding] = check_national_service(view, birth_date=date(1960, 5, 2), sex="1", today=TODAY)
    assert finding.prefill["fin"] == "1987-05-01"
