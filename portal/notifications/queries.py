"""Reading the outbox."""

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.db import db
from portal.notifications.models import Notification

PAGE_SIZE = 50


@dataclass(frozen=True)
class FailedPage:
    notifications: list[Notification]
    total: int
    next_before_id: int | None


def get_notification(notification_id: int) -> Notification | None:
    return db.session.get(Notification, notification_id)


def _failed():
    # Tried at least once and still not sent: under the attempt cap the workers retry them (exponential backoff),
    # above it, or once bounced, only an administrateur's « Renvoyer » does.
    return (Notification.sent_at.is_(None), Notification.attempts > 0)


def list_failed(*, before_id: int | None = None, limit: int = PAGE_SIZE) -> FailedPage:
    """The e-mails that could not be sent, newest first, by pages of `limit` (keyset on the id)."""
    statement = select(Notification).where(*_failed()).order_by(Notification.id.desc()).limit(limit + 1)
    if before_id is not None:
        statement = statement.where(Notification.id < before_id)
    rows = list(db.session.execute(statement).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return FailedPage(notifications=rows, total=count_failed(), next_before_id=rows[-1].id if more else None)


def count_failed() -> int:
    return db.session.execute(select(func.count()).select_from(Notification).where(*_failed())).scalar_one()
