"""Mes demandes: flag an anomaly, attach justificatifs, file, follow, answer, withdraw."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectChoice

from portal import clock, errors
from portal.auth.decorators import assure_required
from portal.careers import queries as careers_queries
from portal.careers.models import PeriodNature
from portal.db import db
from portal.documents import services as documents_services
from portal.documents.validation import DocumentRefused
from portal.extensions import limiter
from portal.formatting import format_date
from portal.forms import EmptyForm
from portal.representation import context as acting_context
from portal.representation.decorators import requires
from portal.representation.permissions import Action
from portal.signalements import justificatifs, permissions, queries, services
from portal.signalements.catalog import CATALOG, PERIOD_FIELDS, AnomalyType, document_kinds
from portal.signalements.exceptions import DraftRefused, SignalementError
from portal.signalements.forms import (
    FIELD_LABELS_BY_TYPE,
    ChooseTypeForm,
    DocumentForm,
    MessageForm,
    SignalementForm,
    WithdrawForm,
)
from portal.signalements.models import ACCEPTED, BY_ASSURE, CLOSED, REFUSED
from portal.signalements.states import SignalementState

bp = Blueprint("signalements", __name__)

# Query parameters of the pre-filled form (from "À vérifier" or a period of the career page).
PREFILL_KEYS = ("annee", "periodes", "debut", "fin")
# Routes whose form carries a file, and where their part of the request's page is.
# The decision on an item of a request as the person sees it: DSFR badge variant and label.
ITEM_DECISIONS = {
    ACCEPTED: ("success", "Acceptée"),
    REFUSED: ("error", "Refusée"),
    CLOSED: ("", "Classée sans suite"),
}
UPLOAD_ANCHORS = {
    "signalements.upload_document": "#justificatifs",
    "signalements.post_message": "#messages",
    "signalements.answer_complement": "#complement",
}


def _account_key() -> str:
    return f"account:{current_user.get_id()}"


def _assure_id() -> int:
    """The assuré whose space this is; only called under @assure_required."""
    assure_id = acting_context.subject_id()
    assert assure_id is not None  # assure_required: the space is an assuré's
    return assure_id


def _load(signalement_id: int):
    signalement = queries.get_signalement_for_assure(signalement_id, _assure_id())
    if signalement is None or not permissions.can_view(acting_context.actor(), signalement):
        abort(404)
    return signalement


def _prefill() -> dict[str, str]:
    return {key: request.args[key] for key in PREFILL_KEYS if request.args.get(key)}


def _period_choices(assure_id: int, year: int | None = None):
    versions = careers_queries.list_current_versions(assure_id)
    if year is not None:
        versions = [version for version in versions if version.start_date.year == year] or versions
    return [
        SelectChoice(
            version.period_id,
            f"{format_date(version.start_date)} – {format_date(version.end_date)} · {version.nature.label} · "
            f"{version.regime.short_name}" + (f" · {version.employer_name}" if version.employer_name else ""),
        )
        for version in versions
    ]


def _signalement_form(anomaly_type: AnomalyType, data: dict) -> SignalementForm:
    """The form with only the fields this kind of anomaly asks for: a value sent for another one is ignored, never
    refused in a field the person cannot see."""
    form = SignalementForm(data=data)
    spec = anomaly_type.spec
    for name in PERIOD_FIELDS:
        if name not in spec.fields:
            del form[name]
    if spec.concerns_existing is False:
        del form["period_ids"]
    return form


def _value(form: SignalementForm, name: str):
    field = getattr(form, name, None)
    return None if field is None or field.errors else field.data


def _proposal(form: SignalementForm) -> services.Proposal:
    """The values the form could read: a value it refused is left out (None), its own message says why."""
    earnings = _value(form, "earnings")
    nature = _value(form, "nature")
    return services.Proposal(
        start_date=_value(form, "start_date"),
        end_date=_value(form, "end_date"),
        employer_name=(_value(form, "employer_name") or "").strip() or None,
        employer_siret=(_value(form, "employer_siret") or "").replace(" ", "") or None,
        earnings_cents=None if earnings is None else int(earnings * 100),
        days=_value(form, "days"),
        nature=PeriodNature(nature) if nature else None,
    )


def _attach_error(form, error: SignalementError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*list(target.errors), error.message]
    else:
        form.form_errors.append(error.message)


def _attach_errors(form, errors) -> None:
    """Put each rule's message on its field, unless the form already refused that field's value: the person reads
    every error of the page at once (a date in the future as well as an amount that cannot be read)."""
    for error in errors:
        target = getattr(form, error.field, None) if error.field else None
        if target is not None and getattr(target, "errors", None):
            continue
        _attach_error(form, error)


@bp.get("/mes-demandes")
@assure_required
def list_signalements():
    """Every request of the person, drafts first, with its state."""
    signalements = queries.list_signalements(acting_context.subject_id())
    return render_template(
        "signalements/list.html",
        signalements=signalements,
        draft_expiry={s.id: services.draft_expiry_date(s) for s in signalements if s.state is SignalementState.DRAFT},
    )


@bp.route("/mes-demandes/nouvelle", methods=["GET", "POST"])
@assure_required
@requires(Action.DRAFT)
def choose_type():
    """Step 1: which kind of anomaly, with what each needs as proof."""
    form = ChooseTypeForm(data={"anomaly_type": request.args.get("type")})
    if form.validate_on_submit():
        return redirect(url_for("signalements.new_signalement", anomaly_type=form.anomaly_type.data, **_prefill()), 303)
    return render_template("signalements/choose_type.html", form=form, catalog=CATALOG, prefill=_prefill()), (
        422 if form.errors else 200
    )


def _render_form(template: str, form, anomaly_type: AnomalyType, status: int = 200, signalement=None, prefill=None):
    return (
        render_template(
            template,
            form=form,
            prefill=prefill or {},
            anomaly_type=anomaly_type,
            spec=anomaly_type.spec,
            labels=FIELD_LABELS_BY_TYPE.get(anomaly_type, {}),
            signalement=signalement,
        ),
        status,
    )


@bp.route("/mes-demandes/nouvelle/<anomaly_type>", methods=["GET", "POST"])
@assure_required
@requires(Action.DRAFT)
def new_signalement(anomaly_type: str):
    """Step 2: the structured proposal and the explanation; saved as a draft."""
    try:
        kind = AnomalyType(anomaly_type)
    except ValueError:
        abort(404)
    prefill = _prefill()
    data: dict[str, list[int] | date | None] = {}
    if request.method == "GET":
        if prefill.get("periodes"):
            data["period_ids"] = [int(p) for p in prefill["periodes"].split(",") if p.isdigit()]
        for key, field in (("debut", "start_date"), ("fin", "end_date")):
            try:
                data[field] = date.fromisoformat(prefill[key]) if prefill.get(key) else None
            except ValueError:
                data[field] = None
    form = _signalement_form(kind, data)
    year = int(prefill["annee"]) if prefill.get("annee", "").isdigit() else None
    if form.period_ids is not None:
        form.period_ids.choices = _period_choices(_assure_id(), year)
    if form.is_submitted():
        period_ids = _value(form, "period_ids") or []
        if form.validate():
            try:
                signalement = services.create_draft(
                    acting_context.subject(),
                    actor=acting_context.actor(),
                    anomaly_type=kind,
                    period_ids=period_ids,
                    proposal=_proposal(form),
                    explanation=form.explanation.data or "",
                    year=year,
                    today=clock.today(),
                )
            except DraftRefused as refused:
                _attach_errors(form, refused.errors)
            except SignalementError as error:
                _attach_error(form, error)
            else:
                flash(
                    "Votre brouillon est enregistré. Ajoutez vos justificatifs puis déposez la demande.",
                    "success",
                )
                return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id), 303)
        else:
            # The form refused some values: the rules still run on the others, so that every error shows at once.
            errors = services.draft_errors(
                acting_context.subject(), kind, period_ids, _proposal(form), today=clock.today()
            )
            _attach_errors(form, errors)
        return _render_form("signalements/form.html", form, kind, 422, prefill=prefill)
    return _render_form("signalements/form.html", form, kind, prefill=prefill)


@bp.route("/mes-demandes/<int:signalement_id>/modifier", methods=["GET", "POST"])
@assure_required
@requires(Action.DRAFT)
def edit_signalement(signalement_id: int):
    """Change a draft's proposal."""
    signalement = _load(signalement_id)
    if not permissions.can_edit(acting_context.actor(), signalement):
        flash("Cette demande est déposée : elle ne peut plus être modifiée.", "warning")
        return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id), 303)
    first = signalement.items[0] if signalement.items else None
    data = {
        "period_ids": [item.period_id for item in signalement.items if item.period_id],
        "explanation": signalement.explanation,
    }
    if first is not None:
        data.update(
            start_date=first.proposed_start_date,
            end_date=first.proposed_end_date,
            employer_name=first.proposed_employer_name,
            employer_siret=first.proposed_employer_siret,
            earnings=first.proposed_earnings,
            days=first.proposed_days,
            nature=first.proposed_nature.value if first.proposed_nature else "",
        )
    form = _signalement_form(signalement.anomaly_type, data)
    years = {item.year for item in signalement.items if item.year}
    if form.period_ids is not None:
        form.period_ids.choices = _period_choices(_assure_id(), years.pop() if len(years) == 1 else None)
    if form.is_submitted():
        period_ids = _value(form, "period_ids") or []
        if form.validate():
            try:
                services.update_draft(
                    signalement,
                    actor=acting_context.actor(),
                    period_ids=period_ids,
                    proposal=_proposal(form),
                    explanation=form.explanation.data or "",
                    today=clock.today(),
                )
            except DraftRefused as refused:
                _attach_errors(form, refused.errors)
            except SignalementError as error:
                _attach_error(form, error)
            else:
                flash("Brouillon mis à jour.", "success")
                return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id), 303)
        else:
            # The form refused some values: the rules still run on the others, so that every error shows at once.
            errors = services.draft_errors(
                signalement.assure, signalement.anomaly_type, period_ids, _proposal(form), today=clock.today()
            )
            _attach_errors(form, errors)
        return _render_form("signalements/form.html", form, signalement.anomaly_type, 422, signalement)
    return _render_form("signalements/form.html", form, signalement.anomaly_type, signalement=signalement)


