"""The amount: proratisation, maximum, minimum contributif, children, Agirc-Arrco (pension-rules.md §5.4, §6, §8)."""

from datetime import date
from decimal import Decimal

import pytest

from portal.pension_rules.parameters import pass_annual
from tests.pension_rules.cases import departure, money, person, run, summary, work

BORN = date(1963, 7, 1)  # 62 y 9 m on 1 April 2026, 170 quarters required
AS_OF = date(2026, 1, 15)
JULY = date(2026, 7, 1)


def leave_in_july(quarters: int, **summary_fields):
    fields = {key: summary_fields.pop(key) for key in ("children", "sex", "future_earnings") if key in summary_fields}
    data = person(BORN, AS_OF, pension_date=JULY, summary=summary(quarters, **summary_fields), **fields)
    return departure(run(data), JULY)


# --- Proratisation: SAM × taux × min(RG quarters, D) / D (service-public F21552; pension-rules.md §6).


def test_proratisation_on_the_regime_general_quarters():
    row = leave_in_july(172, regime_general=120, sam=30000)
    assert row.full_rate
    assert row.proratisation == Decimal(120) / Decimal(170)
    assert row.base_annual_gross == money(Decimal(15000) * 120 / 170) == Decimal("10588.24")


def test_proratisation_is_capped_at_the_required_duration():
    row = leave_in_july(180, sam=30000)
    assert row.proratisation == 1
    assert row.base_annual_gross == Decimal("15000.00")


# --- Maximum: 50 % of the PASS of the year of departure, 24 030 €/year in 2026 (pension-rules.md §6.2).


def test_maximum_pension_is_half_the_pass_of_2026():
    row = leave_in_july(172, sam=60000)
    assert row.surcote_quarters == 0
    assert row.base_annual_gross == Decimal("24030.00")
    assert row.base_monthly_gross == Decimal("2002.50")  # moneyvox 107022: 2 002,50 € par mois en 2026


def test_the_three_children_majoration_is_added_above_the_maximum():
    # pension-rules.md §6.2: the maximum can be exceeded by surcote and the 3-children majoration.
    children = [{"birth_date": "1990-01-01"}, {"birth_date": "1992-01-01"}, {"birth_date": "1994-01-01"}]
    row = leave_in_july(172, sam=60000, sex="M", children=children)
    assert row.base_annual_gross == Decimal("26433.00")


# --- Minimum contributif, 2026 values 756,29 / 903,93 €/month, ceiling 1 410,89 € (CSS L351-10; Klesia Prosocial
# citing the ministry communiqué of 31 Dec 2025; pension-rules.md §6.3).


def test_minimum_contributif_majore_with_a_full_career_cotisee():
    row = leave_in_july(170, sam=12000)  # 6 000 €/year before the minimum
    assert row.full_rate
    assert row.minimum_contributif
    assert row.base_monthly_gross == Decimal("903.93")
    assert row.base_annual_gross == Decimal("10847.16")


def test_minimum_contributif_not_majore_below_120_quarters_cotises():
    row = leave_in_july(170, contributed=119, sam=12000)
    assert row.minimum_contributif
    assert row.base_monthly_gross == Decimal("756.29")


def test_minimum_contributif_majoration_prorated_on_the_quarters_cotises():
    # 120 quarters cotisés out of 170: 756,29 + (903,93 − 756,29) × 120/170 a month.
    row = leave_in_july(170, contributed=120, sam=12000)
    expected = money(Decimal("756.29") * 12 + (Decimal("903.93") - Decimal("756.29")) * 12 * 120 / 170)
    assert row.base_annual_gross == expected == Decimal("10326.08")


def test_minimum_contributif_prorated_like_the_pension():
    # At 67 (taux plein) with 130 quarters, 85 of them in the régime général and cotisés.
    at_67 = departure(
        run(person(BORN, AS_OF, summary=summary(130, regime_general=85, contributed=85, sam=6000))), date(2030, 7, 1)
    )
    assert at_67.full_rate
    assert at_67.minimum_contributif
    # 6 000 × 50 % × 85/170 = 1 500 €; minimum (756,29 × 12) × 85/170, no majoration (85 < 120 quarters cotisés).
    assert at_67.base_annual_gross == money(Decimal("756.29") * 12 * 85 / 170) == Decimal("4537.74")


