"""Every scheme of the career: the single pension of the aligned schemes (LURA), the pensions listed one by one, the
Agirc-Arrco coefficients d'anticipation (pension-rules.md §15, §18, §19)."""

from datetime import date
from decimal import Decimal

import pytest

from portal.pension_rules.model import PensionKind
from tests.pension_rules.cases import departure, money, person, run, summary, work

BORN = date(1963, 7, 1)  # 62 y 9 m on 1 April 2026, 170 quarters required, taux plein automatique at 67
AS_OF = date(2026, 1, 15)
JULY = date(2026, 7, 1)


def year_row(result, year):
    (row,) = [row for row in result.quarters_by_year if row.year == year]
    return row


# --- LURA (CSS L173-1-2, R173-4-4-1; pension-rules.md §15).


def test_the_earnings_of_the_aligned_schemes_add_up_for_the_quarters_of_a_year():
    # 2022: threshold 1 585,50 € (150 h × 10,57 €). Salaried 1 500 € (régime général, 0 quarter alone) and artisan
    # 1 700 € (SSI, 1 quarter alone): 3 200 € together, 2 quarters (R173-4-4-1 2°: the earnings of the year are
    # summed across the aligned schemes before division).
    career = [work(2022, 1500), work(2022, 1700, regime="SSI", kind="self_employed")]
    result = run(person(BORN, AS_OF, career=career))
    assert year_row(result, 2022).quarters == 2
    steps = " ".join(year_row(result, 2022).explanation.steps)
    assert "additionnés (liquidation unique des régimes alignés, CSS L173-1-2)" in steps


def test_the_sam_year_of_the_aligned_schemes_is_capped_at_one_pass_in_total():
    # 30 000 € salaried + 30 000 € as artisan in 2022: one year of 41 136 € (the PASS of 2022), not 60 000 €
    # (L173-1-2 I 3°: « dans la limite du plafond » for all the aligned schemes together).
    both = [work(2022, 30000), work(2022, 30000, regime="SSI", kind="self_employed")]
    at_pass = [work(2022, 41136)]
    sam_both = departure(run(person(BORN, AS_OF, career=both, pension_date=JULY)), JULY).sam
    sam_pass = departure(run(person(BORN, AS_OF, career=at_pass, pension_date=JULY)), JULY).sam
    assert sam_both == sam_pass


def test_one_aligned_pension_paid_by_the_last_aligned_scheme():
    # Salaried until 2010, artisan from 2011: one pension, computed once, paid by the Assurance retraite (the SSI is
    # in the régime général since 2020), covering both schemes. A salarié agricole at the end: the MSA pays it
    # (R173-4-4 1°: the last scheme of affiliation).
    salaried_then_artisan = [
        *(work(year) for year in range(1985, 2011)),
        *(work(year, regime="SSI", kind="self_employed") for year in range(2011, 2026)),
    ]
    row = departure(run(person(BORN, AS_OF, career=salaried_then_artisan, pension_date=JULY)), JULY)
    (base,) = [pension for pension in row.pensions if pension.kind is PensionKind.BASE]
    assert (base.scheme, base.merged, base.computed) == ("CNAV", ("CNAV", "SSI"), True)
    assert base.monthly_gross == row.base_monthly_gross
    ending_at_the_msa = [*salaried_then_artisan, work(2025, regime="MSA_SALARIES")]
    row = departure(run(person(BORN, AS_OF, career=ending_at_the_msa, pension_date=JULY)), JULY)
    (base,) = [pension for pension in row.pensions if pension.kind is PensionKind.BASE]
    assert (base.scheme, base.merged) == ("MSA_SALARIES", ("CNAV", "SSI", "MSA_SALARIES"))


# --- Pensions listed one by one; the total sums the computed ones (pension-rules.md §19, §16.11).


