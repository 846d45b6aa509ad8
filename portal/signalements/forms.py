"""Forms of the signalements feature: shape and format only; rules on stored data live in the services."""

from flask_wtf.file import FileField
from stdnum.fr import siret
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.careers.models import NATURE_LABELS, PeriodNature
from portal.forms import PortalForm
from portal.forms.fields import DateField, EarningsField
from portal.forms.validators import Between
from portal.signalements.catalog import CATALOG, AnomalyType

EXPLANATION_MAX = 4000


class SiretValidator:
    def __call__(self, form, field):
        value = (field.data or "").replace(" ", "")
        if value and not siret.is_valid(value):
            raise ValidationError(
                "Ce numéro SIRET n'est pas valide (14 chiffres). Il figure sur vos bulletins de salaire ; "
                "laissez le champ vide si vous ne le connaissez pas."
            )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Choisissez parmi les périodes proposées.") from None


class ChooseTypeForm(PortalForm):
    anomaly_type = RadioField(
        "Quelle anomalie voulez-vous signaler ?",
        choices=[SelectChoice(kind.value, spec.label) for kind, spec in CATALOG.items()],
        validators=[InputRequired("Choisissez le type d'anomalie.")],
    )


class SignalementForm(PortalForm):
    """The structured proposal; the view shows only the fields the anomaly type asks for."""

    period_ids = MultiCheckboxField("Périodes concernées", coerce=int, validate_choice=False)
    start_date = DateField("Date de début", validators=[Optional()])
    end_date = DateField("Date de fin", validators=[Optional()])
    employer_name = StringField(
        "Nom de l'employeur", validators=[Optional(), Length(max=200, message="200 caractères au plus.")]
    )
    employer_siret = StringField("Numéro SIRET de l'employeur (facultatif)", validators=[Optional(), SiretValidator()])
    earnings = EarningsField("Salaire ou revenu brut de la période, en euros")
    days = IntegerField(
        "Nombre de jours indemnisés (facultatif)",
        validators=[Optional(), Between(1, 366, "Entre 1 et 366 jours.")],
        invalid_value_message="Indiquez un nombre entier de jours, par exemple 45.",
    )
    nature = SelectField(
        "Nature de la période",
        choices=[SelectChoice("", "Choisissez")]
        + [SelectChoice(nature.value, NATURE_LABELS[nature]) for nature in PeriodNature],
        validators=[Optional()],
    )
    explanation = TextAreaField(
        "Expliquez la situation",
        description="Ce qui est faux ou manquant, et ce que vous savez de la période. 4 000 caractères au plus.",
        validators=[Length(max=EXPLANATION_MAX, message="4 000 caractères au plus.")],
    )


FIELD_LABELS_BY_TYPE = {
    AnomalyType.CHILDREN: {"start_date": "Date de naissance ou d'adoption de l'enfant"},
    AnomalyType.WRONG_EARNINGS: {"earnings": "Montant exact du salaire brut de l'année, en euros"},
}


class DocumentForm(PortalForm):
    file = FileField("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)")
    kind = SelectField("Ce document est", validators=[InputRequired("Indiquez ce qu'est ce document.")])
    period_ids = MultiCheckboxField("Il prouve les périodes", coerce=int, validate_choice=False)


class MessageForm(PortalForm):
    body = TextAreaField(
        "Votre message",
        validators=[
            InputRequired("Écrivez votre message."),
            Length(max=EXPLANATION_MAX, message="4 000 caractères au plus."),
        ],
    )


class WithdrawForm(PortalForm):
    reason = TextAreaField(
        "Pourquoi retirez-vous votre demande ? (facultatif)",
        validators=[Length(max=1000, message="1 000 caractères au plus.")],
    )
