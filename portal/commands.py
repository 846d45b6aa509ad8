"""Flask CLI commands: `flask seed-demo`, and the periodic jobs as they come."""

import click
from flask import Flask

from portal.db import atomic


def init_app(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo régimes, assurés and careers (idempotent: a second run changes nothing)."""
        from portal.demo.seed import seed_demo

        with atomic():
            report = seed_demo()
        click.echo(
            f"Données de démonstration : {report.assures_created} assuré(s) créé(s), "
            f"{report.assures_existing} déjà présent(s), {report.periods_created} période(s) ajoutée(s)."
        )
