"""The representative's request for a mandate."""

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from portal.auth.forms import ValidNir
from portal.forms import PortalForm
from portal.forms.fields import DateField
from portal.representation.models import Measure


def _required(message: str):
    return InputRequired(message)


class MandateRequestForm(PortalForm):
    measure = SelectField(
        "La mesure de protection",
        choices=[SelectChoice("", "Choisissez la mesure")]
        + [SelectChoice(measure.value, measure.label) for measure in Measure],
        validators=[_required("Choisissez la mesure de protection que prévoit la décision.")],
    )
    birth_name = StringField(
        "Nom de naissance de la personne protégée",
        validators=[_required("Indiquez le nom de naissance de la personne protégée."), Length(max=120)],
    )
    given_names = StringField(
        "Prénoms", validators=[_required("Indiquez les prénoms de la personne protégée."), Length(max=200)]
    )
    birth_date = DateField(
        "Date de naissance",
        validators=[_required("Indiquez la date de naissance de la personne protégée (jour, mois, année).")],
    )
    nir = StringField(
        "Numéro de sécurité sociale de la personne protégée",
        description="15 caractères, sur sa carte Vitale ou son attestation de droits.",
        validators=[_required("Indiquez le numéro de sécurité sociale de la personne protégée."), ValidNir()],
    )
    court_name = StringField(
        "Juridiction ou notaire",
        description="Par exemple : Tribunal judiciaire de Lyon, juge des contentieux de la protection.",
        validators=[_required("Indiquez la juridiction (ou le notaire pour un mandat de protection future)."),
                    Length(max=200)],
    )  # fmt: skip
    decision_date = DateField("Date de la décision", validators=[_required("Indiquez la date de la décision.")])
    decision_number = StringField(
        "Numéro de la décision (RG ou répertoire)",
        validators=[_required("Indiquez le numéro de la décision."), Length(max=60)],
    )
    start_date = DateField("Début de la mesure", validators=[_required("Indiquez la date de début de la mesure.")])
    end_date = DateField(
        "Fin de la mesure, ou date de sa révision",
        validators=[_required("Indiquez la date de fin ou de révision de la mesure.")],
    )
    decision = FileField(
        "La décision de justice (ou le mandat de protection future visé par le greffe), PDF, JPEG ou PNG",
        validators=[_required("Joignez la décision : elle est indispensable à la vérification.")],
    )
    sworn = BooleanField(
        "Je certifie sur l'honneur l'exactitude de ces informations et que la décision jointe est en vigueur. "
        "Une fausse déclaration est punie par l'article 441-7 du Code pénal."
    )