def test_minimum_contributif_only_at_the_taux_plein():
    row = leave_in_july(160, sam=12000)
    assert not row.full_rate
    assert not row.minimum_contributif
    assert row.base_annual_gross == money(Decimal(12000) * Decimal("0.4375") * 160 / 170)


def test_minimum_contributif_reduced_so_that_all_pensions_stay_under_the_ceiling():
    # Ceiling 1 410,89 €/month of all pensions: with 6 000 € of Agirc-Arrco (Agirc-Arrco points × 1,4386), the
    # minimum is cut so that base + complementary = 1 410,89 × 12 = 16 930,68 €.
    points = Decimal(6000) / Decimal("1.4386")
    row = leave_in_july(170, sam=12000, points=str(points.quantize(Decimal("0.0001"))))
    assert row.complementary_annual_gross == Decimal("6000.00")
    assert row.minimum_contributif
    assert row.base_annual_gross == Decimal("10847.16")  # 10 847,16 + 6 000 < 16 930,68: not reduced
    points = Decimal(9000) / Decimal("1.4386")
    row = leave_in_july(170, sam=12000, points=str(points.quantize(Decimal("0.0001"))))
    assert row.complementary_annual_gross == Decimal("9000.00")
    assert row.minimum_contributif
    assert row.base_annual_gross == Decimal("7930.68")  # 16 930,68 − 9 000
    assert row.total_monthly_gross == Decimal("1410.89")


def test_the_children_majoration_comes_after_the_minimum_contributif():
    # pension-rules.md §14.2: a mother of three, taux plein with 170 quarters all cotisés, 650 €/month computed
    # (SAM 15 600 × 50 %), 300 €/month of Agirc-Arrco. Raised to the majoré minimum, 903,93 €, then + 10 %:
    # 994,32 €/month. Majoration first (the former order) gave max(715,00, 903,93): 90,39 € a month lost.
    children = [{"birth_date": "1990-01-01"}, {"birth_date": "1992-01-01"}, {"birth_date": "1994-01-01"}]
    october = date(2026, 10, 1)
    points = (Decimal(3600) / Decimal("1.4386")).quantize(Decimal("0.0001"))
    data = person(
        date(1963, 12, 5), AS_OF, pension_date=october, summary=summary(170, sam=15600, points=str(points)),
        sex="F", children=children,
    )  # fmt: skip
    row = departure(run(data), october)
    assert row.full_rate
    assert row.minimum_contributif
    assert row.complementary_monthly_gross == Decimal("300.00")
    assert row.base_annual_gross == Decimal("11931.88")  # 10 847,16 × 1,10
    assert row.base_monthly_gross == Decimal("994.32")


def test_no_minimum_contributif_when_the_pensions_already_pass_the_ceiling():
    points = Decimal(12000) / Decimal("1.4386")
    row = leave_in_july(170, sam=12000, points=str(points.quantize(Decimal("0.0001"))))
    assert not row.minimum_contributif
    assert row.base_annual_gross == Decimal("6000.00")


# --- Children: +10 % for 3 children (CSS L351-12), 8 quarters per child to the mother (CSS L351-4, service-public
# F16336 of 14 Aug 2026; pension-rules.md §5.4, §6).


@pytest.mark.parametrize(("count", "base"), [(0, "15000.00"), (2, "15000.00"), (3, "16500.00"), (4, "16500.00")])
def test_children_majoration_of_ten_percent_from_three_children(count, base):
    children = [{"birth_date": f"{1990 + 2 * index}-03-01"} for index in range(count)]
    row = leave_in_july(172, sex="M", children=children)
    assert row.base_annual_gross == Decimal(base)


