"""Domain errors of the careers feature, each carrying a French message."""


class InvalidPeriod(ValueError):
    """A period whose values are inconsistent (dates, quarters, earnings)."""


class InvalidCivilServiceProfile(ValueError):
    """A civil-service profile whose values no fonctionnaire can have (a negative indice, say)."""


class YearNotConfirmable(ValueError):
    """A year the person cannot confirm (no period in it: a gap is reported, not confirmed)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
