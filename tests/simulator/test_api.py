"""The simulator's JSON API: POST /api/v1/simulations and its OpenAPI document."""

import json
from datetime import date

import pytest
from freezegun import freeze_time

from portal.pension_rules import io
from portal.pension_rules.model import Kind
from portal.pension_rules.schemes import REGIMES
from portal.simulator import api
from tests.conftest import text_of
from tests.simulator.schema import assert_valid, openapi

URL = "/api/v1/simulations"


def salaried_career(first: int = 1986, last: int = 2025, earnings: object = 30000) -> list[dict]:
    return [
        {"year": year, "regime": "CNAV", "kind": "salaried", "earnings": earnings} for year in range(first, last + 1)
    ]


def body(**overrides) -> dict:
    data = {"birth_date": "1964-07-15", "as_of": "2026-12-01", "sex": "M", "career": salaried_career()}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not ...}


def test_a_valid_career_gets_what_the_engine_computes(client):
    response = client.post(URL, json=body())
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    result = response.json
    assert result == io.run(body(), today=date(2026, 12, 1))
    assert result["mode"] == "career"
    assert result["as_of"] == "2026-12-01"
    assert result["departures"][0]["date"] == result["earliest_date"]
    assert [row["year"] for row in result["quarters_by_year"]][:2] == [1986, 1987]
    # French text stays readable in the body, not escaped.
    assert "trimestres" in response.get_data(as_text=True)
    assert "\\u00e9" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(body(), id="career"),
        pytest.param(body(career=salaried_career(first=1981, earnings=20000)), id="long career"),
        pytest.param(
            body(
                career=...,
                summary={
                    "quarters_all_regimes": 160,
                    "quarters_regime_general": 150,
                    "quarters_contributed": 150,
                    "sam": "30000.50",
                    "agirc_arrco_points": 9000,
                },
            ),
            id="summary",
        ),
        pytest.param(
            body(
                sex="F",
                pension_date="2029-01-01",
                compare_dates=["2028-01-01", "2030-04-01"],
                children=[
                    {"birth_date": "1990-05-02"},
                    {"birth_date": "1993-01-20", "adopted": True, "mda_quarters": 4},
                ],
                career=[
                    *salaried_career(last=2024),
                    {"year": 2025, "regime": "CNAV", "kind": "unemployment", "days": 200},
                    {"year": 2020, "regime": "AGIRC_ARRCO", "kind": "salaried", "points": "120.5"},
                ],
                future_earnings=[{"start_date": "2027-01-01", "annual_earnings": 32000, "part_time_percent": 80}],
            ),
            id="every field",
        ),
    ],
)
def test_the_response_matches_the_output_schema_of_the_openapi_document(client, data):
    response = client.post(URL, json=data)
    assert response.status_code == 200, response.json
    assert_valid("SimulationResult", response.json)


def test_a_long_career_and_the_summary_mode_fill_the_nullable_fields_both_ways(client):
    long_career = client.post(URL, json=body(career=salaried_career(first=1981, earnings=20000))).json["long_career"]
    assert long_career["eligible"] is True
    assert date.fromisoformat(long_career["earliest_date"]) < date(2027, 5, 1)  # before the legal age
    assert long_career["started_before"] in (16, 18, 20, 21)
    summary = {"quarters_all_regimes": 160, "quarters_regime_general": 150, "quarters_contributed": 150, "sam": 30000}
    result = client.post(URL, json=body(career=..., summary=summary)).json
    assert result["mode"] == "summary"
    assert result["long_career"]["earliest_date"] is None
    assert result["long_career"]["started_before"] is None


@freeze_time("2026-11-30 23:30:00")  # UTC: already 1 December in Paris
def test_without_as_of_the_simulation_is_on_todays_date_in_paris(client):
    response = client.post(URL, json=body(as_of=...))
    assert response.status_code == 200
    assert response.json["as_of"] == "2026-12-01"


