"""`flask generate-requests`: a large synthetic stock of open requests, to measure the queues at scale.

Synthetic assurés (NIR beginning with 9, which no real person has) and their requests are inserted in batches with
SQLAlchemy Core: 100,000 requests take seconds, not the hours a row-by-row ORM insert would.
"""

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from portal.agents.services import ensure_caisse
from portal.auth.models import Account
from portal.careers.models import Assure
from portal.db import db
from portal.signalements.catalog import AnomalyType
from portal.signalements.models import Signalement, SignalementItem
from portal.signalements.priority import queue_position
from portal.signalements.states import SignalementState

BATCH = 5000
OPEN_STATES = (SignalementState.FILED, SignalementState.IN_REVIEW, SignalementState.COMPLEMENT_REQUESTED)


def generate(count: int, *, caisse_code: str, seed: int = 42, today: date) -> int:
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    caisse = ensure_caisse(caisse_code)
    people = max(1, count // 4)
    first_id = (db.session.execute(select(db.func.max(Assure.id))).scalar() or 0) + 1
    assures = []
    for offset in range(people):
        birth = date(1958, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
        assures.append(
            {
                "id": first_id + offset,
                "nir": f"9{first_id + offset:014d}",
                "sex": rng.choice("12"),
                "birth_name": f"SYNTHÉTIQUE {first_id + offset}",
                "given_names": "Camille",
                "birth_date": birth,
                "birth_country_code": "99100",
                "caisse_id": caisse.id,
                "created_at": datetime(2026, 1, 1),
            }
        )
    for start in range(0, len(assures), BATCH):
        db.session.execute(insert(Assure), assures[start : start + BATCH])
    author = Account(pivot_identity={"given_name": "Compte", "family_name": "SYNTHÉTIQUE"})
    db.session.add(author)
    db.session.flush()
    kinds = list(AnomalyType)
    first_signalement = (db.session.execute(select(db.func.max(Signalement.id))).scalar() or 0) + 1
    rows, items = [], []
    for offset in range(count):
        filed = datetime.combine(today, datetime.min.time()) - timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
        target = 60
        rows.append(
            {
                "id": first_signalement + offset,
                "assure_id": first_id + rng.randrange(people),
                "created_by_account_id": author.id,
                "anomaly_type": rng.choice(kinds).value,
                "state": rng.choice(OPEN_STATES).value,
                "explanation": "Demande synthétique (mesure de charge).",
                "created_at": filed,
                "updated_at": filed,
                "filed_at": filed,
                "complete_date": filed.date(),
                "target_days": target,
                "paused_days": 0,
                "due_date": filed.date() + timedelta(days=target),
                "caisse_id": caisse.id,
                "priority": (priority := rng.choice((0, 5, 10, 15, 25, 30, 40, 55, 70, 90))),
                "queue_position": queue_position(priority, filed),
                "has_risk_flag": rng.random() < 0.03,
                "version_id": 1,
            }
        )
        items.append({"signalement_id": first_signalement + offset, "year": rng.randrange(1980, 2025)})
        if len(rows) == BATCH:
            db.session.execute(insert(Signalement), rows)
            db.session.execute(insert(SignalementItem), items)
            rows, items = [], []
    if rows:
        db.session.execute(insert(Signalement), rows)
        db.session.execute(insert(SignalementItem), items)
    return count
