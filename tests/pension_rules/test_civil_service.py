"""Fonction publique pensions (SRE, CNRACL), RAFP and Ircantec: portal/pension_rules/civil_service.py, the rules of
docs/pension-rules.md §16. Each figure is an official example or derived by hand from the cited article, the
derivation in a comment."""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import portal.pension_rules
from portal.pension_rules import civil_service
from portal.pension_rules.civil_service import (
    Category,
    CivilServiceError,
    CivilServiceScheme,
    RafpForm,
    Traitement,
    cancellation_age,
    children_bonification_quarters,
    indexed_salary,
    ircantec_minoration,
    ircantec_pension,
    ircantec_points,
    minimum_garanti_share,
    opening_age,
    pension,
    rafp_pension,
    rafp_points,
    required_quarters,
    retained_index,
)
from portal.pension_rules.model import Age

# Born 10 March 1966, sédentaire: legal age 63 y 3 m under the LFSS 2026 (CSS L161-17-2), reached on 10 June 2029,
# first pension on 1 July 2029; 172 quarters required (CSS L161-17-3); AAD 67 (10 March 2033, first day 1 April 2033).
BORN_1966 = date(1966, 3, 10)
JULY_2029 = date(2029, 7, 1)
# Born 10 January 1964, sédentaire: 62 y 9 m and 170 quarters for pensions from 1 September 2026; the age is reached
# on 10 October 2026, first pension on 1 November 2026, a date in 2026 for the 2026 minimum garanti.
BORN_1964 = date(1964, 1, 10)
NOVEMBER_2026 = date(2026, 11, 1)


def _pension(**changes):
    facts = {
        "scheme": CivilServiceScheme.SRE,
        "departure": JULY_2029,
        "birth": BORN_1966,
        "category": Category.SEDENTARY,
        "active_years": 0,
        "traitement": Decimal(30000),
        "service_quarters": 160,
        "bonification_quarters": 0,
        "all_scheme_quarters": 172,
        "required": None,
        "children": 0,
        "effective_service_quarters": 160,
        "other_pensions_claimed": True,
    }
    facts.update(changes)
    return pension(**facts)


# --- Ircantec --------------------------------------------------------------------------------------------------------


def test_ircantec_points_follow_the_official_example():
    # baseircantec.retraites.fr node 376 (« Détermination du nombre de points », 20 Nov 2024): 2019 salary 50 000 €,
    # PASS 40 524 €, salaire de référence 4,958: A = 40 524 × 5,60 % / 4,958 = 457,71 → 458 points,
    # B = 9 476 × 15,60 % / 4,958 = 298,16 → 298 points (the example rounds to whole points).
    points = ircantec_points(Decimal(50000), 2019)
    assert (points.base_a, points.base_b) == (Decimal(40524), Decimal(9476))
    assert (points.points_a, points.points_b) == (Decimal("457.71"), Decimal("298.16"))
    assert (round(points.points_a), round(points.points_b)) == (458, 298)
    assert points.points == Decimal("755.87")
    assert not points.uncertain


def test_ircantec_tranche_b_stops_at_eight_ceilings():
    # 2024: PASS 46 368 €; a salary of 400 000 € counts 46 368 in A and 7 × 46 368 = 324 576 in B.
    points = ircantec_points(Decimal(400000), 2024)
    assert (points.base_a, points.base_b) == (Decimal(46368), Decimal(324576))


def test_ircantec_2025_reference_salary_is_derived_and_flagged():
    # 5,611 × 1,022 = 5,734 (pension-rules §16.9, [DERIVED, UNCERTAIN]); 10 000 € × 5,60 % / 5,734 = 97,66 points.
    points = ircantec_points(Decimal(10000), 2025)
    assert points.reference_salary == Decimal("5.734")
    assert points.points_a == Decimal("97.66")
    assert points.uncertain
    assert any("incertaine" in step for step in points.explanation.steps)


def test_ircantec_pension_without_minoration():
    # 1 000 points × 0,54357 € (valeur de service 2024) = 543,57 € a year, 45,30 € a month.
    result = ircantec_pension(Decimal(1000), date(2024, 6, 1))
    assert (result.annual_gross, result.monthly_gross) == (Decimal("543.57"), Decimal("45.30"))
    assert not result.uncertain