KINDS = "salaried, self_employed, unemployment, sickness, maternity, invalidity, national_service, avpf, abroad"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        pytest.param(
            body(birth_date="1964-02-30"),
            "birth_date",
            "« 1964-02-30 » n'est pas une date qui existe (format AAAA-MM-JJ).",
            id="date that does not exist",
        ),
        pytest.param(
            body(
                birth_date="2027-03-01",
                career=...,
                summary={"quarters_all_regimes": 0, "quarters_regime_general": 0, "quarters_contributed": 0, "sam": 0},
            ),
            "birth_date",
            "La date de naissance est dans le futur.",
            id="birth date in the future",
        ),
        pytest.param(
            body(career=[{"year": 2000, "regime": "CNAV", "kind": "salaried", "earnings": -1200}]),
            "career[0].earnings",
            "Un montant ne peut pas être négatif.",
            id="negative earnings",
        ),
        pytest.param(
            body(career=[{"year": 2000, "regime": "CNAV", "kind": "benevolat", "earnings": 1200}]),
            "career[0].kind",
            f"Nature inconnue « benevolat ». Valeurs possibles : {KINDS}.",
            id="unknown kind",
        ),
        pytest.param(
            body(career=[]),
            "career",
            "La carrière est vide : ajoutez au moins une année, ou un résumé (trimestres, salaire annuel moyen).",
            id="empty career",
        ),
        pytest.param(
            body(pension_date="2027-01-01"),
            "pension_date",
            "Le 1er janvier 2027 est avant votre premier départ possible, le 1er mai 2027.",
            id="pension date before the earliest date",
        ),
        pytest.param(
            body(pension_date=""), "pension_date", "Indiquez une date au format AAAA-MM-JJ, ou null.", id="empty date"
        ),
        pytest.param(
            body(pension_date="２０２８-０１-０１"),
            "pension_date",
            "« ２０２８-０１-０１ » n'est pas une date qui existe (format AAAA-MM-JJ).",
            id="date in other digits than 0-9",
        ),
        pytest.param(
            body(pension_date="2028-01-15"),
            "pension_date",
            "Une retraite commence toujours le 1er jour d'un mois.",
            id="pension date not on the first of a month",
        ),
        pytest.param(
            body(career=[{"year": 2000, "regime": "URSSAF", "kind": "salaried", "earnings": 1200}]),
            "career[0].regime",
            "Régime inconnu. Valeurs possibles : " + ", ".join(sorted(REGIMES)) + ".",
            id="unknown regime",
        ),
        pytest.param(
            body(salary=30000), "salary", "Ce champ n'existe pas dans le schéma de simulation.", id="unknown field"
        ),
        pytest.param([], "", "La requête doit être un objet JSON.", id="not an object"),
    ],
)
def test_refused_input_gets_422_with_the_field_and_its_french_message(client, data, field, message):
    response = client.post(URL, json=data)
    assert response.status_code == 422
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json == {"errors": [{"field": field, "message": message}]}
    assert_valid("Errors", response.json)


@pytest.mark.parametrize("key", ["quarters_all_regimes", "quarters_regime_general", "quarters_contributed", "sam"])
def test_a_summary_with_a_null_total_is_refused_not_a_server_error(client, key):
    summary = {"quarters_all_regimes": 160, "quarters_regime_general": 150, "quarters_contributed": 150, "sam": 30000}
    response = client.post(URL, json=body(career=..., summary={**summary, key: None}))
    assert response.status_code == 422
    assert f"summary.{key}" in [error["field"] for error in response.json["errors"]]


def test_every_problem_is_listed_at_once(client):
    data = body(sex="X", career=[{"year": 2000, "regime": "CNAV", "kind": "salaried", "earnings": "beaucoup"}])
    response = client.post(URL, json=data)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": "sex", "message": "Indiquez « F » ou « M »."},
        {"field": "career[0].earnings", "message": "« beaucoup » n'est pas un montant."},
    ]


