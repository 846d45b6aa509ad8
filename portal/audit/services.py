"""Writing the audit trail. Each action declares the data keys it requires."""

import enum

from flask import g, has_request_context

from portal.audit.models import AuditEvent
from portal.extensions import db


class AuditAction(enum.StrEnum):
    LOGIN = "auth.login"
    LOGIN_REFUSED = "auth.login_refused"
    LOGOUT = "auth.logout"
    IDENTITY_BOUND = "identity.bound"
    IDENTITY_BINDING_REFUSED = "identity.binding_refused"
    DEMO_SEEDED = "demo.seeded"
    CAREER_CONFIRMED = "career.confirmed"
    SIGNALEMENT_CREATED = "signalement.created"
    SIGNALEMENT_UPDATED = "signalement.updated"
    SIGNALEMENT_DELETED = "signalement.deleted"
    SIGNALEMENT_TRANSITION = "signalement.transition"
    SIGNALEMENT_MESSAGE = "signalement.message"
    DOCUMENT_ADDED = "document.added"
    DOCUMENT_REMOVED = "document.removed"
    DOCUMENT_VIEWED = "document.viewed"


REQUIRED_KEYS: dict[AuditAction, frozenset[str]] = {
    AuditAction.LOGIN: frozenset({"provider"}),
    AuditAction.LOGIN_REFUSED: frozenset({"provider", "reason"}),
    AuditAction.LOGOUT: frozenset({"provider"}),
    AuditAction.IDENTITY_BOUND: frozenset({"issuer"}),
    AuditAction.IDENTITY_BINDING_REFUSED: frozenset({"reason"}),
    AuditAction.DEMO_SEEDED: frozenset({"assures"}),
    AuditAction.CAREER_CONFIRMED: frozenset({"year"}),
    AuditAction.SIGNALEMENT_CREATED: frozenset({"signalement_id", "anomaly_type"}),
    AuditAction.SIGNALEMENT_UPDATED: frozenset({"signalement_id"}),
    AuditAction.SIGNALEMENT_DELETED: frozenset({"signalement_id"}),
    AuditAction.SIGNALEMENT_TRANSITION: frozenset({"signalement_id", "transition", "from_state", "to_state"}),
    AuditAction.SIGNALEMENT_MESSAGE: frozenset({"signalement_id", "message_id"}),
    AuditAction.DOCUMENT_ADDED: frozenset({"document_id", "sha256"}),
    AuditAction.DOCUMENT_REMOVED: frozenset({"document_id"}),
    AuditAction.DOCUMENT_VIEWED: frozenset({"document_id"}),
}


def record(action: AuditAction, *, actor=None, subject=None, acting_for=None, **data) -> AuditEvent:
    """Add one audit row to the current transaction.

    `actor` is an Account (or None for the system), `subject` and `acting_for` are Assure rows or None.
    Raises ValueError when a key the action requires is missing, so an incomplete trail fails loudly in tests.
    """
    missing = REQUIRED_KEYS[action] - data.keys()
    if missing:
        raise ValueError(f"audit action {action} requires {sorted(missing)}")
    event = AuditEvent(
        action=action.value,
        actor_account_id=getattr(actor, "id", None),
        subject_assure_id=getattr(subject, "id", None),
        acting_for_assure_id=getattr(acting_for, "id", None),
        request_id=g.get("request_id") if has_request_context() else None,
        data=data,
    )
    db.session.add(event)
    return event
