"""Periods abroad (pension-rules.md §17): the EU regulation's national and pro-rata computations, bilateral
conventions with a separate computation, agreements never added together, countries without an agreement.

Every figure below is derived by hand from §17.1–17.2 with the régime général's formula (§4, §6): a person born
15 January 1964 leaves on 1 January 2027 (as_of 3 December 2026), 170 quarters required (LFSS 2026, §3); the taux
plein automatique at 67 comes on 1 February 2031, 49 months later: 17 quarters by age. The French career is salaried
at 30 000 € a year (4 quarters a year); the SAM is read off the result, the same in every computation (French
salaries only, §17.1)."""

from datetime import date
from decimal import Decimal

from tests.pension_rules.cases import departure, money, person, run, work

BORN = date(1964, 1, 15)
AS_OF = date(2026, 12, 3)
DAY = date(2027, 1, 1)
REQUIRED = 170


def abroad(year: int, country: str, quarters: int = 4) -> dict:
    return {"year": year, "regime": "ETRANGER", "kind": "abroad", "quarters": quarters, "country": country}


def leave(french_years: range, foreign: list[dict]):
    career = [*(work(year) for year in french_years), *foreign]
    return departure(run(person(BORN, AS_OF, career=career, pension_date=DAY)), DAY)


def rate(decote: int) -> Decimal:
    # R351-27: 50 % × (1 − 1,25 % × n) for the generations from 1953 (§4.2).
    return Decimal("0.5") * (1 - Decimal("0.0125") * decote)


def test_eu_periods_count_for_the_rate_and_the_higher_of_national_and_pro_rata_is_paid():
    # 36 French years (144 quarters, 1990-2025) and 6 years in Portugal (24 quarters, 1984-1989).
    # National: 26 missing, 17 by age → décote 17: SAM × 39,375 % × 144/170.
    # Pro rata (règlement 883/2004 art. 52): 168 quarters for the rate → décote 2, 48,75 %; theoretical pension
    # SAM × 48,75 % × 168/170, × French share 144/168 = SAM × 48,75 % × 144/170: higher, so paid.
    row = leave(range(1990, 2026), [abroad(year, "PT") for year in range(1984, 1990)])
    assert row.quarters_all_regimes == 144
    assert row.decote_quarters == 2
    assert row.base_annual_gross == money(row.sam * rate(2) * 144 / REQUIRED)
    text = row.explanation["abroad"]
    assert "le calcul selon l'accord" in text.summary
    assert text.steps[0].startswith("Calcul national, sur vos seules périodes françaises")


def test_beyond_the_required_duration_the_pro_rata_shrinks_the_french_share():
    # 1988-2025: 152 French quarters; 40 in Portugal (1978-1987) → 192 for the rate, taux plein.
    # Theoretical SAM × 50 % × 170/170; × French share 152/192 = SAM × 39,58 %.
    # National: 18 missing, 17 by age → décote 17, SAM × 39,375 % × 152/170 = SAM × 35,2 %: the pro rata is paid.
    row = leave(range(1988, 2026), [abroad(year, "PT") for year in range(1978, 1988)])
    assert row.full_rate
    assert row.decote_quarters == 0
    assert row.base_annual_gross == money(row.sam * Decimal("0.5") * 152 / 192)


def test_a_separate_computation_convention_counts_foreign_quarters_for_the_rate_only():
    # Algeria (convention of 1 October 1980, separate computation, CFDT type C): 152 French + 40 Algerian quarters
    # give the taux plein; the amount stays on the French quarters: SAM × 50 % × 152/170 (more than the EU's pro
    # rata of the previous test, which shares out all 192 quarters).
    row = leave(range(1988, 2026), [abroad(year, "DZ") for year in range(1978, 1988)])
    assert row.full_rate
    assert row.base_annual_gross == money(row.sam * Decimal("0.5") * 152 / REQUIRED)


def test_periods_under_two_conventions_are_not_added_each_is_applied_alone():
    # 144 French quarters, 12 in Algeria (1981-1983), 16 in Canada (1984-1987): not 172 together.
    # Algeria alone: 156, 14 missing → décote 14. Canada alone: 160, 10 missing → décote 10: the better, paid
    # (SAM × 50 % × (1 − 1,25 % × 10) × 144/170).
    foreign = [*(abroad(year, "DZ") for year in range(1981, 1984)), *(abroad(year, "CA") for year in range(1984, 1988))]
    row = leave(range(1990, 2026), foreign)
    assert row.decote_quarters == 10
    assert row.base_annual_gross == money(row.sam * rate(10) * 144 / REQUIRED)
    assert any("plusieurs accords" in step for step in row.explanation["abroad"].steps)


def test_periods_in_a_country_without_an_agreement_count_for_nothing_and_the_page_says_what_exists():
    # China: the 2016 accord covers detached workers only (countries.csv); the pension is the national one.
    with_china = leave(range(1990, 2026), [abroad(year, "CN") for year in range(1984, 1990)])
    alone = leave(range(1990, 2026), [])
    assert with_china.base_annual_gross == alone.base_annual_gross == money(alone.sam * rate(17) * 144 / REQUIRED)
    steps = " ".join(with_china.explanation["abroad"].steps)
    assert "Chine : pas de convention" in steps
    assert "1er avril 1983" in steps
    assert "Français de l'étranger" in steps


def test_a_year_counts_at_most_four_quarters_with_those_of_france():
    # 1990 is worked in France (4 quarters) and in Portugal (4): the Portuguese ones add nothing that year.
    overlap = leave(range(1990, 2026), [abroad(1990, "PT")])
    alone = leave(range(1990, 2026), [])
    assert overlap.base_annual_gross == alone.base_annual_gross


def test_foreign_quarters_count_for_the_agirc_arrco_coefficient_too():
    # With 24 Portuguese quarters 2 are missing (first test): the coefficient d'anticipation by missing quarters is
    # 0,98; without them 26 are missing (more than 20: by age only, 17 quarters → 0,8175) (§17.4 point 6, §18).
    with_pt = leave(range(1990, 2026), [abroad(year, "PT") for year in range(1984, 1990)])
    alone = leave(range(1990, 2026), [])
    assert "× 0,9800" in with_pt.explanation["complementary"].summary
    assert "× 0,8175" in alone.explanation["complementary"].summary


def test_the_territories_of_one_convention_add_up():
    # The United States and Puerto Rico are under the one France–United States agreement (countries.csv): their
    # quarters count together, 8 + 8 = 16 with the 144 French ones, 160 of 170: décote 10 (not 14 for either alone).
    foreign = [*(abroad(year, "US") for year in range(1982, 1984)), *(abroad(year, "PR") for year in range(1984, 1986))]
    row = leave(range(1990, 2026), foreign)
    assert row.decote_quarters == 10
