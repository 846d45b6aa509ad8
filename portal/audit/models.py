"""Append-only audit trail."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, utcnow


class AuditEvent(Base):
    """Who did or saw what, for whom. Rows are only ever inserted."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64))
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    subject_assure_id: Mapped[int | None] = mapped_column(ForeignKey("assure.id"), index=True)
    acting_for_assure_id: Mapped[int | None] = mapped_column(ForeignKey("assure.id"))
    request_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
