"""Domain errors of mandates, with a French message and the field it concerns."""


class MandateError(Exception):
    """`code` names the refusal in the audit trail when the field alone does not (the identity, a duplicate)."""

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or field or "request"
