"""L'espace agents: login through ProConnect, queues, a request's screen, instruction and decisions."""

import csv
import io
from datetime import date
from decimal import Decimal
from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SelectChoice

from portal import clock
from portal.audit import queries as audit_queries
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth import oidc
from portal.auth import services as auth_services
from portal.auth.views import SESSION_TOKEN_KEY
from portal.backoffice import agents as agents_services
from portal.backoffice import dashboard, permissions, queries, services
from portal.backoffice.forms import (
    AssignForm,
    ComplementForm,
    DecisionForm,
    MandateApprovalForm,
    MandateRefusalForm,
    MandateRevocationForm,
    NoteForm,
    SummarySimulationForm,
    ValidationForm,
)
from portal.backoffice.models import Agent
from portal.careers import queries as careers_queries
from portal.documents import services as documents_services
from portal.errors import render_error
from portal.extensions import db, limiter
from portal.forms import EmptyForm
from portal.representation import permissions as representation_permissions
from portal.representation import services as representation_services
from portal.representation.exceptions import MandateError
from portal.representation.models import MandateState
from portal.sessions import BACKOFFICE_PREFIX
from portal.signalements import services as signalements_services
from portal.signalements.catalog import CATALOG, AnomalyType
from portal.signalements.exceptions import SignalementError
from portal.signalements.states import SignalementState
from portal.simulation.engine import SimulationError, simulate
from portal.simulation.model import FutureWork, Sex, SimulationInput, Summary
from portal.simulator import inputs as simulator_inputs
from portal.simulator import scenarios as simulator_scenarios
from portal.simulator.chart import departures_chart

bp = Blueprint("backoffice", __name__, url_prefix=BACKOFFICE_PREFIX)
LOGIN_STATE_KEY = "agent_oidc_state"
LOGOUT_STATE_KEY = "agent_logout_state"
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


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def _refuse(title: str, message: str, status: int = 400):
    """Stop here with a French error page: a parameter the portal never writes (a forged link, an edited form)."""
    abort(make_response(render_error(status, title, message)))


def _known_id(value: int) -> int:
    # Identifiers are 32-bit integers: a larger number in a path names nothing (and SQLite cannot bind it).
    if value > queries.MAX_ID:
        abort(404)
    return value


def _load(signalement_id: int, *, instruct: bool = False):
    signalement = queries.get_request(_known_id(signalement_id))
    if signalement is None or not permissions.can_view_request(current_user, signalement):
        abort(404)
    if instruct and not permissions.can_instruct(current_user, signalement):
        abort(403)
    return signalement


@bp.get("/connexion")
def login_page():
    """The agents' door: ProConnect only."""
    return render_template("backoffice/login.html", form=EmptyForm())


@bp.post("/connexion/proconnect")
def login_proconnect():
    """Start the ProConnect authorization code flow."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        url, state = oidc.begin_login(
            oidc.PROCONNECT, redirect_uri=url_for("backoffice.proconnect_callback", _external=True), next_path=None
        )
    except oidc.LoginFailed as failure:
        return render_template("backoffice/login_failed.html", message=failure.message), 503
    session[LOGIN_STATE_KEY] = state
    return redirect(url, 303)


@bp.get("/connexion/proconnect/retour")
@limiter.limit("30 per minute")
def proconnect_callback():
    """ProConnect's redirect back: tokens verified, second factor required, registered agents only."""
    expected_state = session.pop(LOGIN_STATE_KEY, None)
    try:
        login = oidc.complete_login(
            oidc.PROCONNECT,
            params=request.args.to_dict(),
            redirect_uri=url_for("backoffice.proconnect_callback", _external=True),
            expected_state=expected_state,
        )
        agent = agents_services.resolve_agent(login)
    except (oidc.LoginFailed, agents_services.AgentRefused) as failure:
        current_app.logger.warning("Agent login refused: %s", failure.reason)
        audit(AuditAction.AGENT_LOGIN_REFUSED, reason=failure.reason)
        status = 503 if failure.reason == "provider_unreachable" else 401
        return render_template("backoffice/login_failed.html", message=failure.message), status
    # Cleared, the session also gets a new token and the old one's row is deleted (session fixation).
    session.clear()
    session.permanent = True
    session[SESSION_TOKEN_KEY] = auth_services.open_agent_session(
        agent, provider=oidc.PROCONNECT, id_token=login.id_token
    )
    login_user(agent)
    flash(f"Bonjour {agent.display_name}.", "success")
    return redirect(url_for("backoffice.queue"), 303)


