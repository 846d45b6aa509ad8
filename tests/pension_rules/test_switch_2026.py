"""The 1 September 2026 switch: the LFSS 2026 ages and durations apply to pensions taking effect from that date, the
2023-reform ones to pensions before it, whatever the date of the simulation (loi 2025-1403, art. 105, VI;
pension-rules.md §0.3, §3 and §7.2)."""

from datetime import date

import pytest

from portal.pension_rules.engine import SimulationError
from portal.pension_rules.model import Age
from tests.pension_rules.cases import departure, early_starter, person, run, summary, work_quarters

AS_OF = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("birth", "before", "after"),
    [
        # pension-rules.md §3 (F2P summary of art. 105): 1964 −1 quarter (171 → 170), Q1-1965 −2 (172 → 170),
        # Apr–Dec 1965 −1 (172 → 171).
        (date(1964, 5, 15), 171, 170),
        (date(1965, 2, 15), 172, 170),
        (date(1965, 4, 15), 172, 171),
    ],
)
def test_required_quarters_follow_the_pension_date_not_the_simulation_date(birth, before, after):
    # Started before 20, so that a carrière longue departure before 1 September 2026 exists to compare with.
    result = run(early_starter(birth, AS_OF, compare_dates=["2026-08-01", "2026-09-01"]))
    assert result.long_career.eligible
    assert result.long_career.earliest_date < date(2026, 8, 1)
    assert departure(result, date(2026, 8, 1)).required_quarters == before
    assert departure(result, date(2026, 9, 1)).required_quarters == after
    assert {row.required_quarters for row in result.departures if row.date >= date(2026, 9, 1)} == {after}
    assert {row.required_quarters for row in result.departures if row.date < date(2026, 9, 1)} == {before}


def long_career_1964(extra_quarter_in_2000: bool):
    """Born 15 March 1964, four quarters a year from 1983 (19th birthday year) to 2025 except 2000, salary going on in
    2026: 168 quarters at the end of 2025, 170 from 1 July 2026 (two civil quarters of 2026 elapsed), 171 from
    1 October 2026; one more with a quarter in 2000."""
    career = [work_quarters(year, 4) for year in range(1983, 2026) if year != 2000]
    if extra_quarter_in_2000:
        career.append(work_quarters(2000, 1))
    return person(
        date(1964, 3, 15), AS_OF, career=career, future_earnings=[{"annual_earnings": 30000}], compare_dates=[]
    )


def test_long_career_effective_date_trap_170_quarters_eligible_only_from_1_september_2026():
    # pension-rules.md §7.2 "Effective-date trap" (art. 105 VI; moneyvox 106712): born in 1964, started before 20,
    # 2023 text: 60 y 6 m with 171 contributed quarters; LFSS 2026: 60 y 3 m with 170, for pensions from 1 Sep 2026.
    # With exactly 170 contributed quarters in summer 2026: no departure before 1 September 2026.
    data = long_career_1964(extra_quarter_in_2000=False)
    result = run(data)
    assert result.long_career.eligible
    assert result.long_career.started_before == 20
    assert result.long_career.earliest_date == date(2026, 9, 1)
    assert result.earliest_date == date(2026, 9, 1)
    first = departure(result, date(2026, 9, 1))
    assert first.quarters_contributed == 170
    assert first.required_quarters == 170
    assert first.long_career
    assert first.full_rate
    assert first.decote_quarters == 0
    with pytest.raises(SimulationError) as error:
        run(dict(data, pension_date="2026-08-01"))
    assert error.value.field == "pension_date"
    assert "1er septembre 2026" in error.value.message


def test_long_career_with_171_quarters_leaves_under_the_2023_text_before_the_switch():
    # Same person with one more quarter: 171 contributed from 1 July 2026, which the 2023 text (60 y 6 m, 171)
    # accepts for a pension on 1 July 2026; from 1 September 2026 the requirement is 170 (pension-rules.md §7.2).
    result = run(long_career_1964(extra_quarter_in_2000=True) | {"compare_dates": ["2026-08-01", "2026-09-01"]})
    assert result.long_career.earliest_date == date(2026, 7, 1)
    july = departure(result, date(2026, 7, 1))
    assert (july.quarters_contributed, july.required_quarters, july.long_career) == (171, 171, True)
    assert departure(result, date(2026, 8, 1)).required_quarters == 171
    assert departure(result, date(2026, 9, 1)).required_quarters == 170


def test_legal_age_of_1964_is_the_lfss_one_even_for_a_simulation_made_before_the_switch():
    # pension-rules.md §2: born 1964, 63 years under the 2023 reform, 62 y 9 m for pensions from 1 Sep 2026. Born
    # 15 March 1964: 62 y 9 m on 15 December 2026 → 1 January 2027 (the 2023 age would give 1 April 2027).
    result = run(person(date(1964, 3, 15), date(2025, 6, 15), summary=summary(150)))
    assert result.legal_age == Age(62, 9)
    assert result.legal_age_date == date(2027, 1, 1)
    assert result.required_quarters == 170


def test_departures_of_the_1963_cohort_straddle_the_switch_with_the_same_parameters():
    # pension-rules.md §2-§3: born 1963, 62 y 9 m and 170 quarters in both columns.
    result = run(person(date(1963, 2, 15), date(2025, 6, 15), summary=summary(150), compare_dates=["2026-08-01"]))
    assert result.legal_age == Age(62, 9)
    assert result.legal_age_date == date(2025, 12, 1)
    assert {row.required_quarters for row in result.departures} == {170}
