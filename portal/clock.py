"""The date in France: deadlines and "today" are counted in Paris time, not in the server's UTC."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def today() -> date:
    return datetime.now(PARIS).date()
