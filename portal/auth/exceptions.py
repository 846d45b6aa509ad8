"""Domain errors of the auth feature, each carrying a French message."""


class BindingRefused(Exception):
    """The NIR typed at first login cannot be bound to this account. `reason` is for the audit trail."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason = reason
        self.message = message
