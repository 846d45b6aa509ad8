"""Racheter des trimestres: what a « versement pour la retraite » (CSS L351-14-1) would cost the assuré and what it
would change to their basic pension, priced by portal.pension_rules.buy_back on the same engine input as the
default scenario of « Simuler ma retraite » (the last known earnings go on until the departure)."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import Blueprint, render_template, request
from wtforms import BooleanField, IntegerField, RadioField, SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from portal import clock
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth.decorators import assure_required
from portal.formatting import format_date, format_euros, format_number
from portal.forms import PortalForm
from portal.forms.fields import EarningsField, MonthField
from portal.pension_rules import buy_back, parameters
from portal.pension_rules.engine import SimulationError
from portal.pension_rules.model import BuyBackOption, CareerEntry
from portal.representation import context as acting_context
from portal.simulator import inputs, scenarios

bp = Blueprint("simulator_buy_back", __name__)

BOTH_OPTIONS = "both"
# The prefilled earnings: the average of the last recorded years, as the engine's income is "the average of the three
# years before the request" (pension-rules §22.2.2).
RECENT_YEARS = 3
ASSURANCE_RETRAITE_URL = "https://www.lassuranceretraite.fr"


class BuyBackForm(PortalForm):
    """What the assuré considers asking for. The form checks the shape of each answer; the rules (the 12-quarter
    limit, the age, the reduced tariff's conditions, the incomplete years of the career) are the engine's, whose
    refusals the view puts next to the field concerned."""

    reason = RadioField(
        "Ce que vous voulez racheter",
        choices=[
            SelectChoice(reason.value, buy_back.REASON_LABELS[reason].capitalize()) for reason in buy_back.BuyBackReason
        ],
        default=buy_back.BuyBackReason.STUDIES.value,
        validators=[InputRequired("Choisissez le motif du rachat.")],
    )
    quarters = IntegerField(
        "Nombre de trimestres à racheter",
        validators=[InputRequired(f"Indiquez un nombre de trimestres, de 1 à {buy_back.MAX_QUARTERS}.")],
        invalid_value_message="Indiquez un nombre de trimestres en chiffres, par exemple 4.",
        description=(
            f"De 1 à {buy_back.MAX_QUARTERS} sur toute la carrière, tous motifs confondus. Chaque trimestre augmente "
            "le coût ; ceux qui dépassent ce qui manque pour le taux plein ne changent plus la retraite."
        ),
    )
    option = RadioField(
        "L'option : ce que comptent les trimestres rachetés",
        choices=[SelectChoice(BOTH_OPTIONS, "Les deux options, pour les comparer")]
        + [SelectChoice(option.value, buy_back.OPTION_LABELS[option].capitalize()) for option in BuyBackOption],
        default=BOTH_OPTIONS,
        validators=[InputRequired("Choisissez une option, ou les deux pour les comparer.")],
    )
    average_earnings = EarningsField("Revenus annuels bruts moyens des trois dernières années, en euros")
    already_bought = IntegerField(
        "Trimestres déjà rachetés",
        default=0,
        validators=[Optional()],
        invalid_value_message="Indiquez un nombre de trimestres en chiffres, par exemple 0.",
        description=(
            "Au régime général, tous motifs confondus. Ils réduisent ce qu'il reste à racheter : "
            f"{buy_back.MAX_QUARTERS} au plus sur une carrière."
        ),
    )
    reduced_tariff = BooleanField("Demander le tarif réduit des jeunes diplômés")
    departure = MonthField(
        "Date de départ à regarder (facultatif)",
        validators=[Optional()],
        description=(
            "Mois et année, par exemple 2045-07. Laissée vide : le premier départ possible. Elle choisit la date "
            "mise en avant ; les autres dates sont montrées aussi."
        ),
    )

    def validate_average_earnings(self, field):
        # EarningsField reads an empty box as None without an error of its own.
        if field.data is None and not field.errors:
            raise ValidationError("Indiquez le revenu annuel brut moyen, en euros, par exemple 32 000.")

    def buy_back_request(self) -> buy_back.BuyBackRequest:
        """The engine's request, once the form is valid."""
        option = None if self.option.data == BOTH_OPTIONS else BuyBackOption(self.option.data)
        return buy_back.BuyBackRequest(
            reason=buy_back.BuyBackReason(self.reason.data),
            quarters=self.quarters.data,
            option=option,
            average_earnings=self.average_earnings.data,
            reduced_tariff=self.reduced_tariff.data,
            already_bought=self.already_bought.data or 0,
        )


@dataclass(frozen=True)
class RecentEarnings:
    years: tuple[int, ...]
    average: Decimal | None


def recent_earnings(career: list[CareerEntry]) -> RecentEarnings:
    """The average of the gross earnings of the last `RECENT_YEARS` recorded years, base schemes only (an
    Agirc-Arrco line repeats the salary of its year). None when the career holds no earnings in those years."""
    totals: dict[int, Decimal] = {}
    for entry in career:
        if entry.quarters is None:  # complementary points
            continue
        totals[entry.year] = totals.get(entry.year, Decimal(0)) + (entry.earnings or Decimal(0))
    years = tuple(sorted(totals)[-RECENT_YEARS:])
    total = sum((totals[year] for year in years), Decimal(0))
    if not years or not total:
        return RecentEarnings(years, None)
    return RecentEarnings(years, (total / len(years)).quantize(Decimal(1), ROUND_HALF_UP))


def _euros(amount: Decimal) -> str:
    return format_euros(amount, drop_zero_cents=True)


def _describe(form: BuyBackForm, recent: RecentEarnings, birth_date: date, today: date) -> None:
    """The hints that depend on the person and the year: the prefilled earnings and the reduced tariff's deadline.
    Set on this form's own bound fields (as SimulationForm names its children)."""
    low, high = buy_back.thresholds(today.year)
    if recent.average is not None:
        years = ", ".join(str(year) for year in recent.years[:-1]) + f" et {recent.years[-1]}"
        prefilled = (
            f"Prérempli avec la moyenne des revenus enregistrés en {years} : {_euros(recent.average)} ; corrigez-le "
            "si besoin. "
            if len(recent.years) > 1
            else f"Prérempli avec les revenus enregistrés en {recent.years[0]} : {_euros(recent.average)} ; "
            "corrigez-le si besoin. "
        )
    else:
        prefilled = ""
    form.average_earnings.description = (
        f"{prefilled}Ce revenu fixe le prix d'un trimestre : moins de {_euros(low)}, de {_euros(low)} à "
        f"{_euros(high)} ou plus de {_euros(high)} par an en {today.year}."
    )
    abatements = buy_back.REDUCED_TARIFF_ABATEMENT
    form.reduced_tariff.description = (
        "Pour des années d'études supérieures seulement, demandé au plus tard le "
        f"{format_date(buy_back.reduced_tariff_deadline(birth_date), 'long')} (31 décembre de l'année des "
        f"{buy_back.REDUCED_TARIFF_LAST_BIRTHDAY} ans). Il baisse le prix de "
        f"{buy_back.REDUCED_TARIFF_MAX_QUARTERS} trimestres au plus : "
        f"{_euros(abatements[BuyBackOption.RATE])} de moins par trimestre avec l'option 1, "
        f"{_euros(abatements[BuyBackOption.RATE_AND_DURATION])} avec "
        "l'option 2."
    )


def _age_refusal(birth_date: date, today: date) -> str | None:
    """The engine's refusal when the person's age alone rules a request out today (CSS D351-3), else None."""
    probe = buy_back.BuyBackRequest(reason=buy_back.BuyBackReason.STUDIES, quarters=1, average_earnings=Decimal(0))
    try:
        buy_back.check_request(probe, birth_date=birth_date, request_date=today)
    except SimulationError as error:
        if error.field == "buy_back.request_date":
            return error.message
    return None


def _place(form: BuyBackForm, error: SimulationError) -> None:
    """The engine's refusal next to the field it is about; a refusal about no field of the form (the request date,
    the simulation itself) goes to the top of the form."""
    fields = {
        "buy_back.reason": form.reason,
        "buy_back.quarters": form.quarters,
        "buy_back.option": form.option,
        "buy_back.average_earnings": form.average_earnings,
        "buy_back.already_bought": form.already_bought,
        "buy_back.reduced_tariff": form.reduced_tariff,
        "pension_date": form.departure,
    }
    field = fields.get(error.field or "")
    if field is None and error.field == "buy_back.request_date" and form.departure.data:
        field = form.departure  # "votre départ le … ne vient pas après la demande"
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]