def test_ircantec_minoration_by_bands():
    day = date(2025, 6, 1)
    # 14 quarters: 12 × 1 % + 2 × 1,25 % = 14,5 %; 24 quarters: 12 + 8 × 1,25 + 4 × 1,75 = 29 %.
    assert ircantec_minoration(14, day) == Decimal("0.145")
    assert ircantec_minoration(24, day) == Decimal("0.29")
    # 1 000 points × 0,55553 € (2025) = 555,53 €, × (1 − 14,5 %) = 474,98 €; the minoration is flagged uncertain.
    result = ircantec_pension(Decimal(1000), day, 14)
    assert result.annual_gross == Decimal("474.98")
    assert result.uncertain


# --- Traitement ------------------------------------------------------------------------------------------------------


def test_traitement_of_index_500():
    # IM 500 × 59,0734 € (annual value of the point since 1 July 2023, pension-rules §16.4) = 29 536,70 €.
    traitement = indexed_salary(500, date(2025, 6, 1))
    assert traitement.annual == Decimal("29536.70")
    assert not traitement.uncertain


def test_point_value_is_uncertain_from_2026():
    # No general increase found for 2026 (Sénat rapport on PLF 2026); after 2026 the 2026 value is carried.
    assert indexed_salary(500, date(2026, 9, 1)).annual == Decimal("29536.70")
    assert indexed_salary(500, date(2026, 9, 1)).uncertain
    assert "2027" in indexed_salary(500, date(2027, 1, 1)).uncertain_note


def test_index_held_six_months_is_retained():
    # CPCM L15 I: held from 1 March to the radiation on 1 September, six months.
    retained = retained_index(520, date(2026, 3, 1), date(2026, 9, 1), previous_index=490)
    assert (retained.index_majore, retained.held_six_months) == (520, True)
    assert "six mois" in retained.reason


def test_index_held_less_than_six_months_gives_the_previous_one():
    retained = retained_index(520, date(2026, 3, 2), date(2026, 9, 1), previous_index=490)
    assert (retained.index_majore, retained.held_six_months) == (490, False)
    assert "indice détenu auparavant" in retained.reason


def test_six_months_waived_after_an_accident_in_service():
    retained = retained_index(520, date(2026, 6, 1), date(2026, 9, 1), six_months_waived=True)
    assert retained.index_majore == 520


def test_previous_index_needed_when_the_last_is_recent():
    with pytest.raises(CivilServiceError, match="indice détenu auparavant"):
        retained_index(520, date(2026, 6, 1), date(2026, 9, 1))


# --- Ages and required quarters --------------------------------------------------------------------------------------


def test_sedentary_ages_are_those_of_the_general_scheme():
    rule = opening_age(BORN_1966, Category.SEDENTARY, 0, JULY_2029)
    assert (rule.age, rule.uncertain) == (Age(63, 3), False)
    assert cancellation_age(BORN_1966, Category.SEDENTARY, 0, JULY_2029).age == Age(67, 0)
    assert required_quarters(BORN_1966, Category.SEDENTARY, JULY_2029).quarters == 172


@pytest.mark.parametrize(
    ("birth", "pension_date", "expected", "uncertain"),
    [
        # pension-rules §16.2: born 1 Jan - 31 Aug 1966, 57 on both sides of 1 September 2026 (CNRACL).
        (date(1966, 5, 10), date(2023, 10, 1), Age(57, 0), False),
        (date(1966, 5, 10), date(2026, 9, 1), Age(57, 0), False),
        # Born 1 Sep - 31 Dec 1966: 57 y 3 m (2023 reform, CNRACL), kept by the LFSS 2026 (derived: 62 y 3 m − 5).
        (date(1966, 10, 10), date(2024, 6, 1), Age(57, 3), False),
        (date(1966, 10, 10), date(2026, 9, 1), Age(57, 3), False),
        # Born 1969: 58 under the 2023 reform; 57 y 9 m from 1 September 2026, derived and flagged.
        (date(1969, 4, 10), date(2026, 8, 1), Age(58, 0), False),
        (date(1969, 4, 10), date(2027, 2, 1), Age(57, 9), True),
        # Born from 1974: 59 (CNRACL, 5 Feb 2026).
        (date(1975, 2, 10), date(2034, 3, 1), Age(59, 0), False),
    ],
)
def test_active_opening_ages(birth, pension_date, expected, uncertain):
    rule = opening_age(birth, Category.ACTIVE, 17, pension_date)
    assert (rule.age, rule.uncertain) == (expected, uncertain)


