"""`flask sessions purge`, and the registration of every feature's commands.

Each feature keeps its commands next to its code (portal/<feature>/commands.py); this module only lists them. The
demo and benchmark commands are registered only where DEMO_COMMANDS is on (portal/demo/commands.py).
"""

import click
from flask import Flask

from portal.agents import commands as agents_commands
from portal.audit import chain as audit_chain
from portal.db import atomic, utcnow
from portal.documents import commands as documents_commands
from portal.intake import commands as intake_commands
from portal.notifications import commands as notifications_commands
from portal.representation import commands as representation_commands
from portal.sessions import purge_expired_sessions
from portal.signalements import commands as signalements_commands
from portal.simulator import commands as simulator_commands


def init_app(app: Flask) -> None:
    sessions_group = click.Group("sessions", help="Sessions des navigateurs, gardées côté serveur.")

    @sessions_group.command("purge")
    def purge_sessions_command():
        """Delete the sessions untouched for longer than their lifetime (scheduled daily)."""
        with atomic():
            count = purge_expired_sessions(app, now=utcnow())
        click.echo(f"{count} session(s) expirée(s) supprimée(s).")

    app.cli.add_command(sessions_group)
    for feature in (
        agents_commands,
        signalements_commands,
        documents_commands,
        notifications_commands,
        representation_commands,
        audit_chain,
        simulator_commands,
        intake_commands,
    ):
        feature.register_commands(app)
    if app.config["DEMO_COMMANDS"]:
        # Imported only here: the demo data and its generators are not loaded in a production process.
        from portal.demo import commands as demo_commands

        demo_commands.register_commands(app)
