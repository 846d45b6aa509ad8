"""The instruction of a signalement by the agents: take it, assign it, annotate it, decide it, validate a colleague's
decision (four eyes).

A decision applies the accepted corrections to the career as new versions of the periods (or new periods) that
record who decided, when and on which request; nothing of the previous versions is lost.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app

from portal.agents.models import Agent
from portal.audit.services import AuditAction
from portal.audit.services import record as audit
from portal.careers import corrections
from portal.careers import services as careers_services
from portal.careers.models import CareerPeriod, PeriodNature
from portal.db import db, utcnow
from portal.formatting import format_cents, plural
from portal.pension_rules.parameters import quarters_from_earnings
from portal.signalements import controls
from portal.signalements import services as signalements_services
from portal.signalements.catalog import AnomalyType
from portal.signalements.exceptions import SignalementError
from portal.signalements.models import ACCEPTED, CLOSED, REFUSED, Annotation, Severity, SignalementItem
from portal.signalements.priority import compute_priority, place_in_queue
from portal.signalements.states import Action, SignalementState, check_transition

REFUSAL_MOTIVES = (
    "Justificatif insuffisant",
    "Justificatif illisible",
    "Période déjà prise en compte",
    "Revenus insuffisants pour valider un trimestre",
    "Période hors du champ du régime",
    "Autre motif",
)


class StaleSignalement(SignalementError):
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
        raise StaleSignalement(STALE_MESSAGE)


def take(signalement, *, agent, today: date):
    """Assign the request to `agent`, and start its instruction if it was waiting."""
    if signalement.assigned_agent_id not in (None, agent.id) and signalement.state is not SignalementState.FILED:
        raise SignalementError("Cette demande est déjà suivie par un autre agent.")
    if signalement.state is SignalementState.FILED:
        signalements_services.take(signalement, actor=agent)
    signalement.assigned_agent_id = agent.id
    signalement.assigned_at = utcnow()
    place_in_queue(signalement, compute_priority(signalement, today=today))
    # Taking a request under instruction by a colleague moves no state: the assignment line names who took it.
    audit(
        AuditAction.SIGNALEMENT_ASSIGNED,
        actor=agent,
        subject=signalement.assure,
        signalement_id=signalement.id,
        assignee_id=agent.id,
    )
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
    """A private note of the agent on the request, never shown to the assuré. Raises SignalementError when empty."""
    if not body.strip():
        raise SignalementError("Écrivez l'annotation.", field="body")
    annotation = Annotation(signalement_id=signalement.id, agent_id=agent.id, body=body.strip())
    db.session.add(annotation)
    db.session.flush()
    audit(
        AuditAction.SIGNALEMENT_ANNOTATED,
        actor=agent,
        subject=signalement.assure,
        signalement_id=signalement.id,
        annotation_id=annotation.id,
    )
    return annotation


@dataclass(frozen=True)
class DecisionEffect:
    """What a decision does to the career, summed over every year it touches: quarters added and removed,
    earnings raised and lowered, periods created and removed. A removed (withdrawn) period loses all its quarters
    and earnings; a created one brings all of its own."""

    writes: int = 0
    quarters_added: int = 0
    quarters_removed: int = 0
    earnings_added_cents: int = 0
    earnings_removed_cents: int = 0
    periods_created: int = 0
    periods_removed: int = 0
    years: tuple[int, ...] = ()

    @classmethod
    def of(cls, writes: list[corrections.CareerWrite]) -> "DecisionEffect":
        quarters = [write.quarters_after - write.quarters_before for write in writes]
        earnings = [write.earnings_after_cents - write.earnings_before_cents for write in writes]
        return cls(
            writes=len(writes),
            quarters_added=sum(delta for delta in quarters if delta > 0),
            quarters_removed=-sum(delta for delta in quarters if delta < 0),
            earnings_added_cents=sum(delta for delta in earnings if delta > 0),
            earnings_removed_cents=-sum(delta for delta in earnings if delta < 0),
            periods_created=sum(1 for write in writes if write.period_id is None),
            periods_removed=sum(1 for write in writes if write.values.get("is_withdrawn")),
            years=tuple(sorted({write.year for write in writes})),
        )

    @property
    def quarters_changed(self) -> int:
        return self.quarters_added + self.quarters_removed

    @property
    def earnings_changed_cents(self) -> int:
        return self.earnings_added_cents + self.earnings_removed_cents

    @property
    def earnings_added(self) -> Decimal:
        return Decimal(self.earnings_added_cents) / 100

    @property
    def earnings_removed(self) -> Decimal:
        return Decimal(self.earnings_removed_cents) / 100

    def as_audit_data(self) -> dict:
        return {
            "quarters_added": self.quarters_added,
            "quarters_removed": self.quarters_removed,
            "earnings_added_cents": self.earnings_added_cents,
            "earnings_removed_cents": self.earnings_removed_cents,
            "periods_created": self.periods_created,
            "periods_removed": self.periods_removed,
            "years": list(self.years),
        }


def needs_second_validation(effect: DecisionEffect, findings) -> list[str]:
    """Reasons why the decision must be validated by a second agent (empty: it need not). The thresholds are the
    settings of the day, compared with the effect the decision will have on the career: nothing else counts."""
    config = current_app.config
    reasons = []
    if effect.quarters_changed >= config["FOUR_EYES_QUARTERS"]:
        moved = []
        if effect.quarters_added:
            moved.append(plural(effect.quarters_added, "trimestre ajouté"))
        if effect.quarters_removed:
            moved.append(plural(effect.quarters_removed, "trimestre retiré"))
        reasons.append(" et ".join(moved))
    if effect.earnings_changed_cents >= config["FOUR_EYES_EARNINGS_CENTS"]:
        reasons.append(f"revenus modifiés de {format_cents(effect.earnings_changed_cents)} au total")
    if effect.writes and any(finding.severity is Severity.HIGH for finding in findings):
        reasons.append("décision contraire à un contrôle bloquant")
    return reasons


def decide(signalement, *, agent, decisions: list[ItemDecision], expected_version: int | None, today: date):
    """Record the technician's decision item by item. Applied at once, or sent to a second agent when its effect
    on the career weighs enough (four eyes). Raises StaleSignalement, TransitionNotAllowed, SignalementError."""
    _check_version(signalement, expected_version)
    check_transition(signalement.state, Action.SUBMIT_FOR_VALIDATION)
    items = {item.id: item for item in signalement.items}
    if sorted(d.item_id for d in decisions) != sorted(items):
        raise SignalementError("Décidez chacune des périodes de la demande.")
    for decision in decisions:
        if decision.decision not in (ACCEPTED, REFUSED, CLOSED):
            raise SignalementError("Choisissez une décision pour chaque période.")
        if decision.decision == REFUSED and not decision.motive:
            raise SignalementError("Un refus doit être motivé : choisissez un motif.")
        if decision.motive is not None and decision.motive not in REFUSAL_MOTIVES:
            raise SignalementError("Choisissez un motif de refus dans la liste.")
        item = items[decision.item_id]
        item.decision = decision.decision
        item.decision_motive = decision.motive
        item.decision_note = decision.note
        item.accepted_earnings_cents = decision.accepted_earnings_cents
        item.accepted_quarters = decision.accepted_quarters
        item.accepted_start_date = decision.accepted_start_date
        item.accepted_end_date = decision.accepted_end_date
    writes = planned_writes(signalement)
    effect = DecisionEffect.of(writes)
    results = controls.run_controls(signalement, today=today, stage="decision")
    controls.record_findings(signalement, results, stage="decision")
    reasons = needs_second_validation(effect, results)
    signalement.prepared_by_agent_id = agent.id
    signalement.prepared_at = utcnow()
    audit(
        AuditAction.SIGNALEMENT_DECISION_PREPARED,
        actor=agent,
        subject=signalement.assure,
        signalement_id=signalement.id,
        effect=effect.as_audit_data(),
        reasons=reasons,
        items={str(item.id): item.decision for item in signalement.items},
    )
    if reasons:
        signalements_services.transition(
            signalement, Action.SUBMIT_FOR_VALIDATION, actor=agent, note="Validation requise : " + ", ".join(reasons)
        )
        return signalement
    return _finalize(signalement, agent=agent, writes=writes)


SEND_BACK_NOTE_REQUIRED = (
    "Expliquez pourquoi vous renvoyez la décision en instruction : ce commentaire est obligatoire, il guide l'agent "
    "qui l'a préparée."
)


def validate(signalement, *, agent, approve: bool, note: str, expected_version: int | None, today: date):
    """A second agent validates (the decision is applied) or sends it back with a comment (required). The
    preparer cannot validate. Raises StaleSignalement, FourEyesViolation, SignalementError."""
    _check_version(signalement, expected_version)
    if signalement.state is not SignalementState.AWAITING_VALIDATION:
        raise SignalementError("Aucune décision n'attend de validation sur cette demande.")
    if signalement.prepared_by_agent_id == agent.id:
        raise FourEyesViolation("Vous avez préparé cette décision : un autre agent doit la valider.")
    if not approve:
        if not note.strip():
            raise SignalementError(SEND_BACK_NOTE_REQUIRED, field="note")
        for item in signalement.items:
            item.decision = None
        signalements_services.transition(signalement, Action.RETURN_TO_REVIEW, actor=agent, note=note.strip())
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


def _finalize(signalement, *, agent, writes: list[corrections.CareerWrite] | None = None):
    """Apply the decision: the writes weighed a moment ago by `decide`, or, after a second agent's validation,
    computed again on the career as it stands now (the validating agent sees the request as it is)."""
    now = utcnow()
    preparer = db.session.get(Agent, signalement.prepared_by_agent_id) or agent
    signed = preparer.display_name
    if agent.id != preparer.id:
        signed += f", validé par {agent.display_name}"
    recorded_by = f"{signed} ({preparer.caisse.name})"[:120]
    for item in signalement.items:
        item.decided_at = now
    for write in planned_writes(signalement) if writes is None else writes:
        _apply(signalement, write, recorded_by=recorded_by)
    action = _final_action(signalement)
    signalements_services.transition(signalement, action, actor=agent)
    signalements_services.notify_decision(signalement)
    return signalement


def _year_parts(item) -> list[tuple[date, date, int, int | None]]:
    """The accepted new period cut by calendar year (careers.corrections), with the quarters and the earnings of
    each part: earnings shared pro rata temporis, quarters by the rule of the period's nature. The values the
    technician accepted when set (0 included), else the proposed ones."""
    start = item.accepted_start_date or item.proposed_start_date
    end = item.accepted_end_date or item.proposed_end_date
    nature = item.proposed_nature or PeriodNature.SALARIED
    earnings = item.accepted_earnings_cents
    if earnings is None:
        earnings = item.proposed_earnings_cents
    parts = corrections.split_by_calendar_year(start, end, earnings)
    return [
        (
            part.start,
            part.end,
            corrections.new_part_quarters(nature, part, declared_days=item.proposed_days, single_year=len(parts) == 1)
            or 0,
            part.earnings_cents,
        )
        for part in parts
    ]


def period_changes(signalement, item, current) -> dict:
    """What accepting `item` changes in the current version of its period, as supersede_period's keywords: the
    accepted values, else the proposed ones; the quarters follow corrected earnings by the rule of R351-9. The
    simulator applies the same dict to show "si votre demande est acceptée"."""
    changes: dict[str, object] = {}
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
    return _year_parts(item)


def planned_writes(signalement) -> list[corrections.CareerWrite[SignalementItem]]:
    """What the accepted items of `signalement` will write to the career, in the order they are applied, with
    the quarters and earnings of each period before and after. Raises SignalementError (French) on values no
    period can take, before anything is written: dates in the wrong order, an existing period moved across a
    year, quarters typed for a new period that spans several years (they are computed year by year)."""
    writes = []
    for item in signalement.items:
        if item.decision != ACCEPTED:
            continue
        if item.period_id is not None:
            period = db.session.get(CareerPeriod, item.period_id)
            # item.period_id is a foreign key to the period (periods are never deleted).
            assert period is not None
            current = next(v for v in period.versions if v.superseded_at is None)
            changes = period_changes(signalement, item, current)
            after = {name: getattr(current, name) for name in careers_services.VERSIONED_FIELDS} | changes
            if after["end_date"] < after["start_date"]:
                raise SignalementError("La date de fin retenue est antérieure à la date de début.")
            if after["start_date"].year != after["end_date"].year:
                raise SignalementError(
                    "Une période est déclarée par année civile : les dates retenues doivent rester dans la même année."
                )
            quarters_before, earnings_before = corrections.weight(
                current.quarters, current.earnings_cents, current.is_withdrawn
            )
            quarters_after, earnings_after = corrections.weight(
                after["quarters"], after["earnings_cents"], after["is_withdrawn"]
            )
            year = after["start_date"].year
            writes.append(
                corrections.CareerWrite(
                    item, period.id, changes, year, quarters_before, quarters_after, earnings_before, earnings_after
                )
            )
            continue
        chunks = _year_parts(item)
        if not chunks:
            start = item.accepted_start_date or item.proposed_start_date
            end = item.accepted_end_date or item.proposed_end_date
            if start is None or end is None:
                raise SignalementError("Indiquez les dates de début et de fin retenues pour la nouvelle période.")
            raise SignalementError("La date de fin retenue est antérieure à la date de début.")
        if item.accepted_quarters is not None and len(chunks) > 1:
            raise SignalementError(
                f"La nouvelle période couvre {chunks[0][0].year} à {chunks[-1][0].year} : ses trimestres sont "
                "calculés année par année. Laissez « Trimestres retenus » vide, ou ramenez les dates retenues à une "
                "seule année civile."
            )
        nature = item.proposed_nature or PeriodNature.SALARIED
        for start, end, quarters, earnings in chunks:
            if item.accepted_quarters is not None:
                quarters = item.accepted_quarters
            values = {
                "regime": corrections.regime_for(nature, start.year),
                "nature": nature,
                "start_date": start,
                "end_date": end,
                "employer_name": item.proposed_employer_name,
                "employer_siret": item.proposed_employer_siret,
                "earnings_cents": earnings,
                "quarters": quarters,
                "days": item.proposed_days,
            }
            writes.append(corrections.CareerWrite(item, None, values, start.year, 0, quarters or 0, 0, earnings or 0))
    return writes


def effect_of(signalement) -> DecisionEffect:
    """The effect the decision recorded on the items of `signalement` would have on the career now."""
    return DecisionEffect.of(planned_writes(signalement))


def _apply(signalement, write: corrections.CareerWrite[SignalementItem], *, recorded_by: str) -> None:
    item = write.item
    reference = f"Demande n° {signalement.reference}"
    reason = f"{reference} acceptée" + (f" : {item.decision_note}" if item.decision_note else "")
    version = corrections.apply_write(
        write,
        assure=signalement.assure,
        source_reference=reference,
        recorded_by=recorded_by,
        reason=reason,
        signalement_id=signalement.id,
    )
    item.applied_version_id = version.id
