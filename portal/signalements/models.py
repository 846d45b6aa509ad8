"""Signalements, their items (one per period concerned or proposed), history, messages and confirmations, and what
the technicians write on them: private annotations and the findings of the embedded controls."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.agents.models import Agent
from portal.careers.models import Assure, CareerPeriod, PeriodNature, Regime
from portal.db import Base, enum_column, utcnow
from portal.signalements.catalog import AnomalyType
from portal.signalements.states import SignalementState


class Signalement(Base):
    """A request to correct a career. Editable while a draft; afterwards only its lifecycle moves it."""

    __tablename__ = "signalement"
    __table_args__ = (
        Index("ix_signalement_assure_state", "assure_id", "state"),
        # The queues' order, in one index: by caisse, then queue_position (most urgent first, then oldest). A page is
        # read in index order and stops after 51 rows, the state being checked on the way, instead of sorting the
        # whole stock; the next page starts right after the last (queue_position, id) seen.
        Index("ix_signalement_queue", "caisse_id", "queue_position", "id"),
        Index("ix_signalement_assigned", "assigned_agent_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int] = mapped_column(ForeignKey("assure.id"))
    created_by_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    anomaly_type: Mapped[AnomalyType] = mapped_column(enum_column(AnomalyType))
    state: Mapped[SignalementState] = mapped_column(enum_column(SignalementState), default=SignalementState.DRAFT)
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    filed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The deadline runs from the day the request is complete, and stops while a complement is awaited.
    complete_date: Mapped[date | None] = mapped_column(Date)
    target_days: Mapped[int | None] = mapped_column(Integer)
    paused_since: Mapped[date | None] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    # complete_date + target_days + paused_days, stored so that queues can filter and sort on it.
    due_date: Mapped[date | None] = mapped_column(Date)
    complement_due_date: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Back-office: the caisse that instructs it, who holds it, how urgent it is (see signalements/priority.py).
    caisse_id: Mapped[int | None] = mapped_column(ForeignKey("caisse.id"))
    assigned_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # (1000 - priority) then the filing second, in one integer that sorts ascending: see signalements/priority.py.
    queue_position: Mapped[int] = mapped_column(BigInteger, default=0)
    has_risk_flag: Mapped[bool] = mapped_column(default=False)
    # Four eyes: the decision prepared by one agent waits for another's validation when it weighs enough.
    prepared_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    prepared_at: Mapped[datetime | None] = mapped_column(DateTime)
    validated_by_agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"))
    # Assistance (curatelle, habilitation by assistance): filed only once both the person and the representative
    # agree. The first to ask is recorded here; the other's « Déposer » files it.
    filing_requested_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    filing_requested_by_label: Mapped[str | None] = mapped_column(String(250))
    filing_requested_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What the first party agreed to: a digest of the draft (its values and its justificatifs). An edit changes
    # the digest and voids the agreement.
    filing_requested_digest: Mapped[str | None] = mapped_column(String(64))
    # Optimistic locking: two agents deciding at once, or a citizen answering while an agent decides.
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}

    assure: Mapped[Assure] = relationship()
    items: Mapped[list["SignalementItem"]] = relationship(
        back_populates="signalement", order_by="SignalementItem.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["SignalementEvent"]] = relationship(
        back_populates="signalement", order_by="SignalementEvent.id", cascade="all, delete-orphan"
    )
    messages: Mapped[list["SignalementMessage"]] = relationship(
        back_populates="signalement", order_by="SignalementMessage.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        """The number a person quotes on the phone: year of creation and a zero-padded id."""
        return f"{self.created_at.year}-{self.id:06d}"


# What the technician decides on each item, and how a page names it.
ACCEPTED, REFUSED, CLOSED = "accepted", "refused", "closed"
DECISION_LABELS = {ACCEPTED: "Acceptée", REFUSED: "Refusée", CLOSED: "Classée"}
# Who wrote a message: the person (or their representative) or the technician.
BY_ASSURE, BY_AGENT = "assure", "agent"


class SignalementItem(Base):
    """One period concerned by the request (existing, by period_id) or proposed (new), with the values the
    person proposes and, once decided, the decision on it."""

    __tablename__ = "signalement_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    signalement_id: Mapped[int] = mapped_column(ForeignKey("signalement.id"), index=True)
    period_id: Mapped[int | None] = mapped_column(ForeignKey("career_period.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    proposed_nature: Mapped[PeriodNature | None] = mapped_column(enum_column(PeriodNature))
    proposed_regime_id: Mapped[int | None] = mapped_column(ForeignKey("regime.id"))
    proposed_start_date: Mapped[date | None] = mapped_column(Date)
    proposed_end_date: Mapped[date | None] = mapped_column(Date)
    proposed_employer_name: Mapped[str | None] = mapped_column(String(200))
    proposed_employer_siret: Mapped[str | None] = mapped_column(String(14))
    proposed_earnings_cents: Mapped[int | None] = mapped_column(Integer)
    proposed_days: Mapped[int | None] = mapped_column(Integer)
    decision: Mapped[str | None] = mapped_column(String(32))
    # The values the technician accepted, when they differ from the proposal (a corrected correction).
    accepted_earnings_cents: Mapped[int | None] = mapped_column(Integer)
    accepted_quarters: Mapped[int | None] = mapped_column(Integer)
    accepted_start_date: Mapped[date | None] = mapped_column(Date)
    accepted_end_date: Mapped[date | None] = mapped_column(Date)
    applied_version_id: Mapped[int | None] = mapped_column(ForeignKey("period_version.id"))
    decision_motive: Mapped[str | None] = mapped_column(String(200))
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    signalement: Mapped[Signalement] = relationship(back_populates="items")
    period: Mapped[CareerPeriod | None] = relationship()
    proposed_regime: Mapped[Regime | None] = relationship()

    @property
    def is_accepted(self) -> bool:
        return self.decision == ACCEPTED

    @property
    def decision_label(self) -> str | None:
        return DECISION_LABELS.get(self.decision) if self.decision else None

    @property
    def proposed_earnings(self) -> Decimal | None:
        return None if self.proposed_earnings_cents is None else Decimal(self.proposed_earnings_cents) / 100


class SignalementEvent(Base):
    """A dated line of the request's history: a change of state, by whom, with an optional note."""

    __tablename__ = "signalement_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    signalement_id: Mapped[int] = mapped_column(ForeignKey("signalement.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    from_state: Mapped[SignalementState | None] = mapped_column(enum_column(SignalementState))
    to_state: Mapped[SignalementState] = mapped_column(enum_column(SignalementState))
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    signalement: Mapped[Signalement] = relationship(back_populates="events")