@dataclass(frozen=True)
class OptionView:
    """One priced option as the page shows it."""

    result: buy_back.OptionResult
    # "option 1, « taux seul »" (the engine's words) and the same with a capital, for a title.
    name: str
    title: str
    # The departure put forward: the month asked for, else the earliest possible.
    chosen: buy_back.DepartureEffect
    # The departures before the date from which the quarters bought never change the pension again, and that date.
    gaining: tuple[buy_back.DepartureEffect, ...]
    no_gain_from: buy_back.DepartureEffect | None


def option_views(result: buy_back.BuyBackResult, wanted: date | None) -> list[OptionView]:
    day = scenarios.chosen_departure(result.base, wanted).date
    views = []
    for option in result.options:
        departures = option.departures
        stop = len(departures)
        while stop > 0 and departures[stop - 1].annual_gain <= 0:
            stop -= 1
        name = buy_back.OPTION_LABELS[option.option]
        views.append(
            OptionView(
                result=option,
                name=name,
                title=name[:1].upper() + name[1:],
                chosen=next((effect for effect in departures if effect.date == day), departures[0]),
                gaining=departures[:stop],
                no_gain_from=departures[stop] if stop < len(departures) else None,
            )
        )
    return views


def _record_representatives_visit(assure, result: buy_back.BuyBackResult | None) -> None:
    """A representative's pricing with hypotheses of their own, as the simulation page records it; their reads come
    from the representation's hook on this blueprint's endpoints (representation.views.AUDITED_READS)."""
    acting = acting_context.acting()
    if acting is None or request.method != "POST":
        return
    options = len(result.options) if result else 0
    audit(
        AuditAction.REPRESENTATIVE_SIMULATED,
        actor=acting,
        subject=assure,
        scenarios=options,
        endpoint=request.endpoint,
    )


