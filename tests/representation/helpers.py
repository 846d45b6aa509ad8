"""Mandates built as the services build them: requested by a representative's account, approved by an agent."""

import io
from datetime import date

from sqlalchemy import select

from portal.db import db
from portal.representation import services
from portal.representation.models import Mandate, MandateState, Measure
from tests.files import pdf_bytes


def request(account, protected, *, measure=Measure.TUTELLE, start=date(2026, 1, 5), end=date(2031, 1, 4),
            today=date(2026, 11, 2), decided=date(2025, 12, 15)) -> Mandate:  # fmt: skip
    return services.request_mandate(
        services.MandateRequest(
            measure=measure,
            birth_name=protected.birth_name,
            given_names=protected.given_names,
            birth_date=protected.birth_date,
            nir=protected.nir,
            court_name="Tribunal judiciaire de Lyon",
            decision_date=decided,
            decision_number="RG 25/04321",
            start_date=start,
            end_date=end,
            sworn_statement=True,
        ),
        account=account,
        today=today,
        stream=io.BytesIO(pdf_bytes()),
        original_name="jugement.pdf",
    )


def active(account, protected, *, agent, measure=Measure.TUTELLE, acts=None, **dates) -> Mandate:
    mandate = request(account, protected, measure=measure, **dates)
    services.approve(mandate, agent=agent, today=dates.get("today", date(2026, 11, 2)), allowed_acts=acts)
    db.session.flush()
    return mandate


def state_of(mandate_id: int) -> MandateState:
    return db.session.execute(select(Mandate.state).where(Mandate.id == mandate_id)).scalar_one()
