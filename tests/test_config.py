"""Configuration: embedded defaults for development, a production that refuses to start half-configured."""

import click
import pytest

from config import ProductionConfig
from portal import create_app

PRODUCTION_SETTINGS = {
    "SECRET_KEY": "k" * 32,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
    "FRANCECONNECT_ISSUER": "https://fcp.integ01.dev-franceconnect.fr/api/v2",
    "FRANCECONNECT_CLIENT_ID": "client",
    "FRANCECONNECT_CLIENT_SECRET": "secret",
    "PORTAL_BASE_URL": "https://carriere.example.fr",
    "AUDIT_CHECKPOINT_KEY": "c" * 32,
}
# The e-mails leave through the workers: a production portal needs their broker (or runs without workers).
WITH_BROKER = {**PRODUCTION_SETTINGS, "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}


@pytest.mark.parametrize("missing", sorted(PRODUCTION_SETTINGS))
def test_production_refuses_to_start_without_a_required_setting(monkeypatch, missing):
    monkeypatch.setenv("PORTAL_ENV", "production")
    settings = {**WITH_BROKER, missing: None}
    with pytest.raises(RuntimeError, match=missing):
        create_app(settings)


def test_production_starts_with_its_settings_and_secure_cookies(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    app = create_app(WITH_BROKER)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["HSTS_ENABLED"] is True
    assert not app.debug
    response = app.test_client().get("/sante")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_needs_the_workers_broker_and_a_lease_longer_than_a_send(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    # Beat runs the daily jobs: a broker is needed however the e-mails leave.
    for delivery in ("celery", "inline"):
        with pytest.raises(RuntimeError, match="CELERY_BROKER_URL"):
            create_app({**PRODUCTION_SETTINGS, "CELERY_BROKER_URL": None, "NOTIFICATIONS_DELIVERY": delivery})
    with pytest.raises(RuntimeError, match="NOTIFICATIONS_SEND_LEASE_SECONDS"):
        create_app({**WITH_BROKER, "MAIL_TIMEOUT_SECONDS": 60, "NOTIFICATIONS_SEND_LEASE_SECONDS": 300})
    app = create_app(WITH_BROKER)
    assert app.extensions["celery"].conf.broker_url == "redis://127.0.0.1:6379/0"
    assert app.extensions["celery"].conf.broker_transport_options["socket_timeout"] == 10


def test_an_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "prod")
    with pytest.raises(RuntimeError, match="PORTAL_ENV"):
        create_app()


def test_production_lists_what_it_requires():
    assert set(ProductionConfig.REQUIRED_SETTINGS) == set(PRODUCTION_SETTINGS)


def test_production_has_no_demo_commands_unless_asked(monkeypatch):
    # seed-demo and generate-requests write invented people: a production process does not even offer them.
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("DEMO_COMMANDS", raising=False)
    app = create_app(WITH_BROKER)
    context = click.Context(app.cli)
    assert app.cli.get_command(context, "seed-demo") is None
    assert app.cli.get_command(context, "generate-requests") is None
    assert app.cli.get_command(context, "agents") is not None
    asked = create_app({**WITH_BROKER, "DEMO_COMMANDS": True})
    assert asked.cli.get_command(click.Context(asked.cli), "seed-demo") is not None
