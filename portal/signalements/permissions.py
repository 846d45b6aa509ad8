"""Who may see or change a signalement. A person sees only the requests about their own career."""

from portal.signalements.states import SignalementState


def can_view(account, signalement) -> bool:
    return account.assure_id is not None and signalement.assure_id == account.assure_id


def can_edit(account, signalement) -> bool:
    return can_view(account, signalement) and signalement.state is SignalementState.DRAFT
