"""The daily jobs of the signalements: `flask signalements purge-drafts`, `flask backoffice reprioritize`."""

import click
from flask import Flask

from portal import clock
from portal.db import atomic, utcnow
from portal.signalements.priority import reprioritize_open_requests
from portal.signalements.services import purge_expired_drafts


def register_commands(app: Flask) -> None:
    signalements_group = click.Group("signalements", help="Tâches périodiques des demandes.")

    @signalements_group.command("purge-drafts")
    def purge_drafts_command():
        """Delete the drafts untouched for DRAFT_RETENTION_DAYS (scheduled daily)."""
        with atomic():
            count = purge_expired_drafts(now=utcnow())
        click.echo(f"{count} brouillon(s) expiré(s) supprimé(s).")

    app.cli.add_command(signalements_group)

    # The group keeps the name operators' crontabs already use.
    backoffice = click.Group("backoffice", help="Tâches périodiques de l'espace agents.")

    @backoffice.command("reprioritize")
    def reprioritize_command():
        """Recompute the priority of every open request (the deadline part moves daily; scheduled daily)."""
        with atomic():
            count = reprioritize_open_requests(today=clock.today())
        click.echo(f"{count} demande(s) repriorisée(s).")

    app.cli.add_command(backoffice)
