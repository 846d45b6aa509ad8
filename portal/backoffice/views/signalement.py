"""One signalement's screen (career, proposal, justificatifs, controls, history, messages, annotations) and its
instruction: take, assign, write to the assuré, annotate, ask for a complement, decide, validate (four eyes)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from portal import clock
from portal.agents import permissions
from portal.agents.models import Agent
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.backoffice import queries
from portal.backoffice.forms import AssignForm, ComplementForm, DecisionForm, NoteForm, ValidationForm
from portal.backoffice.views import bp
from portal.backoffice.views._common import known_id, load_signalement, role_required, send_inline
from portal.careers import queries as careers_queries
from portal.db import db
from portal.forms import EmptyForm
from portal.intake import queries as intake_queries
from portal.signalements import instruction, justificatifs
from portal.signalements import services as signalements_services
from portal.signalements.exceptions import SignalementError
from portal.signalements.models import BY_AGENT
from portal.signalements.states import SignalementState


@bp.post("/demandes/<int:signalement_id>/prendre")
def take_request(signalement_id: int):
    """Take a signalement: it becomes mine, and its instruction starts."""
    signalement = load_signalement(signalement_id, instruct=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        instruction.take(signalement, agent=current_user, today=clock.today())
    except SignalementError as error:
        flash(error.message, "error")
    else:
        flash(f"Vous suivez la demande n° {signalement.reference}.", "success")
    return redirect(url_for("backoffice.show_request", signalement_id=signalement_id), 303)


@bp.post("/demandes/<int:signalement_id>/attribuer")
@role_required(permissions.can_assign)
def assign_request(signalement_id: int):
    """A superviseur gives the signalement to an agent."""
    signalement = load_signalement(signalement_id)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)
    assignee = db.session.get(Agent, known_id(form.agent_id.data))
    if assignee is None:
        abort(404)
    try:
        instruction.assign(signalement, supervisor=current_user, assignee=assignee)
    except SignalementError as error:
        flash(error.message, "error")
    else:
        flash(f"Demande attribuée à {assignee.display_name}.", "success")
    return redirect(url_for("backoffice.show_request", signalement_id=signalement_id), 303)


def _decision_form(signalement, formdata=None) -> DecisionForm:
    data = {
        "version_id": signalement.version_id,
        "items": [
            {
                "item_id": item.id,
                "decision": item.decision or "",
                "motive": item.decision_motive or "",
                "note": item.decision_note or "",
            }
            for item in signalement.items
        ],
    }
    return DecisionForm(formdata=formdata, data=data) if formdata is not None else DecisionForm(data=data)


def _render_signalement(
    signalement,
    *,
    status=200,
    decision_form=None,
    complement_form=None,
    validation_form=None,
    message_form=None,
    note_form=None,
):
    """The signalement screen, with the assuré's identity, career and justificatifs. Every display is a read of the
    assuré's data by the agent, recorded: the first one, and each one after a refused form."""
    audit(AuditAction.SIGNALEMENT_VIEWED, actor=current_user, subject=signalement.assure, signalement_id=signalement.id)
    career = careers_queries.get_career(signalement.assure)
    flagged = {item.period_id for item in signalement.items if item.period_id}
    effect = reasons = None
    if signalement.state is SignalementState.AWAITING_VALIDATION:
        # What the second agent is asked to validate: the effect the decision would have on the career now, and
        # why it needs them (recorded when it was prepared).
        try:
            effect = instruction.effect_of(signalement)
        except SignalementError:
            effect = None  # the career changed meanwhile: the values no longer apply (validation will say so)
        reasons = next(
            (e.note for e in reversed(signalement.events) if e.to_state is SignalementState.AWAITING_VALIDATION),
            None,
        )
    assign_form = AssignForm()
    assign_form.agent_id.choices = [
        SelectChoice(agent.id, agent.display_name) for agent in queries.list_caisse_agents(signalement.caisse_id)
    ]
    return (
        render_template(
            "backoffice/request.html",
            signalement=signalement,
            spec=signalement.anomaly_type.spec,
            career=career,
            flagged=flagged,
            current_versions={v.period_id: v for v in careers_queries.list_current_versions(signalement.assure_id)},
            documents=justificatifs.list_documents(signalement.id, signalement.assure_id),
            findings=queries.latest_findings(signalement.id),
            intake_conflicts=intake_queries.open_for_signalement(signalement.id),
            annotations=queries.list_annotations(signalement.id),
            agents=queries.agents_by_id(
                [signalement.assigned_agent_id, signalement.prepared_by_agent_id, signalement.validated_by_agent_id]
            ),
            decision_form=decision_form or _decision_form(signalement),
            complement_form=complement_form or ComplementForm(),
            validation_form=validation_form or ValidationForm(data={"version_id": signalement.version_id}),
            note_form=note_form or NoteForm(),
            message_form=message_form or NoteForm(),
            assign_form=assign_form,
            action_form=EmptyForm(),
            effect=effect,
            validation_reasons=reasons,
            can_instruct=permissions.can_instruct(current_user, signalement),
            can_assign=permissions.can_assign(current_user),
            today=clock.today(),
        ),
        status,
    )


