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
