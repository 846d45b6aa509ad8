"""Domain errors of the careers feature, each carrying a French message."""


class InvalidPeriod(ValueError):
    """A period whose values are inconsistent (dates, quarters, earnings)."""