def test_schemes_not_computed_are_listed_with_what_to_do_and_left_out_of_the_total():
    career = [
        *(work(year) for year in range(2005, 2021)),  # Agirc-Arrco points computed from 2019
        {"year": 2000, "regime": "MSA_EXPLOITANTS", "kind": "self_employed", "quarters": 4},
        {"year": 2001, "regime": "IRCANTEC", "kind": "salaried", "points": "120"},
    ]
    row = departure(run(person(BORN, AS_OF, career=career, pension_date=JULY)), JULY)
    by_scheme = {pension.scheme: pension for pension in row.pensions}
    assert set(by_scheme) == {"CNAV", "AGIRC_ARRCO", "MSA_EXPLOITANTS", "IRCANTEC"}
    assert by_scheme["IRCANTEC"].computed  # from the points of the relevé (pension-rules.md §16.9)
    msa = by_scheme["MSA_EXPLOITANTS"]
    assert not msa.computed
    assert msa.monthly_gross is None
    assert "info-retraite.fr" in " ".join(msa.explanation.steps)
    computed = sum((p.monthly_gross for p in row.pensions if p.computed), Decimal(0))
    assert row.total_monthly_gross == computed
    assert computed == row.base_monthly_gross + row.complementary_monthly_gross + by_scheme["IRCANTEC"].monthly_gross


# --- Agirc-Arrco coefficients d'anticipation (pension-rules.md §18).


@pytest.mark.parametrize(
    ("quarters", "day", "coefficient"),
    [
        # 150 of 170 quarters on 1 April 2026 (62 y 9 m): by age, 51 months to 67 = 17 quarters → 0.8175 (§18
        # example « 62 y 9 m 0.8175 »); by quarters, 20 missing → 0.78; the more favourable, 0.8175.
        (150, date(2026, 4, 1), "0.8175"),
        # 167 of 170 on 1 April 2026: by quarters, 3 missing → 0.97, better than by age (0.8175).
        (167, date(2026, 4, 1), "0.97"),
        # 140 of 170 (30 missing, more than 20: by age only) on 1 October 2027, 64 y 3 m: 11 quarters → 0.89 (§18
        # example « 64 y 3 m 0.89 »).
        (140, date(2027, 10, 1), "0.89"),
        # Taux plein by duration: no coefficient (and no coefficient de solidarité since 1 December 2023).
        (170, date(2026, 4, 1), "1"),
    ],
)
def test_agirc_arrco_coefficient_d_anticipation(quarters, day, coefficient):
    data = person(BORN, AS_OF, summary=summary(quarters, points=1000), compare_dates=[day.isoformat()])
    row = departure(run(data), day)
    assert row.complementary_annual_gross == money(Decimal(1000) * Decimal("1.4386") * Decimal(coefficient))
    assert not row.complementary_upper_bound


# --- Fonction publique in the simulation (pension-rules.md §16.4, §16.5, §16.10).

POINT = Decimal("59.0734")  # €/year per point of indice majoré since 1 July 2023 (§16.4)
FP_BORN = date(1966, 6, 15)  # legal age 63 y 3 m, pension from 1 October 2029; 172 quarters; 67 on 15 June 2033
FP_DAY = date(2029, 10, 1)


def services(first: int, last: int, scheme: str = "SRE") -> list[dict]:
    return [{"year": year, "regime": scheme, "kind": "salaried", "quarters": 4} for year in range(first, last + 1)]


def civil(index: int = 600, since: str = "2020-01-01", **fields) -> dict:
    return {"scheme": "SRE", "category": "sedentary", "index": index, "index_since": since, **fields}


def test_a_fonctionnaire_gets_75_percent_of_the_traitement_prorated_with_the_all_scheme_decote():
    # 144 quarters of services (1990-2025) of 172, leaving on 1 October 2029 at 63 y 3 m: the AAD (67) is 45 months
    # away, 15 quarters; 28 are missing: décote min(15, 28, 20) = 15, coefficient 1 − 1,25 % × 15 = 0,8125 (CPCM
    # L14 I). Traitement: IM 600 × 59,0734 € = 35 444,04 €. Pension = 35 444,04 × 75 % × 144/172 × 0,8125.
    data = person(FP_BORN, AS_OF, career=services(1990, 2025), civil_service=civil(), pension_date=FP_DAY)
    row = departure(run(data), FP_DAY)
    (sre,) = [pension for pension in row.pensions if pension.scheme == "SRE"]
    expected = money(600 * POINT * Decimal("0.75") * 144 / 172 * Decimal("0.8125"))
    assert sre.computed
    assert sre.decote_quarters == 15
    assert abs(sre.annual_gross - expected) <= Decimal("0.01")
    assert row.total_monthly_gross == sum(p.monthly_gross for p in row.pensions if p.computed)


