"""Taux, décote and surcote (CSS R351-27, L351-8, L351-1-2, D351-1-4; pension-rules.md §4)."""

from datetime import date
from decimal import Decimal

import pytest

from tests.pension_rules.cases import (
    days,
    departure,
    money,
    person,
    run,
    summary,
    work,
    years_of_work,
)

FULL_TIME = [{"annual_earnings": 40000}]


def test_service_public_decote_worked_example():
    # service-public F19666 (Oct 2025 version), pension-rules.md §4.2: born 1 July 1963, legal age 62 y 9 m, 170
    # quarters required, leaves on 1 July 2026 aged 63 with 159 quarters: 16 quarters to 67 against 11 missing,
    # 11 retained, rate 43.125 %; with 120 quarters in the régime général (39 in another scheme), pension =
    # SAM × 43.125 % × 120/170.
    data = person(
        date(1963, 7, 1),
        date(2026, 1, 15),
        pension_date="2026-07-01",
        summary=summary(159, regime_general=120, contributed=159, sam=30000),
    )
    row = departure(run(data), date(2026, 7, 1))
    assert row.quarters_all_regimes == 159
    assert row.required_quarters == 170
    assert not row.full_rate
    assert row.decote_quarters == 11
    assert row.rate == Decimal("43.125")
    assert row.proratisation == Decimal(120) / Decimal(170)
    assert row.base_annual_gross == money(Decimal(30000) * Decimal("0.43125") * 120 / 170) == Decimal("9132.35")
    assert row.base_monthly_gross == Decimal("761.03")
    assert not row.minimum_contributif  # the minimum contributif needs the taux plein


@pytest.mark.parametrize(
    ("missing", "rate"),
    [
        # service-public F19666 table (born 1953 and later, 0.625 point per missing quarter), pension-rules.md §4.2.
        (1, "49.375"),
        (2, "48.750"),
        (3, "48.125"),
        (4, "47.500"),
        (5, "46.875"),
        (8, "45.000"),
        (11, "43.125"),
        (16, "40.000"),
        (17, "39.375"),
        (18, "38.750"),
        (19, "38.125"),
        (20, "37.500"),
        (21, "37.500"),  # "20 and more → 37.500 %"
        (40, "37.500"),
    ],
)
def test_decote_by_missing_quarters(missing, rate):
    # Born 31 August 1961: 168 quarters required, legal age 62 on 1 September 2023, 67 on 1 September 2028. Leaving
    # on 1 October 2023 is 59 months before 67, i.e. 20 quarters by age: the quarters decide (up to the cap of 20).
    data = person(date(1961, 8, 31), date(2023, 9, 15), pension_date="2023-10-01", summary=summary(168 - missing))
    row = departure(run(data), date(2023, 10, 1))
    assert row.required_quarters == 168
    assert row.decote_quarters == min(missing, 20)
    assert row.rate == Decimal(rate)


@pytest.mark.parametrize(
    ("day", "decote", "rate"),
    [
        # pension-rules.md §4.2 / service-public F19666: the quarters to the taux-plein age are rounded up and the
        # most favourable count is retained. Born 1 July 1963 with 100 quarters (70 missing), 67 on 1 July 2030.
        (date(2026, 4, 1), 17, "39.375"),  # 51 months → 17 quarters (62 y 9 m to 67)
        (date(2029, 7, 1), 4, "47.500"),  # 12 months → 4
        (date(2029, 9, 1), 4, "47.500"),  # 10 months → 3.33, rounded up to 4
        (date(2029, 10, 1), 3, "48.125"),  # 9 months → 3
        (date(2030, 6, 1), 1, "49.375"),  # 1 month → 1
        (date(2030, 7, 1), 0, "50"),  # 67: taux plein whatever the quarters (CSS L351-8 1°)
    ],
)
def test_decote_by_age(day, decote, rate):
    data = person(date(1963, 7, 1), date(2026, 1, 15), summary=summary(100), compare_dates=[day])
    row = departure(run(data), day)
    assert row.decote_quarters == decote
    assert row.rate == Decimal(rate)
    assert row.full_rate is (decote == 0)


def test_taux_plein_automatically_at_67_whatever_the_quarters():
    # pension-rules.md §4.1 (service-public F14044, 2026): taux plein at 67 even with 40 quarters; the pension stays
    # prorated on the régime général quarters (40/170).
    result = run(person(date(1963, 7, 1), date(2026, 1, 15), summary=summary(40, sam=20000)))
    row = departure(result, date(2030, 7, 1))
    assert row.full_rate
    assert row.rate == 50
    assert row.decote_quarters == 0
    assert row.base_annual_gross == money(Decimal(20000) * Decimal("0.5") * 40 / 170)
    assert all(not other.full_rate for other in result.departures if other.date < date(2030, 7, 1))


def test_taux_plein_at_the_legal_age_with_the_required_quarters():
    # pension-rules.md §4.1: born 1 July 1963, 170 quarters on 1 April 2026 (62 y 9 m).
    row = departure(run(person(date(1963, 7, 1), date(2026, 1, 15), summary=summary(170))), date(2026, 4, 1))
    assert row.full_rate
    assert row.rate == 50
    assert row.base_annual_gross == Decimal("15000.00")


# --- Surcote: 1.25 % per quarter cotisé after the legal age and beyond the required duration (CSS L351-1-2,
# D351-1-4), counted by civil quarter from the one after the quarter of the birthday (pension-rules.md §4.3).


