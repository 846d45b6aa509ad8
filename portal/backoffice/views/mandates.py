"""The mandates declared by representatives: the lists to verify, one mandate with its court decision, and its
verification (approve, refuse, revoke)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.agents import permissions
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.backoffice import queries
from portal.backoffice.forms import MandateApprovalForm, MandateRefusalForm, MandateRevocationForm
from portal.backoffice.views import bp
from portal.backoffice.views._common import known_id, refuse_cursor, role_required, send_inline
from portal.db import db
from portal.representation import permissions as representation_permissions
from portal.representation import services as representation_services
from portal.representation.exceptions import MandateError
from portal.representation.models import MandateState


def _load_mandate(mandate_id: int, *, verify: bool = False):
    mandate = queries.get_mandate(known_id(mandate_id), lock=verify)
    if mandate is None or not permissions.can_view_mandate(current_user, mandate):
        abort(404)
    if verify and not permissions.can_verify_mandate(current_user, mandate):
        abort(403)
    return mandate


@bp.get("/mandats")
@role_required(permissions.can_use_queues)
def list_mandates():
    """The mandates to verify, oldest first; the other states on their own tabs."""
    try:
        state = MandateState(request.args.get("etat", MandateState.REQUESTED.value))
    except ValueError:
        abort(404)
    try:
        rows, next_cursor = queries.list_mandates(current_user, state, after=request.args.get("apres"))
    except queries.InvalidCursor:
        refuse_cursor()
    # The list names the protected persons (name, year of birth): one line for the page, with what it showed.
    audit(AuditAction.MANDATES_LISTED, actor=current_user, state=state.value, mandate_ids=[row.id for row in rows])
    return render_template(
        "backoffice/mandates.html",
        state=state,
        lists=queries.MANDATE_LISTS,
        rows=rows,
        next_cursor=next_cursor,
    )


def _render_mandate(mandate, *, status=200, approval_form=None, refusal_form=None, revocation_form=None):
    """The mandate's page shows the protected person's identity and the court decision: each display is recorded,
    the first one and each one after a refused form."""
    audit(AuditAction.MANDATE_VIEWED, actor=current_user, subject=mandate.protected, mandate_id=mandate.id)
    return (
        render_template(
            "backoffice/mandate.html",
            mandate=mandate,
            document=representation_services.get_mandate_document(mandate.id),
            agents=queries.agents_by_id([mandate.decided_by_agent_id, mandate.revoked_by_agent_id]),
            limited_acts=representation_permissions.LIMITED_ACTS,
            approval_form=approval_form or MandateApprovalForm(),
            refusal_form=refusal_form or MandateRefusalForm(),
            revocation_form=revocation_form or MandateRevocationForm(),
            can_verify=permissions.can_verify_mandate(current_user, mandate),
            today=clock.today(),
        ),
        status,
    )


@bp.get("/mandats/<int:mandate_id>")
def show_mandate(mandate_id: int):
    """A mandate as the representative declared it, with the court decision beside it, and the verification."""
    return _render_mandate(_load_mandate(mandate_id))


@bp.get("/mandats/<int:mandate_id>/decision")
def show_mandate_document(mandate_id: int):
    """The court decision of a mandate, displayed in the page (inline), after the authorization check."""
    mandate = _load_mandate(mandate_id)
    document = representation_services.get_mandate_document(mandate.id)
    if document is None:
        abort(404)
    audit(
        AuditAction.DOCUMENT_VIEWED,
        actor=current_user,
        subject=mandate.protected,
        document_id=document.id,
        mandate_id=mandate.id,
    )
    return send_inline(document)


def _refused_change(mandate_id: int, form, error: MandateError):
    """After a MandateError: the mandate as stored (the savepoint undid anything), the message on the field the
    service names, or on the whole form when the mandate's state changed meanwhile."""
    db.session.expire_all()
    field = form[error.field] if error.field and error.field in form else None
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]
    return _load_mandate(mandate_id, verify=True)


@bp.post("/mandats/<int:mandate_id>/valider")
def approve_mandate(mandate_id: int):
    """The decision checked: the mandate is in force from its start date, within the acts ticked for a sauvegarde."""
    mandate = _load_mandate(mandate_id, verify=True)
    form = MandateApprovalForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                representation_services.approve(
                    mandate, agent=current_user, today=clock.today(), allowed_acts=form.allowed_acts.data
                )
        except MandateError as error:
            mandate = _refused_change(mandate_id, form, error)
        else:
            flash(
                f"Mandat n° {mandate.reference} validé : le représentant et la personne protégée sont prévenus par "
                "e-mail.",
                "success",
            )
            return redirect(url_for("backoffice.show_mandate", mandate_id=mandate_id), 303)
    return _render_mandate(mandate, status=422, approval_form=form)


@bp.post("/mandats/<int:mandate_id>/refuser")
def refuse_mandate(mandate_id: int):
    """Refuse a mandate request; the motive is sent to the representative."""
    mandate = _load_mandate(mandate_id, verify=True)
    form = MandateRefusalForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                representation_services.refuse(mandate, agent=current_user, motive=form.motive.data)
        except MandateError as error:
            mandate = _refused_change(mandate_id, form, error)
        else:
            flash(f"Mandat n° {mandate.reference} refusé : le demandeur est prévenu par e-mail.", "success")
            return redirect(url_for("backoffice.show_mandate", mandate_id=mandate_id), 303)
    return _render_mandate(mandate, status=422, refusal_form=form)


@bp.post("/mandats/<int:mandate_id>/revoquer")
def revoke_mandate(mandate_id: int):
    """End an active mandate now: the representative loses it at their next page."""
    mandate = _load_mandate(mandate_id, verify=True)
    form = MandateRevocationForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                representation_services.revoke(mandate, agent=current_user, motive=form.motive.data)
        except MandateError as error:
            mandate = _refused_change(mandate_id, form, error)
        else:
            flash(
                f"Mandat n° {mandate.reference} révoqué : le représentant et la personne protégée sont prévenus par "
                "e-mail.",
                "success",
            )
            return redirect(url_for("backoffice.show_mandate", mandate_id=mandate_id), 303)
    return _render_mandate(mandate, status=422, revocation_form=form)
