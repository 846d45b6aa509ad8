"""The "Simuler ma retraite" form: what the career does not hold yet, and the departures to compare."""

from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, FormField, IntegerField
from wtforms.validators import NumberRange, Optional, ValidationError

from portal.forms.fields import EarningsField


class MonthField(DateField):
    """A departure month, typed as <input type="month"> (AAAA-MM): a pension always starts on the 1st."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m", **kwargs)
        self.widget.input_type = "month"

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Indiquez un mois au format AAAA-MM, par exemple 2029-07.") from None


class ScenarioForm(FlaskForm):
    """One set of assumptions for the years to come."""

    class Meta:
        csrf = False

    annual_earnings = EarningsField(
        "Salaire ou revenu brut annuel à venir, en euros",
        description="Prérempli avec votre dernière année connue. Laissez vide si vous ne travaillez plus.",
    )
    part_time_percent = IntegerField(
        "Temps de travail, en %",
        validators=[Optional(), NumberRange(1, 100, "Indiquez un pourcentage entre 1 et 100.")],
        description="100 pour un temps plein, 80 pour un temps partiel à 80 %.",
    )
    stop_start = DateField("Arrêt prévu : du", validators=[Optional()], format="%Y-%m-%d")
    stop_end = DateField("au", validators=[Optional()], format="%Y-%m-%d")
    work_until = DateField(
        "Je cesse de travailler le",
        validators=[Optional()],
        format="%Y-%m-%d",
        description="Laissez vide si vous travaillez jusqu'à votre départ.",
    )
    departure = MonthField("Date de départ à comparer", validators=[Optional()])

    def validate_stop_end(self, field):
        if field.data and self.stop_start.data and field.data < self.stop_start.data:
            raise ValidationError("La fin de l'arrêt est avant son début.")
        if bool(field.data) != bool(self.stop_start.data):
            raise ValidationError("Indiquez le début et la fin de l'arrêt.")


class ChildForm(FlaskForm):
    class Meta:
        csrf = False

    birth_date = DateField("Date de naissance", validators=[Optional()], format="%Y-%m-%d")


class SimulationForm(FlaskForm):
    first = FormField(ScenarioForm, label="Scénario 1")
    second = FormField(ScenarioForm, label="Scénario 2")
    extra_children = FieldList(FormField(ChildForm), min_entries=3, max_entries=3)
