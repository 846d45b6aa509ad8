"""Reading the reports that wait for a technician (« Conflits d'alimentation »)."""

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.careers.models import Assure
from portal.db import db
from portal.intake.models import ConflictState, IntakeConflict

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ConflictPage:
    conflicts: list[IntakeConflict]
    total: int
    next_before_id: int | None


def list_open(*, caisse_id: int | None, before_id: int | None = None) -> ConflictPage:
    """The open conflicts of a caisse (every caisse for None), oldest first: they wait in the order they came."""
    statement = select(IntakeConflict).where(IntakeConflict.state == ConflictState.OPEN)
    if caisse_id is not None:
        statement = statement.join(Assure, Assure.id == IntakeConflict.assure_id).where(Assure.caisse_id == caisse_id)
    total = db.session.execute(select(func.count()).select_from(statement.subquery())).scalar_one()
    if before_id is not None:
        statement = statement.where(IntakeConflict.id > before_id)
    conflicts = list(db.session.execute(statement.order_by(IntakeConflict.id).limit(PAGE_SIZE + 1)).scalars())
    following = conflicts[PAGE_SIZE - 1].id if len(conflicts) > PAGE_SIZE else None
    return ConflictPage(conflicts[:PAGE_SIZE], total, following)


def get_conflict(conflict_id: int) -> IntakeConflict | None:
    return db.session.get(IntakeConflict, conflict_id)


def open_for_assure(assure_id: int) -> list[IntakeConflict]:
    return list(
        db.session.execute(
            select(IntakeConflict)
            .where(IntakeConflict.assure_id == assure_id, IntakeConflict.state == ConflictState.OPEN)
            .order_by(IntakeConflict.id)
        ).scalars()
    )


def open_for_signalement(signalement_id: int) -> list[IntakeConflict]:
    return list(
        db.session.execute(
            select(IntakeConflict)
            .where(IntakeConflict.signalement_id == signalement_id, IntakeConflict.state == ConflictState.OPEN)
            .order_by(IntakeConflict.id)
        ).scalars()
    )
