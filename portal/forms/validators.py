"""Reusable validators with French messages."""

from wtforms.validators import ValidationError

from portal.auth.identity import is_valid_nir, normalize_nir


class ValidNir:
    """A NIR of 15 characters whose key (the last two digits) is right."""

    def __call__(self, form, field):
        value = normalize_nir(field.data or "")
        if len(value) != 15:
            raise ValidationError(
                "Le numéro de sécurité sociale compte 15 caractères (13 chiffres et la clé de 2 chiffres). "
                f"Vous en avez saisi {len(value)}."
            )
        if not is_valid_nir(value):
            raise ValidationError(
                "Ce numéro de sécurité sociale n'est pas valide : vérifiez chaque chiffre et la clé "
                "(les 2 derniers chiffres)."
            )


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
