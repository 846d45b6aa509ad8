"""Every citizen page, walked as the assuré's representatives: one of each scope in force, an expired one, a revoked
one, and the representative of someone else. Each answer is checked (STYLE.md §7)."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.auth.models import Account
from portal.careers.models import Confirmation
from portal.db import db
from portal.documents.models import Document
from portal.representation import context, services
from portal.representation.models import Measure
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState
from tests.builders import create_agent, create_assure, create_period
from tests.conftest import csrf_token
from tests.fc import login
from tests.representation.helpers import active
from tests.test_routes import PERSONAL, ROUTES, create_signalement_with_document

TUTEUR, CURATEUR, MANDATAIRE = "tuteur", "curateur", "mandataire spécial (consulter)"
EXPIRED, REVOKED, OTHER = "mandat expiré", "mandat révoqué", "représentant d'une autre personne"
ROLES = (TUTEUR, CURATEUR, MANDATAIRE, EXPIRED, REVOKED, OTHER)

# The person's pages (ROUTES with the PERSONAL rule), except the one about their own representatives.
PAGES = {
    endpoint: path
    for endpoint, (method, path, expected) in ROUTES.items()
    if method == "GET" and expected == PERSONAL and endpoint != "representation.list_actions_on_my_behalf"
}
DRAFTING = {"signalements.choose_type", "signalements.new_signalement", "signalements.edit_signalement"}
OBJECTS = {endpoint for endpoint, path in PAGES.items() if "{own_" in path}


def expected(role: str, endpoint: str) -> int:
    if role in (EXPIRED, REVOKED):
        return 303  # the mandate is dropped: back to their own space, which has no file
    if role == OTHER:
        return 404 if endpoint in OBJECTS else 200
    if role == MANDATAIRE and endpoint in DRAFTING:
        return 403
    return 200


@pytest.fixture
def visit(request, client, db):
    role = request.param
    own = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    other = create_assure(identity="demo-karim-benali", caisse_id=own.caisse_id)
    own_period = create_period(own, year=2001).period_id
    create_period(other, year=2002)
    own_signalement, own_document = create_signalement_with_document(own, own_period)
    ids = {"own_period": own_period, "own_signalement": own_signalement, "own_document": own_document}
    agent = create_agent("camille.durand@carsat-ra.fr", "technicien")
    login(client, "demo-jules-inconnu")
    account = db.session.execute(select(Account).where(Account.assure_id.is_(None)).order_by(Account.id.desc()))
    representative = account.scalars().first()
    measure = {CURATEUR: Measure.CURATELLE_RENFORCEE, MANDATAIRE: Measure.SAUVEGARDE}.get(role, Measure.TUTELLE)
    acts = ["consulter"] if role == MANDATAIRE else None
    mandate = active(representative, other if role == OTHER else own, agent=agent, measure=measure, acts=acts)
    with client.session_transaction() as session:
        session[context.SESSION_KEY] = mandate.id
    # A page read while the mandate was still in force: its token is what a late click would send.
    ids["token"] = csrf_token(client.get("/mes-representations").text)
    if role == REVOKED:
        services.revoke(mandate, agent=agent, motive="Mainlevée")
    if role == EXPIRED:
        mandate.end_date = date(2026, 1, 31)
        services.expire_mandates(today=date(2026, 12, 1))
    db.session.flush()
    return role, client, ids


@pytest.mark.parametrize("visit", ROLES, indirect=True)
def test_each_representative_gets_the_declared_answer_on_every_page(visit):
    role, client, ids = visit
    for endpoint, path in PAGES.items():
        response = client.get(path.format(**ids))
        response.close()
        assert response.status_code == expected(role, endpoint), f"{role} GET {path} ({endpoint})"


@pytest.mark.parametrize("visit", ROLES, indirect=True)
def test_filing_follows_the_scope_and_nothing_else_changes(visit):
    role, client, ids = visit
    response = client.post(f"/mes-demandes/{ids['own_signalement']}/deposer", data={"csrf_token": ids["token"]})
    state = db.session.get(Signalement, ids["own_signalement"]).state
    if role == TUTEUR:
        assert response.status_code == 303
        assert state is SignalementState.FILED
    elif role == CURATEUR:
        assert response.status_code == 303
        assert state is SignalementState.DRAFT  # waits for the person's confirmation
        assert db.session.get(Signalement, ids["own_signalement"]).filing_requested_by_account_id is not None
    elif role == MANDATAIRE:
        assert response.status_code == 403
        assert state is SignalementState.DRAFT
    elif role == OTHER:
        assert response.status_code == 404
        assert state is SignalementState.DRAFT
    else:
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/mes-representations")
        assert state is SignalementState.DRAFT


# Every citizen POST that changes something, with what it needs; "delete" last as it removes the draft.
WRITES = [
    ("careers.confirm_year", "/ma-carriere/confirmer", {"annee": "2001"}),
    ("signalements.post_message", "/mes-demandes/{own_signalement}/messages", {"body": "Bonjour"}),
    ("signalements.answer_complement", "/mes-demandes/{own_signalement}/complement", {"body": "Voici"}),
    ("signalements.upload_document", "/mes-demandes/{own_signalement}/pieces", {"kind": "Autre document"}),
    ("signalements.withdraw_signalement", "/mes-demandes/{own_signalement}/retirer", {"reason": "x"}),
    ("signalements.remove_document", "/mes-demandes/{own_signalement}/pieces/{own_document}/supprimer", {}),
    ("signalements.delete_signalement", "/mes-demandes/{own_signalement}/supprimer", {}),
]


# What each one gets. Allowed acts reach the service, which applies its own rules as for the assuré (no message on a
# draft, a file is needed, a draft is not withdrawn but deleted); refused ones change nothing.
ALLOWED_ANSWERS = {
    "careers.confirm_year": 303, "signalements.post_message": 422, "signalements.answer_complement": 422,
    "signalements.upload_document": 422, "signalements.withdraw_signalement": 303,
    "signalements.remove_document": 303, "signalements.delete_signalement": 303,
}  # fmt: skip
WRITE_ANSWERS = {
    TUTEUR: ALLOWED_ANSWERS,
    CURATEUR: ALLOWED_ANSWERS,
    MANDATAIRE: dict.fromkeys(ALLOWED_ANSWERS, 403),
    EXPIRED: dict.fromkeys(ALLOWED_ANSWERS, 303),
    REVOKED: dict.fromkeys(ALLOWED_ANSWERS, 303),
    # In the other person's space: their own career can be confirmed, this person's request is not found.
    OTHER: dict.fromkeys(ALLOWED_ANSWERS, 404) | {"careers.confirm_year": 303},
}


@pytest.mark.parametrize("visit", ROLES, indirect=True)
def test_every_write_is_allowed_or_refused_by_the_scope(visit):
    role, client, ids = visit
    for endpoint, path, data in WRITES:
        response = client.post(path.format(**ids), data={"csrf_token": ids["token"], **data})
        assert response.status_code == WRITE_ANSWERS[role][endpoint], f"{role} POST {path} ({endpoint})"
    draft = db.session.get(Signalement, ids["own_signalement"])
    confirmed = db.session.execute(select(Confirmation).where(Confirmation.year == 2001)).scalars().all()
    if role in (TUTEUR, CURATEUR):
        assert draft is None  # deleted, with its justificatif
        assert db.session.get(Document, ids["own_document"]) is None
        assert len(confirmed) == 1
    else:
        assert draft is not None
        assert draft.state is SignalementState.DRAFT
        assert db.session.get(Document, ids["own_document"]) is not None
        assert confirmed == []
