"""Flask CLI commands."""

import click
from sqlalchemy import func, select

from portal.careers.models import Assure


def test_seed_demo_loads_the_demo_careers_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "13 assuré(s) créé(s), 0 déjà présent(s)" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert "0 assuré(s) créé(s), 13 déjà présent(s), 0 période(s) ajoutée(s)" in second.output
    assert db.session.execute(select(func.count()).select_from(Assure)).scalar_one() == 13


def test_every_scheduled_job_of_the_readme_is_registered(app):
    # The periodic jobs a scheduler runs (README, "Periodic jobs"): a renamed or dropped command fails here first.
    context = click.Context(app.cli)
    for group, command in [
        ("signalements", "purge-drafts"), ("documents", "sweep"), ("notifications", "send"),
        ("backoffice", "reprioritize"), ("audit", "verify"), ("mandates", "expire"),
        ("audit", "checkpoint"), ("sessions", "purge"),
    ]:  # fmt: skip
        found = app.cli.get_command(context, group)
        assert found is not None, group
        assert found.get_command(context, command) is not None, f"{group} {command}"