def test_fewer_than_17_active_years_means_the_sedentary_age():
    # CPCM L24 I 1°: 17 years of services actifs; CNRACL writes « entre 15 et 17 ans », so 16 years is uncertain.
    sixteen = opening_age(date(1972, 5, 10), Category.ACTIVE, 16, date(2036, 6, 1))
    assert (sixteen.age, sixteen.uncertain) == (Age(64, 0), True)
    assert "entre 15 et 17 ans" in sixteen.source
    ten = opening_age(date(1972, 5, 10), Category.ACTIVE, 10, date(2036, 6, 1))
    assert (ten.age, ten.uncertain) == (Age(64, 0), False)


def test_super_active_age_is_derived_and_flagged():
    # Âge minoré = legal age − 10 (CPCM L24); transitional cohorts derived from the sédentaire born ten years
    # earlier: born October 1975 ↔ October 1965, 63 under the LFSS 2026, so 53.
    rule = opening_age(date(1975, 10, 10), Category.SUPER_ACTIVE, 27, date(2030, 9, 1))
    assert (rule.age, rule.uncertain) == (Age(53, 0), True)


def test_cancellation_ages_of_the_active_categories():
    # CPCM L14 bis 2° and 3°, juris-cnracl: 62 for actifs born from 1963, 57 for super-actifs born from 1968.
    active = cancellation_age(date(1970, 6, 10), Category.ACTIVE, 20, date(2028, 7, 1))
    assert (active.age, active.uncertain) == (Age(62, 0), False)
    super_active = cancellation_age(date(1975, 10, 10), Category.SUPER_ACTIVE, 27, date(2030, 9, 1))
    assert (super_active.age, super_active.uncertain) == (Age(57, 0), False)


@pytest.mark.parametrize(
    ("birth", "pension_date", "expected", "uncertain"),
    [
        # CNRACL, 5 Feb 2026: actifs born 1 Jan 1969 - 31 Mar 1970: 170; 1 Apr - 31 Dec 1970: 171.
        (date(1969, 5, 1), date(2027, 3, 1), 170, False),
        (date(1970, 2, 1), date(2027, 12, 1), 170, False),
        (date(1970, 4, 1), date(2028, 5, 1), 171, False),
        # Others: the sédentaire of the cohort born five years earlier, flagged (1972 ↔ 1967: 172; Oct 1966 ↔ Oct 1961
        # under the 2023 reform: 169).
        (date(1972, 5, 1), date(2031, 3, 1), 172, True),
        (date(1966, 10, 10), date(2024, 6, 1), 169, True),
    ],
)
def test_active_required_quarters(birth, pension_date, expected, uncertain):
    rule = required_quarters(birth, Category.ACTIVE, pension_date)
    assert (rule.quarters, rule.uncertain) == (expected, uncertain)


# --- The pension -----------------------------------------------------------------------------------------------------


def test_sedentary_born_1966_with_160_of_172_quarters():
    # CPCM L13: 75 % × 160/172 of the traitement; IM 500 → 29 536,70 €; 29 536,70 × 120/172 = 20 607,00 € a year
    # (172 × 20 607 = 3 544 404 = 29 536,70 × 120), 1 717,25 € a month. 172 quarters all schemes: no décote.
    result = _pension(traitement=indexed_salary(500, JULY_2029))
    assert result.rate == Decimal("0.75") * 160 / 172
    assert (result.annual_gross, result.monthly_gross) == (Decimal("20607.00"), Decimal("1717.25"))
    assert (result.decote_quarters, result.surcote_quarters, result.minimum_applied) == (0, 0, False)
    assert result.opening_date == JULY_2029
    steps = "\n".join(result.explanation.steps)
    assert "75 % × 160/172" in steps
    assert "CPCM L13" in result.explanation.references
    # The point d'indice of 2029 is the last known one: the amount says it rests on an uncertain value.
    assert result.uncertain
    assert "valeur incertaine" in result.explanation.summary


