"""The simulator in the back-office: on a signalement's assuré (the recorded career and, while the signalement is
pending, as if accepted), or on figures read off a file (mode résumé)."""

from datetime import date
from decimal import Decimal

from flask import render_template, request
from flask_login import current_user

from portal import clock
from portal.agents import permissions
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.backoffice.forms import SummarySimulationForm
from portal.backoffice.views import bp
from portal.backoffice.views._common import load_signalement, role_required
from portal.pension_rules.engine import SimulationError, simulate
from portal.pension_rules.model import Sex, SimulationInput, Summary
from portal.simulator import inputs as simulator_inputs
from portal.simulator import scenarios as simulator_scenarios
from portal.simulator.chart import departures_chart


@bp.get("/demandes/<int:signalement_id>/simulation")
def simulate_request(signalement_id: int):
    """The assuré's retirement simulated on the recorded career and, while the signalement is pending, as if
    accepted."""
    signalement = load_signalement(signalement_id)
    simulation = simulator_scenarios.simulate_assure(signalement.assure, today=clock.today(), signalement=signalement)
    # The simulation reads the assuré's whole career and children: recorded, with the agent who read it.
    audit(AuditAction.SIMULATION_VIEWED, actor=current_user, subject=signalement.assure, signalement_id=signalement.id)
    scenarios = []
    if simulation.result is not None:
        scenarios.append({"index": 1, "result": simulation.result,
                          "chosen": simulator_scenarios.chosen_departure(simulation.result)})  # fmt: skip
    if simulation.accepted is not None:
        scenarios.append({"index": 2, "result": simulation.accepted,
                          "chosen": simulator_scenarios.chosen_departure(simulation.accepted)})  # fmt: skip
    return render_template(
        "backoffice/simulation_request.html",
        signalement=signalement,
        simulation=simulation,
        is_pending=simulator_inputs.is_pending(signalement),
        scenarios=scenarios,
        chart=departures_chart(scenarios) if scenarios else None,
    )


def _summary_input(form: SummarySimulationForm, today: date) -> SimulationInput:
    # The figures are those of 31 December last: what is to come starts on 1 January (as in the JSON API).
    return simulator_inputs.simulation_input(
        birth_date=form.birth_date.data,
        today=today,
        sex=Sex(form.sex.data) if form.sex.data else None,
        departure=form.departure.data,
        summary=Summary(
            quarters_all_regimes=form.quarters_all_regimes.data,
            quarters_regime_general=form.quarters_regime_general.data,
            quarters_contributed=form.quarters_contributed.data,
            sam=form.sam.data,
            agirc_arrco_points=form.agirc_arrco_points.data or Decimal(0),
        ),
        annual_earnings=form.annual_earnings.data,
    )


@bp.route("/simulation", methods=["GET", "POST"])
@role_required(permissions.can_simulate)
def simulate_summary():
    """The simulator on figures read off a file (mode résumé); no assuré's data is read, so nothing is audited."""
    form = SummarySimulationForm()
    scenarios = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                result = simulate(_summary_input(form, clock.today()))
            except SimulationError as error:
                # The only date the engine checks here is the departure asked for (before the earliest possible).
                form.departure.errors = [*form.departure.errors, error.message]
            else:
                chosen = simulator_scenarios.chosen_departure(result, form.departure.data)
                scenarios = [{"index": 1, "result": result, "chosen": chosen}]
                status = 200
    return render_template(
        "backoffice/simulation_summary.html",
        form=form,
        scenarios=scenarios,
        chart=departures_chart(scenarios) if scenarios else None,
    ), status
