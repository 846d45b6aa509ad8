"""L'espace agents, one module per screen, all on the blueprint `bp` defined here:

- login: the agents' door, ProConnect login and logout;
- queues: the queues of signalements, with their filters;
- signalement: one signalement's screen and its instruction (take, assign, messages, annotations, complement,
  decision, validation, justificatifs);
- simulation: the simulator, on a signalement's assuré or on figures read off a file;
- mandates: the mandates to verify, and their verification;
- supervision: the superviseurs' dashboard and its CSV export;
- audit: the audit trail, for auditors;
- outbox: the e-mails that could not be sent, for administrateurs;
- conflicts: the reports of the bulk intake that wait because of a signalement.

What several screens share (role rule, checks of parameters, French refusals) is in _common.
"""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from portal.agents import permissions
from portal.sessions import BACKOFFICE_PREFIX

bp = Blueprint("backoffice", __name__, url_prefix=BACKOFFICE_PREFIX)
PUBLIC_ENDPOINTS = {"backoffice.login_page", "backoffice.login_proconnect", "backoffice.proconnect_callback",
                    "backoffice.logout_callback"}  # fmt: skip


@bp.before_request
def _require_agent():
    # Coarse rule of the blueprint: an active agent's session, and nothing else (a citizen's cookie is not even
    # read here, see portal.sessions).
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated or not permissions.is_agent(current_user):
        flash("Connectez-vous avec ProConnect pour accéder à l'espace agents.", "info")
        return redirect(url_for("backoffice.login_page"), 303)
    return None


@bp.context_processor
def _agent_navigation():
    """The back-office menu, item by item, as the role rules of portal/agents/permissions.py allow it (None when
    no agent is logged in: the menu is then not shown)."""
    if not permissions.is_agent(current_user):
        return {"agent_nav": None}
    return {
        "agent_nav": {
            "queues": permissions.can_use_queues(current_user),
            "dashboard": permissions.can_see_dashboard(current_user),
            "audit": permissions.can_read_audit(current_user),
            "outbox": permissions.can_manage_outbox(current_user),
        }
    }


# At the end, not at the top: each screen module adds its routes to `bp` when it is imported, and imports `bp` from
# this package, which must therefore be defined first. Importing the package is then enough to register every route
# of the back-office (portal/__init__.py imports it to register the blueprint).
from portal.backoffice.views import (  # noqa: E402, F401
    audit,
    conflicts,
    login,
    mandates,
    outbox,
    queues,
    signalement,
    simulation,
    supervision,
)
