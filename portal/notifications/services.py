"""Queueing and sending e-mail. Bodies carry no career data: only what happened and a link to the portal."""

import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import partial
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import select

from portal.db import on_commit, utcnow
from portal.extensions import db
from portal.notifications.models import Notification

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


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
        app = current_app._get_current_object()
        on_commit(partial(_deliver_in_app, app, notification.id))
    return notification


def _deliver_in_app(app, notification_id: int) -> None:
    # Runs after the commit, possibly when the request's session is closing: a fresh app context and session.
    with app.app_context():
        try:
            send_pending(ids=[notification_id])
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("Sending notification %s failed; it stays in the outbox", notification_id)


def send_pending(ids: list[int] | None = None, limit: int = 100) -> int:
    """Send unsent notifications (all, or `ids`); return how many were sent. Safe to run twice."""
    statement = select(Notification).where(Notification.sent_at.is_(None), Notification.attempts < MAX_ATTEMPTS)
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    sent = 0
    for notification in db.session.execute(statement.order_by(Notification.id).limit(limit)).scalars():
        notification.attempts += 1
        try:
            _send(notification)
        except (OSError, smtplib.SMTPException) as error:
            notification.last_error = str(error)[:500]
            log.warning("E-mail %s not sent: %s", notification.id, error)
            continue
        notification.sent_at = utcnow()
        notification.last_error = None
        sent += 1
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
