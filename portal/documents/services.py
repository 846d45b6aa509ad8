"""Receiving, storing, serving and removing justificatifs.

A document exists as a row and an object together or not at all: the object is written first, and deleted again
if the transaction that adds the row rolls back; a removed row deletes its object only once the removal has
committed. `sweep_orphans` cleans what a crash between the two could still leave behind.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.careers import queries as careers_queries
from portal.db import on_commit, on_rollback, utcnow
from portal.documents.models import Document
from portal.documents.storage import Storage, storage_from_config
from portal.documents.validation import DocumentRefused, InspectedFile, inspect_file, safe_filename
from portal.extensions import db
from portal.signalements.exceptions import SignalementError, TooManyDocuments
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState

CHUNK = 64 * 1024
# Justificatifs can be added while the person prepares the request, and when the technician asks for more.
STATES_ACCEPTING_DOCUMENTS = frozenset({SignalementState.DRAFT, SignalementState.COMPLEMENT_REQUESTED})
STORAGE_EXTENSION = "portal_storage"


def init_app(app) -> None:
    app.extensions[STORAGE_EXTENSION] = storage_from_config(app.config)


def storage() -> Storage:
    return current_app.extensions[STORAGE_EXTENSION]


def list_documents(signalement_id: int) -> list[Document]:
    statement = select(Document).where(Document.signalement_id == signalement_id).order_by(Document.id)
    return list(db.session.execute(statement).scalars())


def get_document_for_assure(document_id: int, assure_id: int) -> Document | None:
    # A mandate's court decision is in the person's file for the technicians, not among their justificatifs.
    statement = select(Document).where(
        Document.id == document_id, Document.assure_id == assure_id, Document.mandate_id.is_(None)
    )
    return db.session.execute(statement).scalar_one_or_none()


def _spool(stream: BinaryIO, directory: Path, max_bytes: int) -> Path:
    """Copy the upload to a temporary file in chunks, stopping as soon as it exceeds the limit."""
    handle = tempfile.NamedTemporaryFile(dir=directory, delete=False)
    path = Path(handle.name)
    written = 0
    try:
        with handle:
            while chunk := stream.read(CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    raise DocumentRefused("too_large", f"Le fichier dépasse {max_bytes // (1024 * 1024)} Mo.")
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def add_document(
    signalement,
    *,
    actor,
    stream: BinaryIO,
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

    with received_file(stream, original_name) as received:
        # Uploads to the same request at the same moment: each counts again once it holds the request's row, so
        # that two of them cannot both take the last place (PostgreSQL: SELECT ... FOR UPDATE, held until the
        # transaction ends; SQLite serialises write requests from their start, see portal/db.py).
        _lock_signalement(signalement.id)
        _check_room(signalement.id)
        stored = _put(received.path)
    name, inspected = received.name, received.inspected
    document = Document(
        assure_id=signalement.assure_id,
        uploaded_by_account_id=getattr(actor, "id", None) if getattr(actor, "assure_id", None) else None,
        signalement_id=signalement.id,
        message_id=getattr(message, "id", None),
        storage_key=stored.key,
        original_name=name,
        kind=kind,
        content_type=inspected.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )
    if period_ids:
        from portal.careers.models import CareerPeriod

        document.periods = list(
            db.session.execute(select(CareerPeriod).where(CareerPeriod.id.in_(period_ids))).scalars()
        )
    db.session.add(document)
    db.session.flush()
    audit(
        AuditAction.DOCUMENT_ADDED,
        actor=actor if getattr(actor, "assure_id", None) else None,
        subject=signalement.assure,
        document_id=document.id,
        sha256=document.sha256,
        signalement_id=signalement.id,
    )
    return document


def _check_room(signalement_id: int) -> None:
    """Raise TooManyDocuments when the request already holds the most justificatifs it may."""
    from portal.signalements.services import count_documents  # signalements.services imports this module

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


def _put(path: Path):
    """Store a received file; its object is deleted again if the transaction (or savepoint) rolls back."""
    with path.open("rb") as handle:
        stored = storage().put(handle)
    on_rollback(partial(_delete_object, current_app._get_current_object(), stored.key))
    return stored


@dataclass(frozen=True)
class ReceivedFile:
    """An upload spooled to a temporary file and inspected (name, size, type, content), not stored yet."""

    name: str
    path: Path
    inspected: InspectedFile


@contextmanager
def received_file(stream: BinaryIO, original_name: str) -> Iterator[ReceivedFile]:
    """Spool and inspect an upload without storing it, so that the caller checks everything else before its first
    write (a mandate request: the file, then the person). The temporary file is gone when the block ends. Raises
    DocumentRefused."""
    name = safe_filename(original_name)
    config = current_app.config
    with tempfile.TemporaryDirectory(prefix="justificatif-") as directory:
        path = _spool(stream, Path(directory), config["DOCUMENT_MAX_BYTES"])
        yield ReceivedFile(name=name, path=path, inspected=inspect_file(path, max_bytes=config["DOCUMENT_MAX_BYTES"]))


def add_mandate_document(mandate, *, actor, received: ReceivedFile, kind: str) -> Document:
    """Store the court decision (or the notarised mandate) a mandate request rests on, already inspected by
    `received_file`. It belongs to the protected person's file and is shown only to the technicians who verify the
    mandate. The object is deleted if the transaction rolls back."""
    stored = _put(received.path)
    document = Document(
        assure_id=mandate.protected_assure_id,
        uploaded_by_account_id=actor.id,
        mandate_id=mandate.id,
        storage_key=stored.key,
        original_name=received.name,
        kind=kind,
        content_type=received.inspected.content_type,
        size=stored.size,
        sha256=stored.sha256,
    )
    db.session.add(document)
    db.session.flush()
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


def remove_document(document: Document, *, actor) -> None:
    """Remove a justificatif from a draft; the object goes once the removal is committed."""
    signalement = db.session.get(Signalement, document.signalement_id)
    if signalement is not None and signalement.state is not SignalementState.DRAFT:
        raise SignalementError("Un justificatif ne peut être retiré que d'un brouillon.")
    key = document.storage_key
    audit(
        AuditAction.DOCUMENT_REMOVED,
        actor=actor if getattr(actor, "assure_id", None) else None,
        subject=signalement.assure if signalement else None,
        document_id=document.id,
    )
    db.session.delete(document)
    db.session.flush()
    on_commit(partial(_delete_object, current_app._get_current_object(), key))


def _delete_object(app, key: str) -> None:
    with app.app_context():
        app.extensions[STORAGE_EXTENSION].delete(key)


@dataclass
class SweepReport:
    objects_deleted: int
    rows_without_object: list[int]


def sweep_orphans(*, older_than: timedelta, now: datetime | None = None) -> SweepReport:
    """Delete stored objects that no row references and that are older than `older_than` (younger ones may belong
    to an upload in progress); report rows whose object is missing. The `flask documents sweep` job."""
    now = now or utcnow()
    known = set(db.session.execute(select(Document.storage_key)).scalars())
    deleted = 0
    for key, modified_at in storage().iter_objects():
        if key not in known and modified_at < now - older_than:
            storage().delete(key)
            deleted += 1
    missing = [
        document_id
        for document_id, key in db.session.execute(select(Document.id, Document.storage_key))
        if not storage().exists(key)
    ]
    return SweepReport(objects_deleted=deleted, rows_without_object=missing)


def copy_to(document: Document, target: BinaryIO) -> None:
    with storage().open(document.storage_key) as source:
        shutil.copyfileobj(source, target, CHUNK)
