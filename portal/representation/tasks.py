"""The mandates' daily job on beat: the same function as `flask mandates expire`."""

from celery import shared_task

from portal import clock
from portal.db import atomic
from portal.representation import services


@shared_task(name="portal.representation.expire_mandates")
def expire_mandates() -> int:
    with atomic():
        return services.expire_mandates(today=clock.today())
