"""Append-only audit trail, chained by hashes so that an edited, deleted or reordered row is detected."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class AuditEvent(Base):
    """Who did or saw what, for whom. Rows are only ever inserted, through `portal.audit.services.record`.

    `row_hash` is the sha256 of every other column of the row, `previous_hash` included (see
    `portal.audit.chain.compute_row_hash`); `previous_hash` is the `row_hash` of the row before it in id order, 64
    zeros for the first row. The unique constraint makes a fork (two rows chained to the same row) impossible.

    The hash takes the columns generically, leaving out those that are NULL: a column added later (nullable, with
    no default filled in for existing rows) changes the hashes of the rows that give it a value, never those of the
    rows already written, which still verify. Dropping or renaming a column, or filling a new one in for existing
    rows, would break every hash written before it: don't.
    """

    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("previous_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64))
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    subject_assure_id: Mapped[int | None] = mapped_column(ForeignKey("assure.id"), index=True)
    acting_for_assure_id: Mapped[int | None] = mapped_column(ForeignKey("assure.id"))
    request_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    previous_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
