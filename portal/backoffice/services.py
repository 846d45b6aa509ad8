"""What agents do to a request: take it, assign it, annotate it, decide it, validate a colleague's decision.

A decision applies the accepted corrections to the career as new versions of the periods (or new periods) that
record who decided, when and on which request; nothing of the previous versions is lost.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.backoffice.models import Annotation, Severity
from portal.backoffice.priority import compute_priority, place_in_queue
from portal.careers import services as careers_services
from portal.careers.models import CareerPeriod, DataSource, PeriodNature, Regime
from portal.db import utcnow
from portal.extensions import db
from portal.signalements import services as signalements_services
from portal.signalements.catalog import AnomalyType
from portal.signalements.exceptions import SignalementError
from portal.signalements.states import Action, SignalementState, check_transition
from portal.simulation import parameters as simulation_parameters
from portal.simulation.parameters import quarters_from_earnings

ACCEPTED, REFUSED, CLOSED = "accepted", "refused", "closed"
REFUSAL_MOTIVES = (
    "Justificatif insuffisant",
    "Justificatif illisible",
    "Période déjà prise en compte",
    "Revenus insuffisants pour valider un trimestre",
    "Période hors du champ du régime",
    "Autre motif",
)
DEFAULT_REGIME = {
    PeriodNature.PUBLIC_SERVICE: "SRE",
    PeriodNature.ABROAD: "ETRANGER",
}


class StaleRequest(SignalementError):
    """Someone changed the request since the agent loaded it (optimistic locking)."""


class FourEyesViolation(SignalementError):
    """The agent who prepared a decision cannot validate it."""


@dataclass(frozen=True)
class ItemDecision:
    item_id: int
    decision: str  # accepted / refused / closed
    motive: str | None = None
    note: str | None = None
    accepted_earnings_cents: int | None = None
    accepted_quarters: int | None = None
    accepted_start_date: date | None = None
    accepted_end_date: date | None = None


STALE_MESSAGE = (
    "Un autre agent a modifié cette demande pendant que vous la traitiez. Rien n'a été enregistré : "
    "relisez la demande mise à jour, vos saisies sont conservées ci-dessous."
)


def _check_version(signalement, expected_version: int | None) -> None:
    # The version read with the form; the database's own version check (StaleDataError) covers the race after it.
    if expected_version is not None and signalement.version_id != expected_version:
        raise StaleRequest(STALE_MESSAGE)


def take(signalement, *, agent, today: date):
    """Assign the request to `agent`, and start its instruction if it was waiting."""
    if signalement.assigned_agent_id not in (None, agent.id) and signalement.state is not SignalementState.FILED:
        raise SignalementError("Cette demande est déjà suivie par un autre agent.")
    if signalement.state is SignalementState.FILED:
        signalements_services.take(signalement, actor=agent)
    signalement.assigned_agent_id = agent.id
    signalement.assigned_at = utcnow()
    place_in_queue(signalement, compute_priority(signalement, today=today))
    db.session.flush()
    return signalement


def assign(signalement, *, supervisor, assignee):
    """A superviseur gives the request to an agent of the same caisse."""
    if assignee.caisse_id != signalement.caisse_id or not assignee.is_active:
        raise SignalementError("Cet agent n'appartient pas à la caisse qui instruit la demande.")
    signalement.assigned_agent_id = assignee.id
    signalement.assigned_at = utcnow()
    audit(
        AuditAction.SIGNALEMENT_ASSIGNED,
        actor=supervisor,
        subject=signalement.assure,
        signalement_id=signalement.id,
        assignee_id=assignee.id,
    )
    db.session.flush()
    return signalement


def annotate(signalement, *, agent, body: str) -> Annotation:
    if not body.strip():
        raise SignalementError("Écrivez l'annotation.", field="body")
    annotation = Annotation(signalement_id=signalement.id, agent_id=agent.id, body=body.strip())
    db.session.add(annotation)
    db.session.flush()
    return annotation


def _needs_second_validation(signalement, decisions: list[ItemDecision], findings) -> list[str]:
    """Reasons why the decision must be validated by a second agent (empty: it need not)."""
    config = current_app.config
    reasons = []
    accepted = [d for d in decisions if d.decision == ACCEPTED]
    items = {item.id: item for item in signalement.items}
    quarters_added = 0
    for decision in accepted:
        item = items[decision.item_id]
        if decision.accepted_quarters is not None:
            quarters_added += decision.accepted_quarters
        elif item.period_id is None:
            quarters_added += sum(quarters for _start, _end, quarters, _earnings in _chunks(item, decision))
    if quarters_added >= config["FOUR_EYES_QUARTERS"]:
        reasons.append(f"{quarters_added} trimestres ajoutés")
    for decision in accepted:
        item = items[decision.item_id]
        new = decision.accepted_earnings_cents or item.proposed_earnings_cents
        if new is None:
            continue
        current = None
        if item.period_id:
            current = next(v for v in item.period.versions if v.superseded_at is None).earnings_cents
        if abs(new - (current or 0)) >= config["FOUR_EYES_EARNINGS_CENTS"]:
            reasons.append("revenus modifiés au-delà du seuil")
            break
    if accepted and any(f.severity is Severity.HIGH for f in findings):
        reasons.append("décision contraire à un contrôle bloquant")
    return reasons


def decide(signalement, *, agent, decisions: list[ItemDecision], expected_version: int | None, today: date):
    """Record the technician's decision item by item. Applied at once, or sent to a second agent when it weighs
    enough (four eyes). Raises StaleRequest, TransitionNotAllowed, SignalementError."""
    _check_version(signalement, expected_version)
    check_transition(signalement.state, Action.SUBMIT_FOR_VALIDATION)
    items = {item.id: item for item in signalement.items}
    if {d.item_id for d in decisions} != set(items):
        raise SignalementError("Décidez chacune des périodes de la demande.")
    for decision in decisions:
        if decision.decision not in (ACCEPTED, REFUSED, CLOSED):
            raise SignalementError("Choisissez une décision pour chaque période.")
        if decision.decision == REFUSED and not decision.motive:
            raise SignalementError("Un refus doit être motivé : choisissez un motif.")
        item = items[decision.item_id]
        item.decision = decision.decision
        item.decision_motive = decision.motive
        item.decision_note = decision.note
        item.accepted_earnings_cents = decision.accepted_earnings_cents
        item.accepted_quarters = decision.accepted_quarters
        item.accepted_start_date = decision.accepted_start_date
        item.accepted_end_date = decision.accepted_end_date
    from portal.backoffice import controls

    results = controls.run_controls(signalement, today=today, stage="decision")
    controls.record_findings(signalement, results, stage="decision")
    reasons = _needs_second_validation(signalement, decisions, results)
    signalement.prepared_by_agent_id = agent.id
    signalement.prepared_at = utcnow()
    if reasons:
        signalements_services.transition(
            signalement, Action.SUBMIT_FOR_VALIDATION, actor=agent, note="Validation requise : " + ", ".join(reasons)
        )
        return signalement
    return _finalize(signalement, agent=agent)


def validate(signalement, *, agent, approve: bool, note: str, expected_version: int | None, today: date):
    """A second agent validates (the decision is applied) or sends it back. The preparer cannot validate."""
    _check_version(signalement, expected_version)
    if signalement.state is not SignalementState.AWAITING_VALIDATION:
        raise SignalementError("Aucune décision n'attend de validation sur cette demande.")
    if signalement.prepared_by_agent_id == agent.id:
        raise FourEyesViolation("Vous avez préparé cette décision : un autre agent doit la valider.")
    if not approve:
        for item in signalement.items:
            item.decision = None
        signalements_services.transition(
            signalement, Action.RETURN_TO_REVIEW, actor=agent, note=note.strip() or "Décision renvoyée en instruction"
        )
        return signalement
    signalement.validated_by_agent_id = agent.id
    return _finalize(signalement, agent=agent)


def _final_action(signalement) -> Action:
    decisions = [item.decision for item in signalement.items]
    if all(d == ACCEPTED for d in decisions):
        return Action.ACCEPT
    if any(d == ACCEPTED for d in decisions):
        return Action.ACCEPT_PARTIALLY
    if all(d == CLOSED for d in decisions):
        return Action.CLOSE
    return Action.REFUSE


def _finalize(signalement, *, agent):
    from portal.backoffice.models import Agent

    now = utcnow()
    preparer = db.session.get(Agent, signalement.prepared_by_agent_id) or agent
    signed = preparer.display_name
    if agent.id != preparer.id:
        signed += f", validé par {agent.display_name}"
    recorded_by = f"{signed} ({preparer.caisse.name})"[:120]
    for item in signalement.items:
        item.decided_at = now
        if item.decision == ACCEPTED:
            _apply(signalement, item, recorded_by=recorded_by)
    action = _final_action(signalement)
    signalements_services.transition(signalement, action, actor=agent)
    signalements_services.notify_decision(signalement)
    return signalement


def days_per_quarter(nature: PeriodNature) -> int | None:
    """Indemnified days that validate one quarter for an assimilated nature (CSS R351-12), from the simulator's
    legislation table (portal/simulation/data/assimilated_periods.csv); None for the others."""
    return simulation_parameters.days_per_quarter().get(nature.value)


def regime_code_for(nature: PeriodNature, year: int) -> str:
    """The scheme a new period of this nature is recorded in. The embedded controls use the same rule."""
    # Artisans and commerçants are in the régime général since 1 January 2020 (loi 2017-1836, art. 15).
    if nature is PeriodNature.SELF_EMPLOYED:
        return "CNAV" if year >= 2020 else "SSI"
    return DEFAULT_REGIME.get(nature, "CNAV")


def _regime_for(nature: PeriodNature, year: int) -> Regime:
    return db.session.execute(select(Regime).where(Regime.code == regime_code_for(nature, year))).scalar_one()


def _chunks(item, decision=None):
    """The accepted new period cut by calendar year (rights are recorded year by year), with the quarters and the
    earnings of each part: earnings shared pro rata temporis, quarters by the rule of the period's nature."""
    start = (decision.accepted_start_date if decision else None) or item.accepted_start_date or item.proposed_start_date
    end = (decision.accepted_end_date if decision else None) or item.accepted_end_date or item.proposed_end_date
    if start is None or end is None:
        return []
    nature = item.proposed_nature or PeriodNature.SALARIED
    earnings = (decision.accepted_earnings_cents if decision else None) or item.accepted_earnings_cents
    if earnings is None:
        earnings = item.proposed_earnings_cents
    total_days = (end - start).days + 1
    chunks = []
    cursor = start
    while cursor <= end:
        chunk_end = min(end, date(cursor.year, 12, 31))
        days = (chunk_end - cursor).days + 1
        chunk_earnings = None if earnings is None else round(earnings * days / total_days)
        per_quarter = days_per_quarter(nature)
        if per_quarter is not None:
            indemnified = item.proposed_days if item.proposed_days and start.year == end.year else days
            quarters = min(4, indemnified // per_quarter)
        elif chunk_earnings is not None:
            quarters = quarters_from_earnings(cursor.year, Decimal(chunk_earnings) / 100)
        else:
            quarters = 0
        chunks.append((cursor, chunk_end, quarters, chunk_earnings))
        cursor = chunk_end + timedelta(days=1)
    return chunks


def period_changes(signalement, item, current) -> dict:
    """What accepting `item` changes in the current version of its period, as supersede_period's keywords: the
    accepted values, else the proposed ones; the quarters follow corrected earnings by the rule of R351-9. The
    simulator applies the same dict to show "si votre demande est acceptée"."""
    changes = {}
    if signalement.anomaly_type is AnomalyType.DUPLICATE:
        changes["is_withdrawn"] = True
    earnings = item.accepted_earnings_cents
    if earnings is None:
        earnings = item.proposed_earnings_cents
    if earnings is not None:
        changes["earnings_cents"] = earnings
    start = item.accepted_start_date or item.proposed_start_date
    end = item.accepted_end_date or item.proposed_end_date
    if start is not None:
        changes["start_date"] = start
    if end is not None:
        changes["end_date"] = end
    if item.proposed_employer_name:
        changes["employer_name"] = item.proposed_employer_name
    if item.proposed_employer_siret:
        changes["employer_siret"] = item.proposed_employer_siret
    if item.proposed_nature and signalement.anomaly_type is AnomalyType.WRONG_NATURE:
        changes["nature"] = item.proposed_nature
    if item.accepted_quarters is not None:
        changes["quarters"] = item.accepted_quarters
    elif earnings is not None and current.quarters is not None and current.regime.kind.value == "base":
        changes["quarters"] = quarters_from_earnings(current.start_date.year, Decimal(earnings) / 100)
    return changes


def new_period_parts(item) -> list[tuple[date, date, int, int | None]]:
    """What an accepted new period would become: (start, end, quarters, earnings in cents) per calendar year. The
    simulator uses it to show "si votre demande est acceptée" with the very rule a decision applies."""
    return _chunks(item)


def _apply(signalement, item, *, recorded_by: str) -> None:
    reference = f"Demande n° {signalement.reference}"
    reason = f"{reference} acceptée" + (f" : {item.decision_note}" if item.decision_note else "")
    if item.period_id is not None:
        period = db.session.get(CareerPeriod, item.period_id)
        current = next(v for v in period.versions if v.superseded_at is None)
        changes = period_changes(signalement, item, current)
        version = careers_services.supersede_period(
            period, recorded_by=recorded_by, reason=reason, signalement_id=signalement.id, **changes
        )
        item.applied_version_id = version.id
        return
    nature = item.proposed_nature or PeriodNature.SALARIED
    for start, end, quarters, earnings in _chunks(item):
        if item.accepted_quarters is not None and start.year == end.year and len(_chunks(item)) == 1:
            quarters = item.accepted_quarters
        version = careers_services.record_period(
            signalement.assure,
            regime=_regime_for(nature, start.year),
            nature=nature,
            start_date=start,
            end_date=end,
            employer_name=item.proposed_employer_name,
            employer_siret=item.proposed_employer_siret,
            earnings_cents=earnings,
            quarters=quarters,
            days=item.proposed_days,
            source=DataSource.CORRECTION,
            source_reference=reference,
            recorded_by=recorded_by,
            reason=reason,
            signalement_id=signalement.id,
        )
        item.applied_version_id = version.id
