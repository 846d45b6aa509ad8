"""Queueing and sending e-mail. Bodies carry no career data: only what happened and a link to the portal."""

import enum
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import partial
from pathlib import Path
from typing import cast

from flask import Flask, current_app, render_template
from sqlalchemy import CursorResult, func, or_, select, update

from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.db import db, on_commit, utcnow
from portal.notifications.exceptions import NotificationError
from portal.notifications.models import Notification

log = logging.getLogger(__name__)

# The worker's task (portal/notifications/tasks.py), called by name: the web process never imports the workers.
SEND_EMAIL_TASK = "portal.notifications.send_email"


class Outcome(enum.Enum):
    """What one delivery attempt did."""

    SENT = "sent"
    ALREADY_SENT = "already_sent"  # a second run of the same task, a resend after it left: nothing sent again
    RETRY = "retry"  # a temporary failure: tried again at next_attempt_at
    GAVE_UP = "gave_up"  # failed NOTIFICATIONS_MAX_ATTEMPTS times: only an administrateur's « Renvoyer » now
    BOUNCED = "bounced"  # refused for good by the mail server (SMTP 5xx)
    BUSY = "busy"  # another sender holds it (or held it and was killed): tried again when its lease ends
    NOT_DUE = "not_due"  # its next attempt is later (another sender failed it a moment ago)
    MISSING = "missing"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_at: datetime | None = None  # for RETRY and BUSY: when to try again


def queue_email(recipient: str | None, *, subject: str, template: str, **context) -> Notification | None:
    """Write an outbox row in the current transaction; once it commits, hand it to the senders (see dispatch).

    Does nothing (returns None) when the person has no e-mail address.
    """
    if not recipient:
        return None
    body = render_template(template, base_url=current_app.config["PORTAL_BASE_URL"].rstrip("/"), **context)
    notification = Notification(recipient=recipient, subject=subject, body=body)
    db.session.add(notification)
    db.session.flush()
    # The real app, not the proxy, outlives the request for the callback; Flask types current_app as Flask.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    on_commit(partial(dispatch, app, notification.id))
    return notification


def dispatch(app: Flask, notification_id: int) -> None:
    """Hand a committed outbox row to its sender, by NOTIFICATIONS_DELIVERY:

    - "celery": one task per e-mail on the workers (portal.notifications.send_email, the id only);
    - "inline": sent here, in this process, right away (the tests, a portal run without workers);
    - "queue": nothing now; the periodic sweep (beat, or `flask notifications send`) sends it.

    Never raises: the row is committed, so a broker that cannot be reached only delays the e-mail until the sweep
    (portal.notifications.send_due, every NOTIFICATIONS_SWEEP_SECONDS) finds it.
    """
    delivery = app.config["NOTIFICATIONS_DELIVERY"]
    if delivery == "celery":
        try:
            app.extensions["celery"].send_task(SEND_EMAIL_TASK, args=[notification_id])
        except Exception:
            log.exception("E-mail %s not handed to the workers; the outbox sweep will send it", notification_id)
    elif delivery == "inline":
        # Runs once the request's transaction has committed (see portal.db.on_commit), still inside that request:
        # a fresh app context gives a session of its own, on another connection, that sees the committed row.
        with app.app_context():
            try:
                if deliver(notification_id).outcome is Outcome.MISSING:
                    # The row is not visible after its transaction "committed": the hook ran too early. Loud,
                    # since nothing would ever send it otherwise.
                    log.error("Notification %s not found after the commit: it was not sent", notification_id)
            except Exception:
                db.session.rollback()
                log.exception("Sending notification %s failed; it stays in the outbox", notification_id)


def _sendable(now: datetime):
    """Not sent, not bounced, under the attempt cap, not held by a live sender."""
    return (
        Notification.sent_at.is_(None),
        Notification.bounced_at.is_(None),
        Notification.attempts < current_app.config["NOTIFICATIONS_MAX_ATTEMPTS"],
        or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
    )


