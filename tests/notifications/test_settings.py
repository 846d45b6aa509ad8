"""The links in e-mails lead to the address the portal serves: in development, the port `make run PORT=…` (or
`flask run` with FLASK_RUN_PORT) listens on; elsewhere, PORTAL_BASE_URL."""

import os
import subprocess
import sys
from pathlib import Path

from portal.notifications import services as notifications_services

ROOT = Path(__file__).resolve().parents[2]


def environment(**values) -> dict:
    """This process's environment without the settings under test, plus `values`."""
    unset = {"PORTAL_BASE_URL", "FLASK_RUN_PORT", "PORTAL_ENV", "PORT"}
    return {name: value for name, value in os.environ.items() if name not in unset} | values


def development_base_url(**values) -> str:
    # config.py reads the environment once, at import: a fresh interpreter per case.
    result = subprocess.run(
        [sys.executable, "-c", "from config import DevelopmentConfig; print(DevelopmentConfig.PORTAL_BASE_URL)"],
        cwd=ROOT, env=environment(**values), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip()


def test_in_development_links_follow_the_port_flask_serves():
    assert development_base_url() == "http://127.0.0.1:5000"
    assert development_base_url(FLASK_RUN_PORT="5055") == "http://127.0.0.1:5055"
    assert development_base_url(FLASK_RUN_PORT="5055", PORTAL_BASE_URL="https://carriere.example.fr") == (
        "https://carriere.example.fr"
    )


def make_run_command(*arguments: str, **values) -> str:
    """The line that starts the portal in `make run` (`make -n` prints the recipe without running it)."""
    result = subprocess.run(
        ["make", "-n", "run", *arguments], cwd=ROOT, env=environment(**values), capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return next(line for line in result.stdout.splitlines() if " run --host " in line)


def test_make_run_gives_the_portal_the_address_it_serves():
    command = make_run_command("PORT=5055")
    assert "--port 5055" in command
    assert "PORTAL_BASE_URL=http://127.0.0.1:5055 " in command
    assert "PORTAL_BASE_URL=http://127.0.0.1:5000 " in make_run_command()
    # An address given by the environment (a tunnel, a reverse proxy) wins.
    assert "PORTAL_BASE_URL=https://carriere.example.fr " in make_run_command(
        "PORT=5055", PORTAL_BASE_URL="https://carriere.example.fr"
    )


def test_an_emails_links_start_with_the_configured_address(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "http://127.0.0.1:5055/")
    notification = notifications_services.queue_email(
        "marie@example.fr", subject="Votre demande n° 2026-000001 a changé d'état",
        template="emails/signalement_changed.txt", reference="2026-000001", state_label="En instruction",
        signalement_id=42,
    )  # fmt: skip
    assert "Consulter votre demande : http://127.0.0.1:5055/mes-demandes/42\n" in notification.body


def test_make_run_starts_a_worker_with_beat_and_a_mailbox_where_the_portal_sends():
    printed = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, env=environment(), capture_output=True, text=True, check=True
    ).stdout
    recipe = printed.replace("\\\n", " ").splitlines()
    portal = next(line for line in recipe if " run --host " in line)
    worker = next(line for line in recipe if "celery -A wsgi:celery_app worker --beat" in line)
    mailbox = next(line for line in recipe if "portal.sandbox.mailbox" in line)
    for setting in ("MAIL_BACKEND=smtp ", "MAIL_PORT=1025 ", "PORTAL_BASE_URL=http://127.0.0.1:5000 "):
        assert setting in portal
        assert setting in worker  # the worker sends the e-mails the portal queues, with the same links
    assert "--smtp-port 1025 " in mailbox
    assert "--schedule instance/celerybeat-schedule" in worker