def _document_form(signalement) -> DocumentForm:
    form = DocumentForm()
    form.kind.choices = [SelectChoice("", "Choisissez")] + [
        SelectChoice(kind, kind) for kind in document_kinds(signalement.anomaly_type)
    ]
    current = {version.period_id: version for version in careers_queries.list_current_versions(signalement.assure_id)}
    form.period_ids.choices = [
        SelectChoice(
            item.period_id,
            f"{format_date(current[item.period_id].start_date)} – {format_date(current[item.period_id].end_date)}",
        )
        for item in signalement.items
        if item.period_id in current
    ]
    return form


def _render_show(
    signalement, *, status: int = 200, document_form=None, message_form=None, complement_form=None, withdraw_form=None
):
    documents = justificatifs.list_documents(signalement.id, signalement.assure_id)
    return (
        render_template(
            "signalements/show.html",
            signalement=signalement,
            spec=signalement.anomaly_type.spec,
            documents=documents,
            document_form=document_form or _document_form(signalement),
            message_form=message_form or MessageForm(),
            complement_form=complement_form or MessageForm(),
            withdraw_form=withdraw_form or WithdrawForm(),
            action_form=EmptyForm(),
            acting_id=acting_context.actor().id,
            filing_request=services.standing_filing_request(signalement, actor=acting_context.actor()),
            draft_expiry=services.draft_expiry_date(signalement)
            if signalement.state is SignalementState.DRAFT
            else None,
            current_versions={
                version.period_id: version for version in careers_queries.list_current_versions(signalement.assure_id)
            },
            max_documents=current_app.config["DOCUMENTS_PER_SIGNALEMENT"],
            max_document_bytes=current_app.config["DOCUMENT_MAX_BYTES"],
            accepts_documents=signalement.state in justificatifs.STATES_ACCEPTING_DOCUMENTS,
            recourse=queries.get_recourse_office(signalement) if signalement.state.is_decided else None,
            item_decisions=ITEM_DECISIONS,
            complement_request=_complement_request(signalement),
        ),
        status,
    )