def test_decote_counts_the_missing_quarters_when_fewer():
    # 165 quarters all schemes for 172: 7 missing; from 1 July 2029 to the AAD (1 April 2033): 45 months, 15 quarters.
    # n = min(15, 7, 20) = 7 (CPCM L14 I). 30 000 × 75 % × 150/172 = 19 622,09; × (1 − 7 × 1,25 %) = 0,9125:
    # 3 375 000 × 0,9125 / 172 = 17 905,16 €.
    result = _pension(service_quarters=150, all_scheme_quarters=165, effective_service_quarters=150)
    assert result.decote_quarters == 7
    assert result.coefficient == Decimal("0.9125")
    assert result.annual_gross == Decimal("17905.16")
    assert result.minimum_garanti is None  # no taux plein, no minimum garanti (CPCM L17)
    assert not result.uncertain


def test_decote_counts_the_quarters_to_the_cancellation_age_when_fewer():
    # 140 quarters for 172: 32 missing; 15 quarters to the AAD; n = min(15, 32, 20) = 15, coefficient 0,8125.
    # 30 000 × 75 % × 140/172 × 0,8125 = 2 559 375 / 172 = 14 880,09 €.
    result = _pension(service_quarters=140, all_scheme_quarters=140, effective_service_quarters=140)
    assert result.decote_quarters == 15
    assert result.annual_gross == Decimal("14880.09")


def test_active_decote_runs_to_62():
    # Actif born 10 June 1970 (20 years of services actifs): 58 from 1 September 2026 (derived, uncertain), leaves
    # 1 July 2028; D = 171 (CNRACL); AAD 62 on 1 July 2032: 48 months, 16 quarters; 21 missing → n = 16.
    # 30 000 × 75 % × 140/171 × (1 − 16 × 1,25 %) = 3 150 000 × 0,8 / 171 = 14 736,84 €.
    result = _pension(
        scheme=CivilServiceScheme.CNRACL,
        birth=date(1970, 6, 10),
        departure=date(2028, 7, 1),
        category=Category.ACTIVE,
        active_years=20,
        service_quarters=140,
        all_scheme_quarters=150,
        effective_service_quarters=140,
    )
    assert (result.category, result.opening_age, result.cancellation_age) == (Category.ACTIVE, Age(58, 0), Age(62, 0))
    assert (result.required_quarters, result.decote_quarters) == (171, 16)
    assert result.annual_gross == Decimal("14736.84")
    assert result.uncertain  # the LFSS 2026 active age for 1970 is derived
    assert "décret 2003-1306" in result.explanation.references


def test_rate_is_capped_at_80_percent_with_bonifications():
    # CPCM L12: four children born before 2004 with an interruption, 4 × 4 = 16 quarters of bonification.
    # 75 % × (172 + 16)/172 = 81,98 %, capped at 75 + 5 = 80 %: 30 000 × 80 % = 24 000 €.
    bonification = children_bonification_quarters(4, JULY_2029)
    assert bonification == 16
    result = _pension(service_quarters=172, bonification_quarters=bonification, all_scheme_quarters=188)
    assert result.rate == Decimal("0.80")
    assert result.annual_gross == Decimal("24000.00")
    assert "plafonné à 80 %" in "\n".join(result.explanation.steps)


def test_bonifications_below_the_cap_add_to_the_services():
    # 75 % × (160 + 8)/172 = 73,26 %: 30 000 × 126/172 = 21 976,74 €.
    result = _pension(bonification_quarters=8, all_scheme_quarters=172)
    assert result.liquidation_quarters == 168
    assert result.annual_gross == Decimal("21976.74")


def test_surcote_after_the_legal_age_and_beyond_the_required_duration():
    # Born January 1964: legal age reached, first day 1 November 2026; leaving 1 November 2027 is 4 whole quarters
    # later; 180 quarters for 170: bound min(10, 4) = 4. 30 000 × 75 % × 170/170 × (1 + 4 × 1,25 %) = 23 625 €.
    facts = {
        "birth": BORN_1964,
        "departure": date(2027, 11, 1),
        "service_quarters": 170,
        "all_scheme_quarters": 180,
        "effective_service_quarters": 170,
    }
    assert _pension(**facts).annual_gross == Decimal("23625.00")
    # A counted number of quarters cotisés is taken as given (2: 22 500 × 1,025 = 23 062,50) and capped at the bound.
    assert _pension(**facts, surcote_quarters=2).annual_gross == Decimal("23062.50")
    assert _pension(**facts, surcote_quarters=9).surcote_quarters == 4


