"""Input refused with precise French messages (portal.pension_rules.io), and what every result carries."""

from datetime import date

import pytest

from portal.pension_rules import parameters
from portal.pension_rules.engine import simulate
from portal.pension_rules.io import InputError, InvalidInput, parse_input, result_to_dict
from portal.pension_rules.io import run as run_json
from tests.pension_rules.cases import early_starter, person, run, summary, work, years_of_work

TODAY = date(2026, 1, 15)


def valid(**overrides) -> dict:
    data = {"birth_date": "1964-03-15", "as_of": "2026-01-15", "career": [work(2020)]}
    data.update(overrides)
    return data


def refused(data: dict) -> list[InputError]:
    with pytest.raises(InvalidInput) as error:
        parse_input(data, today=TODAY)
    assert str(error.value) == "; ".join(f"{item.field} : {item.message}" for item in error.value.errors)
    return error.value.errors


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            valid(birth_date="1964-02-30"),
            "birth_date",
            "« 1964-02-30 » n'est pas une date qui existe (format AAAA-MM-JJ).",
        ),
        (
            valid(birth_date="1963-13-01"),
            "birth_date",
            "« 1963-13-01 » n'est pas une date qui existe (format AAAA-MM-JJ).",
        ),
        (
            valid(pension_date="2027-02-29"),
            "pension_date",
            "« 2027-02-29 » n'est pas une date qui existe (format AAAA-MM-JJ).",
        ),
        (valid(birth_date="2026-06-01"), "birth_date", "La date de naissance est dans le futur."),
        (valid(career=[work(2020, -100)]), "career[0].earnings", "Un montant ne peut pas être négatif."),
        (valid(career=[work(2020), work(2021, "-0.01")]), "career[1].earnings", "Un montant ne peut pas être négatif."),
        (valid(career=[], summary=summary(100, sam=-1)), "summary.sam", "Un montant ne peut pas être négatif."),
        (
            valid(future_earnings=[{"annual_earnings": -5}]),
            "future_earnings[0].annual_earnings",
            "Un montant ne peut pas être négatif.",
        ),
        (
            valid(career=[work(2020, kind="job")]),
            "career[0].kind",
            "Nature inconnue « job ». Valeurs possibles : salaried, self_employed, unemployment, sickness, maternity, "
            "invalidity, national_service, avpf, abroad.",
        ),
        (
            valid(career=[]),
            "career",
            "La carrière est vide : ajoutez au moins une année, ou un résumé (trimestres, salaire annuel moyen).",
        ),
        (
            valid(career=None),
            "career",
            "La carrière est vide : ajoutez au moins une année, ou un résumé (trimestres, salaire annuel moyen).",
        ),
        (valid(pension_date="2027-01-15"), "pension_date", "Une retraite commence toujours le 1er jour d'un mois."),
        (
            valid(compare_dates=["2027-01-01", "2027-04-02"]),
            "compare_dates[1]",
            "Une retraite commence toujours le 1er jour d'un mois.",
        ),
    ],
)
def test_invalid_input_is_refused_with_the_field_and_a_french_message(data, field, message):
    assert InputError(field, message) in refused(data)


def test_every_problem_is_listed_at_once():
    errors = refused(valid(birth_date="1964-02-30", pension_date="2027-01-15", career=[work(2020, -1, kind="x")]))
    assert [error.field for error in errors] == ["birth_date", "pension_date", "career[0].kind", "career[0].earnings"]


def test_a_valid_input_is_accepted():
    simulation_input = parse_input(valid(pension_date="2027-04-01"), today=TODAY)
    assert simulation_input.birth_date == date(1964, 3, 15)
    assert simulation_input.pension_date == date(2027, 4, 1)


def test_a_departure_before_the_earliest_date_is_refused_by_the_json_entry_point():
    with pytest.raises(InvalidInput) as error:
        run_json(valid(pension_date="2026-10-01"), today=TODAY)
    assert error.value.errors == [
        InputError("pension_date", "Le 1er octobre 2026 est avant votre premier départ possible, le 1er janvier 2027.")
    ]


CASES = [
    person(date(1963, 7, 1), date(2026, 1, 15), summary=summary(159, regime_general=120)),
    person(date(1961, 8, 31), date(2023, 9, 15), summary=summary(140)),
    person(date(1964, 3, 15), date(2026, 1, 15), career=years_of_work(1983, 2025), pension_date="2027-02-01"),
    early_starter(date(1966, 12, 15), date(2026, 1, 15), compare_dates=["2028-02-01", "2031-03-01"]),
    person(date(1975, 6, 15), date(2026, 1, 15), career=[work(2000, 1500)], pension_date="2045-03-01"),
]


@pytest.mark.parametrize("data", CASES)
def test_rules_version_on_every_result(data):
    result = run(data)
    assert result.rules_version == parameters.RULES_VERSION
    assert "LFSS 2026" in result.rules_version
    assert result_to_dict(result)["rules_version"] == parameters.RULES_VERSION


@pytest.mark.parametrize("data", CASES)
def test_pension_date_and_compared_dates_are_always_among_the_departures(data):
    result = run(data)
    dates = [row.date for row in result.departures]
    assert dates == sorted(set(dates))
    assert result.earliest_date == dates[0]
    for key in ("pension_date",):
        if key in data:
            assert date.fromisoformat(data[key]) in dates
    for value in data.get("compare_dates", ()):
        assert date.fromisoformat(value) in dates
    assert all(day.day == 1 for day in dates)
    assert result.automatic_full_rate_date in dates or result.automatic_full_rate_date < dates[0]


def test_the_rate_reads_as_people_write_it():

    career = [{"year": year, "regime": "CNAV", "kind": "salaried", "earnings": 30000} for year in range(1984, 2026)]
    result = simulate(parse_input({"birth_date": "1964-07-15", "career": career}, today=date(2026, 12, 1)))
    rates = {str(departure.rate) for departure in result.departures}
    assert "50" in rates
    assert all("E" not in rate for rate in rates)
