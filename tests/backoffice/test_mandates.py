"""The verification of mandates in the back-office: the queue, a mandate with its court decision, and the
technician's approval, refusal or revocation, through the pages, with agents logged in through the ProConnect
sandbox."""

import html
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.agents.services import ensure_caisse
from portal.audit.models import AuditEvent
from portal.db import db as _db
from portal.notifications.models import Notification
from portal.representation import services as representation_services
from portal.representation.models import Mandate, MandateState, Measure
from portal.templating import format_nir
from tests.backoffice.helpers import requested_mandate
from tests.backoffice.test_backoffice import (
    ANNE_LAURE,
    CAMILLE,
    FRANCOIS,
    HELENE,
    JEROME,
    agent_client,
)
from tests.builders import create_agent, create_assure, create_citizen_account, create_representative_account
from tests.conftest import csrf_token, text_of
from tests.fc import login_and_bind

LIST = "/espace-agents/mandats"
REPRESENTATIVE_EMAIL = "claire.rousseau@example.fr"
REPRESENTATIVE_NAME = "Claire ROUSSEAU"


@pytest.fixture
def agents(db):
    return {
        "camille": create_agent(CAMILLE[1], "technicien"),
        "anne_laure": create_agent(ANNE_LAURE[1], "technicien", "CARSAT-BRETAGNE"),
        "jerome": create_agent(JEROME[1], "superviseur"),
        "helene": create_agent(HELENE[1], "auditeur", "CNAV"),
        "francois": create_agent(FRANCOIS[1], "administrateur", "CNAV"),
    }


@pytest.fixture
def assure(db):
    """Jean-Pierre MARTIN, of the Carsat Rhône-Alpes, with his own account (he is told of the measure)."""
    assure = create_assure(identity="demo-jean-pierre-martin", caisse_id=ensure_caisse("CARSAT-RA").id)
    create_citizen_account(assure)
    return assure


@pytest.fixture
def mandate(assure, agents):
    """A tutelle waiting for verification, requested by Claire ROUSSEAU."""
    representative = create_representative_account(REPRESENTATIVE_EMAIL, REPRESENTATIVE_NAME)
    return requested_mandate(assure, representative=representative)


def mandate_path(mandate, action: str = "") -> str:
    return f"{LIST}/{mandate.id}" + (f"/{action}" if action else "")


def reload(mandate) -> Mandate:
    _db.session.expire_all()
    return _db.session.get(Mandate, mandate.id)


