"""Quarter validation: earnings against 150 (200 before 2014) hours of SMIC, assimilated periods by days, at most 4 a
year (CSS R351-9, R351-12; pension-rules.md §5)."""

from datetime import date

import pytest

from tests.pension_rules.cases import days, departure, person, run, work, years_of_work

BORN = date(1970, 5, 15)
AS_OF = date(2026, 1, 15)


def year_row(career: list[dict], year: int):
    (row,) = [row for row in run(person(BORN, AS_OF, career=career)).quarters_by_year if row.year == year]
    return row


@pytest.mark.parametrize(
    ("earnings", "quarters"),
    [
        # 2017: 150 × 9,76 € = 1 464 € a quarter (Cnav circular of 30 Dec 2016, via association-craps.fr;
        # pension-rules.md §5.1).
        ("1463.99", 0),
        ("1464", 1),
        ("2927.99", 1),
        ("2928", 2),
        ("5855.99", 3),
        ("5856", 4),
        ("60000", 4),  # at most 4 a year, whatever the earnings
    ],
)
def test_one_quarter_per_150_hours_of_smic_in_2017(earnings, quarters):
    row = year_row([work(2017, earnings)], 2017)
    assert row.quarters == quarters
    assert row.quarters_contributed == quarters
    assert row.quarters_regime_general == quarters


@pytest.mark.parametrize(
    ("year", "earnings", "quarters"),
    [
        # pension-rules.md §5.1-5.2: 200 hours of SMIC until 2013, 150 from 2014.
        (2013, "1885.99", 0),
        (2013, "1886", 1),  # 200 × 9,43 €
        (2013, "1414.50", 0),  # 150 × 9,43 € would have been a quarter under the 2014 rule
        (2013, "7544", 4),
        (2014, "1429.50", 1),  # 150 × 9,53 €
        (2023, "6762", 4),  # centrepresseaveyron.fr, 5 Mar 2023: 1 690,50 € (6 762 € for 4)
        (2023, "6761.99", 3),
        (2024, "1747.50", 1),
        (2025, "7128", 4),  # Cnav circular of 23 Dec 2024: 1 782 € (7 128 € for 4)
        (2025, "7127.99", 3),
        (2000, "1241.54", 1),  # 8 144 F
        (2000, "1241.53", 0),
    ],
)
def test_quarter_thresholds_of_the_tables(year, earnings, quarters):
    assert year_row([work(year, earnings)], year).quarters == quarters


def test_earnings_of_several_jobs_in_a_year_add_up():
    assert year_row([work(2017, "1000"), work(2017, "464")], 2017).quarters == 1


def test_at_most_four_quarters_a_year_all_schemes_and_periods_together():
    career = [
        work(2017, "4392"),
        days(2017, "unemployment", 150),
        work(2017, "1464", regime="SSI", kind="self_employed"),
    ]
    row = year_row(career, 2017)
    assert row.quarters == 4
    assert row.quarters_contributed == 4  # cotisés first (3 salaried + 1 self-employed), unemployment dropped


@pytest.mark.parametrize(
    ("count", "quarters"),
    # pension-rules.md §5.3: one quarter per 50 days of paid unemployment (Malakoff Médéric; simul-retraite.fr).
    [(49, 0), (50, 1), (99, 1), (100, 2), (200, 4), (366, 4)],
)
def test_unemployment_one_quarter_per_50_days(count, quarters):
    row = year_row([days(2020, "unemployment", count)], 2020)
    assert row.quarters == quarters
    assert row.quarters_contributed == 0


@pytest.mark.parametrize(
    ("count", "quarters"),
    # pension-rules.md §5.3: one quarter per 60 days of daily allowances (CSS R351-12; the 90 days of one site is an
    # error).
    [(59, 0), (60, 1), (90, 1), (119, 1), (120, 2), (240, 4), (300, 4)],
)
def test_sickness_one_quarter_per_60_days(count, quarters):
    row = year_row([days(2020, "sickness", count)], 2020)
    assert row.quarters == quarters
    assert row.quarters_contributed == 0


def test_unemployment_days_of_several_periods_in_a_year_add_up():
    # [DERIVED from pension-rules.md §5.3: "1 quarter per 50 days of paid unemployment" in the calendar year] Two
    # periods of 25 days in 2020 make 50 days, one quarter, as two jobs' earnings add up.
    assert year_row([days(2020, "unemployment", 25), days(2020, "unemployment", 25)], 2020).quarters == 1


