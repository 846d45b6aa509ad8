"""The outbox on the workers: one task per e-mail, and the sweep that beat runs every NOTIFICATIONS_SWEEP_SECONDS."""

import logging
from datetime import timedelta

from celery import shared_task
from flask import current_app

from portal.db import utcnow
from portal.notifications.services import SEND_EMAIL_TASK, deliver, dispatch, due_ids, mark_handed_over

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
    """Queue a task for each e-mail that has waited well past its time: its task was lost (a page that could not
    reach the broker, a broker restarted, the embedded broker's worker killed), or NOTIFICATIONS_DELIVERY=queue left
    it to this sweep."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Twice the sweep's period past its time: a task queued with the commit, or a retry at its time, runs first.
    grace = timedelta(seconds=max(SWEEP_GRACE_SECONDS, 2 * app.config["NOTIFICATIONS_SWEEP_SECONDS"]))
    now = utcnow()
    ids = due_ids(now=now, overdue_by=grace)
    if not ids:
        return 0
    log.info("Outbox sweep: %s e-mail(s) overdue", len(ids))
    if app.config["NOTIFICATIONS_DELIVERY"] != "celery":
        for notification_id in ids:
            deliver(notification_id)
        return len(ids)
    mark_handed_over(ids, now=now)
    for notification_id in ids:
        dispatch(app, notification_id)
    return len(ids)
