"""Forms of the signalements feature: shape and format only; rules on stored data live in the services."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.careers.models import NATURE_LABELS, PeriodNature
from portal.forms.fields import EarningsField
from portal.signalements.catalog import CATALOG, AnomalyType

EXPLANATION_MAX = 4000


class SiretValidator:
    def __call__(self, form, field):
        from stdnum.fr import siret

        value = (field.data or "").replace(" ", "")
        if value and not siret.is_valid(value):
            raise ValidationError(
                "Ce numéro SIRET n'est pas valide (14 chiffres). Il figure sur vos bulletins de salaire ; "
                "laissez le champ vide si vous ne le connaissez pas."
            )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChooseTypeForm(FlaskForm):
    anomaly_type = RadioField(
        "Quelle anomalie voulez-vous signaler ?",
        choices=[SelectChoice(kind.value, spec.label) for kind, spec in CATALOG.items()],
        validators=[InputRequired("Choisissez le type d'anomalie.")],
    )


class SignalementForm(FlaskForm):
    """The structured proposal; the view shows only the fields the anomaly type asks for."""

    period_ids = MultiCheckboxField("Périodes concernées", coerce=int, validate_choice=False)
    start_date = DateField("Date de début", validators=[Optional()], format="%Y-%m-%d")
    end_date = DateField("Date de fin", validators=[Optional()], format="%Y-%m-%d")
    employer_name = StringField("Nom de l'employeur", validators=[Optional(), Length(max=200)])
    employer_siret = StringField("Numéro SIRET de l'employeur (facultatif)", validators=[Optional(), SiretValidator()])
    earnings = EarningsField("Salaire ou revenu brut de la période, en euros")
    days = IntegerField(
        "Nombre de jours indemnisés (facultatif)",
        validators=[Optional(), NumberRange(min=1, max=366, message="Entre 1 et 366 jours.")],
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

    def validate_end_date(self, field):
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError("La date de fin est antérieure à la date de début.")


FIELD_LABELS_BY_TYPE = {
    AnomalyType.CHILDREN: {"start_date": "Date de naissance ou d'adoption de l'enfant"},
    AnomalyType.WRONG_EARNINGS: {"earnings": "Montant exact du salaire brut de l'année, en euros"},
}


class DocumentForm(FlaskForm):
    file = FileField("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)")
    kind = SelectField("Ce document est", validators=[InputRequired("Indiquez ce qu'est ce document.")])
    period_ids = MultiCheckboxField("Il prouve les périodes", coerce=int, validate_choice=False)


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Votre message",
        validators=[
            InputRequired("Écrivez votre message."),
            Length(max=EXPLANATION_MAX, message="4 000 caractères au plus."),
        ],
    )


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Pourquoi retirez-vous votre demande ? (facultatif)", validators=[Length(max=1000)])
