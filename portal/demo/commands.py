"""Demo and benchmark commands: `flask seed-demo`, `flask generate-requests` and `flask generate-population`.

They write invented people into the database, so they exist only where DEMO_COMMANDS is on: `make run`, the tests
and the benchmarks set it; a production deployment leaves it off and has no such command.
"""

import tempfile
import time
from pathlib import Path

import click
from flask import Flask

from portal import clock
from portal.db import atomic
from portal.demo.load import generate
from portal.demo.population import generate_population
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

    @app.cli.command("generate-population")
    @click.option("--assures", "count", default=1000, show_default=True, type=click.IntRange(1, 100_000_000))
    @click.option("--seed", default=42, show_default=True)
    @click.option("--directory", type=click.Path(file_okay=False, path_type=Path), help="Où garder les fichiers.")
    def generate_population_command(count: int, seed: int, directory: Path | None):
        """Invent COUNT people with realistic careers and take them in through the bulk intake (docs/intake.md)."""
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as scratch:
            target = directory or Path(scratch)
            target.mkdir(parents=True, exist_ok=True)
            population = generate_population(count, target, seed=seed)
        elapsed = time.perf_counter() - started
        periods = population.periods
        click.echo(
            f"{population.identities.created} dossier(s) créé(s), {periods.created} période(s) en "
            f"{periods.lines} déclaration(s) ({periods.rejected} rejetée(s)), en {elapsed:.1f} s."
        )
