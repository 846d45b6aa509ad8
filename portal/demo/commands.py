"""Demo and benchmark commands: `flask seed-demo` and `flask generate-requests`.

They write invented people into the database, so they exist only where DEMO_COMMANDS is on: `make run`, the tests
and the benchmarks set it; a production deployment leaves it off and has no such command.
"""

import click
from flask import Flask

from portal import clock
from portal.db import atomic
from portal.demo.load import generate
from portal.demo.seed import seed_demo


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo régimes, assurés and careers (idempotent: a second run changes nothing)."""
        with atomic():
            report = seed_demo()
        click.echo(
            f"Données de démonstration : {report.assures_created} assuré(s) créé(s), "
            f"{report.assures_existing} déjà présent(s), {report.periods_created} période(s) ajoutée(s)."
        )

    @app.cli.command("generate-requests")
    @click.option("--count", default=100_000, show_default=True)
    @click.option("--caisse", "caisse_code", default="CARSAT-RA", show_default=True)
    def generate_command(count: int, caisse_code: str):
        """Insert COUNT synthetic open requests (and their synthetic assurés) for load measurements."""
        with atomic():
            generate(count, caisse_code=caisse_code, today=clock.today())
        click.echo(f"{count} demandes synthétiques créées pour {caisse_code}.")
