"""`flask mandates expire`: the daily job that ends the mandates whose end (or review) date has passed."""

import click
from flask import Flask

from portal import clock
from portal.db import atomic
from portal.representation import services


def register_commands(app: Flask) -> None:
    group = click.Group("mandates", help="Mandats de représentation.")

    @group.command("expire")
    def expire() -> None:
        """Mark expired the active mandates whose end date has passed (run daily)."""
        with atomic():
            count = services.expire_mandates(today=clock.today())
        click.echo(f"{count} mandat(s) expiré(s).")

    app.cli.add_command(group)
