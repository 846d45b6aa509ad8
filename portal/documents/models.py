"""Justificatifs: the stored file's metadata. The bytes live in the storage backend under an opaque key."""

from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.careers.models import CareerPeriod
from portal.db import Base, utcnow

document_period = Table(
    "document_period",
    Base.metadata,
    Column("document_id", ForeignKey("document.id", ondelete="CASCADE"), primary_key=True),
    Column("period_id", ForeignKey("career_period.id"), primary_key=True),
)


class Document(Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"), index=True)
    uploaded_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    signalement_id: Mapped[int | None] = mapped_column(ForeignKey("signalement.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("signalement_message.id"))
    # The court decision a mandate request rests on (portal.representation).
    mandate_id: Mapped[int | None] = mapped_column(ForeignKey("mandate.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(200))  # the justificatif it is, as the person chose it
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    # Indexed: the same file sent for two different assurés is a fraud signal for the back-office.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    periods: Mapped[list[CareerPeriod]] = relationship(secondary=document_period)
