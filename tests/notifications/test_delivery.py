"""One function sends an e-mail, whoever calls it (a worker's task, the inline delivery, the sweep, « Renvoyer »):
at most once, a temporary failure retried later by exponential backoff, a refusal for good (SMTP 5xx) kept as a
bounce and never retried on its own, an e-mail being sent by someone else left alone until their lease ends."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from portal.db import db, utcnow
from portal.notifications import services as notifications_services
from portal.notifications.models import Notification
from portal.notifications.services import Outcome, backoff, deliver, due_ids
from tests.notifications.test_outbox import closed_port, queued


@pytest.fixture
def queue_mode(committing_app):
    # Rows only: the test decides when each delivery happens.
    committing_app.config["NOTIFICATIONS_DELIVERY"] = "queue"
    return committing_app


def fresh(notification_id: int) -> Notification:
    db.session.rollback()
    return db.session.get(Notification, notification_id, populate_existing=True)


def test_run_twice_the_email_leaves_once(queue_mode, mail_sink):
    notification_id = queued(queue_mode, "marie@example.fr")
    assert deliver(notification_id).outcome is Outcome.SENT
    assert deliver(notification_id).outcome is Outcome.ALREADY_SENT
    assert deliver(notification_id, force=True).outcome is Outcome.ALREADY_SENT
    assert [mail["To"] for mail in mail_sink.messages] == ["marie@example.fr"]
    assert fresh(notification_id).attempts == 1


def test_a_temporary_failure_is_retried_later_by_exponential_backoff(queue_mode, mail_sink, refusing_sink):
    queue_mode.config.update(NOTIFICATIONS_RETRY_BASE_SECONDS=30, NOTIFICATIONS_RETRY_MAX_SECONDS=3600)
    queue_mode.config["MAIL_PORT"] = refusing_sink("451 4.3.0 Mail server temporarily rejected message").port
    notification_id = queued(queue_mode, "marie@example.fr")
    before = utcnow()
    delivery = deliver(notification_id)
    assert delivery.outcome is Outcome.RETRY
    row = fresh(notification_id)
    assert row.next_attempt_at == delivery.retry_at
    assert timedelta(seconds=29) < row.next_attempt_at - before < timedelta(seconds=40)
    assert row.bounced_at is None
    assert "451" in row.last_error
    assert row.claimed_until is None
    # Not due yet: a second sender (the sweep, a duplicate task) does nothing, not even an attempt.
    assert deliver(notification_id).outcome is Outcome.NOT_DUE
    assert notification_id not in due_ids(now=utcnow())
    assert notification_id in due_ids(now=row.next_attempt_at)
    assert fresh(notification_id).attempts == 1
    # Once due, and the server fixed, it leaves.
    db.session.execute(update(Notification).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    queue_mode.config["MAIL_PORT"] = mail_sink.port
    assert deliver(notification_id).outcome is Outcome.SENT
    assert fresh(notification_id).attempts == 2


def test_the_backoff_doubles_up_to_its_cap(committing_app):
    config = {"NOTIFICATIONS_RETRY_BASE_SECONDS": 30, "NOTIFICATIONS_RETRY_MAX_SECONDS": 3600}
    waits = [backoff(attempts, config).total_seconds() for attempts in range(1, 10)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_refusal_for_good_is_a_bounce_not_retried_until_an_administrateur_resends(queue_mode, refusing_sink):
    queue_mode.config["MAIL_PORT"] = refusing_sink().port
    notification_id = queued(queue_mode, "marie@example.fr")
    assert deliver(notification_id).outcome is Outcome.BOUNCED
    row = fresh(notification_id)
    assert row.bounced_at is not None
    assert row.next_attempt_at is None
    assert notification_id not in due_ids(now=utcnow() + timedelta(days=1))
    assert deliver(notification_id).outcome is Outcome.BOUNCED  # a duplicate task sends nothing
    assert fresh(notification_id).attempts == 1


def test_after_the_last_attempt_it_waits_for_an_administrateur(queue_mode):
    queue_mode.config["NOTIFICATIONS_MAX_ATTEMPTS"] = 2
    queue_mode.config["MAIL_PORT"] = closed_port()
    notification_id = queued(queue_mode, "marie@example.fr", attempts=1)
    assert deliver(notification_id).outcome is Outcome.GAVE_UP
    row = fresh(notification_id)
    assert row.attempts == 2
    assert row.next_attempt_at is None
    assert row.last_error.startswith("ConnectionRefusedError")
    assert due_ids(now=utcnow() + timedelta(days=1)) == []


def test_an_email_another_sender_holds_is_left_alone_until_its_lease_ends(queue_mode, mail_sink):
    notification_id = queued(queue_mode, "marie@example.fr")
    lease_end = utcnow() + timedelta(minutes=2)
    # A worker took it a moment ago and is talking to the mail server (or was killed doing so).
    db.session.execute(update(Notification).values(claimed_until=lease_end, attempts=1))
    db.session.commit()
    delivery = deliver(notification_id)
    assert delivery.outcome is Outcome.BUSY
    assert delivery.retry_at == lease_end
    assert due_ids(now=utcnow()) == []
    assert mail_sink.messages == []
    # The lease has ended: the sender is gone, the e-mail is taken up again.
    db.session.execute(update(Notification).values(claimed_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert due_ids(now=utcnow()) == [notification_id]
    assert deliver(notification_id).outcome is Outcome.SENT
    assert len(mail_sink.messages) == 1
    assert fresh(notification_id).claimed_until is None


def test_the_sweep_leaves_fresh_emails_to_their_own_task(queue_mode):
    notification_id = queued(queue_mode, "marie@example.fr")
    now = utcnow()
    assert due_ids(now=now, overdue_by=timedelta(seconds=5)) == []  # its task, queued with the commit, goes first
    assert due_ids(now=now + timedelta(seconds=6), overdue_by=timedelta(seconds=5)) == [notification_id]


def test_a_page_never_fails_because_the_broker_is_down(committing_app, caplog):
    committing_app.config["NOTIFICATIONS_DELIVERY"] = "celery"
    celery = committing_app.extensions["celery"]
    working = celery.conf.broker_url
    celery.conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    try:
        notification_id = queued(committing_app, "marie@example.fr")  # the commit hands it over, and fails
    finally:
        celery.conf.broker_url = working
        celery.close()  # its connection pool, made for the closed port, goes too
    assert "not handed to the workers; the outbox sweep will send it" in caplog.text
    row = fresh(notification_id)
    assert row.sent_at is None
    assert row.attempts == 0
    assert due_ids(now=utcnow() + timedelta(minutes=1), overdue_by=timedelta(seconds=5)) == [notification_id]


def test_resend_reports_an_email_being_sent_right_now(queue_mode, mail_sink):
    notification_id = queued(queue_mode, "marie@example.fr", attempts=1)
    db.session.execute(update(Notification).values(claimed_until=utcnow() + timedelta(minutes=1)))
    db.session.commit()
    with pytest.raises(notifications_services.NotificationError, match="en cours d'envoi"):
        notifications_services.resend(notification_id, actor=None)
    assert mail_sink.messages == []
