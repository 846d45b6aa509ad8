"""Flask CLI commands: `flask seed-demo`, and the periodic jobs as they come."""

from datetime import timedelta

import click
from flask import Flask

from portal.db import atomic, utcnow


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

    signalements_group = click.Group("signalements", help="Tâches périodiques des demandes.")
    documents_group = click.Group("documents", help="Tâches périodiques des justificatifs.")
    notifications_group = click.Group("notifications", help="Envoi des e-mails de l'outbox.")
    sessions_group = click.Group("sessions", help="Sessions des navigateurs, gardées côté serveur.")

    @signalements_group.command("purge-drafts")
    def purge_drafts_command():
        """Delete the drafts untouched for DRAFT_RETENTION_DAYS (scheduled daily)."""
        from portal.signalements.services import purge_expired_drafts

        with atomic():
            count = purge_expired_drafts(now=utcnow())
        click.echo(f"{count} brouillon(s) expiré(s) supprimé(s).")

    @documents_group.command("sweep")
    @click.option("--older-than-hours", default=24, show_default=True, help="Âge minimal d'un objet orphelin.")
    def sweep_command(older_than_hours: int):
        """Delete stored files that no justificatif references (left by a crash); report rows without a file."""
        from portal.documents.services import sweep_orphans

        with atomic():
            report = sweep_orphans(older_than=timedelta(hours=older_than_hours))
        click.echo(f"{report.objects_deleted} fichier(s) orphelin(s) supprimé(s).")
        if report.rows_without_object:
            click.echo(f"Justificatifs sans fichier : {report.rows_without_object}", err=True)
            raise SystemExit(1)

    @notifications_group.command("send")
    def send_command():
        """Send the e-mails waiting in the outbox (for NOTIFICATIONS_DELIVERY=queue, or after a failure)."""
        from portal.notifications.services import send_pending

        with atomic():
            count = send_pending()
        click.echo(f"{count} e-mail(s) envoyé(s).")

    @sessions_group.command("purge")
    def purge_sessions_command():
        """Delete the sessions untouched for longer than their lifetime (scheduled daily)."""
        from portal.sessions import purge_expired_sessions

        with atomic():
            count = purge_expired_sessions(app, now=utcnow())
        click.echo(f"{count} session(s) expirée(s) supprimée(s).")

    for group in (signalements_group, documents_group, notifications_group, sessions_group):
        app.cli.add_command(group)