def test_work_and_assimilated_quarters_complete_each_other():
    row = year_row([work(2020, "3045"), days(2020, "sickness", 130)], 2020)  # 2 worked (2 × 1 522,50 €) + 2 sick
    assert (row.quarters, row.quarters_contributed) == (4, 2)


def test_projected_quarters_of_the_year_of_departure_stop_at_the_elapsed_civil_quarters():
    # pension-rules.md §5.1: only the civil quarters already over count in the year of departure. Born 1 July 1963,
    # 168 quarters 1984-2025, a full-time salary in 2026, pension on 1 July 2026: 2 quarters of 2026.
    data = person(
        date(1963, 7, 1),
        date(2026, 1, 15),
        career=years_of_work(1984, 2025),
        future_earnings=[{"annual_earnings": 40000}],
        pension_date="2026-07-01",
    )
    assert departure(run(data), date(2026, 7, 1)).quarters_all_regimes == 170


def test_recorded_quarters_of_the_year_of_departure_stop_at_the_elapsed_civil_quarters():
    # pension-rules.md §5.1 (yrgestion.fr): "cannot validate more civil quarters than elapsed" in the year of
    # departure. Same person, simulated on 15 May 2026 with the salary of 2026 entered as a career line (the schema
    # accepts the current year): a pension on 1 July 2026 counts 2 quarters of 2026, not 4.
    data = person(
        date(1963, 7, 1),
        date(2026, 5, 15),
        career=[*years_of_work(1984, 2025), work(2026, 40000)],
        pension_date="2026-07-01",
    )
    row = departure(run(data), date(2026, 7, 1))
    assert row.quarters_all_regimes == 170
    assert row.quarters_contributed == 170


def test_a_year_of_other_scheme_counts_for_the_rate_not_for_the_regime_general():
    career = [work(2020, 30000, regime="SRE"), work(2021, 30000)]
    rows = {row.year: row for row in run(person(BORN, AS_OF, career=career)).quarters_by_year}
    assert (rows[2020].quarters, rows[2020].quarters_regime_general) == (4, 0)
    assert (rows[2021].quarters, rows[2021].quarters_regime_general) == (4, 4)


def test_self_employed_income_validates_quarters_like_a_salary():
    # pension-rules.md §9 (previssima): artisans and commerçants validate quarters at 150 × SMIC, in the régime
    # général since 2020; their income buys no Agirc-Arrco points.
    row = year_row([work(2021, "3075", regime="SSI", kind="self_employed")], 2021)  # 2 × 1 537,50 €
    assert (row.quarters, row.quarters_regime_general, row.quarters_contributed) == (2, 2, 2)
    assert row.agirc_arrco_points == 0


def test_avpf_validates_quarters_that_are_not_cotises():
    # pension-rules.md §5.5 (service-public F16336): AVPF periods count as quarters and as salary for the SAM.
    row = year_row([work(2017, "20000", kind="avpf")], 2017)
    assert (row.quarters, row.quarters_regime_general, row.quarters_contributed) == (4, 4, 0)


def test_work_abroad_gives_no_french_quarter():
    row = year_row([work(2017, "30000", regime="ETRANGER", kind="abroad"), work(2018)], 2017)
    assert row.quarters == 0


# --- Careers before 1972 (pension-rules.md §14.3): the quarters are given, the PASS is known from 1962.


def test_a_career_line_before_1972_in_quarters_is_simulated():
    # Born 1950: 14 in 1964. Lines of 1964-1971 given in quarters (no SMIC threshold before 1972, décret 72-78)
    # used to fail with « No plafond annuel … 1971 ».
    born = date(1950, 3, 10)
    career = [
        *(
            {"year": year, "regime": "CNAV", "kind": "salaried", "quarters": 4, "earnings": 1500}
            for year in range(1964, 1972)
        ),
        *years_of_work(1972, 2009),
    ]
    result = run(person(born, date(2026, 12, 3), career=career))
    rows = {row.year: row for row in result.quarters_by_year}
    assert rows[1964].quarters == 4
    assert rows[1971].quarters == 4
    first = result.departures[0]
    assert first.quarters_all_regimes == 4 * (2009 - 1964 + 1)
    assert first.sam > 0
    assert any("avant 1972" in limit for limit in result.limits)
