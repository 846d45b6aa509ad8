"""Retraite anticipée pour carrière longue (CSS L351-1-1, D351-1-1, D351-1-2; pension-rules.md §7)."""

from datetime import date

import pytest

from portal.pension_rules.engine import SimulationError
from tests.pension_rules.cases import (
    days,
    departure,
    early_starter,
    person,
    run,
    summary,
    work_quarters,
    years_of_work,
)

AS_OF = date(2026, 1, 15)


@pytest.mark.parametrize(
    ("birth", "as_of", "earliest", "required"),
    [
        # pension-rules.md §7.2, started before 20 (CSS D351-1-1: legal age minus 2 y 6 m for people born
        # 1 Sep 1963 – 31 Dec 1968; service-public A18825). Born in December so that a career begun in the year of
        # the 19th birthday has the contributed quarters by the age itself.
        (date(1963, 12, 15), date(2023, 9, 15), date(2024, 4, 1), 170),  # 60 y 3 m (both texts)
        # Departure before 1 Sep 2026: the 2023 text (60 y 6 m, 171), not the LFSS 60 y 3 m (1 Apr 2025).
        (date(1964, 12, 15), date(2025, 1, 15), date(2025, 7, 1), 171),
        # 60 y 6 m reached on 15 June 2026, but the LFSS ages only open pensions from 1 Sep 2026 (2023: 60 y 9 m,
        # 1 Oct 2026).
        (date(1965, 12, 15), AS_OF, date(2026, 9, 1), 171),
        (date(1966, 12, 15), AS_OF, date(2027, 10, 1), 172),  # 60 y 9 m (2023: 61 y → 1 Jan 2028)
        (date(1967, 12, 15), AS_OF, date(2029, 1, 1), 172),  # 61 y (2023: 61 y 3 m → 1 Apr 2029)
        (date(1968, 12, 15), AS_OF, date(2030, 4, 1), 172),  # 61 y 3 m (2023: 61 y 6 m → 1 Jul 2030)
    ],
)
def test_long_career_ages_before_20(birth, as_of, earliest, required):
    result = run(early_starter(birth, as_of))
    assert result.long_career.eligible
    assert result.long_career.started_before == 20
    assert result.long_career.earliest_date == earliest
    assert result.earliest_date == earliest
    first = departure(result, earliest)
    assert first.long_career
    assert first.full_rate
    assert first.decote_quarters == 0
    assert first.rate == 50
    assert first.required_quarters == required
    assert first.quarters_contributed >= required


def test_no_departure_before_the_long_career_date():
    with pytest.raises(SimulationError) as error:
        run(early_starter(date(1966, 12, 15), AS_OF, pension_date="2027-09-01"))
    assert error.value.field == "pension_date"
    assert error.value.message == "Le 1er septembre 2027 est avant votre premier départ possible, le 1er octobre 2027."


def early_quarters_case(birth: date, quarters_at_16: int, quarters_at_15: int = 0):
    """Work from the year of the 16th birthday (with `quarters_at_16` quarters, plus `quarters_at_15` the year
    before), then four quarters a year from the next year: 172 contributed quarters well before 60."""
    career = [work_quarters(birth.year + 16, quarters_at_16), *years_of_work(birth.year + 17, 2025)]
    if quarters_at_15:
        career.append(work_quarters(birth.year + 15, quarters_at_15))
    return run(person(birth, AS_OF, career=career, future_earnings=[{"annual_earnings": 30000}]))


def test_five_quarters_by_the_end_of_the_year_of_the_16th_birthday():
    # pension-rules.md §7.1 (CFDT retraités fiche 13): at least 5 quarters by the end of the calendar year of the
    # 16th birthday for the 58-year bracket. Born 15 May 1966 with 4: only the 18 bracket, at 60 (1 June 2026).
    four = early_quarters_case(date(1966, 5, 15), 4)
    assert four.long_career.started_before == 18
    assert four.long_career.earliest_date == date(2026, 6, 1)
    five = early_quarters_case(date(1966, 5, 15), 4, quarters_at_15=1)
    assert five.long_career.started_before == 16
    assert five.long_career.earliest_date == date(2026, 2, 1)  # 58 long reached: the month after the simulation