@bp.get("/demandes/<int:signalement_id>")
def show_request(signalement_id: int):
    """A signalement on one screen: career, proposal, justificatifs, controls, history, messages, annotations."""
    return _render_signalement(load_signalement(signalement_id))


@bp.get("/demandes/<int:signalement_id>/justificatifs/<int:document_id>")
def show_document(signalement_id: int, document_id: int):
    """A justificatif, displayed in the page (inline), after the authorization check."""
    signalement = load_signalement(signalement_id)
    known_id(document_id)
    document = next(
        (d for d in justificatifs.list_documents(signalement.id, signalement.assure_id) if d.id == document_id), None
    )
    if document is None:
        abort(404)
    audit(
        AuditAction.DOCUMENT_VIEWED,
        actor=current_user,
        subject=signalement.assure,
        document_id=document.id,
        signalement_id=signalement.id,
    )
    return send_inline(document)


@bp.post("/demandes/<int:signalement_id>/complement")
def request_complement(signalement_id: int):
    """Ask the assuré for a complement; the deadline pauses."""
    signalement = load_signalement(signalement_id, instruct=True)
    form = ComplementForm()
    valid = form.validate_on_submit()
    # The rules also run on what the form could read, so that every error shows at once (not one per submission).
    rule_errors = signalements_services.complement_errors(
        message=form.message.data or "", due_date=form.due_date.data, today=clock.today()
    )
    for error in rule_errors:
        field = form.due_date if error.field == "due_date" else form.message
        if not field.errors:
            field.errors = [*field.errors, error.message]
    if valid and not rule_errors:
        try:
            signalements_services.request_complement(
                signalement, actor=current_user, message=form.message.data, due_date=form.due_date.data,
                today=clock.today(),
            )  # fmt: skip
        except SignalementError as error:
            field = form.due_date if error.field == "due_date" else form.message
            field.errors = [*field.errors, error.message]
        else:
            flash("Complément demandé : l'assuré est prévenu par e-mail.", "success")
            return redirect(url_for("backoffice.show_request", signalement_id=signalement_id), 303)
    return _render_signalement(signalement, status=422, complement_form=form)


@bp.post("/demandes/<int:signalement_id>/messages")
def post_message(signalement_id: int):
    """Write to the assuré."""
    signalement = load_signalement(signalement_id, instruct=True)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            signalements_services.post_message(
                signalement, actor=current_user, author_kind=BY_AGENT, body=form.body.data
            )
        except SignalementError as error:
            # The signalement is no longer open: the form is gone from its page, the message says why.
            flash(error.message, "error")
        else:
            flash("Message envoyé à l'assuré.", "success")
        return redirect(url_for("backoffice.show_request", signalement_id=signalement_id) + "#messages", 303)
    return _render_signalement(signalement, status=422, message_form=form)