def events(action: str) -> list[AuditEvent]:
    return list(_db.session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


def recipients() -> list[str]:
    return sorted(_db.session.execute(select(Notification.recipient)).scalars())


def post(client, mandate, action: str, **fields):
    page = client.get(mandate_path(mandate))
    return client.post(mandate_path(mandate, action), data={"csrf_token": csrf_token(page.text), **fields})


def listed_ids(response) -> list[int]:
    """The mandates linked from a list page, in the order shown."""
    return [int(found) for found in re.findall(r'href="/espace-agents/mandats/(\d+)"', response.text)]


def test_the_queue_lists_only_the_caisse_s_mandates_to_verify_oldest_first(app, db, assure, agents):
    newer = requested_mandate(assure, requested_at=datetime(2026, 1, 10, 9, 0))
    older = requested_mandate(assure, measure=Measure.CURATELLE_RENFORCEE, requested_at=datetime(2026, 1, 5, 9, 0))
    active = requested_mandate(assure, state=MandateState.ACTIVE)
    breton = create_assure(identity="demo-eric-le-gall", caisse_id=ensure_caisse("CARSAT-BRETAGNE").id)
    elsewhere = requested_mandate(breton)

    camille = agent_client(app, CAMILLE)
    response = camille.get(LIST)
    assert response.status_code == 200
    assert listed_ids(response) == [older.id, newer.id]
    text = text_of(response)
    assert "Curatelle renforcée" in text
    assert "Jean-Pierre MARTIN" in text
    assert "Claire ROUSSEAU" in text
    assert older.requested_at.strftime("%d/%m/%Y") in text
    assert listed_ids(camille.get(f"{LIST}?etat=actif")) == [active.id]
    assert listed_ids(camille.get(f"{LIST}?etat=revoque")) == []
    assert camille.get(f"{LIST}?etat=inconnu").status_code == 404

    assert listed_ids(agent_client(app, ANNE_LAURE).get(LIST)) == [elsewhere.id]
    # National administrators see every caisse's queue.
    assert set(listed_ids(agent_client(app, FRANCOIS).get(LIST))) == {older.id, newer.id, elsewhere.id}


def test_the_queue_pages_by_keyset_with_a_constant_number_of_queries(app, db, assure, agents, count_queries):
    account = create_representative_account("claire.rousseau@example.fr", "Claire ROUSSEAU")
    start = datetime(2026, 1, 1, 8, 0)
    for minutes in range(55):
        db.session.add(
            Mandate(
                representative_account_id=account.id, representative_name="Claire ROUSSEAU",
                protected_assure_id=assure.id, caisse_id=assure.caisse_id, measure=Measure.TUTELLE,
                court_name="Tribunal judiciaire de Lyon", decision_date=start.date(), decision_number=f"RG {minutes}",
                start_date=start.date(), end_date=start.date() + timedelta(days=3650), sworn_statement_at=start,
                requested_at=start + timedelta(minutes=minutes),
            )
        )  # fmt: skip
    db.session.commit()
    camille = agent_client(app, CAMILLE)
    # The session's own bookkeeping (its activity is written at most once a minute) is not the page's cost.
    with count_queries(without="browser_session") as queries:
        first = camille.get(LIST)
    first_count = len(queries)
    next_link = html.unescape(re.search(r'href="(/espace-agents/mandats\?[^"]*apres=[^"]+)"', first.text).group(1))
    with count_queries(without="browser_session") as queries:
        second = camille.get(next_link)
    second_count = len(queries)
    page_one, page_two = listed_ids(first), listed_ids(second)
    assert len(page_one) == 50
    assert len(page_two) == 5
    assert not set(page_one) & set(page_two)
    assert page_one == sorted(page_one)  # requested in id order here: oldest first
    assert first_count == second_count


def test_the_mandate_page_shows_the_declaration_and_the_decision_and_is_audited(app, db, assure, agents, mandate):
    camille = agent_client(app, CAMILLE)
    response = camille.get(mandate_path(mandate))
    assert response.status_code == 200
    text = text_of(response)
    assert f"Mandat n° {mandate.reference} · Tutelle" in re.sub(r"<[^>]+>", "", text)  # the number is never cut
    assert "En cours de vérification" in text
    assert "Claire ROUSSEAU, tuteur" in text
    assert "Tribunal judiciaire de Lyon" in text
    assert "Du 03/11/2025, n° RG 25/01234" in text
    assert "02/11/2030" in text
    assert "Signée le" in text
    assert "Jean-Pierre MARTIN" in text
    assert "né le" in text
    assert assure.birth_date.strftime("%d/%m/%Y") in text
    assert format_nir(assure.nir) in text
    assert "Identité vérifiée au dépôt" in text
    assert f'<iframe class="portal-document" src="{mandate_path(mandate, "decision")}"' in response.text
    assert "jugement.pdf" in text
    assert "Valider le mandat" in text
    assert "Refuser le mandat" in text
    assert "Actes que la décision confie" not in text  # a tutelle: no acts to tick
    assert "Révoquer le mandat" not in text

    (viewed,) = events("mandate.viewed")
    assert viewed.actor_agent_id == agents["camille"].id
    assert viewed.subject_assure_id == assure.id
    assert viewed.data["mandate_id"] == mandate.id


def test_the_decision_is_served_inline_framed_by_the_portal_only_and_audited(app, db, assure, agents, mandate):
    camille = agent_client(app, CAMILLE)
    response = camille.get(mandate_path(mandate, "decision"))
    body = response.data
    response.close()
    assert response.status_code == 200
    assert body.startswith(b"%PDF")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "inline"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    (viewed,) = events("document.viewed")
    assert viewed.actor_agent_id == agents["camille"].id
    assert viewed.subject_assure_id == assure.id
    assert viewed.data["document_id"] == representation_services.get_mandate_document(mandate.id).id
    assert viewed.data["mandate_id"] == mandate.id


def test_approving_a_tutelle_puts_it_in_force_and_tells_the_representative_and_the_person(
    app, db, assure, agents, mandate
):
    camille = agent_client(app, CAMILLE)
    response = post(camille, mandate, "valider")
    assert response.status_code == 303
    assert response.headers["Location"] == mandate_path(mandate)
    stored = reload(mandate)
    assert stored.state is MandateState.ACTIVE
    assert stored.decided_by_agent_id == agents["camille"].id
    assert stored.allowed_actions == ""
    assert recipients() == ["assure@example.fr", REPRESENTATIVE_EMAIL]
    assert len(events("mandate.approved")) == 1
    page = text_of(camille.get(mandate_path(mandate)))
    assert f"Mandat n° {mandate.reference} validé" in page
    assert "Validé le" in page
    assert "Camille DURAND" in page
    assert "Révoquer le mandat" in page


def test_a_sauvegarde_is_approved_only_with_the_acts_the_decision_lists(app, db, assure, agents):
    mandate = requested_mandate(assure, measure=Measure.SAUVEGARDE)
    camille = agent_client(app, CAMILLE)
    page = text_of(camille.get(mandate_path(mandate)))
    assert "Actes que la décision confie au mandataire spécial" in page
    assert "Consulter la carrière et les demandes" in page

    refused = post(camille, mandate, "valider")
    assert refused.status_code == 422
    assert "Cochez les actes que la décision confie au mandataire spécial." in text_of(refused)
    assert "<title>Erreur - " in refused.text
    unknown = post(camille, mandate, "valider", allowed_acts=["consulter", "vendre"])
    assert unknown.status_code == 422
    assert "Choisissez parmi les actes proposés." in text_of(unknown)
    assert 'value="consulter" checked' in unknown.text  # what was ticked stays ticked
    stored = reload(mandate)
    assert stored.state is MandateState.REQUESTED
    assert stored.allowed_actions == ""
    assert recipients() == []
    assert events("mandate.approved") == []

    response = post(camille, mandate, "valider", allowed_acts=["consulter", "confirmer"])
    assert response.status_code == 303
    stored = reload(mandate)
    assert stored.state is MandateState.ACTIVE
    assert stored.allowed == {"consulter", "confirmer"}
    page = text_of(camille.get(mandate_path(mandate)))
    assert "Actes confiés au mandataire spécial" in page
    assert "Confirmer la carrière" in page


def test_a_refusal_needs_a_motive_and_both_parties_are_told(app, db, assure, agents, mandate):
    camille = agent_client(app, CAMILLE)
    empty = post(camille, mandate, "refuser", motive="")
    assert empty.status_code == 422
    assert "Indiquez le motif du refus : il est communiqué au demandeur." in text_of(empty)
    # Spaces pass the form; the service refuses them with the same message, on the same field.
    blank = post(camille, mandate, "refuser", motive="   ")
    assert blank.status_code == 422
    assert "Indiquez le motif du refus : il est communiqué au demandeur." in text_of(blank)
    assert "fr-input-group--error" in blank.text
    assert reload(mandate).state is MandateState.REQUESTED
    assert events("mandate.refused") == []

    response = post(camille, mandate, "refuser", motive="Le jugement joint concerne une autre personne.")
    assert response.status_code == 303
    stored = reload(mandate)
    assert stored.state is MandateState.REFUSED
    assert stored.refusal_motive == "Le jugement joint concerne une autre personne."
    assert stored.decided_by_agent_id == agents["camille"].id
    # The person is told too: a refused request may be an attempt to act for them without a decision.
    assert recipients() == ["assure@example.fr", REPRESENTATIVE_EMAIL]
    page = text_of(camille.get(mandate_path(mandate)))
    assert f"Mandat n° {mandate.reference} refusé" in page
    assert "Le jugement joint concerne une autre personne." in page
    assert "Valider le mandat" not in page


def test_an_active_mandate_is_revoked_with_a_motive(app, db, assure, agents):
    representative = create_representative_account(REPRESENTATIVE_EMAIL, REPRESENTATIVE_NAME)
    mandate = requested_mandate(assure, representative=representative, state=MandateState.ACTIVE)
    jerome = agent_client(app, JEROME)
    empty = post(jerome, mandate, "revoquer", motive="")
    assert empty.status_code == 422
    assert "Indiquez le motif de la révocation." in text_of(empty)
    assert reload(mandate).state is MandateState.ACTIVE

    response = post(jerome, mandate, "revoquer", motive="Nouveau jugement : mainlevée de la mesure.")
    assert response.status_code == 303
    stored = reload(mandate)
    assert stored.state is MandateState.REVOKED
    assert stored.revoked_by_agent_id == agents["jerome"].id
    assert stored.revocation_motive == "Nouveau jugement : mainlevée de la mesure."
    assert recipients() == ["assure@example.fr", REPRESENTATIVE_EMAIL]
    assert len(events("mandate.revoked")) == 1
    page = text_of(jerome.get(mandate_path(mandate)))
    assert f"Mandat n° {mandate.reference} révoqué" in page
    assert "Révoqué le" in page
    assert "Révoquer le mandat" not in page


def test_a_mandate_is_examined_once_and_only_an_active_one_is_revoked(app, db, assure, agents, mandate):
    camille = agent_client(app, CAMILLE)
    early = post(camille, mandate, "revoquer", motive="Erreur")
    assert early.status_code == 422
    assert "Seul un mandat actif peut être révoqué." in text_of(early)
    assert reload(mandate).state is MandateState.REQUESTED
    assert post(camille, mandate, "valider").status_code == 303
    # A second tab still showing the request: the answer says why, and the mandate stays as it is.
    again = post(camille, mandate, "refuser", motive="Trop tard")
    assert again.status_code == 422
    assert "Ce mandat a déjà été examiné." in text_of(again)
    stored = reload(mandate)
    assert stored.state is MandateState.ACTIVE
    assert stored.refusal_motive is None


@pytest.mark.parametrize(("who", "status"), [(ANNE_LAURE, 404), (HELENE, 404), (FRANCOIS, 403)])
def test_who_may_not_verify_gets_nothing_done_and_another_caisse_not_even_the_mandate(
    app, db, assure, agents, mandate, who, status
):
    """A technician of another caisse and an auditeur: not found, read or written; a national administrator
    reads (200) but does not verify (403)."""
    client = agent_client(app, who)
    before = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    for path in (mandate_path(mandate), mandate_path(mandate, "decision")):
        response = client.get(path)
        response.close()
        assert response.status_code == (200 if who is FRANCOIS else 404), path
    token = csrf_token(client.get("/espace-agents/connexion").text)
    for action, fields in (("valider", {}), ("refuser", {"motive": "Non"}), ("revoquer", {"motive": "Non"})):
        response = client.post(mandate_path(mandate, action), data={"csrf_token": token, **fields})
        assert response.status_code == status, action
    stored = reload(mandate)
    assert stored.state is MandateState.REQUESTED
    assert stored.decided_at is None
    assert recipients() == []
    read = 2 if who is FRANCOIS else 0  # the administrator's reads are recorded; nothing else is
    assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == before + read


def test_another_caisse_technician_cannot_revoke_an_active_mandate(app, db, assure, agents):
    mandate = requested_mandate(assure, state=MandateState.ACTIVE)
    anne_laure = agent_client(app, ANNE_LAURE)
    token = csrf_token(anne_laure.get("/espace-agents/connexion").text)
    response = anne_laure.post(mandate_path(mandate, "revoquer"), data={"csrf_token": token, "motive": "Non"})
    assert response.status_code == 404
    assert reload(mandate).state is MandateState.ACTIVE


def test_anonymous_and_citizens_are_sent_to_the_agents_login_on_every_mandate_route(app, assure, agents, mandate):
    citizen = app.test_client()
    login_and_bind(citizen)
    for client in (app.test_client(), citizen):
        token = csrf_token(client.get("/espace-agents/connexion").text)
        for path in (LIST, mandate_path(mandate), mandate_path(mandate, "decision")):
            response = client.get(path)
            assert response.status_code == 303, path
            assert response.headers["Location"] == "/espace-agents/connexion"
        for action in ("valider", "refuser", "revoquer"):
            response = client.post(mandate_path(mandate, action), data={"csrf_token": token, "motive": "Non"})
            assert response.status_code == 303, action
            assert response.headers["Location"] == "/espace-agents/connexion"
    assert reload(mandate).state is MandateState.REQUESTED


def test_a_post_without_its_csrf_token_is_refused(app, db, assure, agents, mandate):
    camille = agent_client(app, CAMILLE)
    assert camille.post(mandate_path(mandate, "valider")).status_code == 400
    assert reload(mandate).state is MandateState.REQUESTED


def test_the_mandates_are_in_the_menu_of_the_roles_that_open_them(app, agents):
    assert 'href="/espace-agents/mandats"' in agent_client(app, CAMILLE).get("/espace-agents/demandes").text
    assert 'href="/espace-agents/mandats"' not in agent_client(app, HELENE).get("/espace-agents/journal").text
    assert agent_client(app, HELENE).get(LIST).status_code == 403