def test_the_majoration_is_applied_after_the_surcote():
    # D351-1-4: surcote first, then + 10 %. Born 20 May 1963, 2 quarters of surcote on 1 October 2026.
    children = [{"birth_date": "1990-01-01"}, {"birth_date": "1992-01-01"}, {"birth_date": "1994-01-01"}]
    data = person(
        date(1963, 5, 20),
        AS_OF,
        summary=summary(172, sam=30000),
        sex="M",
        children=children,
        future_earnings=[{"annual_earnings": 40000}],
        pension_date="2026-10-01",
    )
    row = departure(run(data), date(2026, 10, 1))
    assert row.surcote_quarters == 2
    assert row.base_annual_gross == money(Decimal(15000) * Decimal("1.025") * Decimal("1.10")) == Decimal("16912.50")


def test_mothers_get_eight_quarters_per_child():
    # F16336: before 2010, 4 maternité + 4 éducation to the mother; from 2010, 4 + 2 to the mother and 2 to share,
    # all to the mother without a declaration. 150 quarters + 3 × 8 = 174 ≥ 170: taux plein on 1 July 2026.
    children = [{"birth_date": "1990-05-01"}, {"birth_date": "1995-05-01"}, {"birth_date": "2012-05-01"}]
    mother = leave_in_july(150, regime_general=150, sex="F", children=children)
    assert mother.quarters_all_regimes == 174
    assert mother.quarters_regime_general == 174
    assert mother.full_rate
    father = leave_in_july(150, regime_general=150, sex="M", children=children)
    assert father.quarters_all_regimes == 150
    assert father.decote_quarters == 16  # min(20 missing, 16 to 67)


def test_mda_quarters_declared_for_a_father():
    children = [{"birth_date": "2012-05-01", "mda_quarters": 2}]
    row = leave_in_july(150, sex="M", children=children)
    assert row.quarters_all_regimes == 152


# --- Agirc-Arrco: points = (T1 × 6,20 % + T2 × 17 %) / valeur d'achat, T1 up to 1 PASS, T2 from 1 to 8 PASS;
# pension = points × valeur de service 1,4386 € (pension-rules.md §8).


@pytest.mark.parametrize(
    ("salary", "points"),
    [
        (30000, Decimal(30000) * Decimal("0.062") / Decimal("20.1877")),  # T1 only
        (47100, Decimal(47100) * Decimal("0.062") / Decimal("20.1877")),  # exactly 1 PASS 2025
        (60000, (Decimal(47100) * Decimal("0.062") + Decimal(12900) * Decimal("0.17")) / Decimal("20.1877")),
        (400000, (Decimal(47100) * Decimal("0.062") + Decimal(47100 * 7) * Decimal("0.17")) / Decimal("20.1877")),
    ],
)
def test_agirc_arrco_points_of_2025(salary, points):
    data = person(date(1970, 5, 15), date(2026, 1, 15), career=[work(2025, salary)])
    (row,) = [row for row in run(data).quarters_by_year if row.year == 2025]
    assert row.agirc_arrco_points == money(points)


def test_agirc_arrco_pension_is_points_times_the_service_value():
    row = leave_in_july(172, points=10000)
    assert row.agirc_arrco_points == 10000
    assert row.complementary_annual_gross == Decimal("14386.00")
    assert row.complementary_monthly_gross == Decimal("1198.83")
    assert row.total_monthly_gross == row.base_monthly_gross + row.complementary_monthly_gross


def test_agirc_arrco_points_of_a_career_are_added_up():
    # Points computed from the salaries since 2019, with each year's valeur d'achat (pension-rules.md §8 table).
    purchase = {
        2019: "17.0571",
        2020: "17.3982",
        2021: "17.3982",
        2022: "17.4316",
        2023: "18.7669",
        2024: "19.6321",
        2025: "20.1877",
    }
    career = [work(year, 30000) for year in range(1984, 2026)]
    data = person(BORN, AS_OF, career=career, pension_date=JULY)
    row = departure(run(data), JULY)
    expected = sum(money(Decimal(30000) * Decimal("0.062") / Decimal(value)) for value in purchase.values())
    assert row.agirc_arrco_points == expected
    # 42 years of 4 quarters = 168 of the 170 required at 63 (1 July 2026), short of the taux plein: the coefficient
    # d'anticipation by missing quarters, 2 → 0.98, beats the one by age, 16 quarters before 67 → 0.84 (§18).
    assert row.quarters_all_regimes == 168
    assert not row.full_rate
    assert row.complementary_annual_gross == money(expected * Decimal("1.4386") * Decimal("0.98"))


