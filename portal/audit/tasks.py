"""The audit trail's daily jobs on beat: the same functions as `flask audit verify` and `flask audit checkpoint`."""

import logging

from celery import shared_task
from flask import current_app

from portal.audit.chain import TrailError, check_trail, write_checkpoint
from portal.db import atomic

log = logging.getLogger(__name__)


@shared_task(name="portal.audit.verify")
def verify() -> int:
    """Check the chain and the last checkpoint. An altered trail is logged as an error and fails the task, so that
    it shows in the workers' failures (its French message says which line)."""
    try:
        report, _anchor = check_trail(current_app.config)
    except TrailError as error:
        log.error("Audit trail check failed: %s", error.message)
        raise
    return report.rows_checked


@shared_task(name="portal.audit.checkpoint")
def checkpoint() -> int | None:
    """Anchor the trail's head outside the database; never on an altered trail (the task then fails)."""
    try:
        with atomic():
            written = write_checkpoint(current_app.config)
    except TrailError as error:
        log.error("Audit checkpoint not written: %s", error.message)
        raise
    return written[0].last_id if written else None
