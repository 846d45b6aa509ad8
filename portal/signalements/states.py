"""The lifecycle of a signalement, as data: who may move it from which state to which, by which action.

A transition missing from TRANSITIONS is refused by `check_transition` with a message a citizen can read.
"""

import enum

from portal.signalements.exceptions import TransitionNotAllowed


class SignalementState(enum.StrEnum):
    DRAFT = "brouillon"
    FILED = "deposee"
    IN_REVIEW = "en_instruction"
    COMPLEMENT_REQUESTED = "complement_demande"
    AWAITING_VALIDATION = "a_valider"
    ACCEPTED = "acceptee"
    PARTIALLY_ACCEPTED = "partiellement_acceptee"
    REFUSED = "refusee"
    CLOSED = "classee_sans_suite"
    WITHDRAWN = "retiree"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def badge(self) -> str:
        """DSFR badge variant for this state."""
        return STATE_BADGES[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES

    @property
    def is_decided(self) -> bool:
        return self in DECIDED_STATES

    @property
    def is_pending(self) -> bool:
        """Filed and not decided yet: the fund may still accept it."""
        return self in PENDING_STATES

    @property
    def is_draft(self) -> bool:
        return self is SignalementState.DRAFT

    @property
    def is_filed(self) -> bool:
        """Filed and taken by no technician yet."""
        return self is SignalementState.FILED

    @property
    def is_in_review(self) -> bool:
        return self is SignalementState.IN_REVIEW

    @property
    def awaits_complement(self) -> bool:
        """The technician asked the person for a complement, and waits for it."""
        return self is SignalementState.COMPLEMENT_REQUESTED

    @property
    def awaits_validation(self) -> bool:
        """A decision prepared by one agent waits for another's validation (four eyes)."""
        return self is SignalementState.AWAITING_VALIDATION

    @property
    def is_accepted(self) -> bool:
        """Decided in the person's favour, in whole or in part."""
        return self in ACCEPTED_STATES


STATE_LABELS = {
    SignalementState.DRAFT: "Brouillon",
    SignalementState.FILED: "Déposée",
    SignalementState.IN_REVIEW: "En instruction",
    SignalementState.COMPLEMENT_REQUESTED: "Complément demandé",
    SignalementState.AWAITING_VALIDATION: "Décision en cours de validation",
    SignalementState.ACCEPTED: "Acceptée",
    SignalementState.PARTIALLY_ACCEPTED: "Partiellement acceptée",
    SignalementState.REFUSED: "Refusée",
    SignalementState.CLOSED: "Classée sans suite",
    SignalementState.WITHDRAWN: "Retirée",
}
STATE_BADGES = {
    SignalementState.DRAFT: "",
    SignalementState.FILED: "info",
    SignalementState.IN_REVIEW: "info",
    SignalementState.COMPLEMENT_REQUESTED: "warning",
    SignalementState.AWAITING_VALIDATION: "info",
    SignalementState.ACCEPTED: "success",
    SignalementState.PARTIALLY_ACCEPTED: "success",
    SignalementState.REFUSED: "error",
    SignalementState.CLOSED: "",
    SignalementState.WITHDRAWN: "",
}
OPEN_STATES = frozenset({SignalementState.FILED, SignalementState.IN_REVIEW, SignalementState.COMPLEMENT_REQUESTED})
DECIDED_STATES = frozenset(
    {
        SignalementState.ACCEPTED,
        SignalementState.PARTIALLY_ACCEPTED,
        SignalementState.REFUSED,
        SignalementState.CLOSED,
    }
)
ACCEPTED_STATES = frozenset({SignalementState.ACCEPTED, SignalementState.PARTIALLY_ACCEPTED})
# Filed and not decided: the states in which the fund may still accept the request (a decision awaiting a second
# agent's validation included). What the simulator shows "si la demande est acceptée" for.
PENDING_STATES = OPEN_STATES | {SignalementState.AWAITING_VALIDATION}


class Action(enum.StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    TAKE = "take"
    REQUEST_COMPLEMENT = "request_complement"
    ANSWER_COMPLEMENT = "answer_complement"
    ACCEPT = "accept"
    ACCEPT_PARTIALLY = "accept_partially"
    REFUSE = "refuse"
    CLOSE = "close"
    SUBMIT_FOR_VALIDATION = "submit_for_validation"
    RETURN_TO_REVIEW = "return_to_review"


# (current state, action) -> new state. The only source of truth for what may happen to a signalement.
TRANSITIONS: dict[tuple[SignalementState, Action], SignalementState] = {
    (SignalementState.DRAFT, Action.SUBMIT): SignalementState.FILED,
    (SignalementState.FILED, Action.WITHDRAW): SignalementState.WITHDRAWN,
    (SignalementState.IN_REVIEW, Action.WITHDRAW): SignalementState.WITHDRAWN,
    (SignalementState.COMPLEMENT_REQUESTED, Action.WITHDRAW): SignalementState.WITHDRAWN,
    (SignalementState.FILED, Action.TAKE): SignalementState.IN_REVIEW,
    (SignalementState.IN_REVIEW, Action.REQUEST_COMPLEMENT): SignalementState.COMPLEMENT_REQUESTED,
    (SignalementState.COMPLEMENT_REQUESTED, Action.ANSWER_COMPLEMENT): SignalementState.IN_REVIEW,
    (SignalementState.IN_REVIEW, Action.ACCEPT): SignalementState.ACCEPTED,
    (SignalementState.IN_REVIEW, Action.ACCEPT_PARTIALLY): SignalementState.PARTIALLY_ACCEPTED,
    (SignalementState.IN_REVIEW, Action.REFUSE): SignalementState.REFUSED,
    (SignalementState.IN_REVIEW, Action.CLOSE): SignalementState.CLOSED,
    (SignalementState.FILED, Action.CLOSE): SignalementState.CLOSED,
    (SignalementState.AWAITING_VALIDATION, Action.WITHDRAW): SignalementState.WITHDRAWN,
    # Four eyes: a decision that weighs enough is prepared by one agent and decided by the validation of another.
    (SignalementState.IN_REVIEW, Action.SUBMIT_FOR_VALIDATION): SignalementState.AWAITING_VALIDATION,
    (SignalementState.AWAITING_VALIDATION, Action.ACCEPT): SignalementState.ACCEPTED,
    (SignalementState.AWAITING_VALIDATION, Action.ACCEPT_PARTIALLY): SignalementState.PARTIALLY_ACCEPTED,
    (SignalementState.AWAITING_VALIDATION, Action.REFUSE): SignalementState.REFUSED,
    (SignalementState.AWAITING_VALIDATION, Action.CLOSE): SignalementState.CLOSED,
    (SignalementState.AWAITING_VALIDATION, Action.RETURN_TO_REVIEW): SignalementState.IN_REVIEW,
}

REFUSAL_MESSAGES = {
    Action.SUBMIT: "Cette demande a déjà été déposée : elle ne peut plus être modifiée.",
    Action.WITHDRAW: "Cette demande ne peut plus être retirée : elle est brouillon, déjà décidée ou déjà retirée.",
    Action.ANSWER_COMPLEMENT: "Aucun complément n'est attendu pour cette demande.",
}


def check_transition(state: SignalementState, action: Action) -> SignalementState:
    """Return the state `action` leads to from `state`; raise TransitionNotAllowed when the table forbids it."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        message = REFUSAL_MESSAGES.get(action, f"Cette action n'est pas possible sur une demande « {state.label} ».")
        raise TransitionNotAllowed(message) from None
