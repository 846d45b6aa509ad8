"""Mes représentations: ask to represent a protected adult, switch to "J'agis pour …", and, for the protected
person, every action done on their behalf."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from portal import clock
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth.decorators import assure_required
from portal.documents.validation import DocumentRefused
from portal.extensions import limiter
from portal.forms import EmptyForm
from portal.representation import context, queries, services
from portal.representation.exceptions import MandateError
from portal.representation.forms import MandateRequestForm
from portal.representation.models import Measure
from portal.representation.permissions import LIMITED_ACTS
from portal.sessions import regenerate_session

bp = Blueprint("representation", __name__)
# The citizen pages a representative reads in the protected person's space: each read is audited (ARCHITECTURE:
# every read of an assuré's data by someone else is recorded).
AUDITED_READS = ("careers.", "signalements.", "simulator.", "simulator_buy_back.", "documents.")

ACTION_LABELS = {
    "career.confirmed": "a confirmé une année de la carrière",
    "signalement.created": "a commencé une demande",
    "signalement.updated": "a modifié un brouillon de demande",
    "signalement.deleted": "a supprimé un brouillon de demande",
    "signalement.transition": "a fait avancer une demande",
    "signalement.message": "a envoyé un message au technicien",
    "document.added": "a ajouté un justificatif",
    "document.removed": "a retiré un justificatif",
    "representative.read": "a consulté votre espace",
    "representative.acting_started": "est entré dans votre espace",
    "representative.acting_ended": "a quitté votre espace",
    "representative.simulated": "a simulé votre retraite",
}
TRANSITION_LABELS = {
    "submit": "a déposé la demande",
    "withdraw": "a retiré la demande",
    "answer_complement": "a répondu à la demande de complément",
}


@bp.before_app_request
def _resolve_acting_for():
    response = context.resolve()
    if response is not None:
        return response
    acting = context.acting()
    if acting is not None and request.method == "GET" and (request.endpoint or "").startswith(AUDITED_READS):
        audit(
            AuditAction.REPRESENTATIVE_READ,
            actor=acting,
            subject=acting.assure,
            endpoint=request.endpoint,
            path=request.path,
        )
    return None


@bp.app_context_processor
def _acting_banner():
    return {"acting": g.get("acting")}


def _collapse_reads(rows):
    """Consecutive reads of the space by the same representative on the same day make one line, with their count."""
    collapsed: list[tuple] = []
    for event, mandate in rows:
        previous = collapsed[-1] if collapsed else None
        if (
            previous is not None
            and event.action == "representative.read"
            and previous[0].action == "representative.read"
            and previous[0].actor_account_id == event.actor_account_id
            and previous[0].occurred_at.date() == event.occurred_at.date()
        ):
            collapsed[-1] = (previous[0], previous[1], previous[2] + 1)
            continue
        collapsed.append((event, mandate, 1))
    return collapsed


@bp.get("/mes-representations")
@login_required
def list_mandates():
    """The representative's mandates, in every state, and the switch to act for a protected person."""
    today = clock.today()
    return render_template(
        "representation/list.html",
        mandates=queries.list_for_representative(current_user.id),
        today=today,
        form=EmptyForm(),
        limited_acts=LIMITED_ACTS,
    )


@bp.post("/mes-representations/je-represente")
@login_required
def declare_representative():
    """At first login, "I come for a person I protect": the next logins lead to « Mes représentations »."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.declare_representative(current_user)
    return redirect(url_for("representation.list_mandates"), 303)


@bp.route("/mes-representations/nouvelle", methods=["GET", "POST"])
@login_required
# The form takes another person's identity: a few tries an hour per account, as the NIR step at first login, so that
# it cannot be used to find out who is insured here.
@limiter.limit(
    lambda: current_app.config["NIR_BINDING_RATE_LIMIT"], methods=["POST"], key_func=lambda: str(current_user.get_id())
)
def request_mandate():
    """Ask to represent a protected adult: the measure, their identity, the decision and a sworn statement."""
    form = MandateRequestForm()
    if request.method == "POST" and not form.validate():
        services.refuse_request(current_user, reason="form", fields=sorted(form.errors))
    elif form.is_submitted():
        try:
            mandate = services.request_mandate(
                services.MandateRequest(
                    measure=Measure(form.measure.data),
                    birth_name=form.birth_name.data,
                    given_names=form.given_names.data,
                    birth_date=form.birth_date.data,
                    nir=form.nir.data,
                    court_name=form.court_name.data,
                    decision_date=form.decision_date.data,
                    decision_number=form.decision_number.data,
                    start_date=form.start_date.data,
                    end_date=form.end_date.data,
                    sworn_statement=form.sworn.data,
                ),
                account=current_user,
                today=clock.today(),
                stream=form.decision.data.stream,
                original_name=form.decision.data.filename or "decision",
            )
        except MandateError as error:
            getattr(form, error.field or "nir").errors.append(error.message)
        except DocumentRefused as refusal:
            form.decision.errors.append(refusal.message)
        else:
            flash(
                f"Votre demande n° {mandate.reference} est transmise : un technicien vérifie la décision. Vous "
                "recevrez un e-mail dès qu'elle sera examinée.",
                "success",
            )
            return redirect(url_for("representation.list_mandates"), 303)
    status = 422 if form.errors else 200
    return render_template("representation/request.html", form=form, measures=list(Measure)), status


@bp.post("/mes-representations/<int:mandate_id>/agir")
@login_required
def act_for(mandate_id: int):
    """Switch to the protected person's space under an active mandate."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    mandate = queries.get_for_representative(mandate_id, current_user.id)
    if mandate is None:
        abort(404)
    if not mandate.is_in_force(clock.today()):
        flash("Ce mandat n'est pas en vigueur : vous ne pouvez pas agir en son nom.", "warning")
        return redirect(url_for("representation.list_mandates"), 303)
    # More rights under the same login: a new session token, as at login (session fixation).
    regenerate_session()
    session[context.SESSION_KEY] = mandate.id
    services.record_acting(mandate, account=current_user, started=True)
    flash(f"Vous agissez maintenant pour {mandate.protected.display_name}.", "info")
    return redirect(url_for("careers.show_career"), 303)


@bp.post("/mes-representations/revenir")
@login_required
def stop_acting():
    """Back to one's own space."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if context.acting() is not None:
        services.record_acting(context.acting().mandate, account=current_user, started=False)
    session.pop(context.SESSION_KEY, None)
    flash("Vous êtes revenu dans votre propre espace.", "info")
    return redirect(url_for("representation.list_mandates"), 303)


@bp.get("/mon-espace/actions-de-mes-representants")
@assure_required
def list_actions_on_my_behalf():
    """The protected person's view: who acted for them, when, and what."""
    if context.acting() is not None:
        # A representative reads the protected person's space, not this page about themselves.
        abort(404)
    rows = _collapse_reads(queries.list_actions_on_behalf_of(current_user.assure_id))
    return render_template(
        "representation/actions.html",
        rows=rows,
        mandates=queries.list_for_protected(current_user.assure_id),
        labels=ACTION_LABELS,
        transitions=TRANSITION_LABELS,
    )
