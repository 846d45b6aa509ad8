"""`flask careers import FILE`: period reports in bulk (docs/intake.md)."""

from pathlib import Path

import click
from flask import Flask

from portal.db import atomic
from portal.intake.models import FileKind
from portal.intake.services import DEFAULT_CHUNK_SIZE, IntakeFileError, import_file, write_rejects


def register_commands(app: Flask) -> None:
    careers_group = click.Group("careers", help="Alimentation des carrières.")

    @careers_group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--chunk-size", default=DEFAULT_CHUNK_SIZE, show_default=True, type=click.IntRange(1, 1_000_000))
    @click.option(
        "--rejects",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Fichier des lignes rejetées (par défaut : FILE suivi de .rejets.csv).",
    )
    def import_command(file: Path, chunk_size: int, rejects: Path | None):
        """Take a file of period reports or of identity records in (docs/intake.md), chunk by chunk; run again on the
        same file, it resumes where it stopped or, once finished, changes nothing."""
        try:
            summary = import_file(file, chunk_size=chunk_size)
        except IntakeFileError as error:
            raise click.ClickException(str(error)) from None
        destination = rejects or file.with_name(file.name + ".rejets.csv")
        with atomic():
            rejected = write_rejects(file, destination)
        resumed = summary.resumed_chunks
        if summary.kind is FileKind.IDENTITIES:
            outcome = (
                f"{summary.created} dossier(s) créé(s), {summary.corrected} mis à jour, "
                f"{summary.unchanged} inchangé(s), {summary.rejected} rejeté(s)."
            )
        else:
            outcome = (
                f"{summary.created} période(s) créée(s), {summary.corrected} rectifiée(s), {summary.unchanged} "
                f"inchangée(s), {summary.conflicts} en conflit à vérifier, {summary.rejected} rejetée(s)."
            )
        click.echo(
            f"{summary.lines} ligne(s) en {summary.chunks} bloc(s)"
            + (f", dont {resumed} déjà passé(s) lors d'un import précédent" if resumed else "")
            + f" : {outcome}"
        )
        click.echo(f"Lignes rejetées : {destination} ({rejected}).")

    app.cli.add_command(careers_group)
