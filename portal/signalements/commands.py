"""The daily jobs of the signalements: `flask signalements purge-drafts`, `flask backoffice reprioritize`."""

import click
from flask import Flask
from sqlalchemy import select

from portal import clock
from portal.db import atomic, db, utcnow
from portal.signalements.models import Signalement
from portal.signalements.priority import compute_priority, place_in_queue
from portal.signalements.services import purge_expired_drafts
from portal.signalements.states import SignalementState


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
        today = clock.today()
        open_states = [state.value for state in SignalementState if state.is_open]
        count = 0
        with atomic():
            statement = select(Signalement).where(Signalement.state.in_(open_states)).execution_options(yield_per=500)
            for signalement in db.session.execute(statement).scalars():
                place_in_queue(signalement, compute_priority(signalement, today=today))
                count += 1
        click.echo(f"{count} demande(s) repriorisée(s).")

    app.cli.add_command(backoffice)
