"""Accounts, identity links, server-side login state and sessions."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.careers.models import Assure
from portal.db import Base, utcnow


class Account(UserMixin, Base):
    """A person who logs in. Bound to at most one assuré, after the NIR check at first login."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    assure_id: Mapped[int | None] = mapped_column(ForeignKey("assure.id"), unique=True)
    # The identité pivot last received from the identity provider (claims as sent, strings only).
    pivot_identity: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    bound_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A representative the fund does not know (no file of their own) who said so: they log in to « Mes
    # représentations », not to the first-login NIR step.
    declared_representative_at: Mapped[datetime | None] = mapped_column(DateTime)

    assure: Mapped[Assure | None] = relationship()
    identity_links: Mapped[list["IdentityLink"]] = relationship(back_populates="account")

    # The Actor interface (portal/actors.py): a person acting for themselves.
    is_agent = False
    mandate = None
    acting_for = None

    @property
    def account_id(self) -> int:
        return self.id

    @property
    def display_name(self) -> str:
        pivot = self.pivot_identity or {}
        family = pivot.get("preferred_username") or pivot.get("family_name", "")
        return f"{pivot.get('given_name', '')} {family}".strip() or "Usager"


class IdentityLink(Base):
    """The (issuer, sub) pair of an identity provider, linked once and for all to an account."""

    __tablename__ = "identity_link"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    account: Mapped[Account] = relationship(back_populates="identity_links")


class AuthorizationRequest(Base):
    """An OIDC authorization request in flight: state and nonce kept server-side, each usable once.

    The state is stored as its SHA-256 digest; the browser's session holds the state itself, which binds the
    callback to the browser that started the login (no login CSRF).
    """

    __tablename__ = "authorization_request"

    state_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_path: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    consumed_at: Mapped[datetime | None] = mapped_column(DateTime)


class UserSession(Base):
    """A logged-in session. The cookie carries its random id; ending the row ends the session everywhere."""

    __tablename__ = "user_session"

    id_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    # A citizen's session or an agent's, never both: the two doors have their own cookies.
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agent.id"), index=True)
    provider: Mapped[str] = mapped_column(String(32))
    # Kept for the identity provider's logout (id_token_hint); never shown.
    id_token: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)

    account: Mapped[Account | None] = relationship()
