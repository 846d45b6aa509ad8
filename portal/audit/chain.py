"""The audit trail's hash chain: appending a row to it, verifying it, and `flask audit verify`.

Each row's `row_hash` is the sha256 of a canonical serialisation of the row: a JSON object of every column but
`row_hash` (so `previous_hash` is part of it), keyed by column name, sorted keys, no whitespace, UTF-8 (non-ASCII
characters as themselves), timestamps in ISO 8601 (naive UTC, as stored), NULL columns left out. `previous_hash` is
the `row_hash` of the previous row in id order, 64 zeros for the first one. Editing a field breaks the row's own
hash; deleting, inserting or moving a row breaks the next row's link.

What the chain cannot show on its own: rows removed at the end (the remaining chain is valid), or a suffix (or the
whole chain) rewritten with its hashes recomputed by someone who can write to the table. Checkpoints cover both
(checkpoints.py): the head of the trail, signed and kept outside the database, written daily by `flask audit
checkpoint`; `flask audit verify` checks the chain, then the trail against the last checkpoint.
"""

import enum
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import click
from flask import Flask
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session, scoped_session

from portal.audit import checkpoints
from portal.audit.models import AuditEvent
from portal.db import db, utcnow

GENESIS_HASH = "0" * 64
HASH_COLUMNS = frozenset({"previous_hash", "row_hash"})
# One fixed key for pg_advisory_xact_lock, so that every transaction appending to the chain queues on the same lock.
CHAIN_LOCK_KEY = 0x4155444954  # "AUDIT" in ASCII
VERIFY_BATCH_SIZE = 1000


def _encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no canonical form in the audit hash")


def canonical_bytes(columns: Mapping[str, Any], previous_hash: str) -> bytes:
    """The bytes hashed for a row: `columns` maps column names to values; the two hash columns are ignored."""
    content = {name: value for name, value in columns.items() if name not in HASH_COLUMNS and value is not None}
    content["previous_hash"] = previous_hash
    serialised = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_encode
    )
    return serialised.encode("utf-8")


def compute_row_hash(columns: Mapping[str, Any], previous_hash: str) -> str:
    return hashlib.sha256(canonical_bytes(columns, previous_hash)).hexdigest()


def _column_values(event: AuditEvent) -> dict[str, Any]:
    mapper = inspect(AuditEvent)
    table = AuditEvent.__table__
    return {column.name: getattr(event, mapper.get_property_by_column(column).key) for column in table.columns}


def _apply_python_defaults(event: AuditEvent) -> None:
    """Set the columns' Python-side defaults now (occurred_at...), so the hash covers the values that are inserted."""
    mapper = inspect(AuditEvent)
    for column in AuditEvent.__table__.columns:
        key = mapper.get_property_by_column(column).key
        default = column.default
        if getattr(event, key) is not None or default is None or default.is_sequence:
            continue
        if default.is_scalar:
            setattr(event, key, default.arg)
        elif default.is_callable:
            setattr(event, key, default.arg(None))  # SQLAlchemy wraps a no-argument callable to take a context
        else:
            raise TypeError(f"audit_event.{column.name}: a SQL default would leave its value out of the row's hash")


def _dialect_name(session: Session | scoped_session) -> str:
    return session.get_bind(AuditEvent).dialect.name


