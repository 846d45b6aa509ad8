"""Checkpoints of the audit trail: truncation and a rewritten suffix are caught once the head is anchored outside."""

import hashlib
import hmac
import json
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from portal.audit.chain import compute_row_hash, verify_chain
from portal.audit.checkpoints import Checkpoint
from portal.audit.models import AuditEvent
from portal.audit.services import AuditAction, record
from portal.db import utcnow
from tests.audit.conftest import S3_CREDENTIALS, S3_REGION

KEY = b"test-audit-checkpoint-key"
audit_table = AuditEvent.__table__


@pytest.fixture
def checkpoint_dir(app, tmp_path, monkeypatch) -> Path:
    """A directory of this test's own for the checkpoints (local store)."""
    directory = tmp_path / "audit-checkpoints"
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_STORAGE", "local")
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_DIR", str(directory))
    return directory


def flask_audit(app, command: str):
    return app.test_cli_runner().invoke(args=["audit", command])


def stored_checkpoints(directory: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))]


def rewrite_from(db, first_id: int, **changes) -> None:
    """Rewrite the rows from `first_id` to the end with `changes`, recomputing every hash: a valid chain again."""
    rows = db.session.execute(select(audit_table).where(audit_table.c.id >= first_id).order_by(audit_table.c.id))
    previous = db.session.execute(select(AuditEvent.row_hash).where(AuditEvent.id < first_id).order_by(
        AuditEvent.id.desc()).limit(1)).scalar_one()  # fmt: skip
    for row in [row._asdict() for row in rows]:
        row.update(changes, previous_hash=previous)
        row["row_hash"] = compute_row_hash(row, previous)
        db.session.execute(update(audit_table).where(audit_table.c.id == row["id"]).values(row))
        previous = row["row_hash"]


def write_forged(directory: Path, checkpoint: Checkpoint) -> None:
    # A later name than any checkpoint written so far: it is the one `verify` reads.
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"29991231T000000000000Z-{checkpoint.last_id}.json").write_bytes(checkpoint.to_bytes())


def test_flask_audit_checkpoint_writes_the_head_signed_with_hmac_sha256(app, events, checkpoint_dir):
    result = flask_audit(app, "checkpoint")

    assert result.exit_code == 0, result.output
    assert f"Point d'ancrage écrit : ligne n° {events[-1].id}, 5 ligne(s)" in result.output
    [stored] = stored_checkpoints(checkpoint_dir)
    assert (stored["last_id"], stored["last_hash"], stored["row_count"]) == (events[-1].id, events[-1].row_hash, 5)
    assert datetime.fromisoformat(stored["created_at"]).date() == utcnow().date()
    signed = {name: value for name, value in stored.items() if name != "signature"}
    payload = json.dumps(signed, sort_keys=True, separators=(",", ":")).encode()
    assert stored["signature"] == hmac.new(KEY, payload, hashlib.sha256).hexdigest()


def test_verify_says_what_the_checkpoint_proves_and_what_it_cannot(app, events, checkpoint_dir):
    assert flask_audit(app, "checkpoint").exit_code == 0
    record(AuditAction.DEMO_SEEDED, assures=1)
    record(AuditAction.DEMO_SEEDED, assures=2)

    result = flask_audit(app, "verify")

    assert result.exit_code == 0, result.output
    assert "Journal d'audit intègre : 7 ligne(s) vérifiée(s)." in result.output
    assert f"Ancré jusqu'à la ligne n° {events[-1].id}" in result.output
    assert "5 ligne(s)) : ces lignes n'ont été ni modifiées, ni supprimées, ni réécrites depuis." in result.output
    assert "Les 2 ligne(s) suivante(s) sont chaînées mais pas encore ancrées" in result.output


def test_verify_without_a_checkpoint_says_that_truncation_cannot_be_shown(app, events, checkpoint_dir):
    result = flask_audit(app, "verify")
    assert result.exit_code == 0, result.output
    assert "Aucun point d'ancrage : le chaînage ne prouve pas qu'aucune ligne n'a été supprimée" in result.output


def test_truncating_the_last_rows_is_detected_once_a_checkpoint_exists(app, db, events, checkpoint_dir):
    assert flask_audit(app, "checkpoint").exit_code == 0
    db.session.execute(delete(AuditEvent).where(AuditEvent.id >= events[3].id))
    assert verify_chain(db.session).ok  # what is left is still a valid chain: the chain alone cannot tell

    result = flask_audit(app, "verify")

    assert result.exit_code == 1, result.output
    assert f"la ligne n° {events[-1].id}, dernière ligne ancrée le" in result.output
    assert "journal tronqué" in result.output