TEN_KB = "é" + "x" * 10_000


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        pytest.param(body(birth_date=TEN_KB), "birth_date", "« éxxx", id="date"),
        pytest.param(
            body(career=[{"year": 2000, "regime": "CNAV", "kind": "salaried", "earnings": TEN_KB}]),
            "career[0].earnings",
            "« éxxx",
            id="amount",
        ),
        pytest.param(
            body(career=[{"year": 2000, "regime": "CNAV", "kind": TEN_KB}]),
            "career[0].kind",
            "Nature inconnue « éxxx",
            id="kind",
        ),
        pytest.param(
            body(career=[{"year": 10**3000, "regime": "CNAV", "kind": "salaried"}]),
            "career[0].year",
            "1000000",
            id="year",
        ),
        pytest.param(body(**{TEN_KB: 1}), "éxxx", "Ce champ n'existe pas", id="unknown field"),
        pytest.param(
            body(children=[{"birth_date": "1990-01-01", TEN_KB: 1}]),
            "children[0].éxxx",
            "Ce champ n'existe pas",
            id="unknown field of a child",
        ),
    ],
)
def test_an_error_repeats_only_a_short_excerpt_of_a_long_value(client, data, field, message):
    response = client.post(URL, json=data)
    assert response.status_code == 422
    [error] = [error for error in response.json["errors"] if error["field"].startswith(field)]
    assert message in error["message"]
    # Forty characters of the value and an ellipsis, in the field's path as in its message.
    for text in (error["field"], error["message"]):
        assert len(text) < 200, text
    assert "…" in error["field"] + error["message"]


def test_an_excerpt_shows_no_control_character():
    assert io.excerpt("abc") == "abc"
    assert io.excerpt("x" * 41) == "x" * 40 + "…"
    assert io.excerpt("\x1b[31mrouge\x00") == "\ufffd[31mrouge\ufffd"
    assert io.excerpt({"a": [1, 2]}) == '{"a": [1, 2]}'


@pytest.mark.parametrize(
    ("kwargs"),
    [
        pytest.param({}, id="no body"),
        pytest.param({"data": {"birth_date": "1964-07-15"}}, id="form"),
        pytest.param({"data": json.dumps(body()), "content_type": "text/plain"}, id="text"),
    ],
)
def test_a_body_not_declared_as_json_gets_415(client, kwargs):
    response = client.post(URL, **kwargs)
    assert response.status_code == 415
    assert response.json == {"errors": [{"field": "", "message": api.NOT_JSON_TYPE}]}
    assert "application/json" in api.NOT_JSON_TYPE


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"birth_date": "1964-07-15",', id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param('{"birth_date": "été"}'.encode("latin-1"), id="not utf-8"),
        pytest.param(b"[" * 100_000, id="too deep"),
    ],
)
def test_a_body_that_is_not_json_gets_400_in_french(client, raw):
    response = client.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json == {
        "errors": [{"field": "", "message": "Le corps de la requête n'est pas un JSON valide (UTF-8)."}]
    }


def test_a_body_over_one_megabyte_gets_413_in_json(client):
    padding = " " * (api.MAX_BODY_BYTES + 1)
    response = client.post(URL, data=json.dumps(body()) + padding, content_type="application/json")
    assert response.status_code == 413
    assert response.json == {"errors": [{"field": "", "message": "La requête dépasse la taille autorisée (1 Mo)."}]}


