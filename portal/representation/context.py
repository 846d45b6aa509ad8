"""The "acting for" context: resolved once per request from the session, passed to the services as the actor.

A representative who switched to "J'agis pour …" carries the mandate's id in their (server-side) session. Each
request reloads the mandate and checks it is still in force: a revoked or expired mandate loses its effect at the
very next request, and the person is brought back to their own space.
"""

from dataclasses import dataclass

from flask import flash, g, redirect, request, session, url_for
from flask_login import current_user

from portal import clock
from portal.auth.models import Account
from portal.db import db
from portal.representation.models import Mandate
from portal.templating import elide

SESSION_KEY = "acting_for_mandate_id"


@dataclass(frozen=True)
class ActingFor:
    """A representative acting in a protected adult's space: the actor the services record. `id` is the
    representative's account (who acted), `assure_id` the protected person's (whose space it is)."""

    account: Account
    mandate: Mandate
    is_agent = False

    @property
    def id(self) -> int:
        return self.account.id

    @property
    def account_id(self) -> int:
        return self.account.id

    @property
    def assure_id(self) -> int:
        return self.mandate.protected_assure_id

    @property
    def assure(self):
        return self.mandate.protected

    @property
    def acting_for(self):
        return self.mandate.protected

    @property
    def pivot_identity(self) -> dict:
        return self.account.pivot_identity

    @property
    def display_name(self) -> str:
        """ "Jules INCONNU, tuteur d'Anne-Sophie GIRARD": the name every action done under the mandate carries."""
        protected = elide("de", self.mandate.protected.display_name)
        return f"{self.mandate.representative_name}, {self.mandate.representative_title} {protected}"


def acting() -> ActingFor | None:
    return g.get("acting")


def actor():
    """Who acts: the representative under their mandate, or the logged-in person."""
    return g.get("acting") or current_user._get_current_object()


def subject():
    """Whose space it is: the protected person's while acting for them, else the person's own."""
    current = g.get("acting")
    return current.assure if current is not None else current_user.assure


def subject_id() -> int | None:
    current = g.get("acting")
    return current.assure_id if current is not None else current_user.assure_id


def resolve():
    """Before each citizen request: turn the session's mandate id into the acting context, or drop it."""
    g.acting = None
    if request.path.startswith(("/static/", "/espace-agents")) or not current_user.is_authenticated:
        return None
    mandate_id = session.get(SESSION_KEY)
    if mandate_id is None:
        return None
    mandate = db.session.get(Mandate, mandate_id)
    if (
        mandate is None
        or mandate.representative_account_id != current_user.id
        or not mandate.is_in_force(clock.today())
    ):
        session.pop(SESSION_KEY, None)
        flash(
            "Votre mandat n'est plus en vigueur : vous êtes revenu dans votre propre espace.",
            "warning",
        )
        return redirect(url_for("representation.list_mandates"), 303)
    g.acting = ActingFor(current_user._get_current_object(), mandate)
    return None