class SignalementMessage(Base):
    """A message between the person and the technician. Agents' private notes are not messages."""

    __tablename__ = "signalement_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    signalement_id: Mapped[int] = mapped_column(ForeignKey("signalement.id"), index=True)
    author_kind: Mapped[str] = mapped_column(String(16))  # BY_ASSURE or BY_AGENT
    author_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    author_label: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    signalement: Mapped[Signalement] = relationship(back_populates="messages")

    @property
    def by_assure(self) -> bool:
        return self.author_kind == BY_ASSURE


class Annotation(Base):
    """A private note of the technicians on a request. The citizen never sees it."""

    __tablename__ = "annotation"

    id: Mapped[int] = mapped_column(primary_key=True)
    signalement_id: Mapped[int] = mapped_column(ForeignKey("signalement.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    agent: Mapped[Agent] = relationship(lazy="joined")


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {"info": "Information", "warning": "À vérifier", "high": "Bloquant"}[self.value]

    @property
    def badge(self) -> str:
        """DSFR badge variant for this severity."""
        return {"info": "info", "warning": "warning", "high": "error"}[self.value]


class ControlFinding(Base):
    """The result of one embedded control on a request, kept as computed at filing or at decision time."""

    __tablename__ = "control_finding"
    __table_args__ = (Index("ix_control_finding_signalement", "signalement_id", "computed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signalement_id: Mapped[int] = mapped_column(ForeignKey("signalement.id"))
    code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[Severity] = mapped_column(enum_column(Severity))
    message: Mapped[str] = mapped_column(Text)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("signalement_item.id"))
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    stage: Mapped[str] = mapped_column(String(16))  # "filing" or "decision"