def test_four_quarters_suffice_when_born_in_october_to_december():
    # pension-rules.md §7.1: "4 quarters if born in October-December". Born 15 November 1966 with 4 quarters in
    # 1982: the 16 bracket (58, long reached).
    result = early_quarters_case(date(1966, 11, 15), 4)
    assert result.long_career.started_before == 16
    assert result.long_career.earliest_date == date(2026, 2, 1)
    three = early_quarters_case(date(1966, 11, 15), 3)
    assert three.long_career.started_before == 18
    assert three.long_career.earliest_date == date(2026, 12, 1)  # 60 on 15 November 2026


def test_twenty_bracket_needs_five_quarters_by_the_end_of_the_year_of_the_20th_birthday():
    # Born 15 June 1966: 3 quarters in 1982, nothing until 1986 (the 20th-birthday year) where 1 quarter makes 4 by
    # its end: not enough (5 needed); 2 quarters make 5.
    def case(quarters_in_1986: int):
        career = [work_quarters(1982, 3), work_quarters(1986, quarters_in_1986), *years_of_work(1987, 2025)]
        return run(person(date(1966, 6, 15), AS_OF, career=career, future_earnings=[{"annual_earnings": 30000}]))

    four = case(1).long_career
    # Then only the 21 bracket (5 quarters by the end of 1987): 63 years, before the legal age of 63 y 3 m.
    assert (four.started_before, four.earliest_date) == (21, date(2029, 7, 1))
    five = case(2).long_career
    # 20 bracket (60 y 9 m, 1 Apr 2027), open once the 172 quarters are there: 3 + 2 + 156 + 4 + 4 + 3 in Q3 2028.
    assert (five.started_before, five.earliest_date) == (20, date(2028, 10, 1))


def test_twenty_bracket_needs_only_four_quarters_when_born_in_october_to_december():
    # pension-rules.md §7.1: born 15 November 1966, 3 quarters in 1982 and 1 in 1986 make the 4 needed by the end of
    # the year of the 20th birthday: the 20 bracket (60 y 9 m), open once the 172 quarters are there (1 Jan 2029,
    # before the 63 years of the 21 bracket on 1 Dec 2029).
    career = [work_quarters(1982, 3), work_quarters(1986, 1), *years_of_work(1987, 2025)]
    result = run(person(date(1966, 11, 15), AS_OF, career=career, future_earnings=[{"annual_earnings": 30000}]))
    assert (result.long_career.started_before, result.long_career.earliest_date) == (20, date(2029, 1, 1))


def short_of(birth: date, missing_years: tuple[int, ...], *extra, **fields):
    return run(early_starter(birth, AS_OF, skip=missing_years, extra_career=list(extra), **fields))


def test_unemployment_counts_as_cotise_up_to_4_quarters():
    # pension-rules.md §7.3 (CSS D351-1-2, previssima): chômage indemnisé réputé cotisé within 4 quarters. Born
    # 15 December 1966 (60 y 9 m on 15 Sep 2027, 172 required): 174 quarters of work by 1 Oct 2027 when complete.
    birth = date(1966, 12, 15)
    one_year = short_of(birth, (1995,), days(1995, "unemployment", 200))
    assert one_year.long_career.earliest_date == date(2027, 10, 1)  # 170 cotisés + 4 réputés
    assert departure(one_year, date(2027, 10, 1)).quarters_contributed == 170
    two_years = short_of(birth, (1995, 1996), days(1995, "unemployment", 200), days(1996, "unemployment", 200))
    # 166 cotisés + 4 (not 8) réputés = 170 on 1 Oct 2027; 168 + 4 = 172 on 1 Apr 2028.
    assert two_years.long_career.earliest_date == date(2028, 4, 1)