@bp.post("/deconnexion")
def logout():
    """End the agent's session, then ProConnect's."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = auth_services.end_session(session.get(SESSION_TOKEN_KEY))
    logout_user()
    session.clear()
    if ended is None:
        return redirect(url_for("backoffice.login_page"), 303)
    try:
        url, state = oidc.logout_url(
            oidc.PROCONNECT,
            id_token=ended.id_token,
            post_logout_redirect_uri=url_for("backoffice.logout_callback", _external=True),
        )
    except oidc.LoginFailed:
        flash("Vous êtes déconnecté de l'espace agents.", "info")
        return redirect(url_for("backoffice.login_page"), 303)
    session[LOGOUT_STATE_KEY] = state
    return redirect(url, 303)


@bp.get("/deconnexion/retour")
def logout_callback():
    """ProConnect's redirect after its logout."""
    session.pop(LOGOUT_STATE_KEY, None)
    flash("Vous êtes déconnecté de l'espace agents.", "info")
    return redirect(url_for("backoffice.login_page"), 303)


@bp.get("/")
@bp.get("/demandes")
@_role_required(permissions.can_use_queues)
def queue():
    """The queues, with their filters, most urgent first."""
    name = request.args.get("file", "a-prendre")
    if name not in queries.QUEUES:
        abort(404)
    filters = _queue_filters()
    today = clock.today()
    try:
        rows, next_cursor = queries.list_queue(
            current_user, name, filters, today=today, after=request.args.get("apres")
        )
    except queries.InvalidCursor:
        _refuse_cursor()
    agents = queries.agents_by_id(row.assigned_agent_id for row in rows)
    args = {key: value for key, value in request.args.items() if key != "apres"}
    # The page names the assurés it lists (name, year of birth): one line for the page, with what it showed.
    audit(AuditAction.QUEUE_VIEWED, actor=current_user, queue=name, signalement_ids=[row.id for row in rows])
    return render_template(
        "backoffice/queue.html",
        queue_name=name,
        queues=queries.QUEUES,
        rows=rows,
        agents=agents,
        filters=filters,
        args=args,
        next_cursor=next_cursor,
        today=today,
        catalog=CATALOG,
        regimes=queries.QUEUE_REGIMES,
        states=QUEUE_STATES,
        form=EmptyForm(),
    )


QUEUE_STATES = [state for state in SignalementState if state is not SignalementState.DRAFT]
FILTER_REFUSED = "Filtre inconnu"


def _queue_filters() -> queries.QueueFilters:
    """The queue's filters, each checked against what the filter form offers: anything else is a forged link."""
    args = request.args
    anomaly_type = args.get("type") or None
    if anomaly_type is not None and anomaly_type not in {kind.value for kind in AnomalyType}:
        _refuse(FILTER_REFUSED, "Ce type de demande n'existe pas. Choisissez un type dans la liste des filtres.")
    regime = args.get("regime") or None
    if regime is not None and regime not in queries.QUEUE_REGIMES:
        _refuse(FILTER_REFUSED, "Ce régime n'est pas proposé. Choisissez un régime dans la liste des filtres.")
    state = args.get("etat") or None
    if state is not None and state not in {known.value for known in QUEUE_STATES}:
        _refuse(FILTER_REFUSED, "Cet état n'existe pas. Choisissez un état dans la liste des filtres.")
    caisse = args.get("caisse") or None
    if caisse is not None and not (caisse.isascii() and caisse.isdigit() and int(caisse) <= queries.MAX_ID):
        _refuse(FILTER_REFUSED, "Cette caisse n'existe pas.")
    for flag in ("en-retard", "risque"):
        if args.get(flag) not in (None, "", "1"):
            _refuse(FILTER_REFUSED, "Cette case à cocher n'accepte pas cette valeur.")
    return queries.QueueFilters(
        anomaly_type=anomaly_type,
        regime=regime,
        state=state,
        caisse_id=None if caisse is None else int(caisse),
        overdue=args.get("en-retard") == "1",
        risk=args.get("risque") == "1",
    )


def _refuse_cursor():
    _refuse(
        "Lien de pagination incorrect",
        "Ce lien vers la page suivante n'a pas été produit par le portail ou a été modifié. Revenez à la première "
        "page de la liste.",
    )


