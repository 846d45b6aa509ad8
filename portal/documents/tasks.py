"""The justificatifs' daily job on beat: the same function as `flask documents sweep`."""

import logging
from datetime import timedelta

from celery import shared_task

from portal.db import atomic
from portal.documents.services import sweep_orphans

log = logging.getLogger(__name__)


@shared_task(name="portal.documents.sweep")
def sweep() -> int:
    """Delete stored files older than a day that no justificatif references; a justificatif whose file is missing
    is logged as an error (a document a person sent is lost: someone must look)."""
    with atomic():
        report = sweep_orphans(older_than=timedelta(hours=24))
    if report.rows_without_object:
        log.error("Justificatifs without their stored file: %s", report.rows_without_object)
    return report.objects_deleted
