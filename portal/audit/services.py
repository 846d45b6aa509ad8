"""Writing the audit trail. Each action declares the data keys it requires."""

import enum

from flask import g, has_request_context

from portal.actors import Actor
from portal.audit import chain
from portal.audit.models import AuditEvent
from portal.db import db


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
    SIGNALEMENT_DECISION_PREPARED = "signalement.decision_prepared"
    SIGNALEMENT_ANNOTATED = "signalement.annotated"
    QUEUE_VIEWED = "backoffice.queue_viewed"
    SIMULATION_VIEWED = "simulation.viewed"
    AGENT_LOGIN_REFUSED = "agent.login_refused"
    AGENT_ADDED = "agent.added"
    AGENT_REMOVED = "agent.removed"
    DOCUMENT_ADDED = "document.added"
    DOCUMENT_REMOVED = "document.removed"
    DOCUMENT_VIEWED = "document.viewed"
    MANDATE_REQUESTED = "mandate.requested"
    MANDATE_APPROVED = "mandate.approved"
    MANDATE_REFUSED = "mandate.refused"
    MANDATE_REVOKED = "mandate.revoked"
    MANDATE_EXPIRED = "mandate.expired"
    MANDATE_VIEWED = "mandate.viewed"
    MANDATES_LISTED = "mandate.listed"
    AUDIT_TRAIL_VIEWED = "audit.viewed"
    REPRESENTATIVE_READ = "representative.read"
    NOTIFICATION_RESENT = "notification.resent"
    MANDATE_REQUEST_REFUSED = "mandate.request_refused"
    REPRESENTATIVE_ACTING_STARTED = "representative.acting_started"
    REPRESENTATIVE_ACTING_ENDED = "representative.acting_ended"
    REPRESENTATIVE_SIMULATED = "representative.simulated"
    REPRESENTATIVE_DECLARED = "representative.declared"
    INTAKE_CHUNK = "intake.chunk"
    INTAKE_FILE = "intake.file"
    INTAKE_CONFLICT_RESOLVED = "intake.conflict_resolved"
    INTAKE_CONFLICTS_LISTED = "intake.conflicts_listed"
    INTAKE_CONFLICT_VIEWED = "intake.conflict_viewed"


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
    # What the decision weighed (four eyes) and the agent who prepared it.
    AuditAction.SIGNALEMENT_DECISION_PREPARED: frozenset({"signalement_id", "effect", "reasons"}),
    AuditAction.SIGNALEMENT_ANNOTATED: frozenset({"signalement_id", "annotation_id"}),
    # A page of a back-office queue shows the names and birth years of the assurés listed: one line per page.
    AuditAction.QUEUE_VIEWED: frozenset({"queue", "signalement_ids"}),
    # An agent simulating an assuré's retirement from a request reads the whole career and the children.
    AuditAction.SIMULATION_VIEWED: frozenset({"signalement_id"}),
    AuditAction.AGENT_LOGIN_REFUSED: frozenset({"reason"}),
    AuditAction.AGENT_ADDED: frozenset({"email", "role", "caisse"}),
    AuditAction.AGENT_REMOVED: frozenset({"email"}),
    AuditAction.DOCUMENT_ADDED: frozenset({"document_id", "sha256"}),
    AuditAction.DOCUMENT_REMOVED: frozenset({"document_id"}),
    AuditAction.DOCUMENT_VIEWED: frozenset({"document_id"}),
    AuditAction.MANDATE_REQUESTED: frozenset({"mandate_id", "measure"}),
    AuditAction.MANDATE_APPROVED: frozenset({"mandate_id"}),
    AuditAction.MANDATE_REFUSED: frozenset({"mandate_id"}),
    AuditAction.MANDATE_REVOKED: frozenset({"mandate_id"}),
    AuditAction.MANDATE_EXPIRED: frozenset({"mandate_id"}),
    AuditAction.MANDATE_VIEWED: frozenset({"mandate_id"}),
    AuditAction.MANDATES_LISTED: frozenset({"state", "mandate_ids"}),
    # The trail names who read whose file: reading it is recorded too.
    AuditAction.AUDIT_TRAIL_VIEWED: frozenset({"filters"}),
    AuditAction.REPRESENTATIVE_READ: frozenset({"mandate_id", "endpoint"}),
    # An administrateur's « Renvoyer » on a failed e-mail: which one, and whether it left.
    AuditAction.NOTIFICATION_RESENT: frozenset({"notification_id", "sent"}),
    # A refused mandate request stores nothing but this line: why it was refused (a field or the file), never what
    # was typed about the third party.
    AuditAction.MANDATE_REQUEST_REFUSED: frozenset({"reason"}),
    AuditAction.REPRESENTATIVE_ACTING_STARTED: frozenset({"mandate_id"}),
    AuditAction.REPRESENTATIVE_ACTING_ENDED: frozenset({"mandate_id"}),
    # A representative's simulation of the protected person's retirement, with the hypotheses they chose.
    AuditAction.REPRESENTATIVE_SIMULATED: frozenset({"mandate_id", "scenarios"}),
    # An account with no file of its own that says it comes for a person it protects.
    AuditAction.REPRESENTATIVE_DECLARED: frozenset(),
    # One chunk of a file of period reports, committed with what its lines did (portal/intake/services.py).
    AuditAction.INTAKE_CHUNK: frozenset(
        {"file_id", "chunk", "lines", "created", "corrected", "unchanged", "conflicts", "rejected"}
    ),
    # A file of period reports taken in to its end.
    AuditAction.INTAKE_FILE: frozenset({"file", "name", "lines", "chunks"}),
    # A technician applied or set aside a report that waited because of a signalement.
    AuditAction.INTAKE_CONFLICT_RESOLVED: frozenset({"conflict_id", "outcome"}),
    # An agent read the queue of waiting reports (names and periods of the people listed), or one of them.
    AuditAction.INTAKE_CONFLICTS_LISTED: frozenset({"conflict_ids"}),
    AuditAction.INTAKE_CONFLICT_VIEWED: frozenset({"conflict_id"}),
}


def record(action: AuditAction, *, actor: Actor | None = None, subject=None, acting_for=None, **data) -> AuditEvent:
    """Add one audit row to the current transaction.

    `actor` is an Actor (an Account, an Agent, a representative under a mandate) or None for the system;
    `subject` and `acting_for` are Assure rows or None.
    Raises ValueError when a key the action requires is missing, so an incomplete trail fails loudly in tests.
    The row is chained to the previous one by a hash (see portal.audit.chain): this flushes the session and, on
    PostgreSQL, holds the chain's lock until the transaction ends, so record late in the unit of work.
    """
    # A representative acting under a mandate (portal.representation.context.ActingFor) acts for the protected
    # person: the row names both.
    if actor is not None:
        if acting_for is None:
            acting_for = actor.acting_for
        if actor.mandate is not None:
            data.setdefault("mandate_id", actor.mandate.id)
    missing = REQUIRED_KEYS[action] - data.keys()
    if missing:
        raise ValueError(f"audit action {action} requires {sorted(missing)}")
    event = AuditEvent(
        action=action.value,
        actor_account_id=actor.account_id if actor is not None else None,
        actor_agent_id=actor.id if actor is not None and actor.is_agent else None,
        subject_assure_id=subject.id if subject is not None else None,
        acting_for_assure_id=acting_for.id if acting_for is not None else None,
        request_id=g.get("request_id") if has_request_context() else None,
        data=data,
    )
    chain.append(db.session, event)
    return event
