"""The order of the queues, documented: who should be served first.

priority = closeness to retirement + complexity of the career + urgency of the deadline, each in points:

- closeness to retirement (the person's age on the day of computation): 62 or older 40, 60-61 30, 57-59 15,
  55-56 5; a correction found late costs most to those about to leave (a pension settled on a wrong career).
- complexity: 10 per base scheme beyond the first, 10 with a period abroad, 5 with self-employment; such files
  take longer, so they start earlier.
- deadline: 50 when the target date has passed, 30 when it is within 7 days, 10 within 21 days.

Ties are broken by the filing date, oldest first. The deadline part moves every day: `flask backoffice
reprioritize` recomputes it (scheduled daily), and each change of a request recomputes its own.
"""

from datetime import date

from sqlalchemy import select

from portal.careers.models import Assure, PeriodNature, PeriodVersion, Regime, RegimeKind
from portal.db import db
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def retirement_points(age: int) -> int:
    if age >= 62:
        return 40
    if age >= 60:
        return 30
    if age >= 57:
        return 15
    if age >= 55:
        return 5
    return 0


def deadline_points(due_date: date | None, today: date) -> int:
    if due_date is None:
        return 0
    days_left = (due_date - today).days
    if days_left < 0:
        return 50
    if days_left <= 7:
        return 30
    if days_left <= 21:
        return 10
    return 0


def complexity_points(assure_id: int) -> int:
    rows = db.session.execute(
        select(Regime.code, Regime.kind, PeriodVersion.nature)
        .join(Regime, Regime.id == PeriodVersion.regime_id)
        .where(PeriodVersion.assure_id == assure_id, PeriodVersion.superseded_at.is_(None))
        .distinct()
    ).all()
    base_schemes = {code for code, kind, _nature in rows if kind is RegimeKind.BASE}
    points = 10 * max(0, len(base_schemes) - 1)
    if any(kind is RegimeKind.FOREIGN for _code, kind, _nature in rows):
        points += 10
    if any(nature is PeriodNature.SELF_EMPLOYED for _code, _kind, nature in rows):
        points += 5
    return points


def compute_priority(signalement, *, today: date) -> int:
    assure = db.session.get(Assure, signalement.assure_id)
    assert assure is not None  # signalement.assure_id is a non-null foreign key
    return (
        retirement_points(age_on(assure.birth_date, today))
        + complexity_points(signalement.assure_id)
        + deadline_points(signalement.due_date, today)
    )


def queue_position(priority: int, filed_at) -> int:
    """One integer whose ascending order is the queues' order: priority descending, then filing time ascending.

    Kept in a column (with an index on caisse, position, id) so that a page of the queue is an index range read,
    however large the stock.
    """
    seconds = int(filed_at.timestamp()) if filed_at else 0
    return (1000 - priority) * 10_000_000_000 + seconds


def place_in_queue(signalement, priority: int) -> None:
    signalement.priority = priority
    signalement.queue_position = queue_position(priority, signalement.filed_at)


def reprioritize_open_requests(*, today: date) -> int:
    """Recompute the priority of every open request: the deadline part moves daily (`flask backoffice
    reprioritize`, beat's portal.signalements.reprioritize). Returns how many were recomputed."""
    open_states = [state.value for state in SignalementState if state.is_open]
    count = 0
    statement = select(Signalement).where(Signalement.state.in_(open_states)).execution_options(yield_per=500)
    for signalement in db.session.execute(statement).scalars():
        place_in_queue(signalement, compute_priority(signalement, today=today))
        count += 1
    return count