def _complement_request(signalement):
    """The technician's message asking for the complement awaited, None when no complement is awaited."""
    if not signalement.state.awaits_complement:
        return None
    return next((message for message in reversed(signalement.messages) if not message.by_assure), None)


@bp.get("/mes-demandes/<int:signalement_id>")
@assure_required
def show_signalement(signalement_id: int):
    """A request: its state, target date, periods, justificatifs, messages and history."""
    return _render_show(_load(signalement_id))


@bp.post("/mes-demandes/<int:signalement_id>/supprimer")
@assure_required
@requires(Action.DRAFT)
def delete_signalement(signalement_id: int):
    """Delete a draft."""
    signalement = _load(signalement_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_draft(signalement, actor=acting_context.actor())
    except SignalementError as error:
        flash(error.message, "error")
        return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id), 303)
    flash("Le brouillon a été supprimé, avec ses justificatifs.", "success")
    return redirect(url_for("signalements.list_signalements"), 303)


@bp.post("/mes-demandes/<int:signalement_id>/pieces")
@assure_required
@requires(Action.DRAFT)
@limiter.limit(lambda: current_app.config["UPLOAD_RATE_LIMIT"], key_func=_account_key)
def upload_document(signalement_id: int):
    """Attach one justificatif."""
    signalement = _load(signalement_id)
    form = _document_form(signalement)
    submitted = form.validate_on_submit()
    upload = form.file.data if submitted else None
    if submitted and (upload is None or not upload.filename):
        form.file.errors = ["Choisissez un fichier."]
        submitted = False
    if not submitted:
        return _render_show(signalement, status=422, document_form=form)
    assert upload is not None  # still submitted: a file was chosen (checked above)
    try:
        document = justificatifs.add_document(
            signalement,
            actor=acting_context.actor(),
            stream=upload.stream,
            original_name=upload.filename,
            kind=form.kind.data,
            period_ids=form.period_ids.data or [],
        )
    except DocumentRefused as refusal:
        form.file.errors = [refusal.message]
        return _render_show(signalement, status=422, document_form=form)
    except SignalementError as error:
        form.file.errors = [error.message]
        return _render_show(signalement, status=422, document_form=form)
    flash(f"Justificatif ajouté : {document.original_name}.", "success")
    return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id) + "#justificatifs", 303)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A file over the size limit, refused before it is read (CSRF protection reads the body before any view): back
    to the request's page, nothing saved, the limit stated; a reload then shows the request, not a refused POST."""
    anchor = UPLOAD_ANCHORS.get(request.endpoint or "")
    if anchor is None:
        return errors.too_large()
    errors.drain_request_body()
    flash(errors.too_large_message(), "error")
    target = url_for("signalements.show_signalement", signalement_id=request.view_args["signalement_id"])
    return redirect(target + anchor, 303)


