"""Who may see a justificatif: the assuré it belongs to (agents and representatives come with their features)."""


def can_view(account, document) -> bool:
    return account.assure_id is not None and document.assure_id == account.assure_id
