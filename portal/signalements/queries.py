"""Reading signalements."""

from dataclasses import dataclass

from sqlalchemy import column, select, table
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


@dataclass(frozen=True)
class RecourseOffice:
    """Where a decision is contested: the caisse, and the postal address of its commission de recours amiable
    (None when the caisse's data does not hold it yet)."""

    caisse_name: str
    address: str | None


# The caisse table is mapped by the back-office (`Caisse` in portal/backoffice/models.py) and a feature never
# imports the back-office: the two columns needed here are read by name until the caisses move out of it.
_caisse = table("caisse", column("id"), column("name"), column("recourse_address"))


def get_recourse_office(signalement: Signalement) -> RecourseOffice | None:
    """The caisse that instructed the request (the assuré's when the request recorded none), or None when neither
    is known."""
    caisse_id = signalement.caisse_id or signalement.assure.caisse_id
    if caisse_id is None:
        return None
    row = db.session.execute(
        select(_caisse.c.name, _caisse.c.recourse_address).where(_caisse.c.id == caisse_id)
    ).one_or_none()
    if row is None:
        return None
    return RecourseOffice(caisse_name=row.name, address=(row.recourse_address or "").strip() or None)
