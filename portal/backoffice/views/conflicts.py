"""« Conflits d'alimentation »: the reports that wait because a signalement corrected their period or concerns it
(portal/intake), for the instructing agents of the person's caisse; each is applied or set aside."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.agents import permissions
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.backoffice.views import bp
from portal.backoffice.views._common import known_id, query_number, role_required
from portal.careers.models import PeriodVersion, Regime
from portal.db import db
from portal.forms import EmptyForm
from portal.intake import queries as intake_queries
from portal.intake import services as intake_services


def _load(conflict_id: int):
    """The conflict, if the agent may decide it (404 otherwise, as if it did not exist)."""
    conflict = intake_queries.get_conflict(known_id(conflict_id))
    if conflict is None or not permissions.can_resolve_conflict(current_user, conflict.assure):
        abort(404)
    return conflict


@bp.get("/conflits-d-alimentation")
@role_required(permissions.can_use_queues)
def list_conflicts():
    """The open conflicts of the agent's caisse, oldest first."""
    after_id = query_number("apres", "Ce lien vers la suite de la liste a été modifié.")
    caisse_id = current_user.caisse_id
    page = intake_queries.list_open(caisse_id=caisse_id, before_id=after_id)
    audit(AuditAction.INTAKE_CONFLICTS_LISTED, actor=current_user, conflict_ids=[row.id for row in page.conflicts])
    return render_template("backoffice/conflicts.html", page=page)


@bp.get("/conflits-d-alimentation/<int:conflict_id>")
def show_conflict(conflict_id: int):
    """One report that waits: what it says beside what the career holds, and why it waits."""
    conflict = _load(conflict_id)
    current = db.session.execute(
        select(PeriodVersion).where(
            PeriodVersion.period_id == conflict.period_id, PeriodVersion.superseded_at.is_(None)
        )
    ).scalar_one()
    audit(AuditAction.INTAKE_CONFLICT_VIEWED, actor=current_user, subject=conflict.assure, conflict_id=conflict.id)
    code = conflict.reported["regime"]
    regime = db.session.execute(select(Regime).where(Regime.code == code)).scalar_one_or_none()
    return render_template(
        "backoffice/conflict.html",
        conflict=conflict,
        current=current,
        reported_regime=regime.short_name if regime is not None else code,
        form=EmptyForm(),
    )


@bp.post("/conflits-d-alimentation/<int:conflict_id>/<any(appliquer, ecarter):decision>")
def resolve_conflict(conflict_id: int, decision: str):
    """Apply the report (a new version of the period) or set it aside."""
    conflict = _load(conflict_id)
    try:
        intake_services.resolve_conflict(conflict, agent=current_user, apply=decision == "appliquer")
    except intake_services.ConflictClosed as error:
        flash(str(error), "info")
    else:
        if decision == "appliquer":
            flash(f"La déclaration {conflict.report_id} est appliquée : la période a une nouvelle version.", "success")
        else:
            flash(f"La déclaration {conflict.report_id} est écartée : la période reste telle quelle.", "success")
    return redirect(url_for("backoffice.list_conflicts"), 303)
