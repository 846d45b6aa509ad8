"""The daily jobs run on the workers, sent by name as beat sends them, and do what their Flask command does."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from portal import clock
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.db import db, utcnow
from portal.representation.models import MandateState
from portal.signalements.models import Signalement
from tests.builders import (
    create_agent,
    create_assure,
    create_citizen_account,
    create_draft,
    create_period,
    create_representative_account,
)
from tests.representation.helpers import active, state_of
from tests.workers.conftest import wait_for

pytestmark = pytest.mark.workers


def test_each_daily_job_runs_on_a_worker(portal, workers, portal_settings):
    assure = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    period = create_period(assure, year=2010)
    draft = create_draft(assure, actor=create_citizen_account(assure), period_ids=[period.id])
    # A tutelle whose end date has passed.
    mandate = active(create_representative_account(), assure, agent=create_agent("camille@carsat-ra.fr", "technicien"))
    mandate.end_date = clock.today() - timedelta(days=1)
    audit(AuditAction.AUDIT_TRAIL_VIEWED, actor=None, filters={})
    db.session.flush()
    long_ago = utcnow() - timedelta(days=portal.config["DRAFT_RETENTION_DAYS"] + 1)
    db.session.execute(update(Signalement).where(Signalement.id == draft.id).values(updated_at=long_ago))
    db.session.commit()

    worker = workers.start()
    jobs = sorted(portal.config["CELERY_DAILY_JOBS_AT"])
    celery = portal.extensions["celery"]
    for job in jobs:
        celery.send_task(job)

    def succeeded() -> set[str]:
        return set(re.findall(r"Task (portal\.[a-z_.]+)\[[^]]+\] succeeded", worker.log.read_text()))

    wait_for(lambda: succeeded() >= set(jobs), timeout=60, what=f"every daily job to succeed: {jobs}")
    assert "raised" not in worker.log.read_text()
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Signalement)).scalar_one() == 0  # the old draft
    assert state_of(mandate.id) is MandateState.EXPIRED
    checkpoints = list(Path(portal_settings["AUDIT_CHECKPOINT_DIR"]).iterdir())
    assert len(checkpoints) == 1  # the trail, checked, then anchored