def test_emptying_the_trail_after_a_checkpoint_is_detected(app, db, events, checkpoint_dir):
    assert flask_audit(app, "checkpoint").exit_code == 0
    db.session.execute(delete(AuditEvent))
    result = flask_audit(app, "verify")
    assert result.exit_code == 1, result.output
    assert "journal tronqué" in result.output


def test_a_rewritten_suffix_with_recomputed_hashes_is_detected(app, db, events, checkpoint_dir):
    assert flask_audit(app, "checkpoint").exit_code == 0
    rewrite_from(db, events[2].id, action="auth.logout")
    assert verify_chain(db.session).ok

    result = flask_audit(app, "verify")

    assert result.exit_code == 1, result.output
    assert f"la ligne n° {events[-1].id} n'a plus l'empreinte ancrée le" in result.output


def test_a_truncated_then_extended_trail_is_detected(app, db, events, checkpoint_dir):
    """The last rows deleted, then as many new ones written: the count is back, the anchored row is not."""
    assert flask_audit(app, "checkpoint").exit_code == 0
    db.session.execute(delete(AuditEvent).where(AuditEvent.id >= events[3].id))
    record(AuditAction.DEMO_SEEDED, assures=1)
    record(AuditAction.DEMO_SEEDED, assures=2)
    assert verify_chain(db.session).ok
    result = flask_audit(app, "verify")
    assert result.exit_code == 1, result.output
    assert f"la ligne n° {events[-1].id}" in result.output


@pytest.mark.parametrize("forgery", ["other_key", "edited_after_signing"])
def test_a_forged_checkpoint_is_detected(app, db, events, checkpoint_dir, forgery):
    assert flask_audit(app, "checkpoint").exit_code == 0
    db.session.execute(delete(AuditEvent).where(AuditEvent.id >= events[3].id))
    head = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
    # The forger anchors the truncated trail, so that it would pass.
    forged = Checkpoint(last_id=head.id, last_hash=head.row_hash, row_count=3, created_at=utcnow())
    if forgery == "other_key":
        forged = forged.signed(b"une autre clef")
    else:
        genuine = Checkpoint(last_id=events[-1].id, last_hash=events[-1].row_hash, row_count=5, created_at=utcnow())
        forged = Checkpoint(head.id, head.row_hash, 3, genuine.created_at, genuine.signed(KEY).signature)
    write_forged(checkpoint_dir, forged)

    result = flask_audit(app, "verify")

    assert result.exit_code == 1, result.output
    assert "a une signature invalide : il a été falsifié, ou signé avec une autre clé" in result.output


def test_a_checkpoint_that_is_not_one_is_refused(app, events, checkpoint_dir):
    assert flask_audit(app, "checkpoint").exit_code == 0
    (checkpoint_dir / "29991231T000000000000Z-1.json").write_text("{}")
    result = flask_audit(app, "verify")
    assert result.exit_code == 1, result.output
    assert "Le dernier point d'ancrage est illisible" in result.output


def test_a_validly_signed_checkpoint_with_another_count_is_reported(app, events, checkpoint_dir):
    counted = Checkpoint(last_id=events[-1].id, last_hash=events[-1].row_hash, row_count=6, created_at=utcnow())
    write_forged(checkpoint_dir, counted.signed(KEY))
    result = flask_audit(app, "verify")
    assert result.exit_code == 1, result.output
    assert f"5 ligne(s) vont jusqu'à la ligne n° {events[-1].id}" in result.output
    assert "en comptait 6" in result.output


def test_a_truncated_trail_is_never_anchored(app, db, events, checkpoint_dir):
    assert flask_audit(app, "checkpoint").exit_code == 0
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[-1].id))

    result = flask_audit(app, "checkpoint")

    assert result.exit_code == 1, result.output
    assert "journal tronqué" in result.output
    assert len(stored_checkpoints(checkpoint_dir)) == 1


def test_an_empty_trail_gets_no_checkpoint(app, db, checkpoint_dir):
    db.session.execute(delete(AuditEvent))
    result = flask_audit(app, "checkpoint")
    assert result.exit_code == 0, result.output
    assert "Journal d'audit vide : aucun point d'ancrage écrit." in result.output
    assert not checkpoint_dir.exists()