@bp.post("/mes-demandes/<int:signalement_id>/pieces/<int:document_id>/supprimer")
@assure_required
@requires(Action.DRAFT)
def remove_document(signalement_id: int, document_id: int):
    """Remove a justificatif from a draft."""
    signalement = _load(signalement_id)
    document = documents_services.get_document_for_assure(document_id, _assure_id())
    if document is None or document.signalement_id != signalement.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        justificatifs.remove_document(document, actor=acting_context.actor())
    except SignalementError as error:
        flash(error.message, "error")
    else:
        flash(f"Justificatif retiré : {document.original_name}.", "success")
    return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id) + "#justificatifs", 303)


@bp.post("/mes-demandes/<int:signalement_id>/deposer")
@assure_required
@requires(Action.FILE)
@limiter.limit(lambda: current_app.config["SUBMISSION_RATE_LIMIT"], key_func=_account_key)
def submit_signalement(signalement_id: int):
    """File the draft."""
    signalement = _load(signalement_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    actor = acting_context.actor()
    try:
        if g.permission.needs_confirmation and not services.confirms_filing(signalement, actor=actor):
            # Assistance: the first of the person and the representative asks, the other's « Déposer » files.
            services.request_filing(signalement, actor=actor)
            flash(
                "Votre accord est enregistré. La demande sera déposée dès que "
                f"{services.other_party_label(signalement, actor=actor, today=clock.today())} l'aura confirmée.",
                "info",
            )
            return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id), 303)
        services.submit(signalement, actor=actor, today=clock.today())
    except SignalementError as error:
        flash(error.message, "error")
        return _render_show(signalement, status=422)
    flash(
        f"Votre demande n° {signalement.reference} est déposée. Réponse attendue au plus tard le "
        f"{format_date(signalement.due_date)}. Un e-mail de confirmation vous a été envoyé.",
        "success",
    )
    return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id), 303)


