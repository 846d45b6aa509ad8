"""Checkpoints of the audit trail: its head, signed and kept outside the database, so that truncation shows.

The hash chain (chain.py) shows an edited, deleted or moved row, but not rows removed at the end, nor a suffix
rewritten with its hashes recomputed: what remains is still a valid chain. A checkpoint records the head of the
trail (id and row_hash of the last row, number of rows, time), signed with HMAC-SHA256 under AUDIT_CHECKPOINT_KEY,
and is stored where whoever can write to the database cannot rewrite it: an object store with S3 Object Lock
(COMPLIANCE or GOVERNANCE retention: the object cannot be deleted or overwritten until its date), or a local
directory in development.

Verifying against the last checkpoint proves that the rows up to it are the ones that were there when it was written
(the row at its id still has its hash, which chains every row before it, and the count matches). Rows written after
it are chained but not anchored: removing or rewriting them is only caught once a later checkpoint covers them.
`flask audit checkpoint` writes one (scheduled daily) after checking the trail against the previous one, so that
a truncated trail is never anchored.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, overload

from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from portal.audit.models import AuditEvent
from portal.object_store import s3_client

FORMAT = 1
# Signed with the payload, so that a signature made with the same key for another purpose never passes for one.
PURPOSE = "portail-carriere/audit-checkpoint"
LOCK_MODES = ("COMPLIANCE", "GOVERNANCE")
# Names sort in the order checkpoints were written: the last one is the greatest name.
_NAME_RE = re.compile(r"\d{8}T\d{12}Z-\d+\.json")


class CheckpointError(Exception):
    """A checkpoint could not be written or read. `message` is French, for the person running the command."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Checkpoint:
    last_id: int
    last_hash: str
    row_count: int
    created_at: datetime  # naive UTC, like every timestamp of the portal
    signature: str = ""

    def payload(self) -> bytes:
        """The signed bytes: every field but the signature, as sorted compact JSON."""
        content = {
            "format": FORMAT,
            "purpose": PURPOSE,
            "last_id": self.last_id,
            "last_hash": self.last_hash,
            "row_count": self.row_count,
            "created_at": self.created_at.isoformat(),
        }
        return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()

    def signed(self, key: bytes) -> "Checkpoint":
        signature = hmac.new(key, self.payload(), hashlib.sha256).hexdigest()
        return Checkpoint(self.last_id, self.last_hash, self.row_count, self.created_at, signature)

    def signature_is_valid(self, key: bytes) -> bool:
        expected = hmac.new(key, self.payload(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.signature)

    @property
    def name(self) -> str:
        return f"{self.created_at:%Y%m%dT%H%M%S%f}Z-{self.last_id}.json"

    def to_bytes(self) -> bytes:
        document = json.loads(self.payload())
        document["signature"] = self.signature
        return json.dumps(document, sort_keys=True, indent=2).encode()

    @classmethod
    def from_bytes(cls, content: bytes) -> "Checkpoint":
        """Raises CheckpointError when the content is not a checkpoint of this format."""
        try:
            document = json.loads(content)
            if document["format"] != FORMAT or document["purpose"] != PURPOSE:
                raise ValueError("unknown format")
            checkpoint = cls(
                last_id=int(document["last_id"]),
                last_hash=str(document["last_hash"]),
                row_count=int(document["row_count"]),
                created_at=datetime.fromisoformat(document["created_at"]),
                signature=str(document["signature"]),
            )
        except (ValueError, TypeError, KeyError) as error:
            raise CheckpointError(
                "Le dernier point d'ancrage est illisible : ce n'est pas un point d'ancrage écrit par le portail."
            ) from error
        return checkpoint


class CheckpointStore(Protocol):
    def write(self, checkpoint: Checkpoint, *, now: datetime) -> str:
        """Store the checkpoint under its name; return a French description of where and how it is kept."""

    def latest(self) -> Checkpoint | None:
        """The last checkpoint written, or None when there is none. Raises CheckpointError."""


class LocalCheckpointStore:
    """Checkpoints as files in a directory: for development, where no object store is at hand."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def write(self, checkpoint: Checkpoint, *, now: datetime) -> str:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = self.root / checkpoint.name
        # Written beside its place then renamed: a crash never leaves a half-written checkpoint as the last one.
        fd, temp_name = tempfile.mkstemp(dir=self.root, prefix=".checkpoint-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(checkpoint.to_bytes())
                file.flush()
                os.fsync(file.fileno())
            os.chmod(temp_name, 0o400)
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return f"dans le répertoire {self.root} (sans verrouillage : réservé au développement)"

    def latest(self) -> Checkpoint | None:
        try:
            names = sorted(entry.name for entry in os.scandir(self.root) if _NAME_RE.fullmatch(entry.name))
        except FileNotFoundError:
            return None
        if not names:
            return None
        return Checkpoint.from_bytes((self.root / names[-1]).read_bytes())


class S3CheckpointStore:
    """Checkpoints as objects under a prefix of a bucket, locked against deletion and overwriting when the bucket
    has S3 Object Lock (it is enabled when the bucket is created)."""

    def __init__(self, client, *, bucket: str, prefix: str, lock_mode: str | None, retention: timedelta):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.lock_mode = lock_mode
        self.retention = retention

    def write(self, checkpoint: Checkpoint, *, now: datetime) -> str:
        from botocore.exceptions import BotoCoreError, ClientError  # boto3 is only loaded with the S3 backend

        content = checkpoint.to_bytes()
        arguments: dict[str, Any] = {
            "Bucket": self.bucket,
            "Key": self.prefix + checkpoint.name,
            "Body": content,
            "ContentType": "application/json",
            # S3 requires a checksum of the body with Object Lock parameters; MD5 is the one every S3-compatible
            # store accepts.
            "ContentMD5": base64.b64encode(hashlib.md5(content, usedforsecurity=False).digest()).decode(),
        }
        retain_until = now + self.retention
        if self.lock_mode:
            # Naive timestamps of the portal are UTC: say so, rather than let the client guess.
            arguments.update(ObjectLockMode=self.lock_mode, ObjectLockRetainUntilDate=retain_until.replace(tzinfo=UTC))
        try:
            self.client.put_object(**arguments)
        except (BotoCoreError, ClientError) as error:
            raise CheckpointError(
                f"Le point d'ancrage n'a pas pu être écrit dans le compartiment {self.bucket} : {error}. "
                "Avec AUDIT_CHECKPOINT_LOCK_MODE, le compartiment doit avoir été créé avec S3 Object Lock."
            ) from error
        where = f"dans le compartiment {self.bucket}, sous {self.prefix + checkpoint.name}"
        if self.lock_mode:
            return f"{where}, verrouillé ({self.lock_mode}) jusqu'au {retain_until:%d/%m/%Y}"
        return f"{where}, sans verrouillage (AUDIT_CHECKPOINT_LOCK_MODE=none)"

    def latest(self) -> Checkpoint | None:
        from botocore.exceptions import BotoCoreError, ClientError  # boto3 is only loaded with the S3 backend

        try:
            keys = [
                item["Key"]
                for page in self.client.get_paginator("list_objects_v2").paginate(
                    Bucket=self.bucket, Prefix=self.prefix
                )
                for item in page.get("Contents", [])
                if _NAME_RE.fullmatch(item["Key"][len(self.prefix) :])
            ]
            if not keys:
                return None
            content = self.client.get_object(Bucket=self.bucket, Key=max(keys))["Body"].read()
        except (BotoCoreError, ClientError) as error:
            raise CheckpointError(
                f"Les points d'ancrage du compartiment {self.bucket} n'ont pas pu être lus : {error}."
            ) from error
        return Checkpoint.from_bytes(content)


@overload
def _setting(config: Mapping[str, Any], name: str, default: str) -> str: ...
@overload
def _setting(config: Mapping[str, Any], name: str, default: None = None) -> str | None: ...


def _setting(config: Mapping[str, Any], name: str, default: str | None = None) -> str | None:
    value = config.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return str(value).strip()


def checkpoint_key(config: Mapping[str, Any]) -> bytes:
    key = _setting(config, "AUDIT_CHECKPOINT_KEY")
    if not key:
        raise CheckpointError("AUDIT_CHECKPOINT_KEY n'est pas défini : les points d'ancrage ne peuvent être signés.")
    return key.encode()


def store_from_config(config: Mapping[str, Any]) -> CheckpointStore:
    """The store named by AUDIT_CHECKPOINT_STORAGE: "local" (a directory) or "s3" (the documents' S3 settings for
    the endpoint and credentials, a bucket and prefix of its own). Raises CheckpointError on a bad setting."""
    backend = (_setting(config, "AUDIT_CHECKPOINT_STORAGE", "local") or "").lower()
    if backend == "local":
        directory = _setting(config, "AUDIT_CHECKPOINT_DIR")
        if not directory:
            raise CheckpointError("AUDIT_CHECKPOINT_DIR doit être défini avec AUDIT_CHECKPOINT_STORAGE=local.")
        return LocalCheckpointStore(directory)
    if backend != "s3":
        raise CheckpointError(f"AUDIT_CHECKPOINT_STORAGE={backend!r} : choisissez 'local' ou 's3'.")
    bucket = _setting(config, "AUDIT_CHECKPOINT_S3_BUCKET") or _setting(config, "S3_BUCKET")
    if not bucket:
        raise CheckpointError("AUDIT_CHECKPOINT_S3_BUCKET (ou S3_BUCKET) doit être défini avec le stockage 's3'.")
    lock_mode: str | None = (_setting(config, "AUDIT_CHECKPOINT_LOCK_MODE", "COMPLIANCE") or "").upper()
    if lock_mode == "NONE":
        lock_mode = None
    elif lock_mode not in LOCK_MODES:
        raise CheckpointError(f"AUDIT_CHECKPOINT_LOCK_MODE={lock_mode!r} : choisissez COMPLIANCE, GOVERNANCE ou none.")
    days = _setting(config, "AUDIT_CHECKPOINT_RETENTION_DAYS", "3650") or ""
    if not days.isascii() or not days.isdigit() or int(days) < 1:
        raise CheckpointError(f"AUDIT_CHECKPOINT_RETENTION_DAYS={days!r} : un nombre de jours est attendu.")
    prefix = _setting(config, "AUDIT_CHECKPOINT_S3_PREFIX", "audit-checkpoints/") or ""
    if not prefix.endswith("/"):
        prefix += "/"
    client = s3_client(
        endpoint_url=_setting(config, "S3_ENDPOINT_URL"),
        region=_setting(config, "S3_REGION", "eu-west-3"),
        access_key_id=_setting(config, "S3_ACCESS_KEY_ID"),
        secret_access_key=_setting(config, "S3_SECRET_ACCESS_KEY"),
        addressing_style=(_setting(config, "S3_ADDRESSING_STYLE", "path") or "").lower(),
    )
    return S3CheckpointStore(
        client, bucket=bucket, prefix=prefix, lock_mode=lock_mode, retention=timedelta(days=int(days))
    )


def current_head(session: Session | scoped_session, *, now: datetime) -> Checkpoint | None:
    """The head of the trail as an unsigned checkpoint, or None when the trail is empty.

    Rows are committed in id order (chain.append takes the chain's lock before taking an id and holds it to the
    end of the transaction), so no row below the head can still appear after it is read."""
    head = session.execute(
        select(AuditEvent.id, AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1)
    ).one_or_none()
    if head is None:
        return None
    count = session.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= head.id)).scalar_one()
    return Checkpoint(last_id=head.id, last_hash=head.row_hash, row_count=count, created_at=now)


@dataclass(frozen=True)
class AnchorReport:
    """What the last checkpoint proves about the trail. `problem` (French) is None when the trail agrees with it."""

    checkpoint: Checkpoint | None
    problem: str | None = None
    rows_after: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_anchor(session: Session | scoped_session, checkpoint: Checkpoint | None, *, key: bytes) -> AnchorReport:
    """Compare the trail with `checkpoint` (the chain itself is checked by chain.verify_chain)."""
    if checkpoint is None:
        total = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
        return AnchorReport(checkpoint=None, rows_after=total)
    written = f"{checkpoint.created_at:%d/%m/%Y à %H:%M} UTC"
    if not checkpoint.signature_is_valid(key):
        return AnchorReport(
            checkpoint,
            f"le point d'ancrage du {written} a une signature invalide : il a été falsifié, ou signé avec une autre "
            "clé que AUDIT_CHECKPOINT_KEY. Rien ne peut être prouvé à partir de lui.",
        )
    row_hash = session.execute(
        select(AuditEvent.row_hash).where(AuditEvent.id == checkpoint.last_id)
    ).scalar_one_or_none()
    if row_hash is None:
        return AnchorReport(
            checkpoint,
            f"la ligne n° {checkpoint.last_id}, dernière ligne ancrée le {written}, n'existe plus "
            "(journal tronqué : des lignes ont été supprimées à la fin).",
        )
    if row_hash != checkpoint.last_hash:
        return AnchorReport(
            checkpoint,
            f"la ligne n° {checkpoint.last_id} n'a plus l'empreinte ancrée le {written} "
            "(la fin du journal a été réécrite, empreintes recalculées).",
        )
    count = session.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= checkpoint.last_id)
    ).scalar_one()
    if count != checkpoint.row_count:
        return AnchorReport(
            checkpoint,
            f"{count} ligne(s) vont jusqu'à la ligne n° {checkpoint.last_id}, le point d'ancrage du {written} en "
            f"comptait {checkpoint.row_count}.",
        )
    after = session.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.id > checkpoint.last_id)
    ).scalar_one()
    return AnchorReport(checkpoint, rows_after=after)
