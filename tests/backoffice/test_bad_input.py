"""Every back-office parameter is checked: a forged link or an edited form gets a French 400, 404 or 422 page and
changes nothing, never a 500 (under TESTING an unhandled exception would fail the test with its traceback)."""

import base64
import re

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.audit.models import AuditEvent
from portal.signalements import instruction
from portal.signalements.models import Signalement
from tests.backoffice.helpers import CAMILLE, FRANCOIS, JEROME, MEHDI, requested_mandate
from tests.backoffice.test_backoffice import agent_client
from tests.conftest import csrf_token, text_of

HUGE = "9" * 30


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


QUEUE_JUNK = [
    ("type=pas-un-type", 400, "Ce type de demande n'existe pas"),
    ("regime=XYZ", 400, "Ce régime n'est pas proposé"),
    ("etat=brouillon", 400, "Cet état n'existe pas"),
    ("etat=%00", 400, "Cet état n'existe pas"),
    ("caisse=abc", 400, "Cette caisse n'existe pas"),
    (f"caisse={HUGE}", 400, "Cette caisse n'existe pas"),
    ("en-retard=oui", 400, "Cette case à cocher"),
    ("file=pas-une-file", 404, "Page non trouvée"),
    (f"apres={b64('1|2|3')}", 400, "Lien de pagination incorrect"),
    (f"apres={b64(f'{HUGE}|1')}", 400, "Lien de pagination incorrect"),
    (f"apres={b64(f'1|{HUGE}')}", 400, "Lien de pagination incorrect"),
    (f"apres={b64('-5|1')}", 400, "Lien de pagination incorrect"),
    ("apres=" + "QUFB" * 5000, 400, "Lien de pagination incorrect"),
    ("apres=%C3%A9t%C3%A9", 400, "Lien de pagination incorrect"),
    ("apres=!!!", 400, "Lien de pagination incorrect"),
]


@pytest.mark.parametrize(("query", "status", "message"), QUEUE_JUNK, ids=[q for q, _s, _m in QUEUE_JUNK])
def test_a_forged_queue_link_gets_a_french_error_page(app, agents, request_filed, query, status, message):
    administrateur = agent_client(app, FRANCOIS)  # the only role that may filter on a caisse
    response = administrateur.get(f"/espace-agents/demandes?{query}")
    assert response.status_code == status
    assert message in text_of(response)


def test_the_queue_filters_offered_on_the_page_are_all_accepted(app, agents, request_filed):
    camille = agent_client(app, CAMILLE)
    page = text_of(camille.get("/espace-agents/demandes"))
    offered = {
        name: re.findall(r'<option value="([^"]+)"', page.split(f'name="{name}"')[1].split("</select>")[0])
        for name in ("type", "regime", "etat")
    }
    assert all(offered.values())
    for name, values in offered.items():
        for value in values:
            response = camille.get(f"/espace-agents/demandes?file=toutes&{name}={value}&en-retard=1&risque=1")
            assert response.status_code == 200, (name, value)


def test_the_next_page_link_of_the_mandates_is_checked(app, db, agents, assure):
    requested_mandate(assure)
    camille = agent_client(app, CAMILLE)
    for cursor in (b64("pas une date|1"), b64(f"2025-01-01T00:00:00|{HUGE}"), b64("2025-01-01T00:00:00+02:00|1"),
                   "x" * 5000):  # fmt: skip
        response = camille.get(f"/espace-agents/mandats?apres={cursor}")
        assert response.status_code == 400
        assert "Lien de pagination incorrect" in text_of(response)
    assert camille.get("/espace-agents/mandats?etat=inconnu").status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("action=pas.une.action", "Cette action n'existe pas"),
        ("action=%00", "Cette action n'existe pas"),
        ("assure=abc", "est un nombre entier"),
        (f"assure={HUGE}", "est un nombre entier"),
        ("avant=-1", "a été modifié"),
        (f"avant={HUGE}", "a été modifié"),
    ],
)
def test_a_forged_audit_trail_filter_gets_a_french_error_page(app, agents, query, message):
    administrateur = agent_client(app, FRANCOIS)
    response = administrateur.get(f"/espace-agents/journal?{query}")
    assert response.status_code == 400
    assert message in text_of(response)


@pytest.mark.parametrize(
    "path",
    [
        f"/espace-agents/demandes/{HUGE}",
        f"/espace-agents/demandes/{HUGE}/simulation",
        "/espace-agents/demandes/{id}/justificatifs/" + HUGE,
        f"/espace-agents/mandats/{HUGE}",
        f"/espace-agents/mandats/{HUGE}/decision",
    ],
)
def test_an_identifier_beyond_any_row_is_not_found(app, agents, request_filed, path):
    camille = agent_client(app, CAMILLE)
    response = camille.get(path.format(id=request_filed.id))
    assert response.status_code == 404
    assert "Page non trouvée" in text_of(response)


@pytest.mark.parametrize("action", ["prendre", "complement", "messages", "annotations", "decision", "validation"])
def test_a_post_to_an_identifier_beyond_any_row_is_not_found(app, agents, action):
    camille = agent_client(app, CAMILLE)
    token = csrf_token(camille.get("/espace-agents/connexion").text)
    response = camille.post(f"/espace-agents/demandes/{HUGE}/{action}", data={"csrf_token": token})
    assert response.status_code == 404