@bp.post("/mes-demandes/<int:signalement_id>/retirer")
@assure_required
@requires(Action.WITHDRAW)
def withdraw_signalement(signalement_id: int):
    """Withdraw a filed request before its decision."""
    signalement = _load(signalement_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_show(signalement, status=422, withdraw_form=form)
    try:
        services.withdraw(signalement, actor=acting_context.actor(), reason=form.reason.data or "")
    except SignalementError as error:
        flash(error.message, "error")
        return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id), 303)
    flash("Votre demande a été retirée.", "success")
    return redirect(url_for("signalements.show_signalement", signalement_id=signalement.id), 303)


def _message_with_attachment(signalement, form, *, complement: bool):
    """Post the message (or the complement's answer) and its optional attachment, all or nothing."""
    upload = request.files.get("file")
    kind = request.form.get("kind") or "Autre document"
    if upload is not None and upload.filename and kind not in document_kinds(signalement.anomaly_type):
        # The type is chosen from a closed list, never typed: a forged one is refused before anything is written.
        raise SignalementError("Choisissez le type du document joint dans la liste proposée.", field="kind")
    if complement:
        message = services.answer_complement(
            signalement, actor=acting_context.actor(), body=form.body.data, today=clock.today()
        )
    else:
        message = services.post_message(
            signalement, actor=acting_context.actor(), author_kind=BY_ASSURE, body=form.body.data
        )
    if upload is not None and upload.filename:
        justificatifs.add_document(
            signalement,
            actor=acting_context.actor(),
            stream=upload.stream,
            original_name=upload.filename,
            kind=kind,
            period_ids=[],
            message=message,
        )
    return message


def _post(signalement_id: int, *, complement: bool):
    signalement = _load(signalement_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            # A savepoint: a refused attachment undoes the message and the state change with it.
            with db.session.begin_nested():
                _message_with_attachment(signalement, form, complement=complement)
        except (SignalementError, DocumentRefused) as error:
            db.session.expire_all()
            signalement = _load(signalement_id)
            form.body.errors = [error.message]
        else:
            flash(
                "Votre réponse a été transmise au technicien." if complement else "Votre message a été envoyé.",
                "success",
            )
            return redirect(url_for("signalements.show_signalement", signalement_id=signalement_id) + "#messages", 303)
    kwargs = {"complement_form": form} if complement else {"message_form": form}
    return _render_show(signalement, status=422, **kwargs)


@bp.post("/mes-demandes/<int:signalement_id>/messages")
@assure_required
@requires(Action.MESSAGE)
@limiter.limit(lambda: current_app.config["MESSAGE_RATE_LIMIT"], key_func=_account_key)
def post_message(signalement_id: int):
    """Write to the technician, with an optional attachment."""
    return _post(signalement_id, complement=False)


@bp.post("/mes-demandes/<int:signalement_id>/complement")
@assure_required
@requires(Action.MESSAGE)
@limiter.limit(lambda: current_app.config["MESSAGE_RATE_LIMIT"], key_func=_account_key)
def answer_complement(signalement_id: int):
    """Answer the technician's complement request."""
    return _post(signalement_id, complement=True)
