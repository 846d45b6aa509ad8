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

# The demo agents: their sandbox identity (ProConnect sub) and their professional e-mail.
CAMILLE = ("demo-agent-camille-durand", "camille.durand@carsat-ra.example.fr")
MEHDI = ("demo-agent-mehdi-benhamou", "mehdi.benhamou@carsat-ra.example.fr")
ANNE_LAURE = ("demo-agent-anne-laure-kervella", "anne-laure.kervella@carsat-bretagne.example.fr")
JEROME = ("demo-agent-jerome-lefebvre", "jerome.lefebvre@carsat-ra.example.fr")
HELENE = ("demo-agent-helene-marchal", "helene.marchal@cnav.example.fr")
FRANCOIS = ("demo-agent-francois-nguyen-van", "francois.nguyen-van@cnav.example.fr")
PAUL = ("demo-agent-sans-double-authentification", "paul.robin@carsat-ra.example.fr")
LUCIE = ("demo-agent-non-habilite", "lucie.faure@prefecture.example.fr")


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


def representative_account(email: str = "claire.rousseau@example.fr") -> Account:
    """A representative's account, known through FranceConnect and bound to no assuré here."""
    account = Account(pivot_identity={"email": email, "given_name": "Claire", "family_name": "ROUSSEAU"})
    db.session.add(account)
    db.session.flush()
    return account


def requested_mandate(protected, *, representative=None, measure=None, **overrides):
    """A mandate waiting for verification, with its court decision (a PDF) as the representative would file it."""
    from portal.db import utcnow
    from portal.representation.models import Mandate, MandateState, Measure

    representative = representative or representative_account()
    values = {
        "representative_account_id": representative.id,
        "representative_name": representative.display_name,
        "protected_assure_id": protected.id,
        "caisse_id": protected.caisse_id,
        "measure": measure or Measure.TUTELLE,
        "court_name": "Tribunal judiciaire de Lyon",
        "decision_date": date(2025, 11, 3),
        "decision_number": "RG 25/01234",
        "start_date": date(2025, 11, 3),
        "end_date": date(2030, 11, 2),
        "sworn_statement_at": utcnow(),
        "state": MandateState.REQUESTED,
    } | overrides
    mandate = Mandate(**values)
    db.session.add(mandate)
    db.session.flush()
    with documents_services.received_file(io.BytesIO(pdf_bytes()), "jugement.pdf") as received:
        documents_services.add_mandate_document(
            mandate, actor=representative, received=received, kind="Décision de justice"
        )
    return mandate
