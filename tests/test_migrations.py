"""Migrations: an empty database upgrades to head, matches the models, and downgrades cleanly."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from portal import create_app
from portal.careers.models import Regime
from portal.db import db
from portal.demo.seed import seed_demo
from portal.documents.models import Document
from portal.signalements.models import Signalement
from tests.conftest import _test_settings, fresh_database

EXPECTED_TABLES = {
    "account", "assure", "audit_event", "authorization_request", "career_period", "identity_link", "period_version",
    "mandate", "regime", "user_session", "alembic_version", "signalement", "signalement_item", "signalement_event",
    "signalement_message", "confirmation", "document", "document_period", "notification", "child", "caisse", "agent",
    "agent_identity_link", "annotation", "control_finding", "browser_session", "civil_service_profile",
    "intake_file", "intake_chunk", "intake_reject", "period_report", "intake_conflict", "identity_record",
}  # fmt: skip


def test_an_empty_database_upgrades_to_head_with_nothing_pending_and_downgrades(database_kind, tmp_path):
    with fresh_database(database_kind, tmp_path) as url:
        app = create_app({**_test_settings(), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            assert set(inspect(db.engine).get_table_names()) == EXPECTED_TABLES
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                assert compare_metadata(context, db.metadata) == []
                codes = set(connection.execute(select(Regime.code)).scalars())
            assert {"CNAV", "AGIRC_ARRCO", "SSI", "MSA_SALARIES", "SRE", "IRCANTEC", "ETRANGER"} <= codes

            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert set(inspect(db.engine).get_table_names()) == EXPECTED_TABLES
            db.session.remove()
            db.engine.dispose()


def test_migration_files_are_numbered_and_named_after_their_revision():
    versions = sorted(Path(__file__).parent.parent.joinpath("migrations", "versions").glob("*.py"))
    assert versions
    for number, path in enumerate(versions, start=1):
        assert path.stem.startswith(f"{number:04d}_"), path.name
        assert f'revision = "{path.stem}"' in path.read_text().replace("'", '"'), path.name


def test_a_database_holding_data_goes_down_and_up_again_with_nothing_lost(database_kind, tmp_path):
    # The people's database is never empty: SQLite's batch mode rebuilds tables that other rows point at, and
    # migrations/env.py must let it without breaking a foreign key.

    with fresh_database(database_kind, tmp_path) as url:
        app = create_app({**_test_settings(), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            seed_demo()
            db.session.commit()
            counts = {
                model: db.session.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Signalement, Document)
            }
            assert counts[Signalement] > 0
            db.session.remove()
            downgrade(revision="0005_backoffice")
            upgrade()
            for model, count in counts.items():
                assert db.session.execute(select(func.count()).select_from(model)).scalar_one() == count
            if database_kind == "sqlite":
                with db.engine.connect() as connection:
                    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            db.session.remove()
            db.engine.dispose()