@bp.post("/demandes/<int:signalement_id>/annotations")
def annotate(signalement_id: int):
    """A private note, never shown to the assuré."""
    signalement = load_signalement(signalement_id, instruct=True)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            instruction.annotate(signalement, agent=current_user, body=form.body.data)
        except SignalementError as error:
            form.body.errors = [*form.body.errors, error.message]
        else:
            flash("Annotation ajoutée.", "success")
            return redirect(url_for("backoffice.show_request", signalement_id=signalement_id) + "#annotations", 303)
    return _render_signalement(signalement, status=422, note_form=form)


def _item_decisions(form: DecisionForm) -> list[instruction.ItemDecision]:
    """The decision as typed. The hidden item ids were checked by the form (numbers); the service checks they are
    exactly this signalement's items."""
    decisions = []
    for entry in form.items:
        earnings = entry.accepted_earnings.data
        decisions.append(
            instruction.ItemDecision(
                item_id=int(entry.item_id.data),
                decision=entry.decision.data,
                motive=entry.motive.data or None,
                note=(entry.note.data or "").strip() or None,
                accepted_earnings_cents=None if earnings is None else int(earnings * 100),
                accepted_quarters=entry.accepted_quarters.data,
                accepted_start_date=entry.accepted_start_date.data,
                accepted_end_date=entry.accepted_end_date.data,
            )
        )
    return decisions


def _refused_decision(signalement_id: int, form, error: SignalementError | StaleDataError):
    """A decision or a validation that was not recorded: the signalement as it now is, and the answer's status. A
    concurrent change (the ORM's version check or the service's own) is a 409: the agent reloads and retries; any
    other refusal is a 422, its message on the field it names (the validation's comment) or on the form."""
    db.session.expire_all()
    signalement = load_signalement(signalement_id, instruct=True)
    if isinstance(error, StaleDataError | instruction.StaleSignalement):
        form.form_errors.append(instruction.STALE_MESSAGE)
        return signalement, 409
    if error.field == "note" and "note" in form:
        form.note.errors = [*form.note.errors, error.message]
    else:
        form.form_errors.append(error.message)
    return signalement, 422


@bp.post("/demandes/<int:signalement_id>/decision")
def decide(signalement_id: int):
    """Decide item by item; applied at once, or sent to a second agent (four eyes)."""
    signalement = load_signalement(signalement_id, instruct=True)
    form = DecisionForm()
    if form.validate_on_submit():
        version = form.version_id.data
        try:
            with db.session.begin_nested():
                instruction.decide(
                    signalement, agent=current_user, decisions=_item_decisions(form), expected_version=version,
                    today=clock.today(),
                )  # fmt: skip
        except (SignalementError, StaleDataError) as error:
            signalement, status = _refused_decision(signalement_id, form, error)
            return _render_signalement(signalement, status=status, decision_form=form)
        if signalement.state is SignalementState.AWAITING_VALIDATION:
            flash("Décision préparée : elle attend la validation d'un second agent.", "success")
        else:
            flash(f"Décision enregistrée : {signalement.state.label.lower()}. L'assuré est prévenu.", "success")
        return redirect(url_for("backoffice.show_request", signalement_id=signalement_id), 303)
    return _render_signalement(signalement, status=422, decision_form=form)


@bp.post("/demandes/<int:signalement_id>/validation")
def validate(signalement_id: int):
    """A second agent validates a prepared decision, or sends it back (with a comment)."""
    signalement = load_signalement(signalement_id, instruct=True)
    form = ValidationForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                instruction.validate(
                    signalement, agent=current_user, approve=form.verdict.data == "approve", note=form.note.data or "",
                    expected_version=form.version_id.data, today=clock.today(),
                )  # fmt: skip
        except (SignalementError, StaleDataError) as error:
            signalement, status = _refused_decision(signalement_id, form, error)
            return _render_signalement(signalement, status=status, validation_form=form)
        flash("Validation enregistrée.", "success")
        return redirect(url_for("backoffice.show_request", signalement_id=signalement_id), 303)
    return _render_signalement(signalement, status=422, validation_form=form)