def test_minimum_garanti_at_40_years():
    # IM 300 → 17 722,02 €; 75 % × 160/170 → 12 509,66 €. CPCM L17 a: 40 years of services effectifs, taux plein
    # (170 quarters): the full minimum, 1 355,50 € a month in 2026 (pension-rules §16.7, derived, uncertain),
    # 16 266,00 € a year.
    result = _pension(
        scheme=CivilServiceScheme.CNRACL,
        birth=BORN_1964,
        departure=NOVEMBER_2026,
        traitement=indexed_salary(300, NOVEMBER_2026),
        all_scheme_quarters=170,
    )
    assert result.pension_before_minimum == Decimal("12509.66")
    assert result.minimum_applied
    assert (result.minimum_garanti, result.annual_gross, result.monthly_gross) == (
        Decimal("16266.00"),
        Decimal("16266.00"),
        Decimal("1355.50"),
    )
    assert result.uncertain
    assert any("minimum garanti : valeur incertaine" in step for step in result.explanation.steps)


def test_minimum_garanti_at_20_years():
    # CPCM L17 b: 57,5 % + 5 years × 2,5 points = 70 % of 1 355,50 € = 948,85 € a month, 11 386,20 € a year.
    result = _pension(
        birth=BORN_1964,
        departure=NOVEMBER_2026,
        traitement=indexed_salary(300, NOVEMBER_2026),
        service_quarters=80,
        all_scheme_quarters=170,
        effective_service_quarters=80,
    )
    assert (result.annual_gross, result.monthly_gross) == (Decimal("11386.20"), Decimal("948.85"))


def test_minimum_garanti_shares():
    day = NOVEMBER_2026
    assert minimum_garanti_share(160, 170, day) == 1
    assert minimum_garanti_share(80, 170, day) == Decimal("0.70")
    assert minimum_garanti_share(60, 170, day) == Decimal("0.575")  # 15 years
    assert minimum_garanti_share(120, 170, day) == Decimal("0.95")  # 30 years: 57,5 + 15 × 2,5
    assert minimum_garanti_share(140, 170, day) == Decimal("0.975")  # 35 years: 95 + 5 × 0,5
    # CPCM L17 d: below 15 years, per year the full amount over the years required (170/4): 40 quarters → 40/170.
    assert minimum_garanti_share(40, 170, day) == Decimal(40) / 170


def test_minimum_garanti_needs_every_other_pension_claimed():
    result = _pension(
        birth=BORN_1964,
        departure=NOVEMBER_2026,
        traitement=indexed_salary(300, NOVEMBER_2026),
        all_scheme_quarters=170,
        other_pensions_claimed=False,
    )
    assert (result.minimum_garanti, result.minimum_applied) == (None, False)
    assert result.annual_gross == Decimal("12509.66")
    assert any("autres retraites" in step for step in result.explanation.steps)


def test_children_majoration_for_three_is_on_the_minimum_when_higher():
    # CPCM L18 V (juris-cnracl): 10 % of the minimum garanti, 11 386,20 × 1,10 = 12 524,82 €.
    result = _pension(
        birth=BORN_1964,
        departure=NOVEMBER_2026,
        traitement=indexed_salary(300, NOVEMBER_2026),
        service_quarters=80,
        all_scheme_quarters=170,
        effective_service_quarters=80,
        children=3,
    )
    assert result.children_majoration_rate == Decimal("0.10")
    assert (result.children_majoration, result.annual_gross) == (Decimal("1138.62"), Decimal("12524.82"))


def test_children_majoration_for_four():
    # 10 % + 5 % for the fourth: 20 607,00 × 1,15 = 23 698,05 €.
    result = _pension(traitement=indexed_salary(500, JULY_2029), children=4)
    assert result.children_majoration_rate == Decimal("0.15")
    assert result.annual_gross == Decimal("23698.05")


def test_pension_and_majoration_are_capped_at_the_traitement():
    # 80 % of 30 000 = 24 000; seven children: 10 % + 4 × 5 % = 30 %, 31 200 > 30 000: both reduced pro rata
    # (CPCM L18 V), total 30 000, majoration 30 000 × 0,30 / 1,30 = 6 923,08.
    result = _pension(service_quarters=172, bonification_quarters=16, all_scheme_quarters=188, children=7)
    assert result.capped_at_traitement
    assert (result.annual_gross, result.children_majoration) == (Decimal("30000.00"), Decimal("6923.08"))


