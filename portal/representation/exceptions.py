"""Domain errors of mandates, with a French message and the field it concerns."""


class MandateError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
