"""Who acts: the one interface that the audit trail, the signalements and the documents read about an actor.

There are three kinds: a person's account (portal.auth.models.Account), an agent of a caisse
(portal.agents.models.Agent), and a representative acting for a protected adult under a mandate
(portal.representation.context.ActingFor). A job that runs on its own passes no actor (None).
"""

from typing import Any, Protocol


class Actor(Protocol):
    @property
    def id(self) -> int:
        """The account's or the agent's id (for a representative: their own account's)."""

    @property
    def display_name(self) -> str:
        """The name written on what the actor does (a message, a decision, the history of a request)."""

    @property
    def is_agent(self) -> bool:
        """An agent of a caisse, not a person with an account of the portal."""

    @property
    def account_id(self) -> int | None:
        """The portal account that acted; None for an agent."""

    @property
    def assure_id(self) -> int | None:
        """The file the actor acts on: the person's own, the protected person's under a mandate, None for an agent
        (or an account with no file of its own)."""

    @property
    def mandate(self) -> Any | None:
        """The mandate a representative acts under; None for anyone acting for themselves."""

    @property
    def acting_for(self) -> Any | None:
        """The protected person (an Assure) a representative acts for; None otherwise."""