@bp.post("/demandes/<int:signalement_id>/prendre")
def take_request(signalement_id: int):
    """Take a request: it becomes mine, and its instruction starts."""
    signalement = _load(signalement_id, instruct=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.take(signalement, agent=current_user, today=clock.today())
    except SignalementError as error:
        flash(error.message, "error")
    else:
        flash(f"Vous suivez la demande n° {signalement.reference}.", "success")
    return redirect(url_for("backoffice.show_request", signalement_id=signalement_id), 303)


@bp.post("/demandes/<int:signalement_id>/attribuer")
@_role_required(permissions.can_assign)
def assign_request(signalement_id: int):
    """A superviseur gives the request to an agent."""
    signalement = _load(signalement_id)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)
    assignee = db.session.get(Agent, _known_id(form.agent_id.data))
    if assignee is None:
        abort(404)
    try:
        services.assign(signalement, supervisor=current_user, assignee=assignee)
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


def _render_request(
    signalement,
    *,
    status=200,
    decision_form=None,
    complement_form=None,
    validation_form=None,
    message_form=None,
    note_form=None,
):
    """The request screen, with the assuré's identity, career and justificatifs. Every display is a read of the
    assuré's data by the agent, recorded: the first one, and each one after a refused form."""
    audit(AuditAction.SIGNALEMENT_VIEWED, actor=current_user, subject=signalement.assure, signalement_id=signalement.id)
    career = careers_queries.get_career(signalement.assure)
    flagged = {item.period_id for item in signalement.items if item.period_id}
    effect = reasons = None
    if signalement.state is SignalementState.AWAITING_VALIDATION:
        # What the second agent is asked to validate: the effect the decision would have on the career now, and
        # why it needs them (recorded when it was prepared).
        try:
            effect = services.effect_of(signalement)
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
            documents=documents_services.list_documents(signalement.id),
            findings=queries.latest_findings(signalement.id),
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
    """A request on one screen: career, proposal, justificatifs, controls, history, messages, annotations."""
    return _render_request(_load(signalement_id))


@bp.get("/demandes/<int:signalement_id>/justificatifs/<int:document_id>")
def show_document(signalement_id: int, document_id: int):
    """A justificatif, displayed in the page (inline), after the authorization check."""
    signalement = _load(signalement_id)
    _known_id(document_id)
    document = next((d for d in documents_services.list_documents(signalement.id) if d.id == document_id), None)
    if document is None:
        abort(404)
    audit(
        AuditAction.DOCUMENT_VIEWED,
        actor=current_user,
        subject=signalement.assure,
        document_id=document.id,
        signalement_id=signalement.id,
    )
    return _send_inline(document)


def _send_inline(document):
    try:
        handle = documents_services.storage().open(document.storage_key)
    except KeyError:
        abort(404)
    response = send_file(handle, mimetype=document.content_type, download_name=document.original_name)
    response.headers["Content-Disposition"] = "inline"
    # Shown inside the page that frames it (same origin), nowhere else; no script runs in it.
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
    return response


@bp.post("/demandes/<int:signalement_id>/complement")
def request_complement(signalement_id: int):
    """Ask the assuré for a complement; the deadline pauses."""
    signalement = _load(signalement_id, instruct=True)
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
    return _render_request(signalement, status=422, complement_form=form)


@bp.post("/demandes/<int:signalement_id>/messages")
def post_message(signalement_id: int):
    """Write to the assuré."""
    signalement = _load(signalement_id, instruct=True)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            signalements_services.post_message(
                signalement, actor=current_user, author_kind="agent", body=form.body.data
            )
        except SignalementError as error:
            # The request is no longer open: the form is gone from its page, the message says why.
            flash(error.message, "error")
        else:
            flash("Message envoyé à l'assuré.", "success")
        return redirect(url_for("backoffice.show_request", signalement_id=signalement_id) + "#messages", 303)
    return _render_request(signalement, status=422, message_form=form)


@bp.post("/demandes/<int:signalement_id>/annotations")
def annotate(signalement_id: int):
    """A private note, never shown to the assuré."""
    signalement = _load(signalement_id, instruct=True)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            services.annotate(signalement, agent=current_user, body=form.body.data)
        except SignalementError as error:
            form.body.errors = [*form.body.errors, error.message]
        else:
            flash("Annotation ajoutée.", "success")
            return redirect(url_for("backoffice.show_request", signalement_id=signalement_id) + "#annotations", 303)
    return _render_request(signalement, status=422, note_form=form)


