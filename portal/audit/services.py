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


REQUIRED_KEYS: dict[AuditAction, frozenset[str]] = {
    AuditAction.LOGIN: frozenset({"provider"}),
    AuditAction.LOGIN_REFUSED: frozenset({"provider", "reason"}),
    AuditAction.LOGOUT: frozenset({"provider"}),
    AuditAction.IDENTITY_BOUND: frozenset({"issuer"}),
    AuditAction.IDENTITY_BINDING_REFUSED: frozenset({"reason"}),
    AuditAction.DEMO_SEEDED: frozenset({"assures"}),
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
