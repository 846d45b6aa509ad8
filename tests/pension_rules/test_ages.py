"""Âge légal, first pension date, taux-plein age and required quarters by cohort (pension-rules.md §2, §2.1, §3)."""

from datetime import date

import pytest

from portal.pension_rules.engine import SimulationError
from portal.pension_rules.model import Age
from tests.pension_rules.cases import departure, person, run, summary

AS_OF = date(2023, 9, 15)


def simulate_cohort(birth: date, as_of: date = AS_OF, **fields):
    return run(person(birth, as_of, summary=summary(100), **fields))


@pytest.mark.parametrize(
    ("birth", "legal_age", "legal_date"),
    [
        # pension-rules.md §2, column "In force: LFSS 2026" (CSS L161-17-2 as rewritten by loi 2025-1403, art. 105;
        # service-public F14043, version of 14 Aug 2026), with the first-pension-date rule of §2.1: the age is added
        # to the birth date; on a 1st that day itself, otherwise the 1st of the next month.
        (date(1961, 8, 31), Age(62, 0), date(2023, 9, 1)),  # last cohort at 62 (born up to 31 Aug 1961)
        (date(1961, 9, 1), Age(62, 3), date(2023, 12, 1)),  # first cohort of the 2023 reform, born on a 1st
        (date(1961, 12, 31), Age(62, 3), date(2024, 4, 1)),
        (date(1962, 1, 1), Age(62, 6), date(2024, 7, 1)),
        (date(1962, 12, 31), Age(62, 6), date(2025, 7, 1)),
        (date(1963, 1, 1), Age(62, 9), date(2025, 10, 1)),
        (date(1963, 12, 31), Age(62, 9), date(2026, 10, 1)),  # 30 Sep 2026 (no 31 Sep) → 1 Oct
        (date(1964, 1, 1), Age(62, 9), date(2026, 10, 1)),  # §2.1: 1 Oct 2026, not the 1 Sep 2026 of some press
        (date(1964, 12, 31), Age(62, 9), date(2027, 10, 1)),
        (date(1965, 3, 31), Age(62, 9), date(2028, 1, 1)),  # last cohort at 62 y 9 m
        (date(1965, 4, 1), Age(63, 0), date(2028, 4, 1)),  # first cohort at 63
        (date(1965, 12, 31), Age(63, 0), date(2029, 1, 1)),
        (date(1966, 1, 1), Age(63, 3), date(2029, 4, 1)),
        (date(1966, 12, 31), Age(63, 3), date(2030, 4, 1)),
        (date(1967, 1, 1), Age(63, 6), date(2030, 7, 1)),
        (date(1967, 12, 31), Age(63, 6), date(2031, 7, 1)),
        (date(1968, 1, 1), Age(63, 9), date(2031, 10, 1)),
        (date(1968, 12, 31), Age(63, 9), date(2032, 10, 1)),
        (date(1969, 1, 1), Age(64, 0), date(2033, 1, 1)),  # 64 now starts with 1969 (not 1968)
        (date(1969, 12, 31), Age(64, 0), date(2034, 1, 1)),
        (date(1975, 6, 15), Age(64, 0), date(2039, 7, 1)),
    ],
)
def test_legal_age_and_first_date_at_every_cohort_boundary(birth, legal_age, legal_date):
    result = simulate_cohort(birth)
    assert result.legal_age == legal_age
    assert result.legal_age_date == legal_date
    if legal_date > AS_OF:
        assert result.earliest_date == legal_date
        assert result.departures[0].date == legal_date


@pytest.mark.parametrize(
    ("birth", "legal_age", "full_rate_age"),
    [
        # pension-rules.md §2 (pre-2023 cohorts: CSS L161-17-2 version 2011-2023; IPP aod.yaml / aad.yaml).
        (date(1951, 6, 30), Age(60, 0), Age(65, 0)),
        (date(1951, 7, 1), Age(60, 4), Age(65, 4)),
        (date(1952, 6, 15), Age(60, 9), Age(65, 9)),
        (date(1953, 6, 15), Age(61, 2), Age(66, 2)),
        (date(1954, 6, 15), Age(61, 7), Age(66, 7)),
        (date(1955, 1, 1), Age(62, 0), Age(67, 0)),
        (date(1961, 8, 31), Age(62, 0), Age(67, 0)),
        (date(1964, 6, 15), Age(62, 9), Age(67, 0)),  # the 2023 reform and the LFSS 2026 left 67 unchanged
        (date(1975, 6, 15), Age(64, 0), Age(67, 0)),
    ],
)
def test_legal_age_and_automatic_full_rate_age_of_older_cohorts(birth, legal_age, full_rate_age):
    result = simulate_cohort(birth, date(2025, 1, 15))
    assert result.legal_age == legal_age
    assert result.automatic_full_rate_age == full_rate_age


