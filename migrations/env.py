"""Alembic environment, run through Flask-Migrate (`flask db upgrade`).

Batch mode makes ALTER TABLE work on SQLite; on PostgreSQL a lock timeout keeps a migration from queueing
behind a long transaction and blocking every request behind it.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

POSTGRES_LOCK_TIMEOUT = "5s"


def get_engine():
    return current_app.extensions["migrate"].db.engine


config.set_main_option("sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))
target_metadata = current_app.extensions["migrate"].db.metadata


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    connectable = get_engine()
    with connectable.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET lock_timeout = '{POSTGRES_LOCK_TIMEOUT}'")
            # SQLAlchemy began a transaction for the SET: end it, or Alembic would take it for an outer transaction
            # that it must not commit, and every migration would be rolled back when the connection closes.
            connection.commit()
        if connection.dialect.name == "sqlite":
            # Batch mode rebuilds a SQLite table (copy, drop, rename) to alter it; with foreign keys enforced, the
            # drop of a table other rows point at fails. They are checked again once the migration is over
            # (foreign_key_check below), then enforced by the app's connections as before.
            # Outside any transaction (a PRAGMA inside one does nothing): on the driver's connection itself.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            process_revision_directives=process_revision_directives,
            **current_app.extensions["migrate"].configure_args,
        )
        with context.begin_transaction():
            context.run_migrations()
        if connection.dialect.name == "sqlite":
            driver = connection.connection.driver_connection
            broken = driver.execute("PRAGMA foreign_key_check").fetchall()
            # The connection goes back to the pool: enforced again, as every connection of the app.
            driver.execute("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"Foreign keys broken by the migration: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
