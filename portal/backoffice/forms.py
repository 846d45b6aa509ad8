"""Forms of the back-office."""

from datetime import date, timedelta

from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    MonthField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from portal import clock
from portal.backoffice.queries import MAX_ID
from portal.forms import PortalForm
from portal.forms.fields import EarningsField
from portal.pension_rules.parameters import FIRST_SUPPORTED_BIRTH_DATE
from portal.representation import permissions as representation_permissions
from portal.signalements.instruction import REFUSAL_MOTIVES, SEND_BACK_NOTE_REQUIRED


def _hidden_id() -> IntegerField:
    """An identifier the page carries (never typed): a number, or the form was edited by hand."""
    return IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)],
        invalid_value_message="Identifiant incorrect.",
    )


FORM_TAMPERED = (
    "Ce formulaire a été modifié ou est incomplet : rien n'a été enregistré. Rechargez la demande et saisissez à "
    "nouveau votre décision."
)


class _CarriesIds:
    """A form whose hidden identifiers were refused says so at its top: they have no visible field to show it."""

    hidden_ids: tuple[str, ...] = ()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if any(self[name].errors for name in self.hidden_ids) and FORM_TAMPERED not in self.form_errors:
            self.form_errors.append(FORM_TAMPERED)
        return valid


class ItemDecisionForm(PortalForm):
    class Meta:
        csrf = False  # a sub-form: the enclosing form carries the token

    item_id = _hidden_id()
    decision = SelectField(
        "Décision",
        choices=[
            SelectChoice("", "Choisissez"),
            SelectChoice("accepted", "Accepter"),
            SelectChoice("refused", "Refuser"),
            SelectChoice("closed", "Classer sans suite"),
        ],
        validators=[InputRequired("Choisissez une décision.")],
        invalid_choice_message="Choisissez une décision dans la liste.",
    )
    motive = SelectField(
        "Motif (refus)",
        choices=[SelectChoice("", "—")] + [SelectChoice(m, m) for m in REFUSAL_MOTIVES],
        invalid_choice_message="Choisissez un motif dans la liste.",
    )
    note = TextAreaField(
        "Précision pour l'assuré",
        validators=[Length(max=2000, message="La précision ne peut pas dépasser 2 000 caractères.")],
    )
    accepted_earnings = EarningsField("Revenus retenus (€), si différents")
    accepted_quarters = IntegerField(
        "Trimestres retenus, si différents",
        validators=[Optional(), NumberRange(min=0, max=4, message="De 0 à 4.")],
        invalid_value_message="Indiquez un nombre entier de trimestres, de 0 à 4.",
    )
    accepted_start_date = DateField(
        "Début retenu",
        validators=[Optional()],
        invalid_value_message="Indiquez une date complète : jour, mois et année.",
    )
    accepted_end_date = DateField(
        "Fin retenue",
        validators=[Optional()],
        invalid_value_message="Indiquez une date complète : jour, mois et année.",
    )


class DecisionForm(_CarriesIds, PortalForm):
    hidden_ids = ("version_id",)

    version_id = _hidden_id()
    # A forged body cannot make the form build thousands of entries; the service checks they are the signalement's.
    items = FieldList(FormField(ItemDecisionForm), min_entries=1, max_entries=50)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if any(entry.item_id.errors for entry in self.items) and FORM_TAMPERED not in self.form_errors:
            self.form_errors.append(FORM_TAMPERED)
        return valid


class ValidationForm(_CarriesIds, PortalForm):
    hidden_ids = ("version_id",)

    version_id = _hidden_id()
    verdict = SelectField(
        "Votre avis",
        choices=[SelectChoice("approve", "Valider la décision"), SelectChoice("return", "Renvoyer en instruction")],
        invalid_choice_message="Choisissez « Valider la décision » ou « Renvoyer en instruction ».",
    )
    note = TextAreaField(
        "Commentaire (obligatoire pour un renvoi)",
        validators=[Length(max=2000, message="Le commentaire ne peut pas dépasser 2 000 caractères.")],
    )

    def validate_note(self, field):
        # Sending a decision back without saying why leaves the preparer guessing (four eyes): required then.
        if self.verdict.data == "return" and not (field.data or "").strip():
            raise ValidationError(SEND_BACK_NOTE_REQUIRED)


def default_complement_due() -> date:
    return clock.today() + timedelta(days=30)


class ComplementForm(PortalForm):
    message = TextAreaField(
        "Ce qui est demandé à l'assuré",
        validators=[
            InputRequired("Précisez ce qui est demandé."),
            Length(max=4000, message="Le texte ne peut pas dépasser 4 000 caractères."),
        ],
    )
    due_date = DateField(
        "Date limite de réponse",
        default=default_complement_due,
        validators=[InputRequired("Indiquez la date limite de réponse.")],
        invalid_value_message="Indiquez une date complète : jour, mois et année.",
    )


def _stripped(value: str | None) -> str | None:
    # Blank lines alone are no text: refused here, with the field's message, rather than by the service.
    return value.strip() if value else value


class NoteForm(PortalForm):
    body = TextAreaField(
        "Texte",
        filters=[_stripped],
        validators=[
            DataRequired("Écrivez le texte."),
            Length(max=4000, message="Le texte ne peut pas dépasser 4 000 caractères."),
        ],
    )