def test_maximum_pension_in_2025_is_half_the_pass_of_2025():
    # pension-rules.md §6.2: 1 962,50 €/month in 2025 (PASS 47 100 €). Born 15 June 1962 (62 y 6 m on 1 Jan 2025).
    data = person(date(1962, 6, 15), date(2025, 1, 15), summary=summary(172, sam=60000), pension_date="2025-07-01")
    row = departure(run(data), date(2025, 7, 1))
    assert row.base_annual_gross == Decimal("23550.00")
    assert row.base_monthly_gross == Decimal("1962.50")


# --- SAM: average of the 25 best years, each salary capped at the PASS of its year and revalued (CSS R351-29,
# service-public F21552, Assurance retraite "Nombre d'années civiles retenues"; pension-rules.md §6).


def sam_of(career: list[dict]) -> Decimal:
    return departure(run(person(BORN, AS_OF, career=career, pension_date=JULY)), JULY).sam


def test_sam_keeps_the_25_best_years():
    best = [work(year, 30000) for year in range(1990, 2015)]
    low_years = [work(year, 2000) for year in range(1984, 1990)]
    assert sam_of([*best, *low_years]) == sam_of(best)
    assert sam_of([*best[1:], *low_years]) < sam_of(best)  # 24 good years: one low year enters the 25


def test_sam_salaries_are_capped_at_the_pass_of_their_year():
    at_pass = [work(year, str(pass_annual(year))) for year in range(1995, 2020)]
    above = [work(year, 500000) for year in range(1995, 2020)]
    assert sam_of(above) == sam_of(at_pass)


def test_sam_of_fewer_than_25_years_is_the_average_of_them_all():
    one, other = [work(2010, 20000)], [work(2018, 35000)]
    assert abs(sam_of([*one, *other]) - (sam_of(one) + sam_of(other)) / 2) <= Decimal("0.01")


@pytest.mark.parametrize(
    ("birth", "as_of", "day", "quarters", "majore", "base"),
    [
        # pension-rules.md §6.3: 1 Sep 2023 709,13 / 847,57 € (IPP montant_mico.yaml); 2024 733,03 / 876,13 €
        # (service-public via senioractu.com). The 2025 figures differ between sources and are not tested.
        (date(1961, 8, 31), date(2023, 9, 15), date(2023, 10, 1), 168, "847.57", "709.13"),
        (date(1961, 9, 15), date(2023, 9, 15), date(2024, 7, 1), 169, "876.13", "733.03"),
        (BORN, AS_OF, JULY, 170, "903.93", "756.29"),
    ],
)
def test_minimum_contributif_amounts_by_year(birth, as_of, day, quarters, majore, base):
    def monthly(contributed: int) -> Decimal:
        data = person(birth, as_of, pension_date=day, summary=summary(quarters, contributed=contributed, sam=8000))
        row = departure(run(data), day)
        assert row.full_rate
        assert row.minimum_contributif
        return row.base_monthly_gross

    assert monthly(quarters) == Decimal(majore)
    assert monthly(100) == Decimal(base)


@pytest.mark.parametrize(
    ("day", "service_value"),
    # pension-rules.md §8: valeur de service 1,4159 € from 1 Nov 2023, 1,4386 € from 1 Nov 2024 (not revalued on
    # 1 Nov 2025).
    [(date(2024, 7, 1), "1.4159"), (date(2024, 11, 1), "1.4386"), (date(2025, 12, 1), "1.4386")],
)
def test_agirc_arrco_service_value_of_the_departure_date(day, service_value):
    data = person(date(1961, 9, 15), date(2023, 9, 15), summary=summary(169, points=1000), compare_dates=[day])
    assert departure(run(data), day).complementary_annual_gross == Decimal(service_value) * 1000


