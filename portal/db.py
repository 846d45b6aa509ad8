"""The database: declarative base, the Flask-SQLAlchemy handle, and unit-of-work helpers."""

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import g, got_request_exception, has_app_context, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Enum, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Session

# Constraint names fixed by convention so that Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def enum_column(enum_class: type[enum.Enum]) -> Enum:
    # Stored as short strings (the enum values) rather than native PostgreSQL enums: adding a value later is then a
    # code change, not a migration that rewrites a type.
    return Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


def utcnow() -> datetime:
    """Naive UTC timestamp: SQLite keeps no time zone, so every timestamp is stored as UTC without one."""
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def atomic() -> Iterator[None]:
    """One unit of work for CLI commands and jobs: commit on success, roll back on any exception. Outside a
    request its transactions may write (on SQLite they take the write lock when they begin: see expect_writes)."""
    if has_app_context() and not has_request_context():
        expect_writes()
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def install_unit_of_work(app) -> None:
    """One unit of work per request: commit after the response is built, roll back after an unhandled error.

    Services only flush. A handled refusal (a re-rendered form, a French error page) still commits what was
    deliberately recorded, such as a consumed login state or the audit line of a refused attempt.
    """
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)

    def _mark_failed(sender, exception, **extra):
        g.unit_of_work_failed = True

    got_request_exception.connect(_mark_failed, app, weak=False)

    @app.after_request
    def _commit_or_rollback(response):
        if g.get("unit_of_work_failed"):
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except BaseException:
            # A commit can fail too (a lock, a constraint checked at commit): roll back, so that what was to be
            # undone with it is (an uploaded object is deleted), then let the error be the 500 it is.
            db.session.rollback()
            raise
        return response


# How long a SQLite writer waits for the one before it (the sqlite3 module's default is 5 s): requests that write
# are serialised (see configure_sqlite), and a burst of uploads queues behind one another.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Requests that may write: on SQLite their transaction takes the write lock as it begins.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_EXPECT_WRITES = "portal_expect_writes"


def expect_writes() -> None:
    """Outside a request (a background task), treat every transaction of this app context as one that may write:
    on SQLite it then takes the write lock when it begins, and waits its turn, as a write request does."""
    g.setdefault(_EXPECT_WRITES, True)


def configure_sqlite(engine) -> None:
    """Make SQLite behave like the production database where it matters: foreign keys enforced, transactions
    (savepoints included) begun by SQLAlchemy rather than by the sqlite3 module's own heuristics, and concurrent
    writers that wait for one another instead of failing.

    A transaction that reads, then writes, must turn its read lock into the write lock; when another connection
    holds it, SQLite refuses at once ("database is locked", a 500) rather than wait, as waiting could deadlock.
    So a request that may write (POST...) takes the write lock when its transaction begins (BEGIN IMMEDIATE):
    concurrent writers then queue for up to SQLITE_BUSY_TIMEOUT_MS, and each one reads what the previous one
    committed (25 uploads at once to a draft that takes 20: 20 stored, 5 refused). PostgreSQL locks rows instead
    (SELECT ... FOR UPDATE where it matters).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if has_request_context():
            writes = request.method in WRITE_METHODS
        else:
            writes = has_app_context() and g.get(_EXPECT_WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


_AFTER_COMMIT = "portal_after_commit"
_AFTER_ROLLBACK = "portal_after_rollback"


def _register(key: str, callback) -> None:
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(key, []).append((transaction, callback))


def on_commit(callback) -> None:
    """Run `callback()` once the whole transaction has committed; dropped if the part that registered it (a
    savepoint, or the transaction) rolls back."""
    _register(_AFTER_COMMIT, callback)


def on_rollback(callback) -> None:
    """Run `callback()` if the part of the transaction that registered it rolls back, savepoint included (e.g.
    delete a file stored for a row that will not exist); dropped once the whole transaction has committed."""
    _register(_AFTER_ROLLBACK, callback)


def _within(transaction, ended) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


_hooks_installed = False


def install_transaction_hooks() -> None:
    """Wire on_commit/on_rollback to every session (once per process)."""
    global _hooks_installed
    if _hooks_installed:
        return
    _hooks_installed = True

    @event.listens_for(Session, "after_commit")
    def _after_commit(session):
        # SQLAlchemy also fires after_commit when a savepoint is released (`with session.begin_nested():`), while
        # the enclosing transaction is still open: nothing is committed yet. Running the callbacks there sent
        # e-mails whose outbox rows another connection could not see (nothing left, no error) and deleted files
        # that a later rollback would still need. Only the end of the outermost transaction counts.
        if session.in_nested_transaction():
            return
        session.info.pop(_AFTER_ROLLBACK, None)
        for _transaction, callback in session.info.pop(_AFTER_COMMIT, []):
            callback()

    @event.listens_for(Session, "after_soft_rollback")
    def _after_soft_rollback(session, previous_transaction):
        for key in (_AFTER_COMMIT, _AFTER_ROLLBACK):
            pending = session.info.get(key, [])
            ended = [entry for entry in pending if _within(entry[0], previous_transaction)]
            session.info[key] = [entry for entry in pending if entry not in ended]
            if key == _AFTER_ROLLBACK:
                for _transaction, callback in ended:
                    callback()
