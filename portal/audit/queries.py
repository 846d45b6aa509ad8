"""Reading the audit trail (auditors)."""

from dataclasses import dataclass

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.db import db

PAGE_SIZE = 100


@dataclass
class EventPage:
    events: list[AuditEvent]
    next_before_id: int | None


def list_events(*, action: str | None = None, assure_id: int | None = None, before_id: int | None = None) -> EventPage:
    """Newest first, keyset-paginated on the id."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if assure_id:
        statement = statement.where(
            (AuditEvent.subject_assure_id == assure_id) | (AuditEvent.acting_for_assure_id == assure_id)
        )
    if before_id:
        statement = statement.where(AuditEvent.id < before_id)
    events = list(db.session.execute(statement).scalars())
    more = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    return EventPage(events=events, next_before_id=events[-1].id if more and events else None)