def test_without_a_key_no_checkpoint_is_written_nor_checked(app, events, checkpoint_dir, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_KEY", None)
    for command in ("checkpoint", "verify"):
        result = flask_audit(app, command)
        assert result.exit_code == 1, result.output
        assert "AUDIT_CHECKPOINT_KEY n'est pas défini" in result.output
    assert not checkpoint_dir.exists()


# On the object store (moto's S3 server on 127.0.0.1)


@pytest.fixture
def s3_checkpoints(app, s3_endpoint, s3_client, monkeypatch):
    """Point the checkpoints at a bucket of their own; returns a function creating it (with Object Lock or not).

    Locked objects cannot be deleted until their date, which is the point: the buckets stay on the test server."""

    def configure(*, object_lock: bool, lock_mode: str = "COMPLIANCE") -> str:
        bucket = f"audit-{uuid.uuid4().hex[:16]}"
        s3_client.create_bucket(
            Bucket=bucket,
            CreateBucketConfiguration={"LocationConstraint": S3_REGION},
            ObjectLockEnabledForBucket=object_lock,
        )
        settings = {
            "AUDIT_CHECKPOINT_STORAGE": "s3",
            "AUDIT_CHECKPOINT_S3_BUCKET": bucket,
            "AUDIT_CHECKPOINT_S3_PREFIX": "ancrages/",
            "AUDIT_CHECKPOINT_LOCK_MODE": lock_mode,
            "AUDIT_CHECKPOINT_RETENTION_DAYS": "400",
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_REGION": S3_REGION,
            "S3_ACCESS_KEY_ID": S3_CREDENTIALS["access_key_id"],
            "S3_SECRET_ACCESS_KEY": S3_CREDENTIALS["secret_access_key"],
        }
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        return bucket

    return configure


@pytest.mark.parametrize("lock_mode", ["COMPLIANCE", "GOVERNANCE"])
def test_on_s3_the_checkpoint_is_written_under_object_lock_retention(app, events, s3_checkpoints, s3_client,
                                                                     lock_mode):  # fmt: skip
    bucket = s3_checkpoints(object_lock=True, lock_mode=lock_mode)

    result = flask_audit(app, "checkpoint")

    assert result.exit_code == 0, result.output
    assert f"verrouillé ({lock_mode})" in result.output
    [item] = s3_client.list_objects_v2(Bucket=bucket, Prefix="ancrages/")["Contents"]
    head = s3_client.head_object(Bucket=bucket, Key=item["Key"])
    assert head["ObjectLockMode"] == lock_mode
    assert head["ObjectLockRetainUntilDate"].date() == date.today() + timedelta(days=400)
    stored = json.loads(s3_client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
    assert (stored["last_id"], stored["row_count"]) == (events[-1].id, 5)
    # Locked: not even its owner can delete this version before its date.
    with pytest.raises(s3_client.exceptions.ClientError, match="AccessDenied"):
        s3_client.delete_object(Bucket=bucket, Key=item["Key"], VersionId=head["VersionId"])


def test_on_s3_verify_reads_the_last_checkpoint_and_detects_truncation(app, db, events, s3_checkpoints):
    s3_checkpoints(object_lock=True)
    assert flask_audit(app, "checkpoint").exit_code == 0
    record(AuditAction.DEMO_SEEDED, assures=1)
    assert flask_audit(app, "checkpoint").exit_code == 0

    sound = flask_audit(app, "verify")
    assert sound.exit_code == 0, sound.output
    assert f"Ancré jusqu'à la ligne n° {events[-1].id + 1}" in sound.output
    assert "suivante(s)" not in sound.output

    db.session.execute(delete(AuditEvent).where(AuditEvent.id > events[-1].id))
    truncated = flask_audit(app, "verify")
    assert truncated.exit_code == 1, truncated.output
    assert "journal tronqué" in truncated.output


def test_on_s3_a_bucket_without_object_lock_refuses_a_locked_checkpoint_in_french(app, events, s3_checkpoints):
    bucket = s3_checkpoints(object_lock=False)
    result = flask_audit(app, "checkpoint")
    assert result.exit_code == 1, result.output
    assert f"Point d'ancrage non écrit : Le point d'ancrage n'a pas pu être écrit dans le compartiment {bucket}" in (
        result.output
    )
    assert "doit avoir été créé avec S3 Object Lock" in result.output
