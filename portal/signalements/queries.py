"""Reading signalements."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.signalements.models import Signalement, SignalementItem
from portal.signalements.states import SignalementState


def get_signalement_for_assure(signalement_id: int, assure_id: int) -> Signalement | None:
    """The request with its items, history and messages, or None when it is not this assuré's."""
    statement = (
        select(Signalement)
        .where(Signalement.id == signalement_id, Signalement.assure_id == assure_id)
        .options(
            selectinload(Signalement.items).selectinload(SignalementItem.period),
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
        result.setdefault(period_id, []).append(signalement)
    return result


def list_valid_confirmations(assure_id: int, current_version_ids_by_year: dict[int, set[int]]):
    """The latest confirmation of each year, kept only while the year still holds exactly the versions
    confirmed: a correction since then makes the confirmation stale."""
    from portal.signalements.models import Confirmation

    statement = select(Confirmation).where(Confirmation.assure_id == assure_id).order_by(Confirmation.id)
    latest = {confirmation.year: confirmation for confirmation in db.session.execute(statement).scalars()}
    return {
        year: confirmation
        for year, confirmation in latest.items()
        if {int(i) for i in confirmation.period_version_ids.split(",")} == current_version_ids_by_year.get(year, set())
    }
