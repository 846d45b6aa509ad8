"""Reading signalements."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.agents.models import Caisse
from portal.careers.models import CareerPeriod
from portal.db import db
from portal.signalements.models import Signalement, SignalementItem
from portal.signalements.states import SignalementState


def get_signalement_for_assure(signalement_id: int, assure_id: int) -> Signalement | None:
    """The request with its items, history and messages, or None when it is not this assuré's."""
    statement = (
        select(Signalement)
        .where(Signalement.id == signalement_id, Signalement.assure_id == assure_id)
        .options(
            # The periods named by the person's id too: on a cluster distributed by assuré, one shard (docs/scale.md).
            selectinload(Signalement.items).selectinload(
                SignalementItem.period.and_(CareerPeriod.assure_id == assure_id)
            ),
            selectinload(Signalement.events),
            selectinload(Signalement.messages),
        )
    )
    return db.session.execute(statement).scalar_one_or_none()


def list_signalements(assure_id: int) -> list[Signalement]:
    statement = (
        select(Signalement)
        .where(Signalement.assure_id == assure_id)
        .options(selectinload(Signalement.items))
        .order_by(Signalement.updated_at.desc(), Signalement.id.desc())
    )
    return list(db.session.execute(statement).scalars())


def list_open_by_period(assure_id: int) -> dict[int, list[Signalement]]:
    """Requests not yet decided, by the period they concern: the career page marks those periods."""
    statement = (
        select(SignalementItem.period_id, Signalement)
        .join(Signalement)
        .where(
            Signalement.assure_id == assure_id,
            Signalement.state.in_([state.value for state in SignalementState if state.is_open]),
            SignalementItem.period_id.is_not(None),
        )
    )
    result: dict[int, list[Signalement]] = {}
    for period_id, signalement in db.session.execute(statement):
        assert period_id is not None  # the query keeps only the items about a period
        result.setdefault(period_id, []).append(signalement)
    return result


@dataclass(frozen=True)
class RecourseOffice:
    """Where a decision is contested: the caisse, and the postal address of its commission de recours amiable
    (None when the caisse's data does not hold it yet)."""

    caisse_name: str
    address: str | None


def get_recourse_office(signalement: Signalement) -> RecourseOffice | None:
    """The caisse that instructed the request (the assuré's when the request recorded none), or None when neither
    is known."""
    caisse_id = signalement.caisse_id or signalement.assure.caisse_id
    if caisse_id is None:
        return None
    caisse = db.session.get(Caisse, caisse_id)
    if caisse is None:
        return None
    return RecourseOffice(caisse_name=caisse.name, address=(caisse.recourse_address or "").strip() or None)