def due_ids(
    *,
    now: datetime,
    overdue_by: timedelta = timedelta(0),
    limit: int = 500,
    ignore_schedule: bool = False,
    after_id: int = 0,
) -> list[int]:
    """The e-mails a sweep should send now, oldest first: sendable, and due for at least `overdue_by` (queued, or
    their next attempt, that long ago); with `ignore_schedule`, whatever their backoff."""
    statement = (
        select(Notification.id)
        .where(*_sendable(now), Notification.id > after_id)
        .order_by(Notification.id)
        .limit(limit)
    )
    if not ignore_schedule:
        statement = statement.where(
            func.coalesce(Notification.next_attempt_at, Notification.created_at) <= now - overdue_by
        )
    return list(db.session.execute(statement).scalars())


def mark_handed_over(ids: list[int], *, now: datetime) -> None:
    """Record that tasks are being queued for `ids` now, and commit before they leave: a sweep then leaves these
    e-mails to their tasks until they are overdue again, instead of queueing one more task a minute for an e-mail
    that waits in a slow queue."""
    db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.sent_at.is_(None))
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def send_pending(*, ignore_schedule: bool = True) -> int:
    """Send, in this process, every e-mail waiting in the outbox (by default even those whose next attempt is
    later: an operator who runs `flask notifications send` wants them to leave now); return how many left."""
    sent = 0
    last_id = 0
    while True:
        batch = due_ids(now=utcnow(), ignore_schedule=ignore_schedule, after_id=last_id)
        if not batch:
            return sent
        for notification_id in batch:
            last_id = notification_id
            if deliver(notification_id, ignore_schedule=ignore_schedule).outcome is Outcome.SENT:
                sent += 1


