"""`flask documents sweep`: the daily job that deletes stored files no document references (left by a crash)."""

from datetime import timedelta

import click
from flask import Flask

from portal.db import atomic
from portal.documents.services import sweep_orphans


def register_commands(app: Flask) -> None:
    documents_group = click.Group("documents", help="Tâches périodiques des justificatifs.")

    @documents_group.command("sweep")
    @click.option("--older-than-hours", default=24, show_default=True, help="Âge minimal d'un objet orphelin.")
    def sweep_command(older_than_hours: int):
        """Delete stored files that no justificatif references (left by a crash); report rows without a file."""
        with atomic():
            report = sweep_orphans(older_than=timedelta(hours=older_than_hours))
        click.echo(f"{report.objects_deleted} fichier(s) orphelin(s) supprimé(s).")
        if report.rows_without_object:
            click.echo(f"Justificatifs sans fichier : {report.rows_without_object}", err=True)
            raise SystemExit(1)

    app.cli.add_command(documents_group)
