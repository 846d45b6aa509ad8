"""The audit trail, newest first, for auditors; reading it is itself recorded."""

from flask import render_template, request
from flask_login import current_user

from portal.agents import permissions
from portal.audit import queries as audit_queries
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.backoffice import queries
from portal.backoffice.views import bp
from portal.backoffice.views._common import FILTER_REFUSED, query_number, refuse, role_required


@bp.get("/journal")
@role_required(permissions.can_read_audit)
def audit_trail():
    """The audit trail, newest first, for auditors."""
    action = request.args.get("action") or None
    if action is not None and action not in {known.value for known in AuditAction}:
        refuse(FILTER_REFUSED, "Cette action n'existe pas dans le journal. Choisissez une action dans la liste.")
    assure_id = query_number("assure", "Le n° interne de l'assuré est un nombre entier, par exemple 1234.")
    before_id = query_number("avant", "Ce lien vers les événements plus anciens a été modifié.")
    page = audit_queries.list_events(action=action, assure_id=assure_id, before_id=before_id)
    # The trail tells who read whose file: reading it is itself recorded.
    audit(
        AuditAction.AUDIT_TRAIL_VIEWED,
        actor=current_user,
        filters={"action": action, "assure": assure_id, "avant": before_id},
    )
    return render_template(
        "backoffice/audit.html",
        page=page,
        args=request.args,
        actions=sorted(known.value for known in AuditAction),
        agents=queries.agents_by_id(event.actor_agent_id for event in page.events),
    )
