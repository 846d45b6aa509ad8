"""Forms of the auth feature."""

from wtforms import StringField
from wtforms.validators import InputRequired, ValidationError

from portal.auth.identity import is_valid_nir, normalize_nir
from portal.forms import PortalForm


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


class BindNirForm(PortalForm):
    nir = StringField(
        "Numéro de sécurité sociale",
        description="15 caractères, tels qu'ils figurent sur votre carte Vitale. Exemple : 2 69 05 49 588 157 80",
        validators=[InputRequired("Saisissez votre numéro de sécurité sociale."), ValidNir()],
        render_kw={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"},
    )