def test_departure_before_the_opening_date_is_refused():
    with pytest.raises(CivilServiceError, match="premier départ possible"):
        _pension(departure=date(2029, 6, 1))


def test_all_scheme_quarters_include_the_services():
    with pytest.raises(CivilServiceError, match="durée d'assurance tous régimes"):
        _pension(service_quarters=160, all_scheme_quarters=150)


def test_a_traitement_amount_is_accepted():
    result = _pension(traitement=Traitement(Decimal("29536.70")))
    assert result.annual_gross == Decimal("20607.00")
    assert not result.uncertain


# --- RAFP ------------------------------------------------------------------------------------------------------------


def test_rafp_points_with_primes_above_the_cap():
    # 20 % of 29 536,70 = 5 907,34 €; × 10 % = 590,734 €; / 1,4112 (valeur d'acquisition 2024) = 418,60 points.
    points = rafp_points(Decimal(8000), Decimal("29536.70"), 2024)
    assert points.base == Decimal("5907.340")
    assert points.points == Decimal("418.60")
    assert not points.uncertain


def test_rafp_points_with_primes_below_the_cap():
    # 3 000 × 10 % / 1,4112 = 212,59 points.
    assert rafp_points(Decimal(3000), Decimal("29536.70"), 2024).points == Decimal("212.59")


def test_rafp_2025_value_not_found_is_flagged():
    points = rafp_points(Decimal(3000), Decimal("29536.70"), 2025)
    assert points.purchase_value == Decimal("1.4112")
    assert points.uncertain


def test_rafp_rente_above_the_threshold():
    # 6 000 points × 0,05378 € (valeur de service 2024) = 322,68 € a year, 26,89 € a month.
    result = rafp_pension(Decimal(6000), date(2024, 6, 1))
    assert result.form is RafpForm.RENTE
    assert (result.annual_gross, result.monthly_gross) == (Decimal("322.68"), Decimal("26.89"))


def test_rafp_capital_below_the_threshold():
    # 4 899 points < 4 900 (since 1 April 2024): capital; its coefficient is unknown, the annual value is given:
    # 4 899 × 0,05378 = 263,47 €.
    result = rafp_pension(Decimal(4899), date(2026, 1, 1))
    assert result.form is RafpForm.CAPITAL
    assert (result.annual_value, result.annual_gross) == (Decimal("263.47"), None)
    assert any("coefficient actuariel" in step for step in result.explanation.steps)
    assert result.uncertain  # the 2026 valeur de service was not found


def test_rafp_capital_threshold_moved_on_1_april_2024():
    # 4 700 points: at or above 4 600 before 1 April 2024 (split capital), below 4 900 from then (capital).
    assert rafp_pension(Decimal(4700), date(2024, 3, 1)).form is RafpForm.SPLIT_CAPITAL
    assert rafp_pension(Decimal(4700), date(2024, 4, 1)).form is RafpForm.CAPITAL
    assert rafp_pension(Decimal(5000), date(2024, 4, 1)).form is RafpForm.SPLIT_CAPITAL


# --- Data ------------------------------------------------------------------------------------------------------------


def test_every_civil_service_row_names_its_source_and_its_certainty():
    tables = sorted((Path(portal.pension_rules.__file__).parent / "data").glob("civil_service*.csv"))
    assert len(tables) >= 4
    for table in tables:
        rows = list(csv.DictReader(table.read_text(encoding="utf-8").splitlines()))
        assert rows, table.name
        assert all(row["source"].strip() for row in rows), table.name
        assert {row["uncertain"] for row in rows} <= {"true", "false"}, table.name


def test_uncertain_values_of_the_reference_are_flagged():
    # pension-rules §16 and §20: the 2026 minimum garanti, RAFP 2025/2026, Ircantec 2025 values, 17 active years.
    assert civil_service.amount("miga_monthly", date(2026, 6, 1)).uncertain
    assert not civil_service.amount("miga_monthly", date(2023, 6, 1)).uncertain
    assert civil_service.amount("rafp_service_value", date(2025, 6, 1)).uncertain
    assert civil_service.amount("ircantec_service_value", date(2025, 6, 1)).uncertain
    assert civil_service.rule("active_min_years", date(2026, 6, 1)).uncertain
