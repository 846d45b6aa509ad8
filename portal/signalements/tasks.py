"""The requests' daily jobs on beat: the same functions as `flask signalements purge-drafts` and `flask backoffice
reprioritize`."""

from celery import shared_task

from portal import clock
from portal.db import atomic, utcnow
from portal.signalements.priority import reprioritize_open_requests
from portal.signalements.services import purge_expired_drafts


@shared_task(name="portal.signalements.purge_drafts")
def purge_drafts() -> int:
    with atomic():
        return purge_expired_drafts(now=utcnow())


@shared_task(name="portal.signalements.reprioritize")
def reprioritize() -> int:
    with atomic():
        return reprioritize_open_requests(today=clock.today())
