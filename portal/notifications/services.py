"""Queueing and sending e-mail. Bodies carry no career data: only what happened and a link to the portal."""

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import partial
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select

from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.db import db, on_commit, utcnow
from portal.notifications.exceptions import NotificationError
from portal.notifications.models import Notification

log = logging.getLogger(__name__)


def queue_email(recipient: str | None, *, subject: str, template: str, **context) -> Notification | None:
    """Write an outbox row in the current transaction; send it after commit when delivery is inline.

    Does nothing (returns None) when the person has no e-mail address.
    """
    if not recipient:
        return None
    body = render_template(template, base_url=current_app.config["PORTAL_BASE_URL"].rstrip("/"), **context)
    notification = Notification(recipient=recipient, subject=subject, body=body)
    db.session.add(notification)
    db.session.flush()
    if current_app.config["NOTIFICATIONS_DELIVERY"] == "inline":
        # The real app, not the proxy, outlives the request for the callback; Flask types current_app as Flask.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        on_commit(partial(_deliver_in_app, app, notification.id))
    return notification


def _deliver_in_app(app, notification_id: int) -> None:
    # Runs once the request's transaction has committed (see portal.db.on_commit), still inside that request: a
    # fresh app context gives a session of its own, on another connection, that sees the committed row.
    with app.app_context():
        try:
            send_pending(ids=[notification_id])
            if db.session.get(Notification, notification_id) is None:
                # The row is not visible after its transaction "committed": the hook ran too early. Loud, since
                # nothing would ever send it otherwise.
                log.error("Notification %s not found after the commit: it was not sent", notification_id)
        except Exception:
            db.session.rollback()
            log.exception("Sending notification %s failed; it stays in the outbox", notification_id)


def send_pending(ids: list[int] | None = None) -> int:
    """Send every unsent notification still under the attempt cap (or only those of `ids`), oldest first; return
    how many left. A failure is recorded on its row (attempts, last_error) and the next one is tried.

    Each e-mail is its own unit of work, committed as soon as the server has answered: once an e-mail has left,
    its row says so, and a crash further down the outbox cannot send it twice. The row is locked while it is sent
    (SKIP LOCKED on PostgreSQL), so that two senders at once (a request's inline delivery, `flask notifications
    send`) never send the same e-mail twice.
    """
    max_attempts = current_app.config["NOTIFICATIONS_MAX_ATTEMPTS"]
    sent = 0
    last_id = 0
    while True:
        statement = (
            select(Notification)
            .where(Notification.sent_at.is_(None), Notification.attempts < max_attempts, Notification.id > last_id)
            .order_by(Notification.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if ids is not None:
            statement = statement.where(Notification.id.in_(ids))
        notification = db.session.execute(statement).scalar_one_or_none()
        if notification is None:
            return sent
        last_id = notification.id
        if attempt(notification):
            sent += 1
        db.session.commit()


def attempt(notification: Notification) -> bool:
    """Try to send `notification` now, whatever its attempts so far; record the outcome on the row (the caller
    commits). Returns True when the mail server accepted it."""
    notification.attempts += 1
    try:
        _send(notification)
    except Exception as error:
        # Whatever the cause (server down, address refused, a wrong setting), the row keeps it for the outbox page.
        notification.last_error = f"{type(error).__name__}: {error}"[:500]
        log.warning("E-mail %s not sent: %s", notification.id, notification.masked_error)
        return False
    notification.sent_at = utcnow()
    notification.last_error = None
    return True


def resend(notification: Notification, *, actor) -> bool:
    """An administrateur sends a failed e-mail again, now, even past the attempt cap (the server was down, the
    setting is fixed). The outcome is on the row and in the audit trail; the caller commits. Returns True when it
    left. Raises NotificationError when it had already left (a second click, another administrateur)."""
    if notification.sent_at is not None:
        raise NotificationError("Cet e-mail est déjà parti : il n'a pas été renvoyé.")
    sent = attempt(notification)
    # Audited after the attempt: the audit row holds the chain's lock until the commit, not during the SMTP talk.
    audit(AuditAction.NOTIFICATION_RESENT, actor=actor, notification_id=notification.id, sent=sent)
    return sent


def _send(notification: Notification) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rsplit("@", 1)[-1].rstrip(">"))
    message.set_content(notification.body)
    backend = config["MAIL_BACKEND"]
    if backend == "smtp":
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    elif backend == "directory":
        # Development: each e-mail as an .eml file a developer can open.
        directory = Path(config["MAIL_DIRECTORY"])
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{notification.id:06d}.eml").write_bytes(bytes(message))
    else:
        raise ValueError(f"unknown MAIL_BACKEND {backend!r}")
