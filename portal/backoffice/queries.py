"""The back-office's reads: queues with keyset pagination, one signalement with everything the agent needs."""

import base64
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select, tuple_
from sqlalchemy.orm import joinedload, selectinload

from portal.agents.models import Agent, AgentRole
from portal.careers.models import PeriodVersion, Regime
from portal.db import db
from portal.pension_rules.parameters import (
    CIVIL_SERVICE_SCHEME,
    FARM_EMPLOYEES_SCHEME,
    GENERAL_SCHEME,
    SELF_EMPLOYED_SCHEME,
)
from portal.representation.models import Mandate, MandateState
from portal.signalements.models import Annotation, ControlFinding, Signalement, SignalementItem
from portal.signalements.states import DECIDED_STATES, SignalementState

PAGE_SIZE = 50

QUEUES = {
    "a-prendre": "À prendre",
    "mes-demandes": "Mes demandes",
    "a-valider": "À valider",
    "attente-citoyen": "En attente de l'assuré",
    "decidees": "Décidées",
    "toutes": "Toutes",
}


# The schemes an agent can filter the queues on (code, label), in the order of the filter's list.
QUEUE_REGIMES = {
    GENERAL_SCHEME: "Régime général",
    SELF_EMPLOYED_SCHEME: "Indépendants",
    FARM_EMPLOYEES_SCHEME: "MSA salariés",
    CIVIL_SERVICE_SCHEME: "Fonction publique d'État",
    "AGIRC_ARRCO": "Agirc-Arrco",
    "IRCANTEC": "Ircantec",
}
# Identifiers are 32-bit integers in both databases; positions in a queue 64-bit ones. A number beyond names nothing
# (and SQLite cannot even bind one beyond 64 bits).
MAX_ID = 2**31 - 1
MAX_POSITION = 2**63 - 1
# A cursor is two numbers (or a timestamp and a number) in base64: far under this length.
MAX_CURSOR_LENGTH = 80


class InvalidCursor(ValueError):
    """A pagination cursor this portal did not write (edited, truncated, forged)."""


@dataclass(frozen=True)
class QueueFilters:
    anomaly_type: str | None = None
    regime: str | None = None
    state: str | None = None
    caisse_id: int | None = None
    overdue: bool = False
    risk: bool = False


def encode_cursor(signalement: Signalement) -> str:
    raw = f"{signalement.queue_position}|{signalement.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _cursor_parts(cursor: str) -> list[str]:
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InvalidCursor(cursor[:20])
    try:
        parts = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii").split("|")
    except (ValueError, UnicodeError):  # binascii.Error is a ValueError
        raise InvalidCursor(cursor[:20]) from None
    if len(parts) != 2:
        raise InvalidCursor(cursor[:20])
    return parts


def _bounded(text: str, maximum: int) -> int:
    if not text.isdigit() or not text.isascii() or int(text) > maximum:
        raise InvalidCursor(text[:20])
    return int(text)


def decode_cursor(cursor: str | None) -> tuple[int, int] | None:
    """The (queue_position, id) a queue page starts after; None for the first page. Raises InvalidCursor."""
    if not cursor:
        return None
    position, identifier = _cursor_parts(cursor)
    return _bounded(position, MAX_POSITION), _bounded(identifier, MAX_ID)


def _visible_caisses(agent: Agent):
    # Administrators of the national level see every caisse; everyone else only their own.
    if agent.role is AgentRole.ADMINISTRATEUR:
        return None
    return agent.caisse_id


def list_queue(agent: Agent, queue: str, filters: QueueFilters, *, today: date, after: str | None = None):
    """One page of a queue, most urgent first (see portal.signalements.priority), and the cursor of the next page.
    Raises InvalidCursor on a cursor the portal did not write.

    Keyset pagination on (queue_position, id), served by ix_signalement_queue: the cost of a page does not grow
    with its depth, nor with the stock.
    """
    statement = (
        select(Signalement).where(Signalement.state != SignalementState.DRAFT).options(joinedload(Signalement.assure))
    )
    caisse = _visible_caisses(agent)
    if caisse is not None:
        statement = statement.where(Signalement.caisse_id == caisse)
    elif filters.caisse_id:
        statement = statement.where(Signalement.caisse_id == filters.caisse_id)
    if queue == "a-prendre":
        statement = statement.where(Signalement.state == SignalementState.FILED)
    elif queue == "mes-demandes":
        statement = statement.where(
            Signalement.assigned_agent_id == agent.id,
            Signalement.state.in_([s.value for s in SignalementState if s.is_open]),
        )
    elif queue == "a-valider":
        statement = statement.where(
            Signalement.state == SignalementState.AWAITING_VALIDATION,
            Signalement.prepared_by_agent_id != agent.id,
        )
    elif queue == "attente-citoyen":
        statement = statement.where(Signalement.state == SignalementState.COMPLEMENT_REQUESTED)
    elif queue == "decidees":
        statement = statement.where(Signalement.state.in_([s.value for s in DECIDED_STATES]))
    if filters.anomaly_type:
        statement = statement.where(Signalement.anomaly_type == filters.anomaly_type)
    if filters.state:
        statement = statement.where(Signalement.state == filters.state)
    if filters.overdue:
        statement = statement.where(
            Signalement.due_date < today, Signalement.state.in_([s.value for s in SignalementState if s.is_open])
        )
    if filters.risk:
        statement = statement.where(Signalement.has_risk_flag.is_(True))
    if filters.regime:
        statement = statement.where(
            exists(
                select(SignalementItem.id)
                .join(PeriodVersion, PeriodVersion.period_id == SignalementItem.period_id)
                .join(Regime, Regime.id == PeriodVersion.regime_id)
                .where(
                    SignalementItem.signalement_id == Signalement.id,
                    PeriodVersion.superseded_at.is_(None),
                    Regime.code == filters.regime,
                )
            )
        )
    position = decode_cursor(after)
    if position is not None:
        statement = statement.where(tuple_(Signalement.queue_position, Signalement.id) > position)
    statement = statement.order_by(Signalement.queue_position, Signalement.id).limit(PAGE_SIZE + 1)
    rows = list(db.session.execute(statement).scalars())
    next_cursor = encode_cursor(rows[PAGE_SIZE - 1]) if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_cursor


