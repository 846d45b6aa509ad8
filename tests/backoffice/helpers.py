"""Back-office test helpers: agents registered as the portal would, requests filed as a citizen would."""

import io
from datetime import date

from portal.db import db, utcnow
from portal.documents import services as documents_services
from portal.representation import services as representation_services
from portal.representation.models import Mandate, MandateState, Measure
from portal.signalements import justificatifs, services
from portal.signalements.catalog import AnomalyType
from tests.builders import create_citizen_account, create_representative_account
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


def filed_request(assure, *, account=None, anomaly_type=AnomalyType.MISSING_PERIOD, period_ids=(), proposal=None,
                  today: date):  # fmt: skip
    """A request filed by the assuré, with one PDF justificatif."""
    account = account or create_citizen_account(assure)
    proposal = proposal or services.Proposal(
        start_date=date(2011, 1, 1), end_date=date(2011, 12, 31), employer_name="Camping des Pins",
        earnings_cents=2_000_000,
    )  # fmt: skip
    draft = services.create_draft(
        assure, actor=account, anomaly_type=anomaly_type, period_ids=list(period_ids), proposal=proposal,
        explanation="Saisonnier", today=today,
    )  # fmt: skip
    justificatifs.add_document(
        draft, actor=account, stream=io.BytesIO(pdf_bytes()), original_name="certificat.pdf", kind="x", period_ids=[]
    )
    services.submit(draft, actor=account, today=today)
    db.session.flush()
    return draft


def requested_mandate(protected, *, representative=None, measure=None, **overrides):
    """A mandate waiting for verification, with its court decision (a PDF) as the representative would file it."""
    representative = representative or create_representative_account("claire.rousseau@example.fr", "Claire ROUSSEAU")
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
        representation_services.add_mandate_document(
            mandate, actor=representative, received=received, kind="Décision de justice"
        )
    return mandate
