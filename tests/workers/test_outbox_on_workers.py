"""The outbox on real workers: an e-mail queued with a commit leaves through a worker; a worker killed with -9 in
the middle of sending loses nothing and sends nothing twice; a mail server that was down gets the waiting e-mails
once it is back, with no command run; beat's sweep sends what no task carries."""

import asyncio
import os
import signal
import subprocess
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from portal import clock
from portal.db import db, utcnow
from portal.notifications import services as notifications_services
from portal.notifications.models import Notification
from tests.backoffice.helpers import filed_request
from tests.builders import create_assure, create_citizen_account, create_period
from tests.conftest import MailSink
from tests.notifications.test_outbox import closed_port
from tests.workers.conftest import LEASE_SECONDS, VISIBILITY_SECONDS, wait_for

pytestmark = pytest.mark.workers


def queue_one(recipient: str = "marie@example.fr") -> int:
    notification = notifications_services.queue_email(
        recipient, subject="Votre demande n° 2026-000001 a changé d'état", template="emails/signalement_changed.txt",
        reference="2026-000001", state_label="En instruction", signalement_id=1,
    )  # fmt: skip
    notification_id = notification.id
    # The task leaves with the commit. The row is not read again here: on SQLite an open read would hold back the
    # worker's write.
    db.session.commit()
    return notification_id


def row(notification_id: int) -> SimpleNamespace:
    """The outbox row as the workers left it, read in a transaction that ends at once (on SQLite an open read would
    hold back the workers' writes)."""
    db.session.rollback()
    notification = db.session.get(Notification, notification_id, populate_existing=True)
    columns = {column.key: getattr(notification, column.key) for column in Notification.__table__.columns}
    db.session.rollback()
    return SimpleNamespace(**columns)


def test_a_request_filed_sends_its_email_through_a_worker(portal, workers, mail_sink):
    workers.start()
    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    create_period(assure, year=2010)
    account = create_citizen_account(assure)
    signalement = filed_request(assure, account=account, today=clock.today())
    reference = signalement.reference
    notification_id = db.session.execute(select(Notification.id)).scalar_one()
    db.session.commit()  # the task leaves with the commit; nothing is read here until the worker has written
    mail = wait_for(lambda: mail_sink.messages, what="the filing's e-mail")[0]
    assert mail["To"] == "assure@example.fr"
    assert reference in mail["Subject"]
    # The sink has the e-mail as soon as the server accepts it; the worker commits right after.
    wait_for(lambda: row(notification_id).sent_at, what="the worker to record it sent")
    assert row(notification_id).attempts == 1


class StallingSink(MailSink):
    """A mail server that holds the first sender at RCPT TO until released: the worker is then mid-task, connected,
    the e-mail not yet accepted."""

    def __init__(self):
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not self.release.is_set():
            self.stalled.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def stalling_sink():
    sink = StallingSink()
    sink.controller.start()
    yield sink
    sink.release.set()
    sink.controller.stop()


def pool_process(worker) -> int:
    """The prefork pool's process that runs the worker's tasks."""
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
    assert len(children) == 1, children
    return int(children[0])


@pytest.mark.parametrize("dies", ["the whole worker", "its pool process"])
def test_a_worker_killed_while_sending_loses_nothing_and_the_email_leaves_once(
    portal, workers, stalling_sink, dies, broker_name
):
    worker = workers.start(MAIL_PORT=stalling_sink.port)
    notification_id = queue_one()
    assert stalling_sink.stalled.wait(30), "the worker never reached the mail server"
    if dies == "the whole worker":
        workers.kill(worker)  # kill -9, pool included: the task was never acknowledged
    else:
        os.kill(pool_process(worker), signal.SIGKILL)  # the worker replaces its pool process and requeues the task
    stalling_sink.release.set()
    waiting = row(notification_id)
    assert waiting.sent_at is None
    assert waiting.attempts == 1
    assert waiting.claimed_until is not None  # the dead sender's lease: nobody sends it until it ends
    if dies == "the whole worker":
        # Another worker: RabbitMQ redelivers the task at once, Redis after its visibility timeout. The embedded
        # broker of `make run` keeps unacknowledged tasks in the dead worker's memory: there, beat's sweep finds
        # the e-mail once the dead sender's lease has ended.
        workers.start(MAIL_PORT=stalling_sink.port, beat=broker_name == "embedded", NOTIFICATIONS_SWEEP_SECONDS=1)

    wait_for(lambda: stalling_sink.messages, timeout=60, what="the redelivered e-mail")
    # Past the lease and the visibility timeout, with the sweep's grace: no second copy comes.
    time.sleep(LEASE_SECONDS + VISIBILITY_SECONDS + 2)
    assert [mail["To"] for mail in stalling_sink.messages] == ["marie@example.fr"]
    sent = row(notification_id)
    assert sent.sent_at is not None
    assert sent.attempts == 2  # the killed one, and the one that left
    assert sent.claimed_until is None


def test_emails_wait_while_the_mail_server_is_down_and_leave_once_it_is_back(portal, workers):
    sink = MailSink()  # its port is chosen, nothing listens on it yet: the mail server is down
    workers.start(MAIL_PORT=sink.port)
    notification_id = queue_one()
    wait_for(lambda: row(notification_id).attempts >= 2, what="a retry after the first failure")
    waiting = row(notification_id)
    assert waiting.sent_at is None
    assert waiting.bounced_at is None
    assert waiting.last_error.startswith("ConnectionRefusedError")
    assert waiting.next_attempt_at > waiting.created_at  # retried later, by backoff

    sink.controller.start()  # the mail server is back; nobody runs a command
    try:
        wait_for(lambda: sink.messages, timeout=60, what="the waiting e-mail")
    finally:
        sink.controller.stop()
    # The sink has the e-mail as soon as the server accepts it; the worker commits right after.
    wait_for(lambda: row(notification_id).sent_at, what="the worker to record it sent")
    assert len(sink.messages) == 1


def test_a_refusal_for_good_is_a_bounce_and_is_not_retried(portal, workers, refusing_sink):
    workers.start(MAIL_PORT=refusing_sink().port)
    notification_id = queue_one()
    wait_for(lambda: row(notification_id).bounced_at, what="the bounce")
    time.sleep(3)  # longer than the backoff of these tests: a temporary failure would have been retried
    bounced = row(notification_id)
    assert bounced.attempts == 1
    assert "550" in bounced.last_error
    assert bounced.sent_at is None


def test_beat_sweeps_the_outbox_for_an_email_no_task_carries(portal, workers, mail_sink, caplog):
    # The page committed while its broker could not be reached: the row is there, no task carries it.
    celery = portal.extensions["celery"]
    working_broker = celery.conf.broker_url
    celery.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    notification_id = queue_one()  # the page does not fail: the e-mail waits in the outbox
    celery.conf.broker_url = working_broker
    celery.close()
    assert "not handed to the workers" in caplog.text
    assert row(notification_id).attempts == 0
    a_minute_ago = utcnow() - timedelta(minutes=1)
    db.session.execute(update(Notification).where(Notification.id == notification_id).values(created_at=a_minute_ago))
    db.session.commit()
    workers.start(beat=True, NOTIFICATIONS_SWEEP_SECONDS=1)
    wait_for(lambda: mail_sink.messages, what="the sweep to send it")
    # The sink has the e-mail as soon as the server accepts it; the worker commits right after.
    wait_for(lambda: row(notification_id).sent_at, what="the worker to record it sent")
