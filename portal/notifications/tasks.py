"""The outbox on the workers: one task per e-mail, and the sweep that beat runs every NOTIFICATIONS_SWEEP_SECONDS."""

import logging
from datetime import timedelta

from celery import shared_task
from flask import current_app

from portal.db import utcnow
from portal.notifications.services import SEND_EMAIL_TASK, deliver, dispatch, due_ids

log = logging.getLogger(__name__)

SWEEP_GRACE_SECONDS = 5


@shared_task(name=SEND_EMAIL_TASK, bind=True, max_retries=None)
def send_email(self, notification_id: int) -> str:
    """Send one outbox e-mail (its id only: the address and text stay in the database). A temporary failure comes
    back at the row's next attempt, by exponential backoff; a task run twice sends nothing the second time."""
    delivery = deliver(notification_id)
    if delivery.retry_at is not None:
        countdown = max((delivery.retry_at - utcnow()).total_seconds(), 0) + 0.5
        raise self.retry(countdown=countdown)
    return delivery.outcome.value


@shared_task(name="portal.notifications.send_due")
def send_due() -> int:
    """Queue a task for each e-mail that is due and has none running: those whose retry task was lost (a broker
    restarted, a page that could not reach the broker), and any left by NOTIFICATIONS_DELIVERY=queue."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Only what has waited a little past its time: a task queued with the commit, or a retry, usually runs first.
    ids = due_ids(now=utcnow(), overdue_by=timedelta(seconds=SWEEP_GRACE_SECONDS))
    for notification_id in ids:
        if app.config["NOTIFICATIONS_DELIVERY"] == "celery":
            dispatch(app, notification_id)
        else:
            deliver(notification_id)
    if ids:
        log.info("Outbox sweep: %s e-mail(s) due", len(ids))
    return len(ids)
