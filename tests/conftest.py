"""Shared fixtures: one migrated database per test worker, one rolled-back transaction per test.

The suite runs on SQLite by default; `--db=postgresql` (or TEST_DATABASE=postgresql) runs it on the PostgreSQL
server on 127.0.0.1, in a database of its own per worker, created and dropped here. With CI=true a PostgreSQL
run that cannot reach its server fails instead of skipping.
"""

import contextvars
import email
import html
import os
import re
import socket
import uuid
from contextlib import contextmanager
from email import policy
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from config import TestConfig
from portal import create_app
from portal.db import db as _db
from portal.extensions import limiter
from portal.sandbox.server import SandboxServer

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("TEST_DATABASE", "sqlite"),
        help="database the suite runs against",
    )


@contextmanager
def fresh_database(kind: str, directory):
    """An empty database of `kind`, dropped afterwards. With CI=true an unreachable PostgreSQL fails the run."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / f'portal-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError as error:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI and unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(POSTGRES_ADMIN_URL)._replace(path=f"/{name}").geturl()
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def database_kind(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def database_url(database_kind, tmp_path_factory):
    with fresh_database(database_kind, tmp_path_factory.mktemp("db")) as url:
        yield url


TEST_REDIRECT_URI = "http://localhost/connexion/franceconnect/retour"
TEST_POST_LOGOUT_URI = "http://localhost/deconnexion/retour"


@pytest.fixture(scope="session")
def fc_sandbox():
    """The local FranceConnect sandbox on 127.0.0.1, with the test client registered (test client host: localhost)."""
    clients = [
        {
            "client_id": TestConfig.FRANCECONNECT_CLIENT_ID,
            "client_secret": TestConfig.FRANCECONNECT_CLIENT_SECRET,
            "redirect_uris": [TEST_REDIRECT_URI],
            "post_logout_redirect_uris": [TEST_POST_LOGOUT_URI],
        }
    ]
    with SandboxServer({"SANDBOX_CLIENTS": clients}) as server:
        yield server


TEST_AGENT_REDIRECT_URI = "http://localhost/espace-agents/connexion/proconnect/retour"
TEST_AGENT_POST_LOGOUT_URI = "http://localhost/espace-agents/deconnexion/retour"


@pytest.fixture(scope="session")
def pc_sandbox():
    """The local ProConnect sandbox (agents), with the test client registered."""
    clients = [
        {
            "client_id": TestConfig.PROCONNECT_CLIENT_ID,
            "client_secret": TestConfig.PROCONNECT_CLIENT_SECRET,
            "redirect_uris": [TEST_AGENT_REDIRECT_URI],
            "post_logout_redirect_uris": [TEST_AGENT_POST_LOGOUT_URI],
        }
    ]
    with SandboxServer({"SANDBOX_CLIENTS": clients, "SANDBOX_PROFILE": "proconnect"}) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset_sandbox_faults(request):
    yield
    if "fc_sandbox" in request.fixturenames:
        request.getfixturevalue("fc_sandbox").app.config["SANDBOX_FAULTS"] = {}


class MailSink:
    """An SMTP server on 127.0.0.1 that keeps what it receives (aiosmtpd)."""

    def __init__(self):

        self.messages = []
        with socket.socket() as sock:  # aiosmtpd's Controller refuses port 0: pick a free port first
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class RefusingSink(MailSink):
    """An SMTP server that answers every recipient with `answer` (a 550 quoting the address, as real servers do, by
    default; a 4xx for a temporary refusal)."""

    def __init__(self, answer: str = "550 5.1.1 <{address}>: Recipient address rejected: User unknown"):
        super().__init__()
        self.answer = answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.answer.format(address=address)


@pytest.fixture
def refusing_sink():
    """Start a RefusingSink with the given answer (`refusing_sink()` for the default 550); stopped after the test."""
    sinks = []

    def start(answer: str | None = None) -> RefusingSink:
        sink = RefusingSink(answer) if answer else RefusingSink()
        sink.controller.start()
        sinks.append(sink)
        return sink

    yield start
    for sink in sinks:
        sink.controller.stop()


@pytest.fixture(scope="session")
def _mail_sink():
    sink = MailSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture
def mail_sink(_mail_sink):
    _mail_sink.messages.clear()
    return _mail_sink


@pytest.fixture(scope="session")
def migrated_app(database_url, fc_sandbox, pc_sandbox, _mail_sink, tmp_path_factory):
    """The app on a database migrated to head once per worker (the migrations are part of what is tested)."""
    app = create_app(
        {
            **_test_settings(),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "FRANCECONNECT_ISSUER": fc_sandbox.issuer,
            "PROCONNECT_ISSUER": pc_sandbox.issuer,
            "MAIL_PORT": _mail_sink.port,
            "DOCUMENTS_LOCAL_DIR": str(tmp_path_factory.mktemp("documents")),
            # Never the development instance's checkpoints; tests that write some use a directory of their own.
            "AUDIT_CHECKPOINT_DIR": str(tmp_path_factory.mktemp("audit-checkpoints")),
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _test_settings() -> dict:
    return {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}


class PortalClient(FlaskClient):
    """A test client whose every request runs in its own application context, as in production.

    The test itself holds an app context (to build data); without this, requests would share its `g` (and so
    Flask-WTF's cached CSRF token) and its database session. Each request gets its own session on the test's
    connection, and the test's session is expired afterwards so that it reads what the request committed.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():  # a redirect being followed, already inside the request's own context
            return super().open(*args, **kwargs)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture
def app(migrated_app):
    """The app, with an app context and a database session whose work is rolled back after the test."""
    with migrated_app.app_context():
        limiter.reset()
        connection = _db.engine.connect()
        transaction = connection.begin()
        original_session = _db.session
        # A plain SQLAlchemy session factory: Flask-SQLAlchemy's own Session picks the engine from the table's
        # metadata and would ignore the connection that holds the test's transaction.
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id
        )
        migrated_app.test_client_class = PortalClient
        try:
            yield migrated_app
        finally:
            _db.session.remove()
            _db.session = original_session
            transaction.rollback()
            connection.close()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


