"""Receiving, storing, serving and removing the documents people send, whatever they are attached to.

This module knows files and their rows only; what may be attached where (justificatifs of a signalement, the
court decision of a mandate) is decided by those features (portal/signalements/justificatifs.py,
portal/representation/services.py).

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
from typing import IO, BinaryIO

from flask import current_app
from sqlalchemy import select

from portal.db import db, on_commit, on_rollback, utcnow
from portal.documents.models import Document
from portal.documents.storage import Storage, storage_from_config
from portal.documents.validation import DocumentRefused, InspectedFile, inspect_file, safe_filename

CHUNK = 64 * 1024
STORAGE_EXTENSION = "portal_storage"


def init_app(app) -> None:
    app.extensions[STORAGE_EXTENSION] = storage_from_config(app.config)


def storage() -> Storage:
    return current_app.extensions[STORAGE_EXTENSION]


def get_document_for_assure(document_id: int, assure_id: int) -> Document | None:
    # A mandate's court decision is in the person's file for the technicians, not among their justificatifs.
    statement = select(Document).where(
        Document.id == document_id, Document.assure_id == assure_id, Document.mandate_id.is_(None)
    )
    return db.session.execute(statement).scalar_one_or_none()


def _spool(stream: IO[bytes], directory: Path, max_bytes: int) -> Path:
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


def _put(path: Path):
    """Store a file; its object is deleted again if the transaction (or savepoint) rolls back."""
    with path.open("rb") as handle:
        stored = storage().put(handle)
    # The real app, not the proxy, for the callback; Flask types current_app as Flask.
    on_rollback(partial(_delete_object, current_app._get_current_object(), stored.key))  # type: ignore[attr-defined]
    return stored


@dataclass(frozen=True)
class ReceivedFile:
    """An upload spooled to a temporary file and inspected (name, size, type, content), not stored yet."""

    name: str
    path: Path
    inspected: InspectedFile


@contextmanager
def received_file(stream: IO[bytes], original_name: str) -> Iterator[ReceivedFile]:
    """Spool and inspect an upload without storing it, so that the caller checks everything else before its first
    write (a mandate request: the file, then the person). The temporary file is gone when the block ends. Raises
    DocumentRefused."""
    name = safe_filename(original_name)
    config = current_app.config
    with tempfile.TemporaryDirectory(prefix="justificatif-") as directory:
        path = _spool(stream, Path(directory), config["DOCUMENT_MAX_BYTES"])
        yield ReceivedFile(name=name, path=path, inspected=inspect_file(path, max_bytes=config["DOCUMENT_MAX_BYTES"]))


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


def store(
    received: ReceivedFile, *, assure_id: int, kind: str, uploaded_by_account_id: int | None, **links
) -> Document:
    """Store a received file and record it in the person's file. `links` names what it is attached to (a
    signalement, a message, a mandate: Document's columns). The object is deleted if the transaction rolls back."""
    stored = _put(received.path)
    document = Document(
        assure_id=assure_id,
        uploaded_by_account_id=uploaded_by_account_id,
        storage_key=stored.key,
        original_name=received.name,
        kind=kind,
        content_type=received.inspected.content_type,
        size=stored.size,
        sha256=stored.sha256,
        **links,
    )
    db.session.add(document)
    db.session.flush()
    return document


def delete(document: Document) -> None:
    """Delete the document's row; its object goes once the deletion is committed."""
    key = document.storage_key
    db.session.delete(document)
    db.session.flush()
    # The real app, not the proxy, for the callback; Flask types current_app as Flask.
    on_commit(partial(_delete_object, current_app._get_current_object(), key))  # type: ignore[attr-defined]
