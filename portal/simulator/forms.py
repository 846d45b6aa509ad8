"""The "Simuler ma retraite" form: what the career does not hold yet, and the departures to compare."""

from wtforms import FieldList, FormField, IntegerField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from portal import clock
from portal.forms import PortalForm
from portal.forms.fields import DateField, EarningsField, MonthField
from portal.forms.validators import Between
from portal.pension_rules.civil_service import Category, CivilServiceScheme
from portal.pension_rules.model import CivilService


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


# The hint of each figure says what depends on it: the person sees why it is asked.
PENSION_DEPENDS = "Le montant de votre pension de fonctionnaire dépend de cet indice."
INDEX_MISSING = (
    "Indiquez votre indice majoré : sans lui, votre pension de fonctionnaire ne peut pas être calculée. Pour ne pas "
    "la calculer, laissez vide toute cette partie."
)


class CivilServiceForm(PortalForm):
    """What a fonctionnaire's pension needs beyond the career (pension_rules.model.CivilService). Left empty, the
    simulation runs without it and lists the civil-service pension as not computed."""

    class Meta:
        csrf = False

    scheme = SelectField(
        "Votre régime de fonctionnaire",
        choices=[
            SelectChoice(CivilServiceScheme.SRE.value, "Fonction publique d'État (SRE)"),
            SelectChoice(CivilServiceScheme.CNRACL.value, "Fonction publique territoriale ou hospitalière (CNRACL)"),
        ],
        default=CivilServiceScheme.SRE.value,
        description="Le régime qui versera votre pension de fonctionnaire et applique ses règles.",
    )
    category = SelectField(
        "Catégorie de vos emplois",
        choices=[
            SelectChoice(Category.SEDENTARY.value, "Sédentaire"),
            SelectChoice(Category.ACTIVE.value, "Active"),
            SelectChoice(Category.SUPER_ACTIVE.value, "Super-active"),
        ],
        default=Category.SEDENTARY.value,
        description=(
            "Les emplois à risques particuliers ou fatigues exceptionnelles (catégorie active ou super-active) "
            "permettent de partir plus tôt : l'âge de départ en dépend."
        ),
    )
    active_years = IntegerField(
        "Années de services actifs ou super-actifs",
        validators=[Optional(), Between(0, 50, "Indiquez un nombre d'années entre 0 et 50.")],
        invalid_value_message="Indiquez un nombre d'années en chiffres, par exemple 17.",
        description="L'âge de départ anticipé en dépend : il faut en général 17 ans de services actifs.",
    )
    index = IntegerField(
        "Indice majoré détenu",
        validators=[Optional(), Between(100, 1999, "Indiquez un indice majoré entre 100 et 1999.")],
        invalid_value_message="Indiquez l'indice majoré en chiffres, par exemple 673.",
        description=f"Il figure sur votre bulletin de paie. {PENSION_DEPENDS}",
    )
    index_since = DateField(
        "Détenu depuis le",
        validators=[Optional()],
        description=(
            "Date de votre dernier changement d'indice : la pension est calculée sur l'indice détenu depuis au moins "
            "six mois, sinon sur le précédent."
        ),
    )
    previous_index = IntegerField(
        "Indice majoré précédent",
        validators=[Optional(), Between(100, 1999, "Indiquez un indice majoré entre 100 et 1999.")],
        invalid_value_message="Indiquez l'indice majoré en chiffres, par exemple 640.",
        description=(
            "Si vous partez moins de six mois après votre dernier changement d'indice, le montant de votre pension "
            "dépend de cet indice."
        ),
    )
    children_before_2004 = IntegerField(
        "Enfants nés avant 2004 pour lesquels vous avez interrompu ou réduit votre activité",
        validators=[Optional(), Between(0, 20, "Indiquez un nombre d'enfants entre 0 et 20.")],
        invalid_value_message="Indiquez un nombre d'enfants en chiffres, par exemple 2.",
        description=(
            "Chacun peut vous donner une bonification de 4 trimestres : le montant de votre pension de fonctionnaire "
            "en dépend."
        ),
    )
    annual_bonuses = EarningsField(
        "Primes annuelles brutes, en euros",
        description=(
            "Le total de vos primes et indemnités d'une année : votre retraite additionnelle (RAFP) en dépend. "
            "Laissez vide si vous ne le connaissez pas."
        ),
    )

    def is_left_empty(self) -> bool:
        """Nothing typed that the pension needs (a zero is nothing): the simulation then runs without the civil
        service. The two lists have no empty choice, they are not counted."""
        figures = (
            self.index,
            self.index_since,
            self.previous_index,
            self.active_years,
            self.children_before_2004,
            self.annual_bonuses,
        )
        return all(not field.raw_data or field.raw_data[0].strip() in ("", "0") for field in figures)

    def validate_index_since(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError("Cette date est dans le futur.")

    def validate(self, extra_validators=None) -> bool:
        # The indice and its date go together. Checked here, after the fields: an empty field's Optional() stops
        # its own validators. Said rather than the figures typed silently left out of the simulation: the person
        # would believe they counted.
        valid = super().validate(extra_validators)
        if self.index.data is None and not self.index.errors and not self.is_left_empty():
            self.index.errors = [*self.index.errors, INDEX_MISSING]
            valid = False
        if self.index_since.data is None and not self.index_since.errors and self.index.data is not None:
            self.index_since.errors = [
                *self.index_since.errors,
                "Indiquez depuis quand vous détenez cet indice, par exemple 01/09/2023.",
            ]
            valid = False
        return valid

    def civil_service(self) -> CivilService | None:
        """The engine's CivilService from valid data, None when the part was left empty."""
        if self.index.data is None or self.index_since.data is None:
            return None
        return CivilService(
            scheme=self.scheme.data,
            category=self.category.data,
            index=self.index.data,
            index_since=self.index_since.data,
            previous_index=self.previous_index.data,
            active_years=self.active_years.data or 0,
            children_before_2004=self.children_before_2004.data or 0,
            annual_bonuses=self.annual_bonuses.data,
        )


class SimulationForm(PortalForm):
    first = FormField(ScenarioForm, label="Scénario 1")
    second = FormField(ScenarioForm, label="Scénario 2")
    extra_children = FieldList(FormField(ChildForm), min_entries=3, max_entries=3)
    civil_service = FormField(CivilServiceForm, label="Votre situation de fonctionnaire")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each bound field has its own label: naming the child here changes this form only, the page and the error
        # summary then say the same.
        for index, entry in enumerate(self.extra_children, start=1):
            entry.birth_date.label.text = f"Autre enfant {index} : date de naissance"