@pytest.fixture
def in_review(app, db, agents, request_filed):
    """The request taken by Camille: its decision form is on the page."""
    instruction.take(db.session.get(Signalement, request_filed.id), agent=agents["camille"], today=clock.today())
    db.session.commit()
    return db.session.get(Signalement, request_filed.id)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"version_id": "abc"}, "Ce formulaire a été modifié"),
        ({"version_id": HUGE}, "Ce formulaire a été modifié"),
        ({"version_id": ""}, "Ce formulaire a été modifié"),
        ({"items-0-item_id": "abc"}, "Ce formulaire a été modifié"),
        ({"items-0-item_id": HUGE}, "Ce formulaire a été modifié"),
        ({"items-0-item_id": "2147483000"}, "Décidez chacune des périodes de la demande"),
        ({"items-0-decision": "valider"}, "Choisissez une décision dans la liste"),
        ({"items-0-decision": "refused", "items-0-motive": "Parce que"}, "Choisissez un motif dans la liste"),
        ({"items-0-accepted_quarters": "douze"}, "Indiquez un nombre entier de trimestres"),
        ({"items-0-accepted_quarters": "12"}, "De 0 à 4"),
        ({"items-0-accepted_earnings": "-5"}, "Le montant ne peut pas être négatif"),
        ({"items-0-accepted_start_date": "2011-02-30"}, "Indiquez une date complète"),
        ({"items-0-accepted_start_date": "2011-06-01", "items-0-accepted_end_date": "2011-01-31"},
         "La date de fin retenue est antérieure à la date de début"),
    ],
)  # fmt: skip
def test_an_edited_decision_form_is_refused_in_french_and_changes_nothing(app, db, agents, in_review, fields, message):
    camille = agent_client(app, CAMILLE)
    path = f"/espace-agents/demandes/{in_review.id}"
    page = camille.get(path)
    before = in_review.version_id
    item_id = str(in_review.items[0].id)
    data = {"csrf_token": csrf_token(page.text), "version_id": str(before), "items-0-item_id": item_id,
            "items-0-decision": "accepted", "items-0-motive": "", "items-0-note": ""} | fields  # fmt: skip
    response = camille.post(f"{path}/decision", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    db.session.expire_all()
    signalement = db.session.get(Signalement, in_review.id)
    assert signalement.version_id == before
    assert signalement.items[0].decision is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"version_id": "abc"}, "Ce formulaire a été modifié"),
        ({"version_id": ""}, "Ce formulaire a été modifié"),
        ({"version_id": HUGE}, "Ce formulaire a été modifié"),
        ({"verdict": "peut-etre"}, "Choisissez « Valider la décision » ou « Renvoyer en instruction »"),
    ],
)
def test_an_edited_validation_form_is_refused_in_french_and_changes_nothing(app, db, agents, in_review, fields,
                                                                            message):  # fmt: skip
    instruction.decide(in_review, agent=agents["camille"], decisions=[
        instruction.ItemDecision(item_id=in_review.items[0].id, decision="accepted")
    ], expected_version=in_review.version_id, today=clock.today())  # fmt: skip
    db.session.commit()
    before = in_review.version_id
    mehdi = agent_client(app, MEHDI)
    path = f"/espace-agents/demandes/{in_review.id}"
    data = {"csrf_token": csrf_token(mehdi.get(path).text), "version_id": str(before), "verdict": "approve"} | fields
    response = mehdi.post(f"{path}/validation", data=data)
    assert response.status_code == 422
    assert message in text_of(response)
    db.session.expire_all()
    assert db.session.get(Signalement, in_review.id).version_id == before


def test_an_assignment_to_an_unknown_agent_is_refused(app, db, agents, request_filed):
    jerome = agent_client(app, JEROME)
    path = f"/espace-agents/demandes/{request_filed.id}"
    token = csrf_token(jerome.get(path).text)
    assert jerome.post(f"{path}/attribuer", data={"csrf_token": token, "agent_id": HUGE}).status_code == 404
    response = jerome.post(f"{path}/attribuer", data={"csrf_token": token, "agent_id": "abc"})
    assert response.status_code == 400
    assert "Requête incorrecte" in text_of(response)
    db.session.expire_all()
    assert db.session.get(Signalement, request_filed.id).assigned_agent_id is None


def test_a_blank_annotation_or_message_is_refused_with_what_was_typed_kept(app, db, agents, in_review):
    camille = agent_client(app, CAMILLE)
    path = f"/espace-agents/demandes/{in_review.id}"
    count = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    for action in ("annotations", "messages"):
        response = camille.post(f"{path}/{action}", data={"csrf_token": csrf_token(camille.get(path).text),
                                                           "body": "   "})  # fmt: skip
        assert response.status_code == 422
        assert "Écrivez" in text_of(response)
    db.session.expire_all()
    # Nothing written but the reads of the request's page (each display is one).
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id).offset(count)).scalars().all()
    assert set(actions) == {"signalement.viewed"}


@pytest.mark.parametrize("query", ["avant=abc", f"avant={HUGE}", "avant=-1"])
def test_a_forged_link_of_the_failed_e_mails_gets_a_french_error_page(app, agents, query):
    administrateur = agent_client(app, FRANCOIS)
    response = administrateur.get(f"/espace-agents/e-mails-en-echec?{query}")
    assert response.status_code == 400
    assert "Ce lien vers les e-mails plus anciens a été modifié." in text_of(response)
    token = csrf_token(administrateur.get("/espace-agents/e-mails-en-echec").text)
    response = administrateur.post(f"/espace-agents/e-mails-en-echec/{HUGE}/renvoyer", data={"csrf_token": token})
    assert response.status_code == 404
