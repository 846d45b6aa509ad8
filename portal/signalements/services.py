"""Operations on signalements. Each state change: check the table, change the state, write the history line and
the audit line, queue the e-mail. Services flush; the request (or `atomic()`) commits."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from portal import clock
from portal.actors import Actor
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth.models import Account
from portal.careers import queries as careers_queries
from portal.careers.models import PeriodNature
from portal.db import db, utcnow
from portal.documents.models import Document
from portal.notifications import services as notifications
from portal.pension_rules.parameters import MINIMUM_WORKING_AGE, working_age_date
from portal.representation import permissions as representation_permissions
from portal.signalements import controls, justificatifs, queries
from portal.signalements.catalog import DOCUMENTS_OPTIONAL, AnomalyType
from portal.signalements.exceptions import DraftRefused, SignalementError, SignalementIncomplete
from portal.signalements.models import (
    BY_AGENT,
    BY_ASSURE,
    Signalement,
    SignalementEvent,
    SignalementItem,
    SignalementMessage,
)
from portal.signalements.priority import compute_priority, place_in_queue
from portal.signalements.states import Action, SignalementState, check_transition


@dataclass(frozen=True)
class Proposal:
    """What the person proposes, as the form parsed it. Every field optional; the kind says which are needed."""

    start_date: date | None = None
    end_date: date | None = None
    employer_name: str | None = None
    employer_siret: str | None = None
    earnings_cents: int | None = None
    days: int | None = None
    nature: PeriodNature | None = None


def _label(actor: Actor | None) -> str:
    return (actor.display_name if actor is not None else None) or "Système"


def draft_errors(
    assure, anomaly_type: AnomalyType, period_ids: list[int], proposal: Proposal, *, today: date
) -> list[SignalementError]:
    """Every rule the draft's values break, each with the form field it concerns (one per field, in the form's
    order), so that the person reads them all at once rather than one per submission. Reads the stored career,
    changes nothing; a value left None (absent, or refused by the form) is only checked for being required."""
    spec = anomaly_type.spec
    errors: dict[str, SignalementError] = {}

    def refuse(error: SignalementError) -> None:
        errors.setdefault(error.field or "", error)

    current = {version.period_id: version for version in careers_queries.list_current_versions(assure.id)}
    if any(period_id not in current for period_id in period_ids):
        refuse(SignalementError("Une des périodes choisies n'existe pas dans votre carrière.", field="period_ids"))
    if spec.concerns_existing is True and not period_ids:
        refuse(SignalementIncomplete("Choisissez la ou les périodes concernées.", field="period_ids"))
    labels = {
        "start_date": "la date de début",
        "end_date": "la date de fin",
        "employer_name": "le nom de l'employeur",
        "earnings": "le montant proposé",
        "nature": "la nature de la période",
    }
    values = {
        "start_date": proposal.start_date,
        "end_date": proposal.end_date,
        "employer_name": proposal.employer_name,
        "earnings": proposal.earnings_cents,
        "nature": proposal.nature,
    }
    for name in spec.required_fields:
        if values.get(name) in (None, ""):
            refuse(SignalementIncomplete(f"Indiquez {labels[name]}.", field=name))
    fourteenth = working_age_date(assure.birth_date)
    for field_name in ("start_date", "end_date"):
        value = getattr(proposal, field_name)
        if value is None:
            continue
        if value > today:
            refuse(SignalementError("Une période ne peut pas être dans le futur.", field=field_name))
        elif anomaly_type is not AnomalyType.CHILDREN and value < fourteenth:
            refuse(
                SignalementError(
                    f"Cette date est antérieure à vos {MINIMUM_WORKING_AGE} ans : vérifiez l'année saisie.",
                    field=field_name,
                )
            )
    if proposal.start_date and proposal.end_date and proposal.end_date < proposal.start_date:
        refuse(SignalementError("La date de fin est antérieure à la date de début.", field="end_date"))
    return list(errors.values())


def _check_draft(assure, anomaly_type: AnomalyType, period_ids: list[int], proposal: Proposal, *, today: date):
    errors = draft_errors(assure, anomaly_type, period_ids, proposal, today=today)
    if errors:
        raise DraftRefused(errors)


def _items(assure, anomaly_type: AnomalyType, period_ids: list[int], proposal: Proposal, year: int | None):
    """The draft's items; `_check_draft` has made sure every period is the person's."""
    spec = anomaly_type.spec
    current = {version.period_id: version for version in careers_queries.list_current_versions(assure.id)}
    values = {
        "proposed_nature": proposal.nature or (PeriodNature(spec.default_nature) if spec.default_nature else None),
        "proposed_start_date": proposal.start_date,
        "proposed_end_date": proposal.end_date,
        "proposed_employer_name": proposal.employer_name or None,
        "proposed_employer_siret": proposal.employer_siret or None,
        "proposed_earnings_cents": proposal.earnings_cents,
        "proposed_days": proposal.days,
    }
    if period_ids:
        return [
            SignalementItem(period_id=period_id, year=current[period_id].start_date.year, **values)
            for period_id in period_ids
        ]
    item_year = proposal.start_date.year if proposal.start_date else year
    return [SignalementItem(period_id=None, year=item_year, **values)]


def create_draft(
    assure,
    *,
    actor,
    anomaly_type: AnomalyType,
    period_ids: list[int],
    proposal: Proposal,
    explanation: str,
    year: int | None = None,
    today: date,
) -> Signalement:
    """Create a draft for `assure`. Raises DraftRefused (every error, each with the form field concerned) on a value
    that the stored career contradicts: a period that is not theirs, dates before 14 or in the future."""
    _check_draft(assure, anomaly_type, period_ids, proposal, today=today)
    signalement = Signalement(
        assure_id=assure.id,
        created_by_account_id=actor.id,
        anomaly_type=anomaly_type,
        state=SignalementState.DRAFT,
        explanation=explanation.strip(),
    )
    signalement.items = _items(assure, anomaly_type, period_ids, proposal, year)
    db.session.add(signalement)
    db.session.flush()
    _event(signalement, None, SignalementState.DRAFT, actor)
    audit(
        AuditAction.SIGNALEMENT_CREATED,
        actor=actor,
        subject=assure,
        signalement_id=signalement.id,
        anomaly_type=anomaly_type.value,
    )
    return signalement


def update_draft(
    signalement: Signalement,
    *,
    actor,
    period_ids: list[int],
    proposal: Proposal,
    explanation: str,
    today: date,
) -> Signalement:
    """Replace the draft's proposal. Raises TransitionNotAllowed once filed, SignalementError on bad values."""
    if signalement.state is not SignalementState.DRAFT:
        check_transition(signalement.state, Action.SUBMIT)  # raises with the "already filed" message
    assure = signalement.assure
    _check_draft(assure, signalement.anomaly_type, period_ids, proposal, today=today)
    year = signalement.items[0].year if signalement.items else None
    signalement.items = _items(assure, signalement.anomaly_type, period_ids, proposal, year)
    signalement.explanation = explanation.strip()
    signalement.updated_at = utcnow()
    void_filing_request(signalement, actor=actor)
    audit(AuditAction.SIGNALEMENT_UPDATED, actor=actor, subject=assure, signalement_id=signalement.id)
    db.session.flush()
    return signalement