def deliver(notification_id: int, *, ignore_schedule: bool = False, force: bool = False) -> Delivery:
    """Send one e-mail at most once, whoever calls, however often, and commit the outcome on its row.

    This is the one function behind the worker's task, the inline delivery, the sweep and « Renvoyer ». The row is
    claimed first, in a committed UPDATE that only one sender can win (a lease of NOTIFICATIONS_SEND_LEASE_SECONDS,
    longer than the SMTP timeout), then the mail server is talked to with no database lock held, then the outcome
    is committed. A second run of the same task finds the e-mail sent and does nothing; a worker killed while it
    talks to the server leaves the lease, which ends, and the redelivered task then sends the e-mail. The one window
    no sender can close is a kill between the server's acceptance and our commit (RFC 5321 §6.1, « duplicate
    delivery »), or a send that outlasts its lease: the e-mail could then leave twice. The lease is checked at
    start-up to exceed ten times MAIL_TIMEOUT_SECONDS (an SMTP conversation is about ten socket operations, each
    bounded by it).

    `force` (an administrateur's « Renvoyer ») ignores the attempt cap, the backoff and an earlier bounce.
    """
    config = current_app.config
    now = utcnow()
    lease = timedelta(seconds=config["NOTIFICATIONS_SEND_LEASE_SECONDS"])
    claim = {"claimed_until": now + lease, "attempts": Notification.attempts + 1}
    if force:
        conditions = [
            Notification.sent_at.is_(None),
            or_(Notification.claimed_until.is_(None), Notification.claimed_until < now),
        ]
        claim["bounced_at"] = None  # tried again on purpose: a new failure decides what it is now
    else:
        conditions = list(_sendable(now))
        if not ignore_schedule:
            conditions.append(or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
    claimed = cast(
        CursorResult,
        db.session.execute(
            update(Notification)
            .where(Notification.id == notification_id, *conditions)
            .values(**claim)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    db.session.commit()
    notification = db.session.get(Notification, notification_id, populate_existing=True)
    if notification is None:
        return Delivery(Outcome.MISSING)
    if not claimed:
        return _why_not_claimed(notification, now=now)
    try:
        message = _compose(notification)
        # No transaction stays open while the mail server talks (up to MAIL_TIMEOUT_SECONDS): on SQLite a reader
        # would hold back every writer of the portal.
        db.session.commit()
        _transmit(message, notification_id)
    except Exception as error:
        delivery = _record_failure(notification, error, now=utcnow())
    else:
        notification.sent_at = utcnow()
        notification.last_error = None
        notification.bounced_at = None
        notification.next_attempt_at = None
        delivery = Delivery(Outcome.SENT)
    notification.claimed_until = None
    db.session.commit()
    return delivery


def _why_not_claimed(notification: Notification, *, now: datetime) -> Delivery:
    if notification.sent_at is not None:
        return Delivery(Outcome.ALREADY_SENT)
    if notification.bounced_at is not None:
        return Delivery(Outcome.BOUNCED)
    if notification.claimed_until is not None and notification.claimed_until >= now:
        return Delivery(Outcome.BUSY, retry_at=notification.claimed_until)
    if notification.attempts >= current_app.config["NOTIFICATIONS_MAX_ATTEMPTS"]:
        return Delivery(Outcome.GAVE_UP)
    return Delivery(Outcome.NOT_DUE)


def _record_failure(notification: Notification, error: Exception, *, now: datetime) -> Delivery:
    # Whatever the cause (server down, address refused, a wrong setting), the row keeps it for the outbox page.
    notification.last_error = f"{type(error).__name__}: {error}"[:500]
    if is_permanent(error):
        notification.bounced_at = now
        notification.next_attempt_at = None
        log.warning("E-mail %s refused for good: %s", notification.id, notification.masked_error)
        return Delivery(Outcome.BOUNCED)
    config = current_app.config
    if notification.attempts >= config["NOTIFICATIONS_MAX_ATTEMPTS"]:
        notification.next_attempt_at = None
        log.warning("E-mail %s not sent after %s attempts: %s", notification.id, notification.attempts,
                    notification.masked_error)  # fmt: skip
        return Delivery(Outcome.GAVE_UP)
    notification.next_attempt_at = now + backoff(notification.attempts, config)
    log.warning("E-mail %s not sent (attempt %s), retried at %s: %s", notification.id, notification.attempts,
                notification.next_attempt_at, notification.masked_error)  # fmt: skip
    return Delivery(Outcome.RETRY, retry_at=notification.next_attempt_at)


def backoff(attempts: int, config) -> timedelta:
    """The wait after the `attempts`-th failure: base, twice, four times… capped (30 s, 1 min, 2 min… 1 h)."""
    seconds = config["NOTIFICATIONS_RETRY_BASE_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, config["NOTIFICATIONS_RETRY_MAX_SECONDS"]))


def is_permanent(error: Exception) -> bool:
    """A bounce is a refusal for good of this e-mail: its recipient (every RCPT answered 5xx) or its content (DATA
    answered 5xx), or an address the e-mail library itself refuses. A 5xx about the connection (a wrong password,
    a refused sender, a refused greeting) is our setting's fault, not the e-mail's: retried like a server that
    cannot be reached, so that fixing the setting sends everything that waited."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return isinstance(error, ValueError)


def resend(notification_id: int, *, actor) -> Delivery:
    """An administrateur sends a failed e-mail again, now, even past the attempt cap or after a bounce (the
    server was down, the setting is fixed, the address corrected). The outcome is on the row and in the audit
    trail. Raises NotificationError when it had already left (a second click, another administrateur) or another
    sender is sending it at this very moment."""
    delivery = deliver(notification_id, force=True)
    if delivery.outcome is Outcome.ALREADY_SENT:
        raise NotificationError("Cet e-mail est déjà parti : il n'a pas été renvoyé.")
    if delivery.outcome is Outcome.BUSY:
        raise NotificationError("Cet e-mail est en cours d'envoi : actualisez la page dans un instant.")
    audit(AuditAction.NOTIFICATION_RESENT, actor=actor, notification_id=notification_id,
          sent=delivery.outcome is Outcome.SENT)  # fmt: skip
    return delivery


def _compose(notification: Notification) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rsplit("@", 1)[-1].rstrip(">"))
    message.set_content(notification.body)
    return message


def _transmit(message: EmailMessage, notification_id: int) -> None:
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    elif backend == "directory":
        # Development: each e-mail as an .eml file a developer can open.
        directory = Path(config["MAIL_DIRECTORY"])
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{notification_id:06d}.eml").write_bytes(bytes(message))
    else:
        # A setting to fix, not the e-mail's fault: retried like a server that cannot be reached.
        raise RuntimeError(f"unknown MAIL_BACKEND {backend!r}")