def _item_decisions(form: DecisionForm) -> list[services.ItemDecision]:
    """The decision as typed. The hidden item ids were checked by the form (numbers); the service checks they are
    exactly this request's items."""
    decisions = []
    for entry in form.items:
        earnings = entry.accepted_earnings.data
        decisions.append(
            services.ItemDecision(
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


@bp.post("/demandes/<int:signalement_id>/decision")
def decide(signalement_id: int):
    """Decide item by item; applied at once, or sent to a second agent (four eyes)."""
    signalement = _load(signalement_id, instruct=True)
    form = DecisionForm()
    if form.validate_on_submit():
        version = form.version_id.data
        try:
            with db.session.begin_nested():
                services.decide(
                    signalement, agent=current_user, decisions=_item_decisions(form), expected_version=version,
                    today=clock.today(),
                )  # fmt: skip
        except (SignalementError, StaleDataError) as error:
            db.session.expire_all()
            signalement = _load(signalement_id, instruct=True)
            stale = isinstance(error, StaleDataError | services.StaleRequest)
            form.form_errors.append(services.STALE_MESSAGE if stale else error.message)
            return _render_request(signalement, status=409 if stale else 422, decision_form=form)
        if signalement.state is SignalementState.AWAITING_VALIDATION:
            flash("Décision préparée : elle attend la validation d'un second agent.", "success")
        else:
            flash(f"Décision enregistrée : {signalement.state.label.lower()}. L'assuré est prévenu.", "success")
        return redirect(url_for("backoffice.show_request", signalement_id=signalement_id), 303)
    return _render_request(signalement, status=422, decision_form=form)


@bp.post("/demandes/<int:signalement_id>/validation")
def validate(signalement_id: int):
    """A second agent validates a prepared decision, or sends it back (with a comment)."""
    signalement = _load(signalement_id, instruct=True)
    form = ValidationForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                services.validate(
                    signalement, agent=current_user, approve=form.verdict.data == "approve", note=form.note.data or "",
                    expected_version=form.version_id.data, today=clock.today(),
                )  # fmt: skip
        except (SignalementError, StaleDataError) as error:
            db.session.expire_all()
            signalement = _load(signalement_id, instruct=True)
            stale = isinstance(error, StaleDataError | services.StaleRequest)
            if stale:
                form.form_errors.append(services.STALE_MESSAGE)
            elif error.field == "note":
                form.note.errors = [*form.note.errors, error.message]
            else:
                form.form_errors.append(error.message)
            return _render_request(signalement, status=409 if stale else 422, validation_form=form)
        flash("Validation enregistrée.", "success")
        return redirect(url_for("backoffice.show_request", signalement_id=signalement_id), 303)
    return _render_request(signalement, status=422, validation_form=form)


@bp.get("/tableau-de-bord")
@_role_required(permissions.can_see_dashboard)
def show_dashboard():
    """Stock by state and age, weekly flows, share decided in time, overdue, workload by agent."""
    figures = dashboard.compute(current_user, today=clock.today())
    return render_template("backoffice/dashboard.html", figures=figures)


# A cell starting with one of these is read as a formula by spreadsheet software (OWASP, CSV injection): an agent's
# name or a label typed somewhere could then run a formula on the superviseur's computer.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value as a CSV cell that no spreadsheet will evaluate: text starting like a formula gets a leading single
    quote. Numbers are written as they are (a negative count is not a formula)."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@bp.get("/tableau-de-bord.csv")
@_role_required(permissions.can_see_dashboard)
def export_dashboard():
    """The dashboard's tables as CSV (semicolons, UTF-8 with BOM: what spreadsheet software in French expects)."""
    figures = dashboard.compute(current_user, today=clock.today())
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for table in figures.tables():
        writer.writerow([csv_cell(table.title)])
        writer.writerow([csv_cell(cell) for cell in table.header])
        writer.writerows([csv_cell(cell) for cell in row] for row in table.rows)
        writer.writerow([])
    data = io.BytesIO(("\ufeff" + buffer.getvalue()).encode())
    return send_file(data, mimetype="text/csv", as_attachment=True, download_name="tableau-de-bord.csv")


@bp.get("/journal")
@_role_required(permissions.can_read_audit)
def audit_trail():
    """The audit trail, newest first, for auditors."""
    action = request.args.get("action") or None
    if action is not None and action not in {known.value for known in AuditAction}:
        _refuse(FILTER_REFUSED, "Cette action n'existe pas dans le journal. Choisissez une action dans la liste.")
    assure_id = _number_arg("assure", "Le n° interne de l'assuré est un nombre entier, par exemple 1234.")
    before_id = _number_arg("avant", "Ce lien vers les événements plus anciens a été modifié.")
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


def _number_arg(name: str, message: str) -> int | None:
    """An optional whole number of the query string; anything else is refused with `message`."""
    value = (request.args.get(name) or "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > queries.MAX_ID:
        _refuse("Paramètre incorrect", message)
    return int(value)


@bp.get("/demandes/<int:signalement_id>/simulation")
def simulate_request(signalement_id: int):
    """The assuré's retirement simulated on the recorded career and, while the request is pending, as if accepted."""
    signalement = _load(signalement_id)
    simulation = simulator_scenarios.simulate_assure(signalement.assure, today=clock.today(), signalement=signalement)
    # The simulation reads the assuré's whole career and children: recorded, with the agent who read it.
    audit(AuditAction.SIMULATION_VIEWED, actor=current_user, subject=signalement.assure, signalement_id=signalement.id)
    scenarios = []
    if simulation.result is not None:
        scenarios.append({"index": 1, "result": simulation.result,
                          "chosen": simulator_scenarios.chosen_departure(simulation.result)})  # fmt: skip
    if simulation.accepted is not None:
        scenarios.append({"index": 2, "result": simulation.accepted,
                          "chosen": simulator_scenarios.chosen_departure(simulation.accepted)})  # fmt: skip
    return render_template(
        "backoffice/simulation_request.html",
        signalement=signalement,
        simulation=simulation,
        is_pending=simulator_inputs.is_pending(signalement),
        scenarios=scenarios,
        chart=departures_chart(scenarios) if scenarios else None,
    )


def _summary_input(form: SummarySimulationForm, today) -> SimulationInput:
    future = ()
    if form.annual_earnings.data:
        # The figures are those of 31 December last: what is to come starts on 1 January (as in the JSON API).
        future = (FutureWork(start_date=date(today.year, 1, 1), annual_earnings=form.annual_earnings.data),)
    return SimulationInput(
        birth_date=form.birth_date.data,
        as_of=today,
        sex=Sex(form.sex.data) if form.sex.data else None,
        pension_date=form.departure.data,
        summary=Summary(
            quarters_all_regimes=form.quarters_all_regimes.data,
            quarters_regime_general=form.quarters_regime_general.data,
            quarters_contributed=form.quarters_contributed.data,
            sam=form.sam.data,
            agirc_arrco_points=form.agirc_arrco_points.data or Decimal(0),
        ),
        future=future,
    )


@bp.route("/simulation", methods=["GET", "POST"])
@_role_required(permissions.can_simulate)
def simulate_summary():
    """The simulator on figures read off a file (mode résumé); no assuré's data is read, so nothing is audited."""
    form = SummarySimulationForm()
    scenarios = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                result = simulate(_summary_input(form, clock.today()))
            except SimulationError as error:
                # The only date the engine checks here is the departure asked for (before the earliest possible).
                form.departure.errors = [*form.departure.errors, error.message]
            else:
                chosen = simulator_scenarios.chosen_departure(result, form.departure.data)
                scenarios = [{"index": 1, "result": result, "chosen": chosen}]
                status = 200
    return render_template(
        "backoffice/simulation_summary.html",
        form=form,
        scenarios=scenarios,
        chart=departures_chart(scenarios) if scenarios else None,
    ), status


def _load_mandate(mandate_id: int, *, verify: bool = False):
    mandate = queries.get_mandate(_known_id(mandate_id), lock=verify)
    if mandate is None or not permissions.can_view_mandate(current_user, mandate):
        abort(404)
    if verify and not permissions.can_verify_mandate(current_user, mandate):
        abort(403)
    return mandate


@bp.get("/mandats")
@_role_required(permissions.can_use_queues)
def list_mandates():
    """The mandates to verify, oldest first; the other states on their own tabs."""
    try:
        state = MandateState(request.args.get("etat", MandateState.REQUESTED.value))
    except ValueError:
        abort(404)
    try:
        rows, next_cursor = queries.list_mandates(current_user, state, after=request.args.get("apres"))
    except queries.InvalidCursor:
        _refuse_cursor()
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
            document=documents_services.get_mandate_document(mandate.id),
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
    document = documents_services.get_mandate_document(mandate.id)
    if document is None:
        abort(404)
    audit(
        AuditAction.DOCUMENT_VIEWED,
        actor=current_user,
        subject=mandate.protected,
        document_id=document.id,
        mandate_id=mandate.id,
    )
    return _send_inline(document)


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