def delete_draft(signalement: Signalement, *, actor) -> None:
    """Delete a draft and its justificatifs (files removed once the deletion is committed)."""
    if signalement.state is not SignalementState.DRAFT:
        raise SignalementError("Seul un brouillon peut être supprimé ; une demande déposée peut être retirée.")
    for document in justificatifs.list_documents(signalement.id, signalement.assure_id):
        justificatifs.remove_document(document, actor=actor)
    audit(AuditAction.SIGNALEMENT_DELETED, actor=actor, subject=signalement.assure, signalement_id=signalement.id)
    db.session.delete(signalement)
    db.session.flush()


def submit(signalement: Signalement, *, actor, today: date) -> Signalement:
    """File the draft: it becomes "déposée", complete today, with its target date. Raises TransitionNotAllowed
    when already filed, SignalementIncomplete when a required justificatif is missing."""
    _check_complete(signalement)
    signalement.filed_at = utcnow()
    signalement.complete_date = today
    signalement.target_days = current_app.config["SIGNALEMENT_TARGET_DAYS"][signalement.anomaly_type.value]
    signalement.due_date = today + timedelta(days=signalement.target_days)
    signalement.caisse_id = signalement.assure.caisse_id
    transition(signalement, Action.SUBMIT, actor=actor)
    _prepare_for_back_office(signalement, today=today)
    _notify(
        signalement,
        subject=f"Votre demande n° {signalement.reference} a bien été déposée",
        template="emails/signalement_filed.txt",
    )
    return signalement


def _check_complete(signalement: Signalement) -> None:
    check_transition(signalement.state, Action.SUBMIT)
    if signalement.anomaly_type not in DOCUMENTS_OPTIONAL and justificatifs.count_documents(signalement.id) == 0:
        raise SignalementIncomplete(
            "Joignez au moins un justificatif avant de déposer votre demande (bulletin de salaire, attestation...). "
            "Si vous n'avez plus le document, une attestation de l'employeur ou de l'organisme convient.",
            field="documents",
        )


