"""Flask CLI commands."""

import importlib

import click
from sqlalchemy import func, select

from portal.background import TASK_MODULES, beat_schedule
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


def test_every_job_runs_on_beat_as_a_task_the_workers_know(app):
    # The workers import TASK_MODULES; beat sends each scheduled job by name: a name no module defines would be
    # sent every night and never run.
    celery = app.extensions["celery"]
    for module in TASK_MODULES:
        importlib.import_module(module)
    registered = set(celery.tasks)
    schedule = beat_schedule(app.config)
    assert {entry["task"] for entry in schedule.values()} <= registered
    # The README's daily jobs, each on beat at its time (Europe/Paris), and the outbox sweep every minute.
    assert set(app.config["CELERY_DAILY_JOBS_AT"]) == {
        "portal.signalements.purge_drafts", "portal.documents.sweep", "portal.signalements.reprioritize",
        "portal.audit.verify", "portal.audit.checkpoint", "portal.representation.expire_mandates",
        "portal.sessions.purge",
    }  # fmt: skip
    assert schedule["portal.audit.checkpoint"]["schedule"].hour == {4}
    assert schedule["portal.notifications.send_due"]["schedule"] == 60.0
    assert "portal.notifications.send_email" in registered
    assert celery.conf.task_acks_late is True
    assert celery.conf.task_reject_on_worker_lost is True
    assert celery.conf.timezone == "Europe/Paris"
