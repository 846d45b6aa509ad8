"""Back-office test helpers: agents registered as the portal would, requests filed as a citizen would."""

import io
from datetime import date

from portal.auth.models import Account
from portal.backoffice.agents import add_agent
from portal.backoffice.models import AgentRole
from portal.documents import services as documents_services
from portal.extensions import db
from portal.signalements import services
from portal.signalements.catalog import AnomalyType
from tests.files import pdf_bytes


def register(email: str, role: str, caisse: str = "CARSAT-RA"):
    return add_agent(email=email, role=AgentRole(role), caisse_code=caisse)


def citizen_account(assure) -> Account:
    from sqlalchemy import select

    existing = db.session.execute(select(Account).where(Account.assure_id == assure.id)).scalar_one_or_none()
    if existing is not None:
        return existing
    account = Account(assure=assure, pivot_identity={"email": "assure@example.fr", "given_name": "Jean-Pierre"})
    db.session.add(account)
    db.session.flush()
    return account


def filed_request(assure, *, account=None, anomaly_type=AnomalyType.MISSING_PERIOD, period_ids=(), proposal=None,
                  today: date):  # fmt: skip
    """A request filed by the assuré, with one PDF justificatif."""
    account = account or citizen_account(assure)
    proposal = proposal or services.Proposal(
        start_date=date(2011, 1, 1), end_date=date(2011, 12, 31), employer_name="Camping des Pins",
        earnings_cents=2_000_000,
    )  # fmt: skip
    draft = services.create_draft(
        assure, actor=account, anomaly_type=anomaly_type, period_ids=list(period_ids), proposal=proposal,
        explanation="Saisonnier", today=today,
    )  # fmt: skip
    documents_services.add_document(
        draft, actor=account, stream=io.BytesIO(pdf_bytes()), original_name="certificat.pdf", kind="x", period_ids=[]
    )
    services.submit(draft, actor=account, today=today)
    db.session.flush()
    return draft
