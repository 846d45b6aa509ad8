"""`flask simulate INPUT.json`: the simulator from the command line."""

import json

import pytest

from tests.simulator.schema import assert_valid

CAREER = [{"year": year, "regime": "CNAV", "kind": "salaried", "earnings": 30000} for year in range(1986, 2026)]
VALID = {"birth_date": "1964-07-15", "as_of": "2026-12-01", "career": CAREER}


@pytest.fixture
def simulate(app, tmp_path):
    """Run `flask simulate` on `data` written to a file (or given on stdin with "-"); returns the click Result."""
    runner = app.test_cli_runner()

    def run(data: object = None, *args: str, raw: str | bytes | None = None, stdin: bool = False):
        content = raw if raw is not None else json.dumps(data)
        if stdin:
            return runner.invoke(args=["simulate", "-", *args], input=content)
        path = tmp_path / "entree.json"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return runner.invoke(args=["simulate", str(path), *args])

    return run


def test_a_valid_file_prints_the_result_as_indented_json(simulate):
    result = simulate(VALID)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    output = json.loads(result.stdout)
    assert_valid("SimulationResult", output)
    assert output["departures"][0]["date"] == output["earliest_date"]
    assert result.stdout.startswith('{\n  "rules_version": ')
    assert "Âge légal" in result.stdout  # UTF-8, not \u escapes


def test_the_input_can_come_from_stdin(simulate):
    result = simulate(VALID, stdin=True)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["birth_date"] == "1964-07-15"


def test_as_of_overrides_today(simulate):
    data = {key: value for key, value in VALID.items() if key != "as_of"}
    result = simulate(data, "--as-of", "2025-06-15")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2025-06-15"


def test_as_of_in_the_file_wins_over_the_option(simulate):
    result = simulate(VALID, "--as-of", "2025-06-15")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2026-12-01"


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        pytest.param(
            {**VALID, "birth_date": "1964-02-30"},
            ["birth_date : « 1964-02-30 » n'est pas une date qui existe (format AAAA-MM-JJ)."],
            id="date that does not exist",
        ),
        pytest.param(
            {**VALID, "career": [{"year": 2000, "regime": "CNAV", "kind": "salaried", "earnings": -5}], "sex": "H"},
            ["sex : Indiquez « F » ou « M ».", "career[0].earnings : Un montant ne peut pas être négatif."],
            id="several problems",
        ),
        pytest.param(
            {**VALID, "career": []},
            [
                "career : La carrière est vide : ajoutez au moins une année, ou un résumé (trimestres, salaire annuel "
                "moyen)."
            ],
            id="empty career",
        ),
        pytest.param(
            {**VALID, "pension_date": "2027-01-01"},
            ["pension_date : Le 1er janvier 2027 est avant votre premier départ possible, le 1er mai 2027."],
            id="pension date before the earliest date",
        ),
        pytest.param(["not", "an", "object"], ["La requête doit être un objet JSON."], id="not an object"),
    ],
)
def test_refused_input_prints_each_french_message_on_stderr_and_exits_1(simulate, data, lines):
    result = simulate(data)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == lines


def test_invalid_json_is_refused_in_french(simulate):
    result = simulate(raw='{"birth_date": "1964-07-15",\n')
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "n'est pas un JSON valide (ligne 2, colonne 1)." in result.stderr


def test_invalid_json_on_stdin_names_stdin(simulate):
    result = simulate(raw="{", stdin=True)
    assert result.exit_code == 1
    assert result.stderr == "L'entrée standard n'est pas un JSON valide (ligne 1, colonne 2).\n"


def test_a_file_not_in_utf8_is_refused_in_french(simulate):
    result = simulate(raw='{"birth_date": "été"}'.encode("latin-1"))
    assert result.exit_code == 1
    assert "le contenu n'est pas en UTF-8." in result.stderr


def test_a_missing_file_is_refused_in_french(app, tmp_path):
    missing = tmp_path / "absent.json"
    result = app.test_cli_runner().invoke(args=["simulate", str(missing)])
    assert result.exit_code == 1
    assert result.stderr == f"Impossible de lire « {missing} » : ce fichier n'existe pas.\n"


def test_a_directory_is_refused_in_french(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["simulate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Impossible de lire « {tmp_path} » : c'est un répertoire.\n"


@pytest.mark.parametrize("value", ["2025-02-30", "15/06/2025", "2025-6-1"])
def test_an_as_of_that_is_not_a_date_is_refused_in_french(simulate, value):
    result = simulate(VALID, "--as-of", value)
    assert result.exit_code == 1
    assert result.stderr == f"--as-of : « {value} » n'est pas une date qui existe (format AAAA-MM-JJ).\n"


def test_a_career_before_1972_given_in_quarters_is_simulated(simulate):
    # pension-rules.md §14.3: it used to end in « KeyError: No plafond annuel … 1971 ».
    early = [{"year": year, "regime": "CNAV", "kind": "salaried", "quarters": 4} for year in range(1966, 1972)]
    result = simulate({"birth_date": "1952-04-20", "as_of": "2026-12-01", "career": [*early, *CAREER]})
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert_valid("SimulationResult", output)
    assert output["legal_age_date"] == "2013-02-01"  # 60 y 9 m (born 1952, pension-rules.md §2)
    assert output["earliest_date"] == "2027-01-01"


def test_a_buy_back_is_priced_from_the_command_line(simulate):
    # pension-rules.md §22: the same `buy_back` object as the API; born 1964, 62 on 1 December 2026, low bracket.
    data = {**VALID, "buy_back": {"reason": "studies", "quarters": 4, "average_earnings": 30000}}
    result = simulate(data)
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    assert_valid("SimulationResult", output)
    totals = {option["option"]: option["cost"]["total"] for option in output["buy_back"]["options"]}
    assert totals == {"rate": 4 * 3383, "rate_and_duration": 4 * 5013}  # barème, age 62 (§22.2.4)


def test_a_refused_buy_back_is_said_in_french_on_stderr(simulate):
    result = simulate({**VALID, "buy_back": {"reason": "studies", "quarters": 13, "average_earnings": 30000}})
    assert result.exit_code == 1
    assert "buy_back.quarters : Au plus 12." in result.stderr