def test_a_poly_pensionne_gets_one_pension_per_scheme_each_with_the_all_scheme_decote():
    # 60 quarters salaried in the régime général (1985-1999) then 104 of services (2000-2025): 164 of 172 for both
    # rates (CSS R351-27 1°; CPCM L14 I): 8 missing, 15 quarters to 67 → décote 8 in both schemes. The régime général
    # prorates on its 60 quarters, the SRE on its 104 (pension-rules.md §16.10).
    career = [*(work(year) for year in range(1985, 2000)), *services(2000, 2025)]
    data = person(FP_BORN, AS_OF, career=career, civil_service=civil(), pension_date=FP_DAY)
    row = departure(run(data), FP_DAY)
    by_scheme = {pension.scheme: pension for pension in row.pensions}
    assert by_scheme["CNAV"].decote_quarters == by_scheme["SRE"].decote_quarters == 8
    assert row.base_annual_gross == money(row.sam * Decimal("0.5") * (1 - Decimal("0.0125") * 8) * 60 / 172)
    expected = money(600 * POINT * Decimal("0.75") * 104 / 172 * (1 - Decimal("0.0125") * 8))
    assert abs(by_scheme["SRE"].annual_gross - expected) <= Decimal("0.01")


def test_without_the_civil_service_block_the_pension_is_listed_as_not_computed():
    data = person(FP_BORN, AS_OF, career=services(1990, 2025), pension_date=FP_DAY)
    row = departure(run(data), FP_DAY)
    (sre,) = [pension for pension in row.pensions if pension.scheme == "SRE"]
    assert not sre.computed
    assert sre.monthly_gross is None
    assert "Ensap" in " ".join(sre.explanation.steps)


def test_services_to_come_count_by_duration_and_the_traitement_of_the_indice():
    # The same fonctionnaire, serving until the departure (FutureWork in the SRE): 2026 to Q3 2029 adds 15 quarters
    # (4 + 4 + 4 + 3), 159 of 172: décote min(15, 13, 20) = 13.
    future = [{"annual_earnings": 35444, "regime": "SRE"}]
    data = person(
        FP_BORN, AS_OF, career=services(1990, 2025), civil_service=civil(), future_earnings=future, pension_date=FP_DAY
    )
    row = departure(run(data), FP_DAY)
    (sre,) = [pension for pension in row.pensions if pension.scheme == "SRE"]
    assert row.quarters_all_regimes == 159
    assert sre.decote_quarters == 13
    expected = money(600 * POINT * Decimal("0.75") * 159 / 172 * (1 - Decimal("0.0125") * 13))
    assert abs(sre.annual_gross - expected) <= Decimal("0.01")


def test_the_summary_mode_takes_the_quarters_of_the_civil_service_and_abroad():
    data = person(
        FP_BORN,
        AS_OF,
        summary={**summary(144), "quarters_by_scheme": {"SRE": 144}},
        civil_service=civil(),
        pension_date=FP_DAY,
    )
    (sre,) = [p for p in departure(run(data), FP_DAY).pensions if p.scheme == "SRE"]
    assert sre.computed
    assert sre.decote_quarters == 15


def test_a_fonctionnaire_without_regime_general_quarters_gets_no_minimum_contributif_from_it():
    # CSS L351-10: the minimum contributif tops up a pension of the régime général, prorated on its own quarters;
    # services in the SRE make none of it (review of 2026-12-03: 147,64 € were paid on 0 quarters).
    data = person(FP_BORN, AS_OF, career=services(1980, 2025), civil_service=civil(), compare_dates=["2033-07-01"])
    row = departure(run(data), date(2033, 7, 1))
    assert row.quarters_regime_general == 0
    assert not row.minimum_contributif
    assert row.base_annual_gross == 0