def test_the_api_needs_no_csrf_token_and_keeps_no_session(app, client):
    assert app.config.get("WTF_CSRF_ENABLED", True)  # CSRF protection is on for the rest of the portal
    response = client.post(URL, json=body())
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_api_is_rate_limited_per_address_with_a_french_json_answer(client):
    for _ in range(120):
        assert client.post(URL).status_code == 415
    response = client.post(URL)
    assert response.status_code == 429
    assert response.json["errors"][0]["message"].startswith("Vous avez fait trop de tentatives")
    other = client.post(URL, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 415


def test_an_unexpected_failure_answers_json_in_french(app, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("engine bug")

    monkeypatch.setattr(api.io, "run", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production: no traceback to the client
    response = client.post(URL, json=body())
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert response.json["errors"][0]["message"].startswith("Une erreur s'est produite de notre côté.")


def test_a_method_the_api_does_not_offer_gets_405_with_allow_in_json(client):
    response = client.put(URL, json=body())
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}
    assert response.json == {"errors": [{"field": "", "message": "Cette action n'est pas possible sur cette page."}]}
    assert client.get("/api/v1/inconnu").json["errors"][0]["message"].startswith("La page que vous cherchez")


def test_a_page_asked_with_another_method_gets_405_with_allow_in_french(client):
    response = client.delete("/mentions-legales")
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
    assert response.mimetype == "text/html"
    assert "Cette action n'est pas possible sur cette page." in text_of(response)


def test_the_openapi_document_is_served_as_json(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.json
    assert document == openapi()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/api/v1/simulations", "/api/v1/openapi.json"}
    operation = document["paths"]["/api/v1/simulations"]["post"]
    assert set(operation["responses"]) == {"200", "400", "413", "415", "422", "429"}


def test_the_documented_example_is_accepted_by_the_input_schema_and_by_the_api(client):
    content = openapi()["paths"]["/api/v1/simulations"]["post"]["requestBody"]["content"]["application/json"]
    example = content["examples"]["carriere"]["value"]
    assert_valid("SimulationInput", example, strict=False)
    response = client.post(URL, json=example)
    assert response.status_code == 200, response.json
    assert response.json["departures"][-1]["date"] == response.json["automatic_full_rate_date"]


def test_the_input_schema_names_every_field_and_code_the_engine_accepts():
    schemas = openapi()["components"]["schemas"]
    assert set(schemas["SimulationInput"]["properties"]) == {
        "birth_date", "as_of", "sex", "pension_date", "compare_dates", "children", "career", "summary",
        "future_earnings", "buy_back", "civil_service",
    }  # fmt: skip
    assert set(schemas["BuyBackInput"]["properties"]) == {
        "reason", "quarters", "option", "average_earnings", "request_date", "reduced_tariff", "already_bought",
    }  # fmt: skip
    assert schemas["CareerEntry"]["properties"]["regime"]["enum"] == sorted(REGIMES)
    assert schemas["CareerEntry"]["properties"]["kind"]["enum"] == [kind.value for kind in Kind]
    assert set(schemas["CareerEntry"]["properties"]) == {
        "year", "regime", "kind", "earnings", "days", "quarters", "points", "country",
    }  # fmt: skip
    assert set(schemas["Child"]["properties"]) == {"birth_date", "adopted", "mda_quarters"}
    assert set(schemas["Summary"]["properties"]) == {
        "quarters_all_regimes", "quarters_regime_general", "quarters_contributed", "sam", "agirc_arrco_points",
        "quarters_by_scheme", "quarters_abroad",
    }  # fmt: skip
    assert set(schemas["FutureEarnings"]["properties"]) == {
        "start_date", "end_date", "annual_earnings", "part_time_percent", "regime",
    }  # fmt: skip


def test_every_output_field_is_documented_as_required():
    schemas = openapi()["components"]["schemas"]
    for name in ("SimulationResult", "YearQuarters", "LongCareer", "Departure", "Pension", "Age", "Explanation"):
        # `buy_back` is there only when the input asks for one.
        optional = {"buy_back"} if name == "SimulationResult" else set()
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]) - optional, name


SUMMARY = {"quarters_all_regimes": 160, "quarters_regime_general": 150, "quarters_contributed": 150, "sam": 30000}


@pytest.mark.parametrize(
    ("instance", "valid"),
    [
        pytest.param(
            {"birth_date": "1964-07-15", "career": salaried_career(earnings="31000.25")}, True, id="string amount"
        ),
        pytest.param({"birth_date": "1964-02-30", "career": []}, False, id="impossible date"),
        pytest.param(
            {"birth_date": "1964-07-15", "career": [{"year": 2000, "regime": "CNAV", "kind": "x"}]}, False, id="kind"
        ),
        pytest.param({"birth_date": "1964-07-15", "career": salaried_career(earnings=-1)}, False, id="negative"),
        pytest.param({"birth_date": "1964-07-15", "salary": 1}, False, id="unknown field"),
        pytest.param({"birth_date": "1964-07-15"}, False, id="neither career nor summary"),
        pytest.param({"birth_date": "1964-07-15", "career": None, "summary": None}, False, id="both null"),
        pytest.param({"birth_date": "1964-07-15", "career": []}, False, id="empty career"),
        pytest.param(
            {"birth_date": "1964-07-15", "summary": SUMMARY},
            True,
            id="summary instead of a career",
        ),
        pytest.param(
            {"birth_date": "1964-07-15", "summary": {**SUMMARY, "trimestres": 1}}, False, id="unknown in summary"
        ),
        pytest.param(
            {
                "birth_date": "1964-07-15",
                "career": salaried_career(),
                "children": [{"birth_date": "1990-01-01", "twin": True}],
            },
            False,
            id="unknown field of a child",
        ),
    ],
)
def test_the_input_schema_refuses_what_the_engine_refuses(instance, valid):
    from tests.simulator.schema import validator

    assert validator("SimulationInput").is_valid(instance) is valid


def test_the_example_of_docs_simulation_md_is_the_one_of_the_openapi_document():
    from portal.paths import ROOT_DIR

    text = (ROOT_DIR / "docs" / "simulation.md").read_text(encoding="utf-8")
    first_json_block = text.split("```json\n", 1)[1].split("```", 1)[0]
    content = openapi()["paths"]["/api/v1/simulations"]["post"]["requestBody"]["content"]["application/json"]
    assert json.loads(first_json_block) == content["examples"]["carriere"]["value"]


def test_a_career_before_1972_given_in_quarters_is_simulated(client):
    # pension-rules.md §14.3: every year from the 14th birthday works, through the API as through the CLI.
    early = [{"year": year, "regime": "CNAV", "kind": "salaried", "quarters": 4} for year in range(1964, 1972)]
    response = client.post(URL, json=body(birth_date="1950-06-01", career=[*early, *salaried_career(1972, 2012)]))
    assert response.status_code == 200, response.json
    assert_valid("SimulationResult", response.json)
    assert response.json["departures"][0]["quarters_all_regimes"] == 4 * (2012 - 1964 + 1)


# --- Buying back quarters (pension-rules.md §22): the same simulation with a `buy_back` object.


def buy_back_body(**buy_back) -> dict:
    request = {"reason": "studies", "quarters": 4, "average_earnings": 30000, **buy_back}
    # Born 15 July 1964: 160 quarters from 1986 to 2025, 171 required, 62 y 9 m on 15 April 2027: leaving then, the
    # décote counts the missing quarters (fewer than those to 67), which bought quarters reduce.
    return body(career=salaried_career(1986, 2025), buy_back=request)


def test_a_buy_back_is_priced_for_both_options_with_its_gain_at_each_departure(client):
    response = client.post(URL, json=buy_back_body())
    assert response.status_code == 200, response.json
    assert_valid("SimulationResult", response.json)
    result = response.json["buy_back"]
    # Age 62 on 1 December 2026; 30 000 € is under 75 % of the 2026 PASS (36 045 €): the low bracket's flat cost,
    # 3 383 € (option 1) and 5 013 € (option 2) per quarter (pension-rules.md §22.2.4, age 62).
    assert result["age"] == 62
    costs = {option["option"]: option["cost"] for option in result["options"]}
    assert costs["rate"]["quarter_cost"] == 3383
    assert costs["rate"]["total"] == 4 * 3383
    assert costs["rate_and_duration"]["total"] == 4 * 5013
    for option in result["options"]:
        assert [row["date"] for row in option["departures"]] == [row["date"] for row in response.json["departures"]]
        first = option["departures"][0]
        assert first["monthly_gain"] > 0
        assert first["years_to_recover"] == pytest.approx(option["cost"]["total"] / first["annual_gain"], abs=0.05)


@pytest.mark.parametrize(
    ("buy_back", "field", "message"),
    [
        ({"quarters": 13}, "buy_back.quarters", "Au plus 12."),
        ({"reason": "voyages"}, "buy_back.reason", "Indiquez « studies »"),
        ({"option": "tout"}, "buy_back.option", "Indiquez « rate »"),
        ({"quarters": 4, "already_bought": 10}, "buy_back.quarters", "12"),
        ({"average_earnings": -5}, "buy_back.average_earnings", "négatif"),
    ],
)
def test_a_refused_buy_back_gets_422_with_its_field(client, buy_back, field, message):
    response = client.post(URL, json=buy_back_body(**buy_back))
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json["errors"]}
    assert message in errors[field], errors


