"""Legislation parameters: quarter-validation thresholds (CSS R351-9, data/quarter_thresholds.csv) and the PASS
(CSS L241-3, data/pass.csv)."""

import re
from decimal import Decimal

import pytest

from portal.demo.careers import quarter_threshold_cents
from portal.pension_rules.parameters import (
    pass_annual,
    quarter_threshold,
    quarter_thresholds,
    quarters_from_earnings,
    social_security_ceilings,
)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Values quoted in docs/pension-rules.md §5.1-5.2.
        (2013, "1886"),  # last year of 200 hours of SMIC
        (2014, "1429.50"),  # first year of 150 hours
        (2017, "1464"),
        (2023, "1690.50"),
        (2025, "1782"),
        (2026, "1803"),
        (2000, "1241.54"),  # 8 144 F
        (2001, "1281.18"),  # 8 404 F
    ],
)
def test_thresholds_quoted_by_the_rules(year, expected):
    assert quarter_threshold(year) == Decimal(expected)


def test_the_table_covers_1972_to_2026_with_200_then_150_hours():
    table = quarter_thresholds()
    assert sorted(table) == list(range(1972, 2027))
    assert {row.hours for year, row in table.items() if year <= 2013} == {200}
    assert {row.hours for year, row in table.items() if year >= 2014} == {150}
    assert all(row.source for row in table.values())


def test_euro_thresholds_are_hours_times_the_smic_of_1_january():
    for year, row in quarter_thresholds().items():
        if year >= 2002:
            assert row.threshold == row.hours * row.smic_hourly, year


def test_franc_years_are_converted_as_the_cnav_did():
    # Before 2002 the threshold was set in francs (hours × SMIC horaire, in the source column): its euro value is the
    # franc amount at 6.55957 F per euro, rounded to the cent. The demo data reads this table (portal/demo/careers.py).
    franc_years = [row for row in quarter_thresholds().values() if row.year < 2002]
    assert len(franc_years) == 2002 - 1972
    for row in franc_years:
        francs, hours, smic = re.match(r"IPP [^:]+: (\d+) F = (\d+) h × ([\d.]+) F", row.source).groups()
        assert Decimal(francs) == int(hours) * Decimal(smic), row.year
        assert int(hours) == row.hours
        assert row.threshold == (Decimal(francs) / Decimal("6.55957")).quantize(Decimal("0.01")), row.year
        assert quarter_threshold_cents(row.year) == row.threshold * 100


def test_one_quarter_per_threshold_reached():
    threshold = quarter_threshold(2017)
    assert quarters_from_earnings(2017, threshold) == 1
    assert quarters_from_earnings(2017, threshold - Decimal("0.01")) == 0
    assert quarters_from_earnings(2017, 3 * threshold) == 3
    assert quarters_from_earnings(2017, 4 * threshold - Decimal("0.01")) == 3


def test_at_most_four_quarters_a_year():
    assert quarters_from_earnings(2023, 4 * quarter_threshold(2023)) == 4
    assert quarters_from_earnings(2023, Decimal("250000")) == 4


def test_no_earnings_no_quarter():
    assert quarters_from_earnings(2020, Decimal(0)) == 0
    assert quarters_from_earnings(2020, 0) == 0


def test_a_year_out_of_the_table_is_refused_clearly():
    with pytest.raises(KeyError, match="1971.*1972 to 2026"):
        quarter_threshold(1971)
    with pytest.raises(KeyError, match="2027"):
        quarters_from_earnings(2027, Decimal(10_000))


# Plafond annuel de la Sécurité sociale (PASS), portal/pension_rules/data/pass.csv.


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # Values quoted in docs/pension-rules.md §6.1.
        (2002, "28224"),  # first year set in euros
        (2014, "37548"),
        (2020, "41136"),
        (2021, "41136"),
        (2022, "41136"),  # unchanged, no row in the IPP series
        (2023, "43992"),
        (2024, "46368"),
        (2025, "47100"),
        (2026, "48060"),
        (2000, "26892.01"),  # 176 400 F
        (2001, "27349.35"),  # 179 400 F
        (1972, "3347.78"),  # 21 960 F (IPP series)
        # Before 1972, the IPP series of openfisca-france (new francs from 1960): 11 400 F / 6.55957.
        (1964, "1737.92"),
        (1971, "3018.49"),  # 19 800 F
    ],
)
def test_pass_values_quoted_by_the_rules(year, expected):
    assert pass_annual(year) == Decimal(expected)


def test_the_pass_table_covers_1962_to_2026_with_sources():
    # From 1962, so that the 14th birthday of the first generation simulated (born 1950) is covered.
    table = social_security_ceilings()
    assert sorted(table) == list(range(1962, 2027))
    assert all(row.source for row in table.values())
    amounts = [table[year].amount for year in sorted(table)]
    assert amounts == sorted(amounts)  # the ceiling never went down


def test_franc_years_are_converted_at_the_legal_rate():
    for year, row in social_security_ceilings().items():
        if year < 2002:
            assert "F; converted at 6.55957 F/€" in row.source, year
            francs = Decimal(row.source.split(": ")[1].split(" F")[0])
            assert row.amount == (francs / Decimal("6.55957")).quantize(Decimal("0.01")), year


def test_since_2015_the_pass_is_twelve_monthly_ceilings():
    # CSS D242-19: the annual ceiling is 12 times the monthly one (4 005 € in 2026).
    assert pass_annual(2026) == 12 * Decimal(4005)
    for year in range(2015, 2027):
        assert pass_annual(year) % 12 == 0, year


def test_a_year_out_of_the_pass_table_is_refused_clearly():
    with pytest.raises(KeyError, match="1961.*1962 to 2026"):
        pass_annual(1961)
    with pytest.raises(KeyError, match="2027"):
        pass_annual(2027)
