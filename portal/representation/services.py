"""The life of a mandate: requested by the representative, verified by a technician, in force until its end date,
revoked or expired. Each change writes its audit line and queues the e-mails in the same transaction."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from sqlalchemy import select

from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth.identity import first_given_name, is_valid_nir, normalize_name, normalize_nir
from portal.auth.models import Account
from portal.careers.models import Assure
from portal.db import db, utcnow
from portal.documents import services as documents_services
from portal.documents.models import Document
from portal.documents.services import ReceivedFile
from portal.documents.validation import DocumentRefused
from portal.notifications import services as notifications
from portal.representation.exceptions import MandateError
from portal.representation.models import Mandate, MandateState, Measure, Scope
from portal.representation.permissions import LIMITED_ACTS

# A mandate cannot be backdated beyond the measure itself, nor run for ever: the judge reviews measures at most
# every ten years (Code civil, art. 441), twenty for some tutelles (art. 441 al. 2).
MAX_MEASURE_YEARS = 20


@dataclass(frozen=True)
class MandateRequest:
    measure: Measure
    birth_name: str
    given_names: str
    birth_date: date
    nir: str
    court_name: str
    decision_date: date
    decision_number: str
    start_date: date
    end_date: date
    sworn_statement: bool


UNKNOWN_PERSON_MESSAGE = (
    "Aucun dossier ne correspond à cette personne : vérifiez son numéro de sécurité sociale, son nom de naissance, "
    "son premier prénom et sa date de naissance, tels qu'ils figurent sur la décision de justice."
)


def _candidate(form: MandateRequest) -> tuple[Assure | None, bool]:
    """The assuré the NIR designates (None when nobody holds it) and whether the other identity fields agree."""
    nir = normalize_nir(form.nir)
    if len(nir) != 15 or not is_valid_nir(nir):
        raise MandateError(
            "Ce numéro de sécurité sociale n'est pas valide : vérifiez chaque chiffre et la clé.", field="nir"
        )
    assure = db.session.execute(select(Assure).where(Assure.nir == nir)).scalar_one_or_none()
    matches = (
        assure is not None
        and assure.birth_date == form.birth_date
        and normalize_name(assure.birth_name) == normalize_name(form.birth_name)
        and first_given_name(assure.given_names) == first_given_name(form.given_names)
    )
    return assure, matches


def _check_request(request: MandateRequest, *, today: date) -> None:
    """What the request says, on its own: the sworn statement and the dates. Raises MandateError."""
    if not request.sworn_statement:
        raise MandateError("Vous devez certifier sur l'honneur l'exactitude de ces informations.", field="sworn")
    if request.decision_date > today:
        raise MandateError("La date de la décision est dans le futur.", field="decision_date")
    if request.start_date < request.decision_date - timedelta(days=366):
        raise MandateError("La mesure ne peut pas commencer plus d'un an avant la décision.", field="start_date")
    if request.end_date <= request.start_date:
        raise MandateError("La date de fin ou de révision doit suivre la date de début.", field="end_date")
    if request.end_date < today:
        raise MandateError("Cette mesure a déjà pris fin : elle ne peut plus être enregistrée.", field="end_date")
    if (request.end_date - request.start_date).days > MAX_MEASURE_YEARS * 366:
        raise MandateError(
            f"Une mesure de protection est revue au plus tard au bout de {MAX_MEASURE_YEARS} ans : vérifiez la date "
            "de fin ou de révision.",
            field="end_date",
        )


def refuse_request(account: Account, *, reason: str, subject: Assure | None = None, **data) -> None:
    """Record a refused mandate request (the form's own checks included): its reason only, nothing that was typed
    about the third party. The refusal itself stores nothing else."""
    audit(AuditAction.MANDATE_REQUEST_REFUSED, actor=account, subject=subject, reason=reason, **data)


def request_mandate(
    request: MandateRequest, *, account: Account, today: date, stream: BinaryIO, original_name: str
) -> Mandate:
    """File a mandate request with the court decision as its justificatif.

    Everything is checked before the first write, in an order that tells nothing about third parties: what the
    request says (sworn statement, dates), then the file's content, then the person, whose identity gets one and
    the same answer whichever field is wrong and whether or not the fund knows them. Raises MandateError (with the
    field) or DocumentRefused; a refusal is audited and stores nothing else (no mandate, no document, no file).
    """
    candidate = None
    try:
        _check_request(request, today=today)
        with documents_services.received_file(stream, original_name) as received:
            candidate, matches = _candidate(request)
            # matches is only true with a candidate; checking both tells mypy that `protected` is an Assure.
            if candidate is None or not matches:
                raise MandateError(UNKNOWN_PERSON_MESSAGE, field="nir", code="identity")
            protected = candidate
            if protected.id == account.assure_id:
                raise MandateError(
                    "Vous ne pouvez pas demander à vous représenter vous-même.", field="nir", code="self"
                )
            existing = db.session.execute(
                select(Mandate).where(
                    Mandate.representative_account_id == account.id,
                    Mandate.protected_assure_id == protected.id,
                    Mandate.state.in_([MandateState.REQUESTED, MandateState.ACTIVE]),
                )
            ).scalar_one_or_none()
            if existing is not None:
                raise MandateError(
                    f"Vous avez déjà un mandat {existing.state.label.lower()} pour cette personne "
                    f"(n° {existing.reference}).",
                    field="nir",
                    code="duplicate",
                )
            mandate = Mandate(
                representative_account_id=account.id,
                representative_name=account.display_name,
                protected_assure_id=protected.id,
                caisse_id=protected.caisse_id,
                measure=request.measure,
                court_name=request.court_name.strip(),
                decision_date=request.decision_date,
                decision_number=request.decision_number.strip(),
                start_date=request.start_date,
                end_date=request.end_date,
                sworn_statement_at=utcnow(),
                state=MandateState.REQUESTED,
            )
            db.session.add(mandate)
            db.session.flush()
            add_mandate_document(mandate, actor=account, received=received, kind="Décision de justice")
    except MandateError as refusal:
        refuse_request(account, reason=refusal.code, subject=candidate)
        raise
    except DocumentRefused as refusal:
        refuse_request(account, reason=f"decision_{refusal.code}", subject=candidate)
        raise
    audit(
        AuditAction.MANDATE_REQUESTED,
        actor=account,
        subject=protected,
        mandate_id=mandate.id,
        measure=mandate.measure.value,
    )
    _notify_both(
        mandate,
        "mandate_requested.txt",
        "Votre demande de mandat a bien été reçue",
        protected_subject="Une demande de mandat de représentation vous concerne",
    )
    return mandate


def declare_representative(account: Account) -> None:
    """The account, with no file of its own, comes for a person it protects: from now on its login leads to « Mes
    représentations » rather than to the first-login NIR step."""
    if account.declared_representative_at is None:
        account.declared_representative_at = utcnow()
        audit(AuditAction.REPRESENTATIVE_DECLARED, actor=account)


def record_acting(mandate: Mandate, *, account: Account, started: bool) -> None:
    """The representative enters (or leaves) the protected person's space under `mandate`: audited, naming both."""
    audit(
        AuditAction.REPRESENTATIVE_ACTING_STARTED if started else AuditAction.REPRESENTATIVE_ACTING_ENDED,
        actor=account,
        subject=mandate.protected,
        acting_for=mandate.protected,
        mandate_id=mandate.id,
    )


def approve(mandate: Mandate, *, agent, today: date, allowed_acts: list[str] | None = None) -> Mandate:
    """The technician has checked the decision: the mandate is in force from its start date. For a sauvegarde de
    justice, `allowed_acts` are the acts the decision lists (permissions.LIMITED_ACTS). Raises MandateError, also
    when the measure ended while the request waited."""
    _expect(mandate, MandateState.REQUESTED, "Ce mandat a déjà été examiné.")
    if mandate.end_date < today:
        raise MandateError(
            f"La mesure a pris fin le {mandate.end_date:%d/%m/%Y} : refusez la demande, le représentant devra "
            "joindre la décision de renouvellement."
        )
    if get_mandate_document(mandate.id) is None:
        # The decision is what the technician verifies: without it there is nothing to approve.
        raise MandateError(
            "La décision de justice manque à cette demande : elle ne peut pas être validée. Refusez-la ; le "
            "représentant pourra faire une nouvelle demande avec la décision."
        )
    if mandate.scope is Scope.LIMITED:
        acts = [act for act in (allowed_acts or []) if act in LIMITED_ACTS]
        if not acts:
            raise MandateError("Cochez les actes que la décision confie au mandataire spécial.", field="allowed_acts")
        mandate.allowed_actions = ",".join(sorted(acts))
    mandate.state = MandateState.ACTIVE
    mandate.decided_at = utcnow()
    mandate.decided_by_agent_id = agent.id
    audit(AuditAction.MANDATE_APPROVED, actor=agent, subject=mandate.protected, mandate_id=mandate.id)
    _notify_both(mandate, "mandate_approved.txt", "Un mandat de représentation a été enregistré")
    return mandate


def refuse(mandate: Mandate, *, agent, motive: str) -> Mandate:
    _expect(mandate, MandateState.REQUESTED, "Ce mandat a déjà été examiné.")
    if not motive.strip():
        raise MandateError("Indiquez le motif du refus : il est communiqué au demandeur.", field="motive")
    mandate.state = MandateState.REFUSED
    mandate.decided_at = utcnow()
    mandate.decided_by_agent_id = agent.id
    mandate.refusal_motive = motive.strip()
    audit(AuditAction.MANDATE_REFUSED, actor=agent, subject=mandate.protected, mandate_id=mandate.id)
    # The person is told too: a refused request may be an attempt to act for them without a decision.
    _notify_both(mandate, "mandate_refused.txt", "Une demande de mandat n'a pas été acceptée")
    return mandate


def revoke(mandate: Mandate, *, agent, motive: str) -> Mandate:
    """End an active mandate now (a new decision, a death, a fraud): it loses its effect at the next request."""
    _expect(mandate, MandateState.ACTIVE, "Seul un mandat actif peut être révoqué.")
    if not motive.strip():
        raise MandateError("Indiquez le motif de la révocation.", field="motive")
    mandate.state = MandateState.REVOKED
    mandate.revoked_at = utcnow()
    mandate.revoked_by_agent_id = agent.id
    mandate.revocation_motive = motive.strip()
    audit(AuditAction.MANDATE_REVOKED, actor=agent, subject=mandate.protected, mandate_id=mandate.id)
    _notify_both(mandate, "mandate_ended.txt", "Un mandat de représentation a pris fin")
    return mandate


def expire_mandates(*, today: date) -> int:
    """Mark expired every active mandate whose end date has passed (daily job `flask mandates expire`)."""
    statement = select(Mandate).where(Mandate.state == MandateState.ACTIVE, Mandate.end_date < today)
    count = 0
    for mandate in db.session.execute(statement).scalars():
        mandate.state = MandateState.EXPIRED
        mandate.expired_at = utcnow()
        audit(AuditAction.MANDATE_EXPIRED, subject=mandate.protected, mandate_id=mandate.id)
        _notify_both(mandate, "mandate_ended.txt", "Un mandat de représentation a pris fin")
        count += 1
    return count


def _expect(mandate: Mandate, state: MandateState, message: str) -> None:
    if mandate.state is not state:
        raise MandateError(message)


def _email(account: Account | None) -> str | None:
    return (account.pivot_identity or {}).get("email") if account is not None else None


def _notify_representative(mandate: Mandate, template: str, subject: str) -> None:
    notifications.queue_email(
        _email(mandate.representative),
        subject=subject,
        template=f"emails/{template}",
        mandate=mandate,
        to_protected=False,
    )


def _notify_both(mandate: Mandate, template: str, subject: str, protected_subject: str | None = None) -> None:
    """The representative, and the protected person at every step of the mandate, when they have an address (their
    own account's): under assistance and sauvegarde they keep acting themselves, under representation the law wants
    them informed of the measure (Code civil, art. 457-1), and a request they do not know of may be an attempt to
    act for them without a decision."""
    _notify_representative(mandate, template, subject)
    for account in db.session.execute(
        select(Account).where(Account.assure_id == mandate.protected_assure_id)
    ).scalars():
        notifications.queue_email(
            _email(account),
            subject=protected_subject or subject,
            template=f"emails/{template}",
            mandate=mandate,
            to_protected=True,
        )


def add_mandate_document(mandate, *, actor, received: ReceivedFile, kind: str) -> Document:
    """Store the court decision (or the notarised mandate) a mandate request rests on, already inspected by
    `received_file`. It belongs to the protected person's file and is shown only to the technicians who verify the
    mandate. The object is deleted if the transaction rolls back."""
    document = documents_services.store(
        received,
        assure_id=mandate.protected_assure_id,
        kind=kind,
        uploaded_by_account_id=actor.id,
        mandate_id=mandate.id,
    )
    audit(
        AuditAction.DOCUMENT_ADDED,
        actor=actor,
        subject=mandate.protected,
        document_id=document.id,
        sha256=document.sha256,
        mandate_id=mandate.id,
    )
    return document


def get_mandate_document(mandate_id: int) -> Document | None:
    return db.session.execute(select(Document).where(Document.mandate_id == mandate_id)).scalars().first()