@pytest.mark.parametrize(
    ("kind", "earliest"),
    [
        # pension-rules.md §7.3 (CSS D351-1-2; previssima): service national ≤ 4, maladie ≤ 4, invalidité ≤ 2,
        # maternité without limit. Born 15 December 1966 (60 y 9 m, 172 required), two years (1995-1996) of 8
        # assimilated quarters instead of work: 166 cotisés on 1 Oct 2027, 168 on 1 Apr 2028, 170 on 1 Oct 2028.
        ("sickness", date(2028, 4, 1)),  # 168 + 4
        ("national_service", date(2028, 4, 1)),  # 168 + 4
        ("invalidity", date(2028, 10, 1)),  # 170 + 2
        ("maternity", date(2027, 10, 1)),  # 166 + 8
    ],
)
def test_reputes_cotises_caps(kind, earliest):
    periods = [days(1995, kind, 365), days(1996, kind, 365)]
    result = short_of(date(1966, 12, 15), (1995, 1996), *periods)
    assert result.long_career.started_before == 20
    assert result.long_career.earliest_date == earliest


def test_two_child_quarters_count_as_cotises_from_1_september_2026():
    # pension-rules.md §7.3 (LFSS 2026; Assurance retraite "jusqu'à deux trimestres liés aux enfants … à partir de
    # septembre 2026"). Born 15 December 1966 with 170 quarters of work on 1 Oct 2027 (2 short of 172).
    birth = date(1966, 12, 15)
    children = [{"birth_date": "1990-03-01"}, {"birth_date": "1993-03-01"}]
    mother = short_of(birth, (1995,), sex="F", children=children)
    assert mother.long_career.earliest_date == date(2027, 10, 1)
    assert departure(mother, date(2027, 10, 1)).quarters_contributed == 170
    father = short_of(birth, (1995,), sex="M", children=children)
    assert father.long_career.earliest_date == date(2028, 4, 1)
    # Three quarters short: the 16 MDA quarters still count for 2 only (169 + 2 = 171 on 1 Oct 2027, 172 on
    # 1 Jan 2028).
    mother_short = short_of(birth, (1995, 1996), work_quarters(1996, 3), sex="F", children=children)
    assert mother_short.long_career.earliest_date == date(2028, 1, 1)
    assert departure(mother_short, date(2028, 1, 1)).quarters_contributed == 170


def test_child_quarters_do_not_count_as_cotises_before_1_september_2026():
    # pension-rules.md §5.4 / §7.3: before the LFSS 2026 measure, MDA were not "cotisés" for the carrière longue.
    # Born 15 May 1964 (2023 text: 60 y 6 m, 171), 169 quarters of work on 1 Jul 2026: with the 2 child quarters,
    # 171 would do on 1 Jul 2026, but they only count from 1 Sep 2026 (then 169 + 2 ≥ 170). Without children, 170
    # quarters of work on 1 Oct 2026.
    children = [{"birth_date": "1990-03-01"}, {"birth_date": "1993-03-01"}]
    birth = date(1964, 5, 15)
    career = [work_quarters(1980, 3), *years_of_work(1983, 2025, skip=(1990, 1991))]

    def case(sex: str):
        return run(
            person(
                birth, AS_OF, career=career, sex=sex, children=children, future_earnings=[{"annual_earnings": 30000}]
            )
        )

    mother = case("F")
    assert mother.long_career.earliest_date == date(2026, 9, 1)
    assert departure(mother, date(2026, 9, 1)).quarters_contributed == 169
    assert case("M").long_career.earliest_date == date(2026, 10, 1)


def test_long_career_is_not_evaluated_in_summary_mode():
    result = run(person(date(1966, 12, 15), AS_OF, summary=summary(172)))
    assert not result.long_career.eligible
    assert result.earliest_date == result.legal_age_date


def test_the_uncertain_ages_of_the_1969_cohort_are_flagged():
    # pension-rules.md §12.2: the decree adjusting the 1969-1970 before-20 ages was not found; the 2023 text
    # (61 y 9 m) is applied and the result says so.
    result = run(person(date(1969, 6, 15), AS_OF, career=[work_quarters(2000, 4)]))
    assert any("1969 et 1970" in limit for limit in result.limits)