def test_agirc_arrco_points_of_the_relevé_count_before_2019():
    # pension-rules.md §8: before 2019, the points are those of the Agirc-Arrco relevé (several funds, other rates).
    career = [
        *(work(year) for year in range(1984, 2026)),
        {"year": 2010, "regime": "AGIRC_ARRCO", "kind": "salaried", "points": 150},
    ]
    without = [work(year) for year in range(1984, 2026)]
    with_points = departure(run(person(BORN, AS_OF, career=career, pension_date=JULY)), JULY)
    plain = departure(run(person(BORN, AS_OF, career=without, pension_date=JULY)), JULY)
    assert with_points.agirc_arrco_points == plain.agirc_arrco_points + 150


# --- The year the pension takes effect (pension-rules.md §14.1): its salaries are left out of the SAM, whatever
# the month (service-public F21552: « Vos revenus de l'année au cours de laquelle vous partez à la retraite ne sont
# pas pris en compte »); its quarters count up to the civil quarter before the effective date (CSS R351-1).


def test_the_salaries_of_the_departure_year_are_left_out_of_the_sam():
    # 24 years at 20 000 € (1990-2013), then one year at 40 000 € in 2026, the year of departure (1 July 2026).
    # Derivation: counted, 2026 would be one of the 25 best years and lift the SAM; left out, the SAM is the average
    # of the 24 recorded years only, the same as without the 2026 line.
    base = [work(year, 20000) for year in range(1990, 2014)]
    assert sam_of([*base, work(2026, 40000)]) == sam_of(base)


def test_a_pension_on_1_january_keeps_the_whole_previous_year():
    # The « 1 January effect » (jeunediplome.net, dossierfamilial, pension-rules.md §14.1): leaving on 1 January 2027
    # keeps 2026 entire in the SAM; leaving on 1 December 2026 loses it.
    career = [*(work(year, 20000) for year in range(1990, 2014)), work(2026, 40000)]
    data = person(BORN, date(2026, 11, 15), career=career, compare_dates=["2026-12-01", "2027-01-01"])
    result = run(data)
    december, january = departure(result, date(2026, 12, 1)), departure(result, date(2027, 1, 1))
    assert january.sam > december.sam
    assert "Les salaires de 2027" in january.explanation["sam"].steps[0]
    assert "Les salaires de 2026" in december.explanation["sam"].steps[0]


def test_the_departure_year_counts_its_quarters_up_to_the_previous_civil_quarter():
    # 2026 earns four quarters (40 000 € > 4 × 1 803 €). Effective 1 July: at most Q1 and Q2, 2 quarters; 1 October:
    # 3; 1 January 2027: the 4 of 2026 (QE 5108: « deux trimestres maximum … pour une retraite prenant effet au 1er
    # juillet »).
    career = [work(2026, 40000)]
    result = run(person(BORN, date(2026, 11, 15), career=career, compare_dates=["2026-12-01", "2027-01-01"]))
    assert departure(result, date(2026, 12, 1)).quarters_regime_general == 3
    assert departure(result, date(2027, 1, 1)).quarters_regime_general == 4
    july = run(person(BORN, AS_OF, career=career, pension_date=JULY))
    assert departure(july, JULY).quarters_regime_general == 2


def test_a_projected_departure_year_is_left_out_of_the_sam_too():
    # Future earnings of 45 000 € a year from 2026: a departure on 1 July 2028 counts 2026 and 2027 in full in the
    # SAM, not the first half of 2028 (22 500 €), whatever it is worth.
    data = person(
        BORN,
        AS_OF,
        career=[work(year, 20000) for year in range(1990, 2014)],
        future_earnings=[{"annual_earnings": 45000}],
        compare_dates=["2028-07-01"],
    )
    row = departure(run(data), date(2028, 7, 1))
    years = [line.split(" : ")[0] for line in row.explanation["sam"].steps[1:-1]]
    assert "2026" in years
    assert "2027" in years
    assert "2028" not in years
