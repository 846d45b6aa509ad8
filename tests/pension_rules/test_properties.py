"""Properties of the engine over generated careers (hypothesis).

The careers always hold at least 25 years validating a quarter in the régime général: the SAM is then the average of
the 25 best years whatever is added. Below 25 years the SAM is the average of all the years (service-public F21552),
and a year of low earnings can lower it: the law, not a defect, so those careers are not generated for the
"more quarters never lowers the pension" property.
"""

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.pension_rules.dates import add_months
from tests.pension_rules.cases import days, departure, person, run, work

AS_OF = date(2026, 1, 15)
PROPERTIES = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def careers(draw) -> dict:
    birth = draw(st.dates(date(1958, 1, 1), date(1972, 12, 31)))
    first = draw(st.integers(birth.year + 15, birth.year + 24))
    years = list(range(first, 2026))
    anchors = set(draw(st.permutations(years))[:25])
    career = []
    for year in years:
        if year in anchors:
            career.append(work(year, draw(st.integers(8000, 90000))))
            continue
        choice = draw(st.sampled_from(["gap", "work", "part", "unemployment", "sickness", "civil_service"]))
        if choice == "work":
            career.append(work(year, draw(st.integers(8000, 90000))))
        elif choice == "part":
            career.append(work(year, draw(st.integers(0, 8000))))
        elif choice in ("unemployment", "sickness"):
            career.append(days(year, choice, draw(st.integers(0, 366))))
        elif choice == "civil_service":
            career.append(work(year, draw(st.integers(8000, 50000)), regime="SRE"))
    fields = {}
    if draw(st.booleans()):
        future = {"annual_earnings": draw(st.integers(0, 80000))}
        if draw(st.booleans()):
            future["end_date"] = draw(st.dates(date(2026, 2, 1), date(2036, 12, 31))).isoformat()
        fields["future_earnings"] = [future]
    sex = draw(st.sampled_from(["F", "M"]))
    children = [
        {"birth_date": f"{birth.year + draw(st.integers(20, 40))}-06-01"} for _ in range(draw(st.integers(0, 4)))
    ]
    return person(birth, AS_OF, career=career, sex=sex, children=children, **fields)


def later_departure(data: dict, draw) -> date:
    """A departure from the legal age on (so that every variant of the career may take it)."""
    result = run(data)
    choices = [row.date for row in result.departures if row.date >= result.legal_age_date]
    return draw(st.sampled_from(choices))


def total_on(data: dict, day: date) -> Decimal:
    return departure(run(data | {"pension_date": day.isoformat()}), day).total_monthly_gross


@PROPERTIES
@given(careers(), st.data())
def test_more_earnings_in_a_year_never_lower_the_pension(data, extra):
    day = later_departure(data, extra.draw)
    year = extra.draw(st.sampled_from([entry["year"] for entry in data["career"]]))
    more = extra.draw(st.integers(1, 60000))
    richer = data | {"career": [*data["career"], work(year, more)]}
    assert total_on(richer, day) >= total_on(data, day)


@PROPERTIES
@given(careers(), st.data())
def test_one_more_year_of_work_never_lowers_the_pension(data, extra):
    day = later_departure(data, extra.draw)
    birth_year = int(data["birth_date"][:4])
    taken = {entry["year"] for entry in data["career"]}
    free = [year for year in range(birth_year + 14, 2026) if year not in taken]
    if not free:
        return
    year = extra.draw(st.sampled_from(free))
    longer = data | {"career": [*data["career"], work(year, extra.draw(st.integers(0, 90000)))]}
    assert total_on(longer, day) >= total_on(data, day)


@PROPERTIES
@given(careers())
def test_a_later_departure_never_lowers_the_rate(data):
    rates = [row.rate for row in run(data).departures]
    assert rates == sorted(rates)
    assert all(Decimal("37.5") <= rate <= 50 for rate in rates)


@PROPERTIES
@given(careers())
def test_amounts_are_never_negative(data):
    for row in run(data).departures:
        for value in (
            row.sam,
            row.base_annual_gross,
            row.base_monthly_gross,
            row.complementary_annual_gross,
            row.complementary_monthly_gross,
            row.total_monthly_gross,
            row.total_monthly_net,
            row.agirc_arrco_points,
        ):
            assert value >= 0
        assert row.total_monthly_net <= row.total_monthly_gross
        assert 0 <= row.proratisation <= 1


@PROPERTIES
@given(careers(), st.data())
def test_the_pension_date_is_always_among_the_departures(data, extra):
    result = run(data)
    months = extra.draw(st.integers(0, 12 * 8))
    day = add_months(result.earliest_date, months)
    chosen = run(data | {"pension_date": day.isoformat()})
    assert day in [row.date for row in chosen.departures]
    assert chosen.rules_version