def agents_by_id(ids) -> dict[int, Agent]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {agent.id: agent for agent in db.session.execute(select(Agent).where(Agent.id.in_(ids))).scalars()}


def get_signalement(signalement_id: int) -> Signalement | None:
    statement = (
        select(Signalement)
        .where(Signalement.id == signalement_id, Signalement.state != SignalementState.DRAFT)
        .options(
            joinedload(Signalement.assure),
            selectinload(Signalement.items).selectinload(SignalementItem.period),
            selectinload(Signalement.events),
            selectinload(Signalement.messages),
        )
    )
    return db.session.execute(statement).scalar_one_or_none()


def list_annotations(signalement_id: int) -> list[Annotation]:
    statement = select(Annotation).where(Annotation.signalement_id == signalement_id).order_by(Annotation.id)
    return list(db.session.execute(statement).scalars())


def latest_findings(signalement_id: int) -> list[ControlFinding]:
    """The findings of the latest run of the controls (filing, or decision when one was prepared)."""
    latest = db.session.execute(
        select(func.max(ControlFinding.computed_at)).where(ControlFinding.signalement_id == signalement_id)
    ).scalar_one()
    if latest is None:
        return []
    statement = (
        select(ControlFinding)
        .where(ControlFinding.signalement_id == signalement_id, ControlFinding.computed_at == latest)
        .order_by(ControlFinding.severity.desc(), ControlFinding.id)
    )
    return list(db.session.execute(statement).scalars())


def list_caisse_agents(caisse_id: int) -> list[Agent]:
    statement = select(Agent).where(Agent.caisse_id == caisse_id, Agent.is_active.is_(True)).order_by(Agent.usual_name)
    return list(db.session.execute(statement).scalars())


# The mandates' lists, by state: the verification queue first.
MANDATE_LISTS = {
    MandateState.REQUESTED: "À vérifier",
    MandateState.ACTIVE: "Actifs",
    MandateState.REFUSED: "Refusés",
    MandateState.REVOKED: "Révoqués",
    MandateState.EXPIRED: "Expirés",
}


def _encode_mandate_cursor(mandate: Mandate) -> str:
    raw = f"{mandate.requested_at.isoformat()}|{mandate.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_mandate_cursor(cursor: str | None):
    if not cursor:
        return None
    requested_at, identifier = _cursor_parts(cursor)
    try:
        moment = datetime.fromisoformat(requested_at)
    except ValueError:
        raise InvalidCursor(requested_at[:20]) from None
    if moment.tzinfo is not None:  # the column holds naive UTC times: an offset was never written by the portal
        raise InvalidCursor(requested_at[:20])
    return moment, _bounded(identifier, MAX_ID)


def list_mandates(agent: Agent, state: MandateState, *, after: str | None = None):
    """One page of the mandates in `state` the agent may see, and the cursor of the next page.

    The verification queue (requested) is served oldest first, as it is worked through; the other lists newest
    first, where the mandate looked for usually is. Keyset pagination on (requested_at, id), served by
    ix_mandate_queue. Raises InvalidCursor on a cursor the portal did not write.
    """
    statement = select(Mandate).where(Mandate.state == state).options(joinedload(Mandate.protected))
    caisse = _visible_caisses(agent)
    if caisse is not None:
        statement = statement.where(Mandate.caisse_id == caisse)
    key = tuple_(Mandate.requested_at, Mandate.id)
    oldest_first = state is MandateState.REQUESTED
    position = _decode_mandate_cursor(after)
    if position is not None:
        statement = statement.where(key > position if oldest_first else key < position)
    if oldest_first:
        statement = statement.order_by(Mandate.requested_at, Mandate.id)
    else:
        statement = statement.order_by(Mandate.requested_at.desc(), Mandate.id.desc())
    rows = list(db.session.execute(statement.limit(PAGE_SIZE + 1)).scalars())
    next_cursor = _encode_mandate_cursor(rows[PAGE_SIZE - 1]) if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_cursor


def get_mandate(mandate_id: int, *, lock: bool = False) -> Mandate | None:
    """One mandate. `lock` before a verification: the row stays locked until the transaction ends, so that two
    agents approving and refusing it at once are served one after the other and the second sees the first's
    decision (a mandate has no version column to detect it otherwise)."""
    statement = (
        select(Mandate)
        .where(Mandate.id == mandate_id)
        .options(joinedload(Mandate.protected), joinedload(Mandate.representative))
    )
    if lock:
        statement = statement.with_for_update(of=Mandate).execution_options(populate_existing=True)
    return db.session.execute(statement).scalar_one_or_none()
