"""Reading mandates and what was done under them."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.audit.models import AuditEvent
from portal.db import db
from portal.representation.models import Mandate


def list_for_representative(account_id: int) -> list[Mandate]:
    statement = (
        select(Mandate)
        .where(Mandate.representative_account_id == account_id)
        .options(joinedload(Mandate.protected))
        .order_by(Mandate.requested_at.desc(), Mandate.id.desc())
    )
    return list(db.session.execute(statement).scalars())


def is_representative(account) -> bool:
    """Has the account a mandate (in any state), or said it comes for a person it protects?"""
    if account.declared_representative_at is not None:
        return True
    statement = select(Mandate.id).where(Mandate.representative_account_id == account.id).limit(1)
    return db.session.execute(statement).first() is not None


def get_for_representative(mandate_id: int, account_id: int) -> Mandate | None:
    statement = select(Mandate).where(Mandate.id == mandate_id, Mandate.representative_account_id == account_id)
    return db.session.execute(statement).scalar_one_or_none()


def list_for_protected(assure_id: int) -> list[Mandate]:
    statement = select(Mandate).where(Mandate.protected_assure_id == assure_id).order_by(Mandate.requested_at.desc())
    return list(db.session.execute(statement).scalars())


def list_actions_on_behalf_of(assure_id: int, limit: int = 500) -> list[tuple[AuditEvent, Mandate | None]]:
    """Every audited action a representative did for the person, newest first, with the mandate it was done under."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.acting_for_assure_id == assure_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    events = list(db.session.execute(statement).scalars())
    # Looked up with each event's mandate_id, None for an event that has none.
    mandates: dict[int | None, Mandate] = {mandate.id: mandate for mandate in list_for_protected(assure_id)}
    return [(event, mandates.get((event.data or {}).get("mandate_id"))) for event in events]