def test_born_on_the_first_of_a_month_the_pension_starts_on_the_birthday():
    # service-public F19666 (Oct 2025 version): born 1 July 1963, "dès le 1er juillet 2026, à 63 ans", and 67 years
    # "au 1er juillet 2030". Legal age 62 y 9 m is reached on 1 April 2026, itself a possible date (§2.1).
    result = simulate_cohort(date(1963, 7, 1), date(2026, 1, 15), pension_date="2026-07-01")
    assert result.legal_age_date == date(2026, 4, 1)
    assert result.earliest_date == date(2026, 4, 1)
    assert departure(result, date(2026, 7, 1)).age == Age(63, 0)
    assert result.automatic_full_rate_date == date(2030, 7, 1)
    assert departure(result, date(2030, 7, 1)).age == Age(67, 0)


def test_born_another_day_the_pension_starts_on_the_first_of_the_next_month():
    # pension-rules.md §2.1: 62 y 9 m reached on 2 April 2026 → 1 May 2026; 67 reached on 2 July 2030 → 1 Aug 2030.
    result = simulate_cohort(date(1963, 7, 2), date(2026, 1, 15))
    assert result.legal_age_date == date(2026, 5, 1)
    assert result.earliest_date == date(2026, 5, 1)
    assert result.automatic_full_rate_date == date(2030, 8, 1)
    # Born on the last day of a month: 62 y 9 m after 30 June 1963 is 30 March 2026 → 1 April 2026.
    assert simulate_cohort(date(1963, 6, 30), date(2026, 1, 15)).legal_age_date == date(2026, 4, 1)


def test_born_1_january_1964_first_pension_on_1_october_2026_whatever_the_date_of_the_simulation():
    # pension-rules.md §2.1: 62 y 9 m → 1 October 2026. A simulation made in 2024, when the 2023 reform (63 years,
    # pension on 1 January 2027) was in force, gets the LFSS 2026 age too: the pension's effective date decides.
    for as_of in (date(2024, 3, 15), date(2026, 8, 31), date(2026, 9, 1)):
        result = simulate_cohort(date(1964, 1, 1), as_of)
        assert result.legal_age == Age(62, 9)
        assert result.earliest_date == date(2026, 10, 1)
        assert result.required_quarters == 170


def test_a_departure_before_the_legal_age_is_refused_in_french():
    with pytest.raises(SimulationError) as error:
        simulate_cohort(date(1964, 1, 1), date(2025, 1, 15), pension_date="2026-09-01")
    assert error.value.field == "pension_date"
    assert error.value.message == (
        "Le 1er septembre 2026 est avant votre premier départ possible, le 1er octobre 2026."
    )


@pytest.mark.parametrize(
    ("birth", "required"),
    [
        # pension-rules.md §3, column "In force (pensions from 1 Sep 2026)" (CSS L161-17-3 as rewritten by loi
        # 2025-1403; service-public F16336, 14 Aug 2026: "né en 1964, 170 trimestres").
        (date(1950, 6, 15), 162),
        (date(1951, 6, 15), 163),
        (date(1952, 6, 15), 164),
        (date(1953, 6, 15), 165),
        (date(1954, 6, 15), 165),
        (date(1955, 1, 1), 166),
        (date(1957, 12, 31), 166),
        (date(1958, 1, 1), 167),
        (date(1960, 12, 31), 167),
        (date(1961, 1, 1), 168),
        (date(1961, 8, 31), 168),
        (date(1961, 9, 1), 169),
        (date(1962, 12, 31), 169),
        (date(1963, 1, 1), 170),
        (date(1964, 1, 1), 170),
        (date(1964, 12, 31), 170),
        (date(1965, 3, 31), 170),
        (date(1965, 4, 1), 171),
        (date(1965, 12, 31), 171),
        (date(1966, 1, 1), 172),
        (date(1967, 6, 15), 172),
        (date(1969, 6, 15), 172),
        (date(1970, 6, 15), 172),
        (date(1973, 6, 15), 172),
        (date(1980, 6, 15), 172),
    ],
)
def test_required_quarters_per_cohort(birth, required):
    result = simulate_cohort(birth, date(2025, 1, 15))
    assert result.required_quarters == required
    assert {row.required_quarters for row in result.departures} == {required}


@pytest.mark.parametrize(
    ("birth", "legal_date"),
    [
        # pension-rules.md §14.4 and §2: the generations before the 2023 reform's first cohort keep their own legal
        # date, before 1 September 2023 (born 1955: 62 on 10 March 2017, pension from 1 April 2017; born 1952:
        # 60 y 9 m on 15 March 2013, from 1 April 2013); a departure is possible from next month, said apart.
        (date(1955, 3, 10), date(2017, 4, 1)),
        (date(1952, 6, 15), date(2013, 4, 1)),
        (date(1961, 2, 1), date(2023, 2, 1)),
    ],
)
def test_older_generations_get_their_true_legal_date_and_can_leave_next_month(birth, legal_date):
    result = simulate_cohort(birth, date(2026, 12, 3))
    assert result.legal_age_date == legal_date
    assert result.earliest_date == date(2027, 1, 1)
    assert result.departures[0].date == date(2027, 1, 1)
    summary_text = result.explanation["legal_age"].summary
    assert "1er septembre 2023" not in summary_text
    assert "votre retraite peut commencer le 1er janvier 2027" in summary_text