# --- Every scheme of the career (pension-rules.md §15-17): pensions one by one, a civil-service block, countries.


def test_a_fonctionnaire_gets_the_civil_service_pension_next_to_the_regime_general(client):
    career = [
        *salaried_career(1986, 1999),
        *({"year": year, "regime": "SRE", "kind": "salaried", "quarters": 4} for year in range(2000, 2026)),
    ]
    civil = {"scheme": "SRE", "index": 650, "index_since": "2022-01-01"}
    response = client.post(URL, json=body(career=career, civil_service=civil))
    assert response.status_code == 200, response.json
    assert_valid("SimulationResult", response.json)
    first = response.json["departures"][0]
    by_scheme = {pension["scheme"]: pension for pension in first["pensions"]}
    assert by_scheme["CNAV"]["merged"] == ["CNAV"]
    assert by_scheme["SRE"]["computed"] is True
    assert by_scheme["SRE"]["decote_quarters"] == by_scheme["CNAV"]["decote_quarters"]
    computed = sum(pension["monthly_gross"] for pension in first["pensions"] if pension["computed"])
    assert first["total_monthly_gross"] == pytest.approx(computed, abs=0.02)


def test_periods_abroad_take_their_country(client):
    career = [
        *salaried_career(1990, 2025),
        {"year": 1988, "regime": "ETRANGER", "kind": "abroad", "quarters": 4, "country": "pt"},
    ]
    response = client.post(URL, json=body(career=career))
    assert response.status_code == 200, response.json
    assert "abroad" in response.json["departures"][0]["explanation"]


@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        ({"year": 1988, "regime": "ETRANGER", "kind": "abroad", "country": "ZZ"}, "career[0].country", "Pays inconnu"),
        (
            {"year": 1988, "regime": "CNAV", "kind": "salaried", "earnings": 100, "country": "PT"},
            "career[0].country",
            "période à l'étranger",
        ),
    ],
)
def test_a_wrong_country_is_refused_in_french(client, entry, field, message):
    response = client.post(URL, json=body(career=[entry]))
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json["errors"]}
    assert message in errors[field], errors


def test_a_civil_service_block_without_its_indice_is_refused_in_french(client):
    response = client.post(URL, json=body(civil_service={"scheme": "SRE", "index_since": "2022-01-01"}))
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json["errors"]}
    assert "indice majoré" in errors["civil_service.index"]


def test_a_period_abroad_in_france_is_refused_in_french(client):
    entry = {"year": 1988, "regime": "ETRANGER", "kind": "abroad", "quarters": 4, "country": "GP"}
    response = client.post(URL, json=body(career=[*salaried_career(1990, 2025), entry]))
    assert response.status_code == 422
    errors = {error["field"]: error["message"] for error in response.json["errors"]}
    assert "période en France" in errors["career[36].country"]
