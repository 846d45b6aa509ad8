"""`flask simulate INPUT.json`: the simulator on a file, for technicians and scripts (schema: docs/simulation.md).

Same input, same refusals and same output as the JSON API, through portal.pension_rules.io. Every refusal is a
French line on stderr and exit status 1; the result alone goes to stdout, so that it can be piped.
"""

import json
from datetime import date
from typing import NoReturn

import click
from flask import Flask

from portal import clock
from portal.pension_rules import io


def register_commands(app: Flask) -> None:
    app.cli.add_command(simulate_command)


@click.command("simulate")
@click.argument("input_file", metavar="INPUT.json")
@click.option(
    "--as-of", "as_of", metavar="AAAA-MM-JJ", help="Date du jour de la simulation (par défaut : aujourd'hui)."
)
def simulate_command(input_file: str, as_of: str | None):
    """Simule la retraite décrite par INPUT.json (« - » pour l'entrée standard) et écrit le résultat en JSON."""
    today = _day(as_of) if as_of is not None else clock.today()
    name = "l'entrée standard" if input_file == "-" else f"« {input_file} »"
    subject = "L'entrée standard" if input_file == "-" else name
    try:
        with click.open_file(input_file, encoding="utf-8") as stream:
            text = stream.read()
    except UnicodeDecodeError:
        _fail(f"Impossible de lire {name} : le contenu n'est pas en UTF-8.")
    except OSError as error:
        _fail(f"Impossible de lire {name} : {_reason(error)}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        _fail(f"{subject} n'est pas un JSON valide (ligne {error.lineno}, colonne {error.colno}).")
    except RecursionError:
        _fail(f"{subject} n'est pas un JSON valide (imbrication trop profonde).")
    try:
        result = io.run(data, today=today)
    except io.InvalidInput as invalid:
        for problem in invalid.errors:
            click.echo(f"{problem.field} : {problem.message}" if problem.field else problem.message, err=True)
        raise click.exceptions.Exit(1) from None
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


def _day(value: str) -> date:
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    _fail(f"--as-of : « {io.excerpt(value)} » n'est pas une date qui existe (format AAAA-MM-JJ).")


def _reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "ce fichier n'existe pas."
    if isinstance(error, IsADirectoryError):
        return "c'est un répertoire."
    if isinstance(error, PermissionError):
        return "accès refusé."
    return f"{error.strerror or error}."


def _fail(message: str) -> NoReturn:
    # Not click.ClickException: it prefixes the message with an English "Error:".
    click.echo(message, err=True)
    raise click.exceptions.Exit(1)