@bp.route("/ma-retraite/rachat-de-trimestres", methods=["GET", "POST"])
@assure_required
def show_buy_back():
    """Racheter des trimestres: the price of each option and its effect on the basic pension, date by date."""
    assure = acting_context.subject()
    today = clock.today()
    career = list(inputs.career_entries(assure.id).values())
    children = inputs.children_of(assure.id)
    recent = recent_earnings(career)
    form = BuyBackForm()
    if request.method == "GET" and recent.average is not None:
        form.average_earnings.data = recent.average
        form.average_earnings.raw = format_number(recent.average)  # "28 568", as a person writes it
    _describe(form, recent, assure.birth_date, today)
    supported = assure.birth_date >= parameters.FIRST_SUPPORTED_BIRTH_DATE
    refusal = _age_refusal(assure.birth_date, today) if supported else None
    can_price = bool(career) and supported and refusal is None
    result = None
    if request.method == "POST" and can_price and form.validate_on_submit():
        simulation_input = inputs.simulation_input(
            birth_date=assure.birth_date,
            today=today,
            sex=inputs.sex_of(assure),
            career=career,
            children=children,
            departure=form.departure.data,
            annual_earnings=scenarios.last_earnings(career),
            # A fonctionnaire's profile on record, as the simulation page's default scenario takes it.
            civil_service=inputs.civil_service_of(assure.id) if inputs.has_civil_service(career) else None,
        )
        try:
            result = buy_back.evaluate(simulation_input, form.buy_back_request())
        except SimulationError as error:
            _place(form, error)
    _record_representatives_visit(assure, result)
    # 422 for a form refused; a page with nothing to price (no career, an age outside the limits) answers as a GET.
    refused = request.method == "POST" and can_price and result is None
    return render_template(
        "simulator/buy_back.html",
        form=form,
        career_size=len(career),
        supported=supported,
        refusal=refusal,
        can_price=can_price,
        result=result,
        options=option_views(result, form.departure.data) if result else [],
        max_quarters=buy_back.MAX_QUARTERS,
        min_age=buy_back.MIN_AGE,
        max_age=buy_back.MAX_AGE,
        assurance_retraite_url=ASSURANCE_RETRAITE_URL,
    ), (422 if refused else 200)
