"""Domain errors of signalements, each carrying a French message for the person."""


class SignalementError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionNotAllowed(SignalementError):
    """The lifecycle table has no such transition from the current state."""


class SignalementIncomplete(SignalementError):
    """Something required before submission is missing (a justificatif, a proposed value)."""


class TooManyDocuments(SignalementError):
    """The request already holds the maximum number of justificatifs."""


class DraftRefused(SignalementError):
    """A draft's values break one rule or more: all of them, so that the form shows them at once. The message and
    the field are the first error's, for a caller that shows one."""

    def __init__(self, errors: list[SignalementError]):
        super().__init__(errors[0].message, field=errors[0].field)
        self.errors = tuple(errors)
