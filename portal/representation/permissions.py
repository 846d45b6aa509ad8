"""What a person may do in an assuré's space: the assuré themselves, or a representative acting under a mandate.

The one place where the scope of a measure is turned into rights. Views ask `check(actor, action)` before calling a
service; templates only show what the view decided.
"""

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.db import db
from portal.representation.models import Mandate, MandateState, Scope


class Action(enum.StrEnum):
    VIEW = "consulter"  # read the career, the requests, the relevé, simulate
    CONFIRM = "confirmer"  # confirm a year of the career
    DRAFT = "preparer"  # write a draft signalement, attach justificatifs
    FILE = "deposer"  # file a signalement
    MESSAGE = "echanger"  # messages and answers to a complement request
    WITHDRAW = "retirer"  # withdraw a filed signalement


# Sauvegarde de justice: the judge lists the acts of the mandataire spécial. The technician ticks, at verification,
# those of the decision among these.
LIMITED_ACTS = {
    "consulter": ("Consulter la carrière et les demandes", frozenset({Action.VIEW})),
    "confirmer": ("Confirmer la carrière", frozenset({Action.VIEW, Action.CONFIRM})),
    "corriger": (
        "Demander la correction de la carrière",
        frozenset({Action.VIEW, Action.DRAFT, Action.FILE, Action.MESSAGE, Action.WITHDRAW}),
    ),
}
EVERYTHING = frozenset(Action)


@dataclass(frozen=True)
class Permission:
    allowed: bool
    # Assistance: the act is done by one and must be confirmed by the other (the curateur or the person).
    needs_confirmation: bool = False
    message: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Permission(True)


def rights_under(mandate: Mandate) -> frozenset[Action]:
    if mandate.scope is Scope.LIMITED:
        rights: frozenset[Action] = frozenset()
        for act in mandate.allowed:
            rights |= LIMITED_ACTS.get(act, ("", frozenset()))[1]
        return rights
    return EVERYTHING


def mandates_in_force(assure_id: int, today: date) -> list[Mandate]:
    statement = select(Mandate).where(
        Mandate.protected_assure_id == assure_id,
        Mandate.state == MandateState.ACTIVE,
        Mandate.start_date <= today,
        Mandate.end_date >= today,
    )
    return list(db.session.execute(statement).scalars())


def check(actor, action: Action, *, today: date) -> Permission:
    """May `actor` (an Account in their own space, or an ActingFor) do `action` in the space it is in?"""
    mandate = actor.mandate
    if mandate is not None:
        if not mandate.is_in_force(today):
            return Permission(False, message="Votre mandat n'est plus en vigueur.")
        if action not in rights_under(mandate):
            return Permission(
                False,
                message=f"La décision de justice ne vous permet pas cet acte pour {mandate.protected.display_name}.",
            )
        if mandate.scope is Scope.ASSISTANCE and action is Action.FILE:
            return Permission(True, needs_confirmation=True)
        return ALLOWED
    # The person in their own space: a measure of representation leaves them the reading of it; a measure of
    # assistance makes their curateur confirm what they file.
    measures = mandates_in_force(actor.assure_id, today) if actor.assure_id else []
    if any(m.scope is Scope.REPRESENTATION for m in measures) and action is not Action.VIEW:
        representative = next(m for m in measures if m.scope is Scope.REPRESENTATION)
        return Permission(
            False,
            message=f"{representative.representative_name}, votre {representative.representative_title}, "
            "agit pour vous : vous pouvez consulter votre espace, et lui demander d'agir.",
        )
    if any(m.scope is Scope.ASSISTANCE for m in measures) and action is Action.FILE:
        return Permission(True, needs_confirmation=True)
    return ALLOWED
