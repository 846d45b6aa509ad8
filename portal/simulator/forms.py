"""The "Simuler ma retraite" form: what the career does not hold yet, and the departures to compare."""

from wtforms import FieldList, FormField, IntegerField
from wtforms.validators import Optional, ValidationError

from portal import clock
from portal.forms import PortalForm
from portal.forms.fields import DateField, EarningsField, MonthField
from portal.forms.validators import Between


class ScenarioForm(PortalForm):
    """One set of assumptions for the years to come."""

    class Meta:
        csrf = False

    annual_earnings = EarningsField(
        "Salaire ou revenu brut annuel à venir, en euros",
        description="Prérempli avec votre dernière année connue. Laissez vide si vous ne travaillez plus.",
    )
    part_time_percent = IntegerField(
        "Temps de travail, en %",
        validators=[Optional(), Between(1, 100, "Indiquez un pourcentage entre 1 et 100.")],
        invalid_value_message="Indiquez un pourcentage en chiffres, par exemple 80.",
        description="100 pour un temps plein, 80 pour un temps partiel à 80 %.",
    )
    stop_start = DateField("Arrêt prévu : du", validators=[Optional()])
    stop_end = DateField("au", validators=[Optional()])
    work_until = DateField(
        "Je cesse de travailler le",
        validators=[Optional()],
        description="Laissez vide si vous travaillez jusqu'à votre départ.",
    )
    departure = MonthField("Date de départ à comparer", validators=[Optional()])

    def validate_stop_end(self, field):
        if field.data and self.stop_start.data and field.data < self.stop_start.data:
            raise ValidationError("La fin de l'arrêt est avant son début.")
        if bool(field.data) != bool(self.stop_start.data):
            raise ValidationError("Indiquez le début et la fin de l'arrêt.")


class ChildForm(PortalForm):
    class Meta:
        csrf = False

    birth_date = DateField("Date de naissance", validators=[Optional()])

    def validate_birth_date(self, field):
        # Said rather than silently left out of the simulation: the person would believe it counted.
        if field.data and field.data > clock.today():
            raise ValidationError("Cette date de naissance est dans le futur.")


class SimulationForm(PortalForm):
    first = FormField(ScenarioForm, label="Scénario 1")
    second = FormField(ScenarioForm, label="Scénario 2")
    extra_children = FieldList(FormField(ChildForm), min_entries=3, max_entries=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each bound field has its own label: naming the child here changes this form only, the page and the error
        # summary then say the same.
        for index, entry in enumerate(self.extra_children, start=1):
            entry.birth_date.label.text = f"Autre enfant {index} : date de naissance"
