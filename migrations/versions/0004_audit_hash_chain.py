"""Audit trail chained by hashes: previous_hash and row_hash on audit_event.

Revision ID: 0004_audit_hash_chain
Revises: 0003_signalements_documents
Create Date: 2026-11-24

Schema and data in one migration, which is acceptable here because the columns are new: they are added nullable,
the chain is computed for the existing rows in id order (in batches), then they are made NOT NULL, and previous_hash
unique. The hashing is a frozen copy of portal.audit.chain.compute_row_hash as written with this migration, over the
columns audit_event has at this revision (NULL columns are left out of the hash, so a nullable column added later
does not change these rows' hashes). Downgrade drops the columns, and the chain with them.
"""

import hashlib
import json
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004_audit_hash_chain"
down_revision = "0003_signalements_documents"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
BATCH_SIZE = 1000

audit_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("occurred_at", sa.DateTime),
    sa.column("action", sa.String),
    sa.column("actor_account_id", sa.Integer),
    sa.column("subject_assure_id", sa.Integer),
    sa.column("acting_for_assure_id", sa.Integer),
    sa.column("request_id", sa.String),
    sa.column("data", sa.JSON),
    sa.column("previous_hash", sa.String),
    sa.column("row_hash", sa.String),
)
CONTENT_COLUMNS = [column for column in audit_event.c if column.name not in {"previous_hash", "row_hash"}]


def _encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no canonical form in the audit hash")


def _row_hash(row, previous_hash: str) -> str:
    content = {name: value for name, value in row.items() if value is not None}
    content["previous_hash"] = previous_hash
    serialised = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=_encode
    )
    return hashlib.sha256(serialised.encode("utf-8")).hexdigest()


def _chain_existing_rows(connection) -> None:
    set_hashes = (
        audit_event.update()
        .where(audit_event.c.id == sa.bindparam("row_id"))
        .values(previous_hash=sa.bindparam("new_previous_hash"), row_hash=sa.bindparam("new_row_hash"))
    )
    previous_hash = GENESIS_HASH
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(*CONTENT_COLUMNS).where(audit_event.c.id > last_id).order_by(audit_event.c.id).limit(BATCH_SIZE)
        ).mappings().all()
        if not rows:
            return
        updates = []
        for row in rows:
            row_hash = _row_hash(row, previous_hash)
            updates.append({"row_id": row["id"], "new_previous_hash": previous_hash, "new_row_hash": row_hash})
            previous_hash = row_hash
        connection.execute(set_hashes, updates)
        last_id = rows[-1]["id"]


def upgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))

    _chain_existing_rows(op.get_bind())

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("previous_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("row_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_previous_hash"), ["previous_hash"])


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_previous_hash"), type_="unique")
        batch_op.drop_column("row_hash")
        batch_op.drop_column("previous_hash")
