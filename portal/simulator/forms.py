"""The "Simuler ma retraite" form: what the career does not hold yet, and the departures to compare."""

from wtforms import FieldList, FormField, IntegerField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from portal import clock
from portal.formatting import format_date
from portal.forms import PortalForm
from portal.forms.fields import DateField, EarningsField, MonthField
from portal.forms.validators import Between
from portal.pension_rules import countries
from portal.pension_rules.civil_service import Category, CivilServiceScheme
from portal.pension_rules.model import CivilService
from portal.simulator.inputs import AbroadStay


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


COUNTRY_DEPENDS = (
    "Selon le pays, vos trimestres à l'étranger comptent pour le taux de votre retraite française (Union européenne, "
    "convention bilatérale) ou ne comptent pas : le montant en dépend."
)
NO_COUNTRY = "Pays non indiqué"


def _country_choices() -> list[SelectChoice]:
    # Every country of the table by its French name, in its order; read when the list is first shown, not at import.
    # The empty choice is the engine's "pays non indiqué": the period then counts for nothing.
    return [
        SelectChoice("", NO_COUNTRY),
        *(SelectChoice(code, place.name) for code, place in countries.foreign_countries().items()),
    ]


class AbroadStayForm(PortalForm):
    """The country of one stay abroad (inputs.AbroadStay), for this simulation only."""

    class Meta:
        csrf = False

    country = SelectField(
        "Pays",
        choices=_country_choices,
        invalid_choice_message="Choisissez le pays dans la liste.",
        description=COUNTRY_DEPENDS,
    )

    def chosen(self) -> str | None:
        """The country code from valid data, None for « pays non indiqué »."""
        return self.country.data or None


class SimulationForm(PortalForm):
    first = FormField(ScenarioForm, label="Scénario 1")
    second = FormField(ScenarioForm, label="Scénario 2")
    extra_children = FieldList(FormField(ChildForm), min_entries=3, max_entries=3)
    civil_service = FormField(CivilServiceForm, label="Votre situation de fonctionnaire")
    # One entry per stay abroad of the career, in date order: ask_countries sets them.
    abroad = FieldList(FormField(AbroadStayForm), label="Vos périodes à l'étranger")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each bound field has its own label: naming the child here changes this form only, the page and the error
        # summary then say the same.
        for index, entry in enumerate(self.extra_children, start=1):
            entry.birth_date.label.text = f"Autre enfant {index} : date de naissance"

    def ask_countries(self, stays: list[AbroadStay]) -> None:
        """One country per stay, in the order of `stays`, each labelled with its dates and employers. The entries the
        request did not send (all of them on the first visit) are added with the country on record, « pays non
        indiqué » where there is none; entries beyond the stays (a hand-made form) are dropped. Call before
        validating."""
        while len(self.abroad) > len(stays):
            self.abroad.pop_entry()
        for stay in stays[len(self.abroad) :]:
            self.abroad.append_entry({"country": stay.country or ""})
        for entry, stay in zip(self.abroad, stays, strict=True):
            at = f" ({', '.join(stay.employers)})" if stay.employers else ""
            entry.country.label.text = (
                f"Pays de la période du {format_date(stay.start_date, 'long')} au "
                f"{format_date(stay.end_date, 'long')}{at}"
            )

    def countries(self, stays: list[AbroadStay]) -> dict[int, str | None]:
        """The country of each period abroad (by period id) for the simulation: the one chosen for its stay, the one
        on record where the choice was refused (the page then shows the error and no result)."""
        chosen: dict[int, str | None] = {}
        for entry, stay in zip(self.abroad, stays, strict=True):
            country = stay.country if entry.country.errors else entry.form.chosen()
            chosen.update(dict.fromkeys(stay.period_ids, country))
        return chosen
