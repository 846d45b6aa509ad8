"""`flask notifications send`: sends the e-mails waiting in the outbox."""

import click
from flask import Flask

from portal.db import atomic
from portal.notifications.services import send_pending


def register_commands(app: Flask) -> None:
    notifications_group = click.Group("notifications", help="Envoi des e-mails de l'outbox.")

    @notifications_group.command("send")
    def send_command():
        """Send, now and in this process, every e-mail waiting in the outbox, whatever its backoff (after a mail
        server outage, or for NOTIFICATIONS_DELIVERY=queue without workers); beat's portal.notifications.send_due
        does the same every minute for what is due."""
        with atomic():
            count = send_pending()
        click.echo(f"{count} e-mail(s) envoyé(s).")

    app.cli.add_command(notifications_group)
