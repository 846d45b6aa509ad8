"""Writing the audit trail. Each action declares the data keys it requires."""

import enum

from flask import g, has_request_context

from portal.audit import chain
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
    SIGNALEMENT_ASSIGNED = "signalement.assigned"
    SIGNALEMENT_VIEWED = "signalement.viewed"
    SIMULATION_VIEWED = "simulation.viewed"
    AGENT_LOGIN_REFUSED = "agent.login_refused"
    AGENT_ADDED = "agent.added"
    DOCUMENT_ADDED = "document.added"
    DOCUMENT_REMOVED = "document.removed"
    DOCUMENT_VIEWED = "document.viewed"
    MANDATE_REQUESTED = "mandate.requested"
    MANDATE_APPROVED = "mandate.approved"
    MANDATE_REFUSED = "mandate.refused"
    MANDATE_REVOKED = "mandate.revoked"
    MANDATE_EXPIRED = "mandate.expired"
    MANDATE_VIEWED = "mandate.viewed"
    REPRESENTATIVE_READ = "representative.read"


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
    AuditAction.SIGNALEMENT_ASSIGNED: frozenset({"signalement_id", "assignee_id"}),
    AuditAction.SIGNALEMENT_VIEWED: frozenset({"signalement_id"}),
    # An agent simulating an assuré's retirement from a request reads the whole career and the children.
    AuditAction.SIMULATION_VIEWED: frozenset({"signalement_id"}),
    AuditAction.AGENT_LOGIN_REFUSED: frozenset({"reason"}),
    AuditAction.AGENT_ADDED: frozenset({"email", "role", "caisse"}),
    AuditAction.DOCUMENT_ADDED: frozenset({"document_id", "sha256"}),
    AuditAction.DOCUMENT_REMOVED: frozenset({"document_id"}),
    AuditAction.DOCUMENT_VIEWED: frozenset({"document_id"}),
    AuditAction.MANDATE_REQUESTED: frozenset({"mandate_id", "measure"}),
    AuditAction.MANDATE_APPROVED: frozenset({"mandate_id"}),
    AuditAction.MANDATE_REFUSED: frozenset({"mandate_id"}),
    AuditAction.MANDATE_REVOKED: frozenset({"mandate_id"}),
    AuditAction.MANDATE_EXPIRED: frozenset({"mandate_id"}),
    AuditAction.MANDATE_VIEWED: frozenset({"mandate_id"}),
    AuditAction.REPRESENTATIVE_READ: frozenset({"mandate_id", "endpoint"}),
}


def record(action: AuditAction, *, actor=None, subject=None, acting_for=None, **data) -> AuditEvent:
    """Add one audit row to the current transaction.

    `actor` is an Account, an Agent (or None for the system), `subject` and `acting_for` are Assure rows or None.
    Raises ValueError when a key the action requires is missing, so an incomplete trail fails loudly in tests.
    The row is chained to the previous one by a hash (see portal.audit.chain): this flushes the session and, on
    PostgreSQL, holds the chain's lock until the transaction ends, so record late in the unit of work.
    """
    # A representative acting under a mandate (portal.representation.context.ActingFor) acts for the protected
    # person: the row names both.
    if acting_for is None:
        acting_for = getattr(actor, "acting_for", None)
    if getattr(actor, "mandate", None) is not None:
        data.setdefault("mandate_id", actor.mandate.id)
        actor = actor.account
    missing = REQUIRED_KEYS[action] - data.keys()
    if missing:
        raise ValueError(f"audit action {action} requires {sorted(missing)}")
    is_agent = getattr(actor, "role", None) is not None
    event = AuditEvent(
        action=action.value,
        actor_account_id=None if is_agent else getattr(actor, "id", None),
        actor_agent_id=actor.id if is_agent else None,
        subject_assure_id=getattr(subject, "id", None),
        acting_for_assure_id=getattr(acting_for, "id", None),
        request_id=g.get("request_id") if has_request_context() else None,
        data=data,
    )
    chain.append(db.session, event)
    return event
