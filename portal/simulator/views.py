"""Simuler ma retraite: the citizen's page, and the effect of a pending signalement."""

from flask import Blueprint, abort, render_template, request

from portal import clock
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.auth.decorators import assure_required
from portal.pension_rules import parameters
from portal.pension_rules.engine import SimulationError, simulate
from portal.pension_rules.model import ChildInput, SimulationInput
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


def _scenario_input(assure, career, children, scenario, today) -> SimulationInput:
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
    )


def _run(assure, career, children, scenario, today, form_field):
    try:
        result = simulate(_scenario_input(assure, career, children, scenario, today))
    except SimulationError as error:
        form_field.errors = [*form_field.errors, error.message]
        return None, None
    return result, scenarios.chosen_departure(result, scenario.departure.data)


@bp.route("/ma-retraite/simulation", methods=["GET", "POST"])
@assure_required
def simulate_retirement():
    """The simulator, prefilled from the career: departure options, two scenarios side by side, explanations."""
    assure = acting_context.subject()
    today = clock.today()
    career = list(inputs.career_entries(assure.id).values())
    children = inputs.children_of(assure.id)
    form = SimulationForm()
    if request.method == "GET":
        last_earnings = scenarios.last_earnings(career)
        for scenario in (form.first, form.second):
            scenario.annual_earnings.data = last_earnings
            scenario.part_time_percent.data = 100
    results = []
    valid = form.validate_on_submit() if request.method == "POST" else True
    supported = assure.birth_date >= parameters.FIRST_SUPPORTED_BIRTH_DATE
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
            result, chosen = _run(assure, career, all_children, scenario, today, scenario.departure)
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
