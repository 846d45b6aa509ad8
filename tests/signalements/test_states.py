"""The lifecycle table."""

import pytest

from portal.signalements.exceptions import TransitionNotAllowed
from portal.signalements.states import TRANSITIONS, Action, SignalementState, check_transition


def test_a_draft_can_only_be_submitted():
    assert check_transition(SignalementState.DRAFT, Action.SUBMIT) is SignalementState.FILED
    for action in Action:
        if action is not Action.SUBMIT:
            with pytest.raises(TransitionNotAllowed):
                check_transition(SignalementState.DRAFT, action)


def test_a_decided_or_withdrawn_request_no_longer_moves():
    for state in SignalementState:
        if state.is_decided or state is SignalementState.WITHDRAWN:
            assert not [action for (current, action) in TRANSITIONS if current is state]


def test_a_second_submission_is_refused_in_french():
    with pytest.raises(TransitionNotAllowed, match="déjà été déposée"):
        check_transition(SignalementState.FILED, Action.SUBMIT)


def test_withdrawal_is_possible_until_the_decision():
    for state in (SignalementState.FILED, SignalementState.IN_REVIEW, SignalementState.COMPLEMENT_REQUESTED):
        assert check_transition(state, Action.WITHDRAW) is SignalementState.WITHDRAWN
    with pytest.raises(TransitionNotAllowed, match="ne peut plus être retirée"):
        check_transition(SignalementState.ACCEPTED, Action.WITHDRAW)


def test_every_state_has_a_french_label_and_every_transition_lands_on_a_state():
    assert all(state.label for state in SignalementState)
    assert set(TRANSITIONS.values()) <= set(SignalementState)