def append(session: Session | scoped_session, event: AuditEvent) -> None:
    """Chain `event` to the last row of the trail and insert it in the current transaction (this flushes `session`).

    The hash covers the id, which the database only assigns at the INSERT. Flushing the row first and hashing it
    afterwards would mean inserting it without its hash (the columns are NOT NULL) and then updating a row of an
    append-only table. So the id is taken here, before the INSERT, while holding the chain's lock: from the table's
    sequence on PostgreSQL; on SQLite, last id + 1, which is what SQLite itself would assign. The row is then flushed
    at once, so that it is the last row for whatever reads the table next in this transaction, another session on
    the same connection included (the tests' requests).

    Concurrency: on PostgreSQL, a transaction-level advisory lock is taken before reading the last row and held
    until the transaction ends, so a concurrent transaction reads the last row only once this one has committed
    (or rolled back) and chains to it. On SQLite, writes are serialised by the database: a transaction that read
    the last row cannot write once another has written. Either way, the unique constraint on previous_hash turns a
    fork into an error rather than a silently broken chain.
    """
    postgresql = _dialect_name(session) == "postgresql"
    if postgresql:
        session.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))
    last = session.execute(
        select(AuditEvent.id, AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).one_or_none()
    if postgresql:
        sequence = func.pg_get_serial_sequence(AuditEvent.__tablename__, AuditEvent.id.name)
        event.id = session.execute(select(func.nextval(sequence))).scalar_one()
    else:
        event.id = (last.id if last else 0) + 1
    _apply_python_defaults(event)
    event.previous_hash = last.row_hash if last else GENESIS_HASH
    event.row_hash = compute_row_hash(_column_values(event), event.previous_hash)
    session.add(event)
    session.flush()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows_checked: int
    first_broken_id: int | None
    reason: str | None
    last_hash: str | None = None  # row_hash of the last row checked: compare it with a copy kept elsewhere


BROKEN_LINK = "son maillon ne correspond pas à la ligne précédente (ligne supprimée, insérée ou déplacée avant elle)"
BROKEN_HASH = "son contenu ne correspond plus à son empreinte (ligne modifiée)"


def verify_chain(session: Session | scoped_session, *, batch_size: int = VERIFY_BATCH_SIZE) -> ChainReport:
    """Walk the whole trail in id order, `batch_size` rows at a time, and stop at the first broken row."""
    table = AuditEvent.__table__
    expected_previous = GENESIS_HASH
    rows_checked = 0
    last_id = None
    while True:
        statement = select(table).order_by(table.c.id).limit(batch_size)
        if last_id is not None:
            statement = statement.where(table.c.id > last_id)
        rows = session.execute(statement).all()
        if not rows:
            last_hash = expected_previous if rows_checked else None
            return ChainReport(
                ok=True, rows_checked=rows_checked, first_broken_id=None, reason=None, last_hash=last_hash
            )
        for row in rows:
            columns = {column.name: row._mapping[column] for column in table.columns}
            rows_checked += 1
            reason = None
            if columns["previous_hash"] != expected_previous:
                reason = BROKEN_LINK
            elif compute_row_hash(columns, columns["previous_hash"]) != columns["row_hash"]:
                reason = BROKEN_HASH
            if reason:
                return ChainReport(ok=False, rows_checked=rows_checked, first_broken_id=columns["id"], reason=reason)
            expected_previous = columns["row_hash"]
        last_id = rows[-1].id


def _describe_anchor(anchor: checkpoints.AnchorReport) -> str:
    """What the last checkpoint proves, and what it cannot, in French."""
    if anchor.checkpoint is None:
        return (
            "Aucun point d'ancrage : le chaînage ne prouve pas qu'aucune ligne n'a été supprimée à la fin, ni qu'une "
            "fin de journal n'a pas été réécrite. Écrivez-en un avec « flask audit checkpoint »."
        )
    checkpoint = anchor.checkpoint
    text = (
        f"Ancré jusqu'à la ligne n° {checkpoint.last_id} (point d'ancrage signé du "
        f"{checkpoint.created_at:%d/%m/%Y à %H:%M} UTC, {checkpoint.row_count} ligne(s)) : ces lignes n'ont été ni "
        "modifiées, ni supprimées, ni réécrites depuis."
    )
    if anchor.rows_after:
        text += (
            f" Les {anchor.rows_after} ligne(s) suivante(s) sont chaînées mais pas encore ancrées : leur suppression "
            "ou leur réécriture ne serait pas détectée avant le prochain point d'ancrage."
        )
    return text


class TrailError(Exception):
    """The trail is altered, or cannot be checked; `message` says which, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def check_trail(config) -> tuple[ChainReport, checkpoints.AnchorReport]:
    """The chain, then the trail against the last checkpoint (`flask audit verify`, beat's portal.audit.verify).
    Raises TrailError when either fails."""
    report = verify_chain(db.session)
    if not report.ok:
        raise TrailError(
            f"Journal d'audit altéré : la ligne n° {report.first_broken_id} est invalide, {report.reason}. "
            f"{report.rows_checked} ligne(s) examinée(s)."
        )
    try:
        key = checkpoints.checkpoint_key(config)
        anchor = checkpoints.check_anchor(db.session, checkpoints.store_from_config(config).latest(), key=key)
    except checkpoints.CheckpointError as error:
        raise TrailError(f"Journal d'audit non vérifiable : {error.message}") from error
    if not anchor.ok:
        raise TrailError(f"Journal d'audit altéré : {anchor.problem}")
    return report, anchor


def write_checkpoint(config) -> tuple[checkpoints.Checkpoint, str] | None:
    """Write a signed checkpoint of the trail's head outside the database, once the trail is checked against the
    previous one: a truncated trail is never anchored (`flask audit checkpoint`, beat's portal.audit.checkpoint).
    Returns the checkpoint and where it was written, None when the trail is empty; raises TrailError."""
    check_trail(config)
    try:
        key = checkpoints.checkpoint_key(config)
        store = checkpoints.store_from_config(config)
        now = utcnow()
        head = checkpoints.current_head(db.session, now=now)
        if head is None:
            return None
        checkpoint = head.signed(key)
        return checkpoint, store.write(checkpoint, now=now)
    except checkpoints.CheckpointError as error:
        raise TrailError(f"Point d'ancrage non écrit : {error.message}") from error


def register_commands(app: Flask) -> None:
    audit = click.Group("audit", help="Journal d'audit.")

    def checked_trail() -> tuple[ChainReport, checkpoints.AnchorReport]:
        try:
            return check_trail(app.config)
        except TrailError as error:
            click.echo(error.message, err=True)
            raise SystemExit(1) from error

    @audit.command("verify")
    def verify_command():
        """Check the hash chain of the whole audit trail, then the trail against its last checkpoint; exit with
        status 1 if either fails."""
        report, anchor = checked_trail()
        if report.rows_checked == 0:
            click.echo("Journal d'audit vide : rien à vérifier.")
            if anchor.checkpoint is None:
                return
        else:
            click.echo(
                f"Journal d'audit intègre : {report.rows_checked} ligne(s) vérifiée(s). "
                f"Dernière empreinte : {report.last_hash}"
            )
        click.echo(_describe_anchor(anchor))

    @audit.command("checkpoint")
    def checkpoint_command():
        """Write a signed checkpoint of the trail's head outside the database (scheduled daily), once the trail is
        checked against the previous one: a truncated trail is never anchored."""
        try:
            written = write_checkpoint(app.config)
        except TrailError as error:
            click.echo(error.message, err=True)
            raise SystemExit(1) from error
        if written is None:
            click.echo("Journal d'audit vide : aucun point d'ancrage écrit.")
            return
        checkpoint, where = written
        click.echo(
            f"Point d'ancrage écrit : ligne n° {checkpoint.last_id}, {checkpoint.row_count} ligne(s), empreinte "
            f"{checkpoint.last_hash}, {where}."
        )

    app.cli.add_command(audit)
