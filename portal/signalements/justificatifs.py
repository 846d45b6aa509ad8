"""The justificatifs of a signalement: when they can be added or removed, how many, and for which periods.

The files themselves are received, inspected and stored by portal/documents; this module decides what a request
accepts, and writes the audit lines.
"""

from typing import IO

from flask import current_app
from sqlalchemy import func, select

from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.careers import queries as careers_queries
from portal.careers.models import CareerPeriod
from portal.db import db
from portal.documents import services as documents
from portal.documents.models import Document
from portal.documents.validation import safe_filename
from portal.signalements.exceptions import SignalementError, TooManyDocuments
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState

# Justificatifs can be added while the person prepares the request, and when the technician asks for more.
STATES_ACCEPTING_DOCUMENTS = frozenset({SignalementState.DRAFT, SignalementState.COMPLEMENT_REQUESTED})


def list_documents(signalement_id: int, assure_id: int) -> list[Document]:
    """The request's documents, named by the person's id too (one shard on a cluster distributed by assuré)."""
    statement = (
        select(Document)
        .where(Document.signalement_id == signalement_id, Document.assure_id == assure_id)
        .order_by(Document.id)
    )
    return list(db.session.execute(statement).scalars())


def count_documents(signalement_id: int) -> int:
    statement = select(func.count()).select_from(Document).where(Document.signalement_id == signalement_id)
    return db.session.execute(statement).scalar_one()


def _uploader_account(actor):
    # Agents (a postal intake) have no account of the portal: only a person's account is recorded as the uploader.
    return actor if actor is not None and actor.assure_id else None


def add_document(
    signalement,
    *,
    actor,
    stream: IO[bytes],
    original_name: str,
    kind: str,
    period_ids: list[int],
    message=None,
) -> Document:
    """Validate and store one justificatif for `signalement`.

    Raises DocumentRefused (name, size, type, corrupt or encrypted content), TooManyDocuments, or SignalementError
    when the request no longer accepts documents or a period is not the person's. Nothing is stored on refusal.
    """
    if signalement.state not in STATES_ACCEPTING_DOCUMENTS and message is None:
        raise SignalementError("Cette demande est déposée : des justificatifs ne peuvent plus y être ajoutés.")
    safe_filename(original_name)
    _check_room(signalement.id)  # before reading the file: most refusals cost nothing
    current = {version.period_id for version in careers_queries.list_current_versions(signalement.assure_id)}
    if any(period_id not in current for period_id in period_ids):
        raise SignalementError("Une des périodes choisies n'existe pas dans votre carrière.", field="period_ids")

    with documents.received_file(stream, original_name) as received:
        # Uploads to the same request at the same moment: each counts again once it holds the request's row, so
        # that two of them cannot both take the last place (PostgreSQL: SELECT ... FOR UPDATE, held until the
        # transaction ends; SQLite serialises write requests from their start, see portal/db.py).
        _lock_signalement(signalement.id)
        _check_room(signalement.id)
        uploader = _uploader_account(actor)
        document = documents.store(
            received,
            assure_id=signalement.assure_id,
            kind=kind,
            uploaded_by_account_id=uploader.id if uploader else None,
            signalement_id=signalement.id,
            message_id=getattr(message, "id", None),
        )
    if period_ids:
        document.periods = list(
            db.session.execute(select(CareerPeriod).where(CareerPeriod.id.in_(period_ids))).scalars()
        )
        db.session.flush()
    audit(
        AuditAction.DOCUMENT_ADDED,
        actor=uploader,
        subject=signalement.assure,
        document_id=document.id,
        sha256=document.sha256,
        signalement_id=signalement.id,
    )
    return document


def _check_room(signalement_id: int) -> None:
    """Raise TooManyDocuments when the request already holds the most justificatifs it may."""
    maximum = current_app.config["DOCUMENTS_PER_SIGNALEMENT"]
    if count_documents(signalement_id) >= maximum:
        raise TooManyDocuments(
            f"Une demande peut contenir {maximum} justificatifs au plus. "
            "Supprimez-en un, ou regroupez plusieurs pages dans un seul PDF."
        )


def _lock_signalement(signalement_id: int) -> None:
    """Hold the request's row until the transaction ends (no-op on SQLite, whose writers are serialised)."""
    statement = select(Signalement.id).where(Signalement.id == signalement_id).with_for_update()
    db.session.execute(statement)


def remove_document(document: Document, *, actor) -> None:
    """Remove a justificatif from a draft; the object goes once the removal is committed."""
    signalement = db.session.get(Signalement, document.signalement_id)
    if signalement is not None and signalement.state is not SignalementState.DRAFT:
        raise SignalementError("Un justificatif ne peut être retiré que d'un brouillon.")
    audit(
        AuditAction.DOCUMENT_REMOVED,
        actor=_uploader_account(actor),
        subject=signalement.assure if signalement else None,
        document_id=document.id,
    )
    documents.delete(document)
