"""Forms of the auth feature."""

from wtforms import StringField
from wtforms.validators import InputRequired

from portal.forms import PortalForm
from portal.forms.validators import ValidNir


class BindNirForm(PortalForm):
    nir = StringField(
        "Numéro de sécurité sociale",
        description="15 caractères, tels qu'ils figurent sur votre carte Vitale. Exemple : 2 69 05 49 588 157 80",
        validators=[InputRequired("Saisissez votre numéro de sécurité sociale."), ValidNir()],
        render_kw={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"},
    )
