"""Files of period reports taken in bulk, chunk by chunk, and the reports they carried.

A file is known by the SHA-256 of its bytes: importing it again resumes where it stopped (its chunks already
committed are skipped) or, once finished, changes nothing. Each report is known by its source and its identifier,
unique per source: a report that comes again with the same content changes nothing, with a new content it adds a
version of the period it created (careers.services.supersede_period, as a signalement's decision does).
"""

import enum
import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.careers.models import Assure, DataSource, PeriodNature
from portal.db import Base, enum_column, utcnow


class FileKind(enum.StrEnum):
    PERIODS = "periods"  # period reports of the declarants (docs/intake.md)
    IDENTITIES = "identities"  # identity records of the fund's identity register


class IntakeFile(Base):
    __tablename__ = "intake_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the file's bytes, hex
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[FileKind] = mapped_column(enum_column(FileKind), default=FileKind.PERIODS)
    chunk_size: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class IntakeChunk(Base):
    """One committed chunk of a file, with what its lines did. Written in the chunk's own transaction: a chunk is
    either wholly applied and recorded here, or not at all."""

    __tablename__ = "intake_chunk"
    __table_args__ = (UniqueConstraint("file_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("intake_file.id"))
    number: Mapped[int] = mapped_column(Integer)
    first_line: Mapped[int] = mapped_column(Integer)
    last_line: Mapped[int] = mapped_column(Integer)
    created: Mapped[int] = mapped_column(Integer)  # new periods
    corrected: Mapped[int] = mapped_column(Integer)  # new versions of a period already reported
    unchanged: Mapped[int] = mapped_column(Integer)  # reports already taken with the same content
    conflicts: Mapped[int] = mapped_column(Integer)  # not applied: the period is under or after a signalement
    rejected: Mapped[int] = mapped_column(Integer)
    committed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class IntakeReject(Base):
    """A line that could not be taken, with its number in the file and why, in French."""

    __tablename__ = "intake_reject"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("intake_file.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))


class PeriodReport(Base):
    """A report taken in: the period it created, and the digest of its content to tell a repeat from a correction."""

    __tablename__ = "period_report"
    __table_args__ = (UniqueConstraint("source", "report_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[DataSource] = mapped_column(enum_column(DataSource))
    report_id: Mapped[str] = mapped_column(String(120))
    period_id: Mapped[int] = mapped_column(ForeignKey("career_period.id"), index=True)
    content_digest: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[int] = mapped_column(ForeignKey("intake_file.id"))


class ConflictState(enum.StrEnum):
    OPEN = "open"
    APPLIED = "applied"
    DISMISSED = "dismissed"


class IntakeConflict(Base):
    """A report that touches a period corrected by an accepted signalement or under a pending one: not applied
    silently, kept for a technician to decide (« Conflits d'alimentation »)."""

    __tablename__ = "intake_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("career_period.id"))
    signalement_id: Mapped[int | None] = mapped_column(ForeignKey("signalement.id"))
    file_id: Mapped[int] = mapped_column(ForeignKey("intake_file.id"))
    line: Mapped[int] = mapped_column(Integer)
    source: Mapped[DataSource] = mapped_column(enum_column(DataSource))
    report_id: Mapped[str] = mapped_column(String(120))
    # The report's values as read (careers.services.supersede_period's keywords, JSON-ready) and why it waits.
    values: Mapped[str] = mapped_column(String(4000))
    reason: Mapped[str] = mapped_column(String(500))
    # A new report whose dates overlap the period (rather than a correction of it): applied, it adds a period.
    adds_period: Mapped[bool] = mapped_column(default=False)
    state: Mapped[ConflictState] = mapped_column(enum_column(ConflictState), default=ConflictState.OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))

    assure: Mapped[Assure] = relationship(lazy="joined")

    @property
    def reported(self) -> dict:
        """The report's values, typed again (careers.services.supersede_period's keywords, the scheme as its code)."""
        values = json.loads(self.values)
        return {
            "regime": values["regime"],
            "nature": PeriodNature(values["nature"]),
            "start_date": date.fromisoformat(values["start_date"]),
            "end_date": date.fromisoformat(values["end_date"]),
            "employer_siret": values["employer_siret"],
            "employer_name": values["employer_name"],
            "earnings_cents": values["earnings_cents"],
            "days": values["days"],
            "quarters": values["quarters"],
            "country": values["country"],
            "source": DataSource(values["source"]),
            "source_reference": values["source_reference"],
        }

    @property
    def reported_earnings(self) -> Decimal | None:
        cents = json.loads(self.values)["earnings_cents"]
        return None if cents is None else Decimal(cents) / 100


class IdentityRecord(Base):
    """What the fund's identity register holds about a person beyond the NIR and the civil state kept on the assuré:
    the postal address (in France or abroad) letters go to, the e-mail address the person gave, the date of death,
    whether a pension is being paid. One per assuré, replaced by each newer record (its digest tells a repeat)."""

    __tablename__ = "identity_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"), unique=True)
    address_1: Mapped[str] = mapped_column(String(200))
    address_2: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2, FR for France
    email: Mapped[str | None] = mapped_column(String(254))
    death_date: Mapped[date | None] = mapped_column(Date)
    pension_in_payment: Mapped[bool] = mapped_column(default=False)
    content_digest: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[int] = mapped_column(ForeignKey("intake_file.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
