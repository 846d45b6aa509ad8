"""Forms of the back-office."""

from datetime import date, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.backoffice.services import REFUSAL_MOTIVES
from portal.signalements.forms import EarningsField


class ItemDecisionForm(FlaskForm):
    class Meta:
        csrf = False  # a sub-form: the enclosing form carries the token

    item_id = HiddenField()
    decision = SelectField(
        "Décision",
        choices=[
            SelectChoice("", "Choisissez"),
            SelectChoice("accepted", "Accepter"),
            SelectChoice("refused", "Refuser"),
            SelectChoice("closed", "Classer sans suite"),
        ],
        validators=[InputRequired("Choisissez une décision.")],
    )
    motive = SelectField(
        "Motif (refus)", choices=[SelectChoice("", "—")] + [SelectChoice(m, m) for m in REFUSAL_MOTIVES]
    )
    note = TextAreaField("Précision pour l'assuré", validators=[Length(max=2000)])
    accepted_earnings = EarningsField("Revenus retenus (€), si différents")
    accepted_quarters = IntegerField(
        "Trimestres retenus, si différents", validators=[Optional(), NumberRange(min=0, max=4, message="De 0 à 4.")]
    )
    accepted_start_date = DateField("Début retenu", validators=[Optional()])
    accepted_end_date = DateField("Fin retenue", validators=[Optional()])


class DecisionForm(FlaskForm):
    version_id = HiddenField()
    items = FieldList(FormField(ItemDecisionForm))


class ValidationForm(FlaskForm):
    version_id = HiddenField()
    verdict = SelectField(
        "Votre avis",
        choices=[SelectChoice("approve", "Valider la décision"), SelectChoice("return", "Renvoyer en instruction")],
    )
    note = TextAreaField("Commentaire (obligatoire pour un renvoi)", validators=[Length(max=2000)])


def default_complement_due() -> date:
    return date.today() + timedelta(days=30)


class ComplementForm(FlaskForm):
    message = TextAreaField(
        "Ce qui est demandé à l'assuré",
        validators=[InputRequired("Précisez ce qui est demandé."), Length(max=4000)],
    )
    due_date = DateField("Date limite de réponse", default=default_complement_due, validators=[InputRequired()])


class NoteForm(FlaskForm):
    body = TextAreaField("Texte", validators=[InputRequired("Écrivez le texte."), Length(max=4000)])


class AssignForm(FlaskForm):
    agent_id = SelectField("Attribuer à", coerce=int, validate_choice=False)
