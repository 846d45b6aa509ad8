"""Real Celery workers, in processes of their own (not eager mode): on the Redis and the RabbitMQ of 127.0.0.1 when
the suite runs on PostgreSQL, on `make run`'s embedded broker (a SQLite file) when it runs on SQLite.

Each test gets a queue of its own (`portal-test-<xdist worker>-<random>`), so parallel runs never take each other's
tasks, and the queue is deleted afterwards. The portal in the test process and the workers share one database (a
file, or a PostgreSQL database of its own, migrated once) and the session's SMTP sink; every table but the
reference data is emptied after each test. Outside CI a broker that cannot be reached skips its tests and says so;
with CI=true it fails them.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from portal import create_app
from portal.db import Base
from portal.db import db as _db
from tests.conftest import _test_settings, fresh_database

ROOT = Path(__file__).resolve().parents[2]
BROKERS = {
    "redis": ("redis://127.0.0.1:6379/0", 6379),
    "rabbitmq": ("amqp://guest:guest@127.0.0.1:5672//", 5672),
}
# Short enough for a test, long enough for a worker to start: the lease of an e-mail being sent, and the time Redis
# waits before giving an unacknowledged task to another worker.
LEASE_SECONDS = 3
VISIBILITY_SECONDS = 3


def wait_for(condition, *, timeout: float = 60, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


@pytest.fixture(scope="session")
def worker_database(database_kind, tmp_path_factory):
    """The URL of a migrated database for the workers' tests, and the tables that hold reference data."""
    with fresh_database(database_kind, tmp_path_factory.mktemp("workers")) as url:
        app = create_app({**_test_settings(), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
            with _db.engine.connect() as connection:
                reference = {
                    table.name
                    for table in Base.metadata.sorted_tables
                    if connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                }
            _db.engine.dispose()
        yield url, reference


def pytest_generate_tests(metafunc):
    # With PostgreSQL, the production pair: Redis and RabbitMQ. With SQLite, `make run`'s: kombu's SQLAlchemy
    # transport on a SQLite file. Each run of the suite tries the workers once, on the database it runs on.
    if "broker_name" in metafunc.fixturenames:
        on_postgresql = metafunc.config.getoption("--db") == "postgresql"
        metafunc.parametrize("broker_name", ["redis", "rabbitmq"] if on_postgresql else ["embedded"])


@pytest.fixture
def broker(broker_name, tmp_path) -> str:
    if broker_name == "embedded":
        return f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    url, port = BROKERS[broker_name]
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except OSError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{broker_name} is required in CI and unreachable on 127.0.0.1:{port}: {error}")
        pytest.skip(f"{broker_name} unreachable on 127.0.0.1:{port}: {error}")
    return url


class Workers:
    """Start Celery workers (and beat) as a deployment would, on the test's settings; kill them at the end."""

    def __init__(self, environment: dict, directory: Path):
        self.environment = environment
        self.directory = directory
        self.processes: list[subprocess.Popen] = []

    def start(self, *, beat: bool = False, concurrency: int = 1, **settings) -> subprocess.Popen:
        log = self.directory / f"worker-{len(self.processes)}.log"
        command = [
            sys.executable, "-m", "celery", "-A", "wsgi:celery_app", "worker", "--loglevel", "INFO",
            "--pool", "prefork", "--concurrency", str(concurrency), "--queues", self.environment["CELERY_QUEUE"],
            "--hostname", f"{uuid.uuid4().hex[:8]}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--logfile", str(log),
        ]  # fmt: skip
        if beat:
            command += ["--beat", "--schedule", str(self.directory / f"beat-{len(self.processes)}")]
        environment = {**os.environ, **self.environment, **{key: str(value) for key, value in settings.items()}}
        with (self.directory / f"worker-{len(self.processes)}.err").open("w") as errors:
            process = subprocess.Popen(
                command, cwd=ROOT, env=environment, start_new_session=True, stdout=subprocess.DEVNULL, stderr=errors,
            )  # fmt: skip
        process.log = log  # type: ignore[attr-defined]
        self.processes.append(process)

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"The worker stopped at start:\n{log.read_text() if log.exists() else ''}")
            return log.exists() and "ready." in log.read_text()

        wait_for(ready, timeout=60, what="the worker to be ready")
        return process

    def kill(self, process: subprocess.Popen) -> None:
        """kill -9 the worker and its pool processes, as a machine that dies would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop_all(self) -> None:
        # The test is over: its queue is deleted, nothing is left to finish; no warm shutdown to wait for.
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def portal_settings(worker_database, broker, _mail_sink, tmp_path) -> dict:
    """The settings of the portal and of its workers in this test, as environment variables would carry them."""
    url, _reference = worker_database
    return {
        "TEST_DATABASE_URL": url,
        "CELERY_BROKER_URL": broker,
        "CELERY_QUEUE": f"portal-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}",
        "CELERY_VISIBILITY_TIMEOUT_SECONDS": str(VISIBILITY_SECONDS),
        "NOTIFICATIONS_DELIVERY": "celery",
        "NOTIFICATIONS_SEND_LEASE_SECONDS": str(LEASE_SECONDS),
        "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
        "NOTIFICATIONS_RETRY_MAX_SECONDS": "2",
        "MAIL_PORT": str(_mail_sink.port),
        "MAIL_TIMEOUT_SECONDS": "2",
        "DOCUMENTS_LOCAL_DIR": str(tmp_path / "documents"),
        "AUDIT_CHECKPOINT_DIR": str(tmp_path / "audit-checkpoints"),
        "PORTAL_ENV": "test",
    }


@pytest.fixture
def portal(portal_settings, worker_database, mail_sink):
    """The portal in the test process, on the workers' database, broker and queue; an app context for the test."""
    _url, reference = worker_database
    numbers = {
        "NOTIFICATIONS_SEND_LEASE_SECONDS", "NOTIFICATIONS_RETRY_BASE_SECONDS", "CELERY_VISIBILITY_TIMEOUT_SECONDS",
        "NOTIFICATIONS_RETRY_MAX_SECONDS", "MAIL_PORT", "MAIL_TIMEOUT_SECONDS",
    }  # fmt: skip
    settings = {
        (key if key != "TEST_DATABASE_URL" else "SQLALCHEMY_DATABASE_URI"): int(value) if key in numbers else value
        for key, value in portal_settings.items()
        if key != "PORTAL_ENV"
    }
    app = create_app({**_test_settings(), **settings})
    celery = app.extensions["celery"]
    with app.app_context():
        try:
            yield app
        finally:
            _db.session.rollback()
            _db.session.remove()
            with _db.engine.begin() as connection:
                for table in reversed(Base.metadata.sorted_tables):
                    if table.name not in reference:
                        connection.execute(table.delete())
            _db.engine.dispose()
            with celery.connection_for_write() as connection:
                channel = connection.default_channel
                try:
                    channel.queue_delete(portal_settings["CELERY_QUEUE"])
                except Exception:  # noqa: S110  (a queue never declared: nothing to delete)
                    pass


@pytest.fixture
def workers(portal_settings, tmp_path):
    workers = Workers(portal_settings, tmp_path)
    yield workers
    workers.stop_all()