def filing_digest(signalement: Signalement) -> str:
    """The digest of what a party agrees to file under assistance: the kind of request, the explanation, every
    item's proposed values, and every justificatif (its content's sha256, its kind and its periods). Any edit of the
    draft or of its justificatifs changes it, and so voids an agreement given before."""
    items = [
        [
            item.period_id, item.year, item.proposed_nature, item.proposed_regime_id, item.proposed_start_date,
            item.proposed_end_date, item.proposed_employer_name, item.proposed_employer_siret,
            item.proposed_earnings_cents, item.proposed_days,
        ]
        for item in signalement.items
    ]  # fmt: skip
    statement = select(Document).where(Document.signalement_id == signalement.id).order_by(Document.id)
    documents = [
        [document.id, document.sha256, document.kind, sorted(period.id for period in document.periods)]
        for document in db.session.execute(statement).scalars()
    ]
    payload = {
        "anomaly_type": signalement.anomaly_type.value,
        "explanation": signalement.explanation,
        "items": items,
        "documents": documents,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class FilingRequest:
    """An agreement to file a draft under assistance that still stands (the draft has not changed since), as the
    one looking at it sees it."""

    by_label: str
    at: datetime
    by_actor: bool  # the one looking gave it
    files_now: bool  # the one looking files the request by confirming it
    awaited: str  # who may still confirm it


def _is_the_person(signalement: Signalement, actor) -> bool:
    """The protected person themselves, in their own space (not a representative acting for them)."""
    return actor.mandate is None and actor.assure_id == signalement.assure_id


def standing_filing_request(signalement: Signalement, *, actor) -> FilingRequest | None:
    """The agreement to file this draft, if one was given and the draft (values and justificatifs) is still the one
    agreed to; None otherwise (an edit voids it)."""
    requested_by = signalement.filing_requested_by_account_id
    if signalement.state is not SignalementState.DRAFT or requested_by is None:
        return None
    if signalement.filing_requested_digest != filing_digest(signalement):
        return None
    requester = db.session.get(Account, requested_by)
    by_person = requester is not None and requester.assure_id == signalement.assure_id
    by_actor = requested_by == actor.id
    # Under assistance the person acts, assisted (Code civil, art. 467 for the curatelle, 494-1 for the habilitation
    # familiale): their own « Déposer » is one of the two, so two co-curateurs cannot file without them.
    files_now = not by_actor and (by_person or _is_the_person(signalement, actor))
    # request_filing sets the time with the account, and void_filing_request clears both.
    assert signalement.filing_requested_at is not None
    return FilingRequest(
        by_label=signalement.filing_requested_by_label or "",
        at=signalement.filing_requested_at,
        by_actor=by_actor,
        files_now=files_now,
        awaited="son représentant" if by_person else signalement.assure.display_name,
    )


def confirms_filing(signalement: Signalement, *, actor) -> bool:
    """Under a measure of assistance: does `actor`'s « Déposer » complete an agreement that still stands, given by
    the other party, the person being one of the two?"""
    standing = standing_filing_request(signalement, actor=actor)
    return standing is not None and standing.files_now


def void_filing_request(signalement: Signalement, *, actor) -> None:
    """The draft changed: an agreement given before no longer holds (the digest would refuse it anyway; clearing it
    keeps the page and the history truthful)."""
    if signalement.filing_requested_by_account_id is None:
        return
    signalement.filing_requested_by_account_id = None
    signalement.filing_requested_by_label = None
    signalement.filing_requested_at = None
    signalement.filing_requested_digest = None
    _event(signalement, SignalementState.DRAFT, SignalementState.DRAFT, actor,
           "Accord pour déposer annulé : le brouillon a été modifié")  # fmt: skip


def request_filing(signalement: Signalement, *, actor) -> Signalement:
    """Under a measure of assistance, the person or the representative agrees to file the draft as it is now; the
    other one's confirmation files it, as long as the draft does not change. Both see the same request.

    Raises SignalementError when it is not a draft, when a justificatif is missing, or when another representative
    already agreed: the person must then confirm themselves.
    """
    _check_complete(signalement)
    standing = standing_filing_request(signalement, actor=actor)
    if standing is not None and not standing.by_actor and not standing.files_now:
        raise SignalementError(
            f"{standing.by_label} a déjà donné son accord pour déposer cette demande : elle attend maintenant la "
            f"confirmation de {signalement.assure.display_name}. Sous une mesure d'assistance, la personne protégée "
            "est toujours l'une des deux à confirmer."
        )
    signalement.filing_requested_by_account_id = actor.id
    signalement.filing_requested_by_label = _label(actor)
    signalement.filing_requested_at = utcnow()
    signalement.filing_requested_digest = filing_digest(signalement)
    signalement.updated_at = utcnow()
    _event(signalement, SignalementState.DRAFT, SignalementState.DRAFT, actor, "Accord pour déposer la demande")
    audit(AuditAction.SIGNALEMENT_UPDATED, actor=actor, subject=signalement.assure, signalement_id=signalement.id,
          filing_requested=True)  # fmt: skip
    _notify(
        signalement,
        subject=f"Demande n° {signalement.reference} : votre confirmation est attendue",
        template="emails/signalement_confirmation.txt",
        requested_by=_label(actor),
    )
    return signalement


def other_party_label(signalement: Signalement, *, actor, today: date) -> str:
    if actor.mandate is not None:
        return signalement.assure.display_name
    names = [
        f"{m.representative_name} ({m.representative_title})"
        for m in representation_permissions.mandates_in_force(signalement.assure_id, today)
    ]
    return " ou ".join(names) or "votre représentant"


def _prepare_for_back_office(signalement: Signalement, *, today: date) -> None:
    """At filing: the embedded controls run on the proposal and the request gets its place in the queues."""
    controls.record_findings(
        signalement, controls.run_controls(signalement, today=today, stage="filing"), stage="filing"
    )
    place_in_queue(signalement, compute_priority(signalement, today=today))


def withdraw(signalement: Signalement, *, actor, reason: str = "") -> Signalement:
    """The person withdraws a filed request before its decision. Raises TransitionNotAllowed otherwise."""
    transition(signalement, Action.WITHDRAW, actor=actor, note=reason.strip() or None)
    signalement.closed_at = utcnow()
    _notify(
        signalement,
        subject=f"Votre demande n° {signalement.reference} a été retirée",
        template="emails/signalement_changed.txt",
    )
    return signalement


def take(signalement: Signalement, *, actor) -> Signalement:
    """A technician starts instructing a filed request."""
    transition(signalement, Action.TAKE, actor=actor)
    _notify(
        signalement,
        subject=f"Votre demande n° {signalement.reference} est en cours d'instruction",
        template="emails/signalement_changed.txt",
    )
    return signalement


def complement_errors(*, message: str, due_date: date | None, today: date) -> list[SignalementError]:
    """Every rule a complement request breaks, each with its field, so that the form shows them at once. A due date
    the form could not read (None) is left to the form's own message."""
    errors: list[SignalementError] = []
    if not message.strip():
        errors.append(SignalementIncomplete("Précisez ce qui est demandé.", field="message"))
    if due_date is not None and due_date <= today:
        errors.append(SignalementError("La date limite de réponse doit être dans le futur.", field="due_date"))
    return errors


def request_complement(signalement: Signalement, *, actor, message: str, due_date: date, today: date) -> Signalement:
    """Ask the person for more; the deadline stops running until they answer. Raises the first of
    `complement_errors` (SignalementError) on a request that breaks a rule."""
    errors = complement_errors(message=message, due_date=due_date, today=today)
    if errors:
        raise errors[0]
    transition(signalement, Action.REQUEST_COMPLEMENT, actor=actor, note=message.strip())
    signalement.paused_since = today
    signalement.complement_due_date = due_date
    _add_message(signalement, author_kind=BY_AGENT, actor=actor, body=message)
    _notify(
        signalement,
        subject=f"Un complément est demandé pour votre demande n° {signalement.reference}",
        template="emails/signalement_complement.txt",
        due_date=due_date,
    )
    return signalement


def answer_complement(signalement: Signalement, *, actor, body: str, today: date) -> SignalementMessage:
    """The person answers the complement request: the request goes back to the technician and the deadline
    resumes, extended by the days it waited."""
    check_transition(signalement.state, Action.ANSWER_COMPLEMENT)
    if not body.strip():
        raise SignalementIncomplete("Écrivez votre réponse au technicien.", field="body")
    if signalement.paused_since is not None:
        waited = max(0, (today - signalement.paused_since).days)
        signalement.paused_days += waited
        if signalement.due_date is not None:
            signalement.due_date += timedelta(days=waited)
    signalement.paused_since = None
    signalement.complement_due_date = None
    message = _add_message(signalement, author_kind=BY_ASSURE, actor=actor, body=body)
    transition(signalement, Action.ANSWER_COMPLEMENT, actor=actor, note="Réponse au complément demandé")
    _notify(
        signalement,
        subject=f"Votre réponse pour la demande n° {signalement.reference} a été transmise",
        template="emails/signalement_changed.txt",
    )
    return message


def post_message(signalement: Signalement, *, actor, author_kind: str, body: str) -> SignalementMessage:
    """A message in the request's thread, while it is open. Raises SignalementError otherwise."""
    if not signalement.state.is_open:
        raise SignalementError("Les messages ne sont possibles que sur une demande en cours.")
    if not body.strip():
        raise SignalementIncomplete("Écrivez votre message.", field="body")
    message = _add_message(signalement, author_kind=author_kind, actor=actor, body=body)
    if author_kind == BY_AGENT:
        _notify(
            signalement,
            subject=f"Nouveau message sur votre demande n° {signalement.reference}",
            template="emails/signalement_message.txt",
        )
    return message


def _add_message(signalement: Signalement, *, author_kind: str, actor, body: str) -> SignalementMessage:
    message = SignalementMessage(
        signalement=signalement,
        author_kind=author_kind,
        author_account_id=actor.account_id if author_kind == BY_ASSURE else None,
        author_label=_label(actor),
        body=body.strip(),
    )
    db.session.add(message)
    db.session.flush()
    audit(
        AuditAction.SIGNALEMENT_MESSAGE,
        actor=actor,
        subject=signalement.assure,
        signalement_id=signalement.id,
        message_id=message.id,
    )
    return message


def transition(signalement: Signalement, action: Action, *, actor, note: str | None = None) -> None:
    """Move the request along the lifecycle table, with its history line and its audit line."""
    previous = signalement.state
    signalement.state = check_transition(previous, action)
    signalement.updated_at = utcnow()
    if signalement.state.is_decided:
        signalement.decided_at = signalement.updated_at
    _event(signalement, previous, signalement.state, actor, note)
    audit(
        AuditAction.SIGNALEMENT_TRANSITION,
        actor=actor,  # the assuré, their representative, or the agent (audit.record tells them apart)
        subject=signalement.assure,
        signalement_id=signalement.id,
        transition=action.value,
        from_state=previous.value,
        to_state=signalement.state.value,
    )
    db.session.flush()


def _event(signalement, previous, new, actor, note=None) -> None:
    db.session.add(
        SignalementEvent(
            signalement=signalement,
            from_state=previous,
            to_state=new,
            actor_account_id=actor.account_id if actor is not None and actor.assure_id is not None else None,
            actor_label=_label(actor),
            note=note,
        )
    )


def _notify(signalement: Signalement, *, subject: str, template: str, **context) -> None:
    # The person, and every representative whose mandate is in force: both follow the request.
    accounts = list(db.session.execute(select(Account).where(Account.assure_id == signalement.assure_id)).scalars())
    accounts += [
        mandate.representative
        for mandate in representation_permissions.mandates_in_force(signalement.assure_id, clock.today())
    ]
    recipients = dict.fromkeys(filter(None, ((account.pivot_identity or {}).get("email") for account in accounts)))
    for recipient in recipients:
        notifications.queue_email(
            recipient,
            subject=subject,
            template=template,
            reference=signalement.reference,
            state_label=signalement.state.label,
            signalement_id=signalement.id,
            **context,
        )


def draft_expiry_date(signalement: Signalement) -> date:
    """The day a draft left untouched is deleted."""
    return (signalement.updated_at + timedelta(days=current_app.config["DRAFT_RETENTION_DAYS"])).date()


def purge_expired_drafts(*, now) -> int:
    """Delete drafts untouched for DRAFT_RETENTION_DAYS (the `flask signalements purge-drafts` job)."""
    limit = now - timedelta(days=current_app.config["DRAFT_RETENTION_DAYS"])
    drafts = db.session.execute(
        select(Signalement).where(Signalement.state == SignalementState.DRAFT, Signalement.updated_at < limit)
    ).scalars()
    count = 0
    for draft in list(drafts):
        delete_draft(draft, actor=None)
        count += 1
    return count


def notify_decision(signalement: Signalement) -> None:
    """The e-mail announcing a decision states its voies et délais de recours (CSS R142-1): the commission de
    recours amiable of the caisse, its address, two months from the notification."""
    _notify(
        signalement,
        subject=f"Une décision a été prise sur votre demande n° {signalement.reference}",
        template="emails/signalement_changed.txt",
        recourse=queries.get_recourse_office(signalement),
        decided_at=signalement.decided_at,
    )