def test_a_fonctionnaire_alone_gets_no_pension_line_of_the_regime_general_and_none_of_its_child_quarters():
    # No aligned scheme in the career: the régime général pays nothing, so its line is not listed (it read « 0,00 € »),
    # and its majorations for children (CSS L351-4: eight quarters per child to the mother) are not added to the
    # all-scheme duration; the fonction publique's own for children are in its block (CPCM L12 b). Two children, 144
    # quarters of services: the quarters stay 144 and the décote 15, as for a person without children.
    children = [{"birth_date": "2006-03-01"}, {"birth_date": "2009-05-12"}]
    data = person(
        FP_BORN, AS_OF, sex="F", children=children, career=services(1990, 2025), civil_service=civil(),
        pension_date=FP_DAY,
    )  # fmt: skip
    row = departure(run(data), FP_DAY)
    assert [pension.scheme for pension in row.pensions if pension.computed] == ["SRE"]
    assert row.quarters_all_regimes == 144
    (sre,) = row.pensions
    assert sre.decote_quarters == 15
    assert row.total_monthly_gross == sre.monthly_gross


def test_ircantec_and_rafp_lines_without_points_are_listed_not_dropped():
    career = [
        *(work(year) for year in range(2005, 2021)),
        {"year": 2021, "regime": "IRCANTEC", "kind": "salaried", "quarters": 4},
    ]
    row = departure(run(person(BORN, AS_OF, career=career, pension_date=JULY)), JULY)
    (ircantec,) = [pension for pension in row.pensions if pension.scheme == "IRCANTEC"]
    assert not ircantec.computed


def test_civil_service_quarters_of_a_summary_without_the_block_are_listed_as_not_computed():
    data = person(
        BORN, AS_OF, summary={**summary(170, regime_general=100), "quarters_by_scheme": {"SRE": 70}}, pension_date=JULY
    )
    (sre,) = [pension for pension in departure(run(data), JULY).pensions if pension.scheme == "SRE"]
    assert not sre.computed


def test_a_catégorie_active_fonctionnaire_can_leave_before_the_legal_age_with_that_pension_alone():
    # A hospital nurse born 10 February 1975, CNRACL since 1996 with 20 years of active services, salaried in the
    # régime général before (1993-1995), RAFP points since 2005. CPCM L24 I 1°: actifs born from 1974 open at 59
    # (pension-rules §16.2, CNRACL 5 Feb 2026): 10 February 2034, a pension from 1 March 2034. The legal age of the
    # régime général is 64 (born 1969 and later): 1 March 2039. Between them only the CNRACL pension starts; the régime
    # général, Agirc-Arrco (CSS L161-17-2) and the RAFP (décret 2004-569 art. 5) wait for the legal age.
    born = date(1975, 2, 10)
    career = [
        *(work(year) for year in range(1993, 1996)),
        *services(1996, 2025, scheme="CNRACL"),
        *({"year": year, "regime": "RAFP", "kind": "salaried", "points": 150} for year in range(2005, 2026)),
        *({"year": year, "regime": "AGIRC_ARRCO", "kind": "salaried", "points": 50} for year in range(1993, 1996)),
    ]
    block = {**civil(), "scheme": "CNRACL", "category": "active", "active_years": 20}
    result = run(person(born, AS_OF, career=career, civil_service=block))
    assert result.earliest_date == date(2034, 3, 1)
    assert result.legal_age_date == date(2039, 3, 1)
    early = departure(result, date(2034, 3, 1))
    by_scheme = {pension.scheme: pension for pension in early.pensions}
    assert by_scheme["CNRACL"].computed
    for scheme in ("CNAV", "AGIRC_ARRCO", "RAFP"):
        assert not by_scheme[scheme].computed
        assert "pas avant le 1er mars 2039" in by_scheme[scheme].explanation.summary
    assert early.total_monthly_gross == by_scheme["CNRACL"].monthly_gross
    assert early.base_monthly_gross == early.complementary_monthly_gross == 0
    assert early.decote_quarters == by_scheme["CNRACL"].decote_quarters
    at_legal_age = departure(result, date(2039, 3, 1))
    # 3 150 RAFP points (21 × 150) are under the 4 900 of a rente: paid as a capital, listed, not in the monthly total.
    assert [pension.scheme for pension in at_legal_age.pensions if not pension.computed] == ["RAFP"]
    assert "capital" in {pension.scheme: pension for pension in at_legal_age.pensions}["RAFP"].explanation.summary
    # A sédentaire with the same career leaves at the legal age only.
    sedentary = run(person(born, AS_OF, career=career, civil_service={**block, "category": "sedentary"}))
    assert sedentary.earliest_date == date(2039, 3, 1)
