"""Reusable validators with French messages."""

from wtforms.validators import ValidationError


class Between:
    """A number between `minimum` and `maximum`, inclusive. A value the field could not read (None) is left alone:
    its own message already says what is wrong, a second one about the range would only confuse."""

    def __init__(self, minimum, maximum, message: str):
        self.minimum = minimum
        self.maximum = maximum
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and not self.minimum <= field.data <= self.maximum:
            raise ValidationError(self.message)
