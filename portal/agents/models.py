"""Caisses and their agents: who may enter the back-office, with which role."""

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, enum_column, utcnow


class Caisse(Base):
    """A pension fund office (CARSAT, CNAV...): agents and assurés are attached to one."""

    __tablename__ = "caisse"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The postal address of its commission de recours amiable, one line per row of the envelope: a decision states
    # it with the voies de recours (CSS R142-1). None when not known yet.
    recourse_address: Mapped[str | None] = mapped_column(Text)


class AgentRole(enum.StrEnum):
    TECHNICIEN = "technicien"
    SUPERVISEUR = "superviseur"
    AUDITEUR = "auditeur"
    ADMINISTRATEUR = "administrateur"

    @property
    def label(self) -> str:
        return {"technicien": "Technicien", "superviseur": "Superviseur", "auditeur": "Auditeur",
                "administrateur": "Administrateur"}[self.value]  # fmt: skip


class Agent(Base):
    """An agent registered in the portal. Only registered, active agents get into the back-office."""

    __tablename__ = "agent"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    given_name: Mapped[str] = mapped_column(String(120), default="")
    usual_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[AgentRole] = mapped_column(enum_column(AgentRole))
    caisse_id: Mapped[int] = mapped_column(ForeignKey("caisse.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    caisse: Mapped[Caisse] = relationship(lazy="joined")

    # Flask-Login's interface, written out: an agent is never a citizen account (ids are prefixed in the session).
    is_authenticated = True
    is_anonymous = False
    # The Actor interface (portal/actors.py): an agent has no account of the portal and acts under no mandate.
    is_agent = True
    account_id = None
    mandate = None
    acting_for = None

    def get_id(self) -> str:
        return f"agent:{self.id}"

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.usual_name}".strip() or self.email

    @property
    def assure_id(self) -> None:
        return None


class AgentIdentityLink(Base):
    __tablename__ = "agent_identity_link"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
