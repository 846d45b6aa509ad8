"""Audit trail fixtures: a short chained trail, and the S3 server of the documents' tests for the checkpoints."""

import pytest
from sqlalchemy import delete

from portal.audit.models import AuditEvent
from portal.audit.services import AuditAction, record
from tests.builders import create_assure
from tests.documents.conftest import S3_CREDENTIALS, S3_REGION, s3_client, s3_endpoint  # noqa: F401 (fixtures)


@pytest.fixture
def events(db):
    """Five chained rows on an empty trail (the test's transaction is rolled back afterwards)."""
    db.session.execute(delete(AuditEvent))
    assure = create_assure()
    recorded = [
        record(AuditAction.DEMO_SEEDED, assures=13),
        record(AuditAction.CAREER_CONFIRMED, subject=assure, year=2024),
        record(AuditAction.LOGIN_REFUSED, provider="franceconnect", reason="identité « refusée » à Noël"),
        record(AuditAction.SIGNALEMENT_CREATED, subject=assure, acting_for=assure, signalement_id=7,
               anomaly_type="missing_period", details={"years": [2019, 2020], "note": None}),
        record(AuditAction.DOCUMENT_VIEWED, subject=assure, document_id=3),
    ]  # fmt: skip
    db.session.flush()
    return recorded