class Queries:
    """The SQL statements the app's engine executed while a `count_queries` block ran, whitespace collapsed."""

    def __init__(self):
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def __repr__(self) -> str:
        return f"<{len(self)} queries: {self.statements!r}>"

    def writes(self) -> list[str]:
        """The statements that change rows (INSERT, UPDATE, DELETE)."""
        return [statement for statement in self.statements if statement.startswith(("INSERT", "UPDATE", "DELETE"))]


TEST_SAVEPOINTS = ("SAVEPOINT", "RELEASE")  # the test's own nested transactions (see `app`), not the code's work


@pytest.fixture
def count_queries(db):
    """Count the SQL statements sent through the app's engine while a block runs:

        with count_queries() as queries:
            client.get("/ma-carriere")
        assert len(queries) == 7

    Left out: the test's savepoints (unless `savepoints=True`) and, with `without="browser_session"`, the
    statements naming that table; `about="browser_session"` keeps only those. The listener is removed when the
    block ends (and, failing that, after the test).
    """
    listening = []

    @contextmanager
    def counting(*, about: str | None = None, without: str | None = None, savepoints: bool = False):
        queries = Queries()

        def keep(conn, cursor, statement, parameters, context, executemany):
            if about is not None and about not in statement:
                return
            if without is not None and without in statement:
                return
            if not savepoints and statement.startswith(TEST_SAVEPOINTS):
                return
            queries.statements.append(" ".join(statement.split()))

        event.listen(db.engine, "before_cursor_execute", keep)
        listening.append(keep)
        try:
            yield queries
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
            listening.remove(keep)

    yield counting
    for keep in listening:
        event.remove(db.engine, "before_cursor_execute", keep)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form in a page, as a browser would send it."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def text_of(response) -> str:
    """The page's HTML with entities decoded, so that assertions read as the French a person sees."""
    return html.unescape(response.get_data(as_text=True))