@pytest.mark.parametrize(
    ("day", "surcote"),
    [
        # Born 1 July 1963: 62 y 9 m reached on 1 April 2026, in the second civil quarter of 2026, which does not
        # count even though the age is reached on its first day; Q3 2026 is the first quarter of surcote.
        (date(2026, 7, 1), 0),
        (date(2026, 10, 1), 1),
        (date(2027, 1, 1), 2),
        (date(2027, 7, 1), 4),
        (date(2028, 7, 1), 8),
    ],
)
def test_surcote_counts_civil_quarters_after_the_quarter_of_the_birthday(day, surcote):
    data = person(
        date(1963, 7, 1), date(2026, 1, 15), summary=summary(172), future_earnings=FULL_TIME, compare_dates=[day]
    )
    row = departure(run(data), day)
    assert row.surcote_quarters == surcote
    assert row.base_annual_gross == money(Decimal(15000) * (1 + Decimal("0.0125") * surcote))


def test_surcote_starts_after_the_quarter_in_which_the_age_is_reached():
    # Born 20 May 1963: 62 y 9 m on 20 February 2026 (first quarter), pension from 1 March 2026. Q2 2026 is the
    # first quarter of surcote: 1 quarter on 1 July 2026, 2 on 1 October 2026.
    data = person(
        date(1963, 5, 20),
        date(2026, 1, 15),
        summary=summary(172),
        future_earnings=FULL_TIME,
        compare_dates=["2026-04-01", "2026-07-01", "2026-10-01"],
    )
    result = run(data)
    assert result.earliest_date == date(2026, 3, 1)
    assert [departure(result, date(2026, month, 1)).surcote_quarters for month in (3, 4, 7, 10)] == [0, 0, 1, 2]


def test_surcote_needs_the_required_duration_too():
    # Born 1 July 1963 with 165 quarters at the start of 2026 and working on: 169 at the end of 2026, 170 with the
    # first quarter of 2027; the 2nd, 3rd and 4th quarters of 2027 are beyond the duration: 3 quarters on 1 Jan 2028.
    data = person(
        date(1963, 7, 1), date(2026, 1, 15), summary=summary(165), future_earnings=FULL_TIME, compare_dates=[]
    )
    result = run(data)
    assert departure(result, date(2027, 4, 1)).surcote_quarters == 0
    assert departure(result, date(2027, 4, 1)).full_rate
    assert departure(result, date(2028, 1, 1)).surcote_quarters == 3


def test_surcote_counts_only_quarters_cotises():
    # CSS L351-1-2 (pension-rules.md §4.3): a quarter of paid unemployment after the legal age adds to the duration,
    # not to the surcote. Born 1 July 1963, 168 quarters of work 1984-2025; in 2026 either work or unemployment.
    past = years_of_work(1984, 2025)
    worked = run(person(date(1963, 7, 1), date(2027, 3, 15), career=[*past, work(2026)], pension_date="2027-04-01"))
    unemployed = run(
        person(
            date(1963, 7, 1),
            date(2027, 3, 15),
            career=[*past, days(2026, "unemployment", 250)],
            pension_date="2027-04-01",
        )
    )
    assert departure(worked, date(2027, 4, 1)).surcote_quarters == 2  # Q3 and Q4 2026
    row = departure(unemployed, date(2027, 4, 1))
    assert row.quarters_all_regimes == 172
    assert row.full_rate
    assert row.surcote_quarters == 0


def test_surcote_in_career_mode_with_the_duration_reached_after_the_age():
    # Born 1 July 1963, 168 quarters of work 1984-2025, working on: 169 on 1 April 2026 (legal age, décote), 170 on
    # 1 July 2026; the 3rd quarter of 2026 is the first beyond both the age and the duration.
    data = person(
        date(1963, 7, 1),
        date(2026, 1, 15),
        career=years_of_work(1984, 2025),
        future_earnings=FULL_TIME,
        compare_dates=[],
    )
    result = run(data)
    assert departure(result, date(2026, 4, 1)).decote_quarters == 1
    assert departure(result, date(2026, 7, 1)).surcote_quarters == 0
    assert departure(result, date(2026, 10, 1)).surcote_quarters == 1
    assert departure(result, date(2027, 7, 1)).surcote_quarters == 4


def test_surcote_is_applied_after_the_maximum_pension():
    # pension-rules.md §4.3 / §6.2 (moneyvox 107022): the 50 % of PASS cap applies before surcote, which can take
    # the pension above it. Born 20 May 1963, SAM 60 000 €, 172 quarters, leaving on 1 October 2026 with 2 quarters
    # of surcote (Q2, Q3 2026): 24 030 € × 1.025.
    data = person(
        date(1963, 5, 20),
        date(2026, 1, 15),
        summary=summary(172, sam=60000),
        future_earnings=FULL_TIME,
        pension_date="2026-10-01",
    )
    row = departure(run(data), date(2026, 10, 1))
    assert row.surcote_quarters == 2
    assert row.base_annual_gross == Decimal("24630.75")


def test_a_later_departure_never_lowers_the_rate_along_a_career():
    data = person(date(1963, 7, 1), date(2026, 1, 15), career=years_of_work(1990, 2025), future_earnings=FULL_TIME)
    rates = [row.rate for row in run(data).departures]
    assert rates == sorted(rates)
    assert rates[0] < 50
    assert rates[-1] == 50


def test_taux_plein_when_the_simulation_is_made_after_67():
    # Born 15 June 1955: 67 on 15 June 2022 (pension-rules.md §2, AAD 67 from 1955). A pension from February 2026,
    # the month after the simulation, is at the taux plein whatever the quarters.
    result = run(person(date(1955, 6, 15), date(2026, 1, 15), summary=summary(100)))
    assert result.automatic_full_rate_date == date(2022, 7, 1)
    assert result.earliest_date == date(2026, 2, 1)
    assert all(row.full_rate and row.rate == 50 for row in result.departures)
