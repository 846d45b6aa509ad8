"""Simuler ma retraite: the citizen's page, and the effect of a pending signalement."""

from flask import Blueprint, abort, current_app, render_template, request, url_for

from portal import clock
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth.decorators import assure_required
from portal.pension_rules import parameters
from portal.pension_rules.engine import SimulationError, simulate
from portal.pension_rules.model import ChildInput, CivilService, SimulationInput
from portal.representation import context as acting_context
from portal.signalements import queries as signalements_queries
from portal.simulator import inputs, scenarios
from portal.simulator.chart import departures_chart
from portal.simulator.forms import SimulationForm

bp = Blueprint("simulator", __name__)
HYPOTHESIS = (
    "Sauf si vous le changez, la simulation suppose que vous continuez à gagner ce que vous gagniez la dernière "
    "année connue, jusqu'au départ."
)
# The buy-back page is another blueprint's: the link to it shows once that endpoint exists.
BUY_BACK_ENDPOINT = "simulator_buy_back.show_buy_back"
FONCTIONNAIRE_EARNINGS_HINT = (
    "Votre traitement indiciaire brut annuel, prérempli avec votre dernière année connue : vos services à venir "
    "comptent dans votre régime de fonctionnaire. Laissez vide si vous ne travaillez plus."
)


def _scenario_input(assure, career, children, scenario, today, civil_service) -> SimulationInput:
    return inputs.simulation_input(
        birth_date=assure.birth_date,
        today=today,
        sex=inputs.sex_of(assure),
        career=career,
        children=children,
        departure=scenario.departure.data,
        annual_earnings=scenario.annual_earnings.data,
        part_time_percent=scenario.part_time_percent.data,
        work_until=scenario.work_until.data,
        stop_start=scenario.stop_start.data,
        stop_end=scenario.stop_end.data,
        civil_service=civil_service,
    )


def _run(assure, career, children, scenario, today, form_field, civil_service):
    try:
        result = simulate(_scenario_input(assure, career, children, scenario, today, civil_service))
    except SimulationError as error:
        form_field.errors = [*form_field.errors, error.message]
        return None, None
    return result, scenarios.chosen_departure(result, scenario.departure.data)


def _prefill_civil_service(subform, profile: CivilService | None, career) -> None:
    """The fonctionnaire's part from the profile on record; without one, the scheme of the career's services."""
    if profile is None:
        subform.scheme.data = next(
            (entry.regime for entry in reversed(career) if entry.regime in inputs.CIVIL_SERVICE_SCHEMES), None
        )
        return
    subform.scheme.data, subform.category.data = profile.scheme, profile.category
    subform.active_years.data = profile.active_years
    subform.index.data, subform.index_since.data = profile.index, profile.index_since
    subform.previous_index.data = profile.previous_index
    subform.children_before_2004.data = profile.children_before_2004
    subform.annual_bonuses.data = profile.annual_bonuses


@bp.route("/ma-retraite/simulation", methods=["GET", "POST"])
@assure_required
def simulate_retirement():
    """The simulator, prefilled from the career: departure options, two scenarios side by side, explanations."""
    assure = acting_context.subject()
    today = clock.today()
    versions = inputs.career_versions(assure.id)
    entries = {period_id: inputs.entry_of(version) for period_id, version in versions.items()}
    career = list(entries.values())
    children = inputs.children_of(assure.id)
    # A fonctionnaire's pension needs more than the career: asked for, prefilled from the profile on record.
    is_fonctionnaire = inputs.has_civil_service(career)
    profile = inputs.civil_service_of(assure.id) if is_fonctionnaire else None
    # What periods abroad count for depends on the country: asked for each stay, prefilled with the one on record
    # (SimulationForm.ask_countries).
    stays = inputs.abroad_stays(versions)
    form = SimulationForm()
    form.ask_countries(stays)
    if inputs.current_scheme(career) in inputs.CIVIL_SERVICE_SCHEMES:
        for scenario in (form.first, form.second):
            scenario.annual_earnings.description = FONCTIONNAIRE_EARNINGS_HINT
    if request.method == "GET":
        last_earnings = scenarios.last_earnings(career)
        for scenario in (form.first, form.second):
            scenario.annual_earnings.data = last_earnings
            scenario.part_time_percent.data = 100
        _prefill_civil_service(form.civil_service, profile, career)
    results = []
    valid = form.validate_on_submit() if request.method == "POST" else True
    supported = assure.birth_date >= parameters.FIRST_SUPPORTED_BIRTH_DATE
    civil_service = None
    if is_fonctionnaire:
        if request.method == "GET":
            civil_service = profile
        elif not form.civil_service.errors:
            civil_service = form.civil_service.form.civil_service()
    if request.method == "POST" and stays:
        # For this simulation only, as the civil-service figures: the career on record keeps its countries.
        career = inputs.with_countries(entries, form.countries(stays))
    if career and supported:
        extra = [entry.birth_date.data for entry in form.extra_children if entry.birth_date.data]
        all_children = children + [ChildInput(birth_date=born) for born in extra if born <= today]
        # Each scenario whose values could be read is simulated even when another part of the form was refused, so
        # that the rules' errors (a departure before the first possible one) show with the others, at once.
        for index, scenario in enumerate((form.first, form.second), start=1):
            if index == 2 and request.method == "GET":
                break
            if scenario.errors:
                continue
            result, chosen = _run(assure, career, all_children, scenario, today, scenario.departure, civil_service)
            if result is None:
                valid = False
                continue
            results.append({"index": index, "result": result, "chosen": chosen})
        if not valid:
            results = []
    acting = acting_context.acting()
    if acting is not None and request.method == "POST":
        # A representative's simulation with hypotheses of their own (the GET is recorded as a read of the space).
        audit(AuditAction.REPRESENTATIVE_SIMULATED, actor=acting, subject=assure, scenarios=len(results))
    return render_template(
        "simulator/simulate.html",
        form=form,
        career_size=len(career),
        last_year=inputs.last_recorded_year(career),
        children=children,
        future_start=inputs.default_future_start(career, today),
        scenarios=results,
        chart=departures_chart(results) if results else None,
        hypothesis=HYPOTHESIS,
        supported=supported,
        is_fonctionnaire=is_fonctionnaire,
        has_civil_service_profile=profile is not None,
        abroad_stays=stays,
        has_unknown_country=any(stay.country is None for stay in stays),
        buy_back_url=url_for(BUY_BACK_ENDPOINT) if BUY_BACK_ENDPOINT in current_app.view_functions else None,
    ), (200 if valid else 422)


@bp.get("/mes-demandes/<int:signalement_id>/effet-sur-ma-retraite")
@assure_required
def show_signalement_effect(signalement_id: int):
    """ "Si votre demande est acceptée": the simulation with the proposed correction, against today's career."""
    assure_id = acting_context.subject_id()
    assert assure_id is not None  # assure_required: the space is an assuré's
    signalement = signalements_queries.get_signalement_for_assure(signalement_id, assure_id)
    if signalement is None:
        abort(404)
    simulation = scenarios.simulate_assure(acting_context.subject(), today=clock.today(), signalement=signalement)
    return render_template(
        "simulator/signalement_effect.html",
        signalement=signalement,
        is_pending=inputs.is_pending(signalement),
        comparison=simulation.comparison,
        notes=simulation.notes,
    )