class AssignForm(PortalForm):
    # The choices (the caisse's agents) are read by the view; the service checks the agent chosen.
    agent_id = SelectField("Attribuer à", coerce=int, validate_choice=False)


class PointsField(EarningsField):
    """A number of Agirc-Arrco points, typed as an amount is ("4 512,35")."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Saisissez un nombre de points positif, par exemple 4 512,35.") from None


def _quarters_range(form, field):
    # A number that could not be read already carries its own message.
    if field.data is not None and not 0 <= field.data <= 400:
        raise ValidationError("Indiquez un nombre de trimestres entre 0 et 400.")


def _quarters_field(label: str, description: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[InputRequired("Indiquez ce nombre de trimestres."), _quarters_range],
        invalid_value_message="Indiquez un nombre entier de trimestres.",
        description=description,
    )


class SummarySimulationForm(PortalForm):
    """The simulator on figures read off a file (mode résumé): no career, no assuré's data."""

    birth_date = DateField(
        "Date de naissance",
        validators=[InputRequired("Indiquez la date de naissance.")],
        invalid_value_message="Indiquez une date complète : jour, mois et année.",
    )
    sex = SelectField(
        "Sexe (facultatif)",
        choices=[SelectChoice("", "Non précisé"), SelectChoice("F", "Femme"), SelectChoice("M", "Homme")],
        invalid_choice_message="Choisissez « Femme », « Homme » ou « Non précisé ».",
    )
    quarters_all_regimes = _quarters_field(
        "Trimestres tous régimes de base", "Au 31 décembre dernier, majorations pour enfants comprises."
    )
    quarters_regime_general = _quarters_field("dont trimestres au régime général", "Au 31 décembre dernier.")
    quarters_contributed = _quarters_field(
        "dont trimestres cotisés", "Tous régimes, hors périodes assimilées (chômage, maladie…)."
    )
    sam = EarningsField(
        "Salaire annuel moyen (€)",
        validators=[InputRequired("Indiquez le salaire annuel moyen.")],
        description="Moyenne des 25 meilleures années, revalorisées.",
    )
    agirc_arrco_points = PointsField("Points Agirc-Arrco (facultatif)", description="Laissez vide s'il n'y en a pas.")
    departure = MonthField(
        "Date de départ à comparer (facultatif)",
        validators=[Optional()],
        invalid_value_message="Indiquez un mois au format AAAA-MM, par exemple 2029-07.",
        description="Laissez vide pour le premier départ possible.",
    )
    annual_earnings = EarningsField(
        "Revenus annuels bruts à venir (€, facultatif)",
        description="Du 1er janvier de cette année jusqu'au départ. Laissez vide si l'assuré ne travaille plus.",
    )

    # A value that could not be read (field.data None) already carries its own message: the checks below skip it.

    def validate_birth_date(self, field):
        today = clock.today()
        if field.data is None:
            return
        if field.data > today:
            raise ValidationError("La date de naissance est dans le futur.")
        if field.data < FIRST_SUPPORTED_BIRTH_DATE:
            raise ValidationError("Le simulateur couvre les personnes nées à partir du 1er janvier 1950.")
        if today.year - field.data.year < 14:
            raise ValidationError("Le simulateur s'adresse aux personnes d'au moins 14 ans.")

    def validate_quarters_regime_general(self, field):
        total = self.quarters_all_regimes.data
        if total is not None and field.data is not None and field.data > total:
            raise ValidationError("Le régime général ne peut pas dépasser le total tous régimes.")

    def validate_quarters_contributed(self, field):
        total = self.quarters_all_regimes.data
        if total is not None and field.data is not None and field.data > total:
            raise ValidationError("Les trimestres cotisés ne peuvent pas dépasser le total tous régimes.")

    def validate_departure(self, field):
        today = clock.today()
        if field.data is None:
            return
        if field.data <= today:
            raise ValidationError("La date de départ doit être dans le futur.")
        if field.data.year > today.year + 60:
            raise ValidationError("Cette date de départ est trop lointaine.")


class MandateApprovalForm(PortalForm):
    """Approve a mandate. The acts are ticked for a sauvegarde de justice only; the service requires one then (it
    knows the measure)."""

    allowed_acts = SelectMultipleField(
        "Actes que la décision confie au mandataire spécial",
        choices=[SelectChoice(key, label) for key, (label, _) in representation_permissions.LIMITED_ACTS.items()],
        invalid_choice_message="Choisissez parmi les actes proposés.",
    )


class MandateRefusalForm(PortalForm):
    motive = TextAreaField(
        "Motif du refus (communiqué au demandeur)",
        validators=[
            InputRequired("Indiquez le motif du refus : il est communiqué au demandeur."),
            Length(max=2000, message="Le motif ne peut pas dépasser 2 000 caractères."),
        ],
    )


class MandateRevocationForm(PortalForm):
    motive = TextAreaField(
        "Motif de la révocation (communiqué au représentant et à la personne protégée)",
        validators=[
            InputRequired("Indiquez le motif de la révocation."),
            Length(max=2000, message="Le motif ne peut pas dépasser 2 000 caractères."),
        ],
    )
