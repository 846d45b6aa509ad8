"""The agents' door and the instruction of a request, through the pages, with agents logged in through the
ProConnect sandbox."""

import csv
import html
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.agents.models import AgentRole
from portal.agents.services import add_agent
from portal.audit.models import AuditEvent
from portal.backoffice.views.supervision import csv_cell
from portal.careers.models import PeriodVersion
from portal.demo.load import generate
from portal.documents.models import Document
from portal.signalements import instruction
from portal.signalements import services as signalements_services
from portal.signalements.models import ControlFinding, Signalement
from portal.signalements.states import SignalementState
from tests.backoffice.helpers import (
    ANNE_LAURE,
    CAMILLE,
    FRANCOIS,
    HELENE,
    JEROME,
    LUCIE,
    MEHDI,
    PAUL,
    filed_request,
    requested_mandate,
)
from tests.builders import create_citizen_account, create_period
from tests.conftest import csrf_token, text_of
from tests.fc import login_agent, login_and_bind


def test_a_registered_agent_with_a_second_factor_gets_in(app, agents):
    client = app.test_client()
    response = login_agent(client, CAMILLE[0])
    assert response.status_code == 303
    assert response.headers["Location"] == "/espace-agents/demandes"
    queue = client.get("/espace-agents/demandes")
    assert queue.status_code == 200
    assert "Camille DURAND · Technicien · Carsat Rhône-Alpes" in text_of(queue)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("portail_agent_session=")
    assert "Path=/espace-agents" in cookie
    assert "HttpOnly" in cookie


def test_an_agent_without_second_factor_is_refused(app, agents, db):
    response = login_agent(app.test_client(), PAUL[0])
    assert response.status_code == 401
    assert "double authentification" in text_of(response)
    refused = db.session.execute(select(AuditEvent).where(AuditEvent.action == "agent.login_refused")).scalar_one()
    assert refused.data["reason"] == "second_factor_missing"


def test_a_person_not_registered_in_the_portal_is_refused(app, agents):
    response = login_agent(app.test_client(), LUCIE[0])
    assert response.status_code == 401
    assert "pas habilité" in text_of(response)


def test_a_citizen_session_never_opens_the_back_office_and_the_reverse(app, assure, agents):
    citizen = app.test_client()
    login_and_bind(citizen)
    response = citizen.get("/espace-agents/demandes")
    assert response.status_code == 303
    assert response.headers["Location"] == "/espace-agents/connexion"
    agent = app.test_client()
    login_agent(agent, CAMILLE[0])
    response = agent.get("/ma-carriere")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/?next=")


def agent_client(app, who):
    client = app.test_client()
    assert login_agent(client, who[0]).status_code == 303
    return client


def post(client, path, **fields):
    page = client.get(path.rsplit("/", 1)[0] if not path.endswith("/prendre") else path.rsplit("/", 1)[0])
    return client.post(path, data={"csrf_token": csrf_token(page.text), **fields})


def test_a_request_goes_from_the_queue_to_a_validated_decision_that_corrects_the_career(
    app, db, assure, agents, request_filed, mail_sink
):
    camille = agent_client(app, CAMILLE)
    queue = text_of(camille.get("/espace-agents/demandes"))
    assert f"N° {request_filed.reference}" in queue

    path = f"/espace-agents/demandes/{request_filed.id}"
    assert post(camille, f"{path}/prendre").status_code == 303
    db.session.expire_all()
    assert db.session.get(Signalement, request_filed.id).state is SignalementState.IN_REVIEW
    page = text_of(camille.get(path))
    assert "certificat.pdf" in page
    assert "Camping des Pins" in page

    due = (clock.today() + timedelta(days=20)).isoformat()
    response = post(camille, f"{path}/complement", message="Merci d'envoyer le contrat saisonnier.", due_date=due)
    assert response.status_code == 303
    db.session.expire_all()
    signalement = db.session.get(Signalement, request_filed.id)
    assert signalement.state is SignalementState.COMPLEMENT_REQUESTED
    signalements_services.answer_complement(signalement, actor=create_citizen_account(assure), body="Le voici.",
                                            today=clock.today())  # fmt: skip
    db.session.commit()

    page = camille.get(path)
    version = db.session.get(Signalement, request_filed.id).version_id
    item_id = db.session.get(Signalement, request_filed.id).items[0].id
    response = camille.post(
        f"{path}/decision",
        data={"csrf_token": csrf_token(page.text), "version_id": str(version), "items-0-item_id": str(item_id),
              "items-0-decision": "accepted", "items-0-motive": "", "items-0-note": "Contrat reçu"},
    )  # fmt: skip
    assert response.status_code == 303, text_of(response)
    db.session.expire_all()
    signalement = db.session.get(Signalement, request_filed.id)
    assert signalement.state is SignalementState.AWAITING_VALIDATION  # 4 quarters added: four eyes

    page = camille.get(path)
    assert "Un autre agent doit valider cette décision." in text_of(page)
    mehdi = agent_client(app, MEHDI)
    page = mehdi.get(path)
    response = mehdi.post(
        f"{path}/validation",
        data={"csrf_token": csrf_token(page.text), "version_id": str(signalement.version_id), "verdict": "approve"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    signalement = db.session.get(Signalement, request_filed.id)
    assert signalement.state is SignalementState.ACCEPTED
    version = db.session.execute(
        select(PeriodVersion).where(PeriodVersion.signalement_id == signalement.id)
    ).scalar_one()
    assert version.employer_name == "Camping des Pins"
    assert version.quarters == 4
    assert "Camille DURAND" in version.recorded_by
    assert "Une décision a été prise" in mail_sink.messages[-1]["Subject"]


def test_the_preparer_cannot_validate_their_own_decision(app, db, agents, request_filed):
    signalement = db.session.get(Signalement, request_filed.id)
    instruction.take(signalement, agent=agents["camille"], today=clock.today())
    instruction.decide(signalement, agent=agents["camille"], decisions=[
        instruction.ItemDecision(item_id=signalement.items[0].id, decision="accepted")
    ], expected_version=signalement.version_id, today=clock.today())  # fmt: skip
    assert signalement.state is SignalementState.AWAITING_VALIDATION
    with pytest.raises(instruction.FourEyesViolation):
        instruction.validate(signalement, agent=agents["camille"], approve=True, note="", expected_version=None,
                          today=clock.today())  # fmt: skip


def test_two_agents_deciding_at_once_one_wins_and_the_other_keeps_what_they_typed(app, db, agents, request_filed):
    signalement = db.session.get(Signalement, request_filed.id)
    instruction.take(signalement, agent=agents["camille"], today=clock.today())
    db.session.commit()
    path = f"/espace-agents/demandes/{request_filed.id}"
    camille, mehdi = agent_client(app, CAMILLE), agent_client(app, MEHDI)
    page_c, page_m = camille.get(path), mehdi.get(path)
    db.session.expire_all()
    signalement = db.session.get(Signalement, request_filed.id)
    version, item_id = signalement.version_id, signalement.items[0].id

    def decide(client, page, note):
        return client.post(
            f"{path}/decision",
            data={"csrf_token": csrf_token(page.text), "version_id": str(version), "items-0-item_id": str(item_id),
                  "items-0-decision": "refused", "items-0-motive": "Justificatif insuffisant", "items-0-note": note},
        )  # fmt: skip

    assert decide(camille, page_c, "Contrat absent").status_code == 303
    late = decide(mehdi, page_m, "Ma note à moi")
    assert late.status_code == 409
    assert "Un autre agent a modifié cette demande" in text_of(late)
    assert "Ma note à moi" in text_of(late)
    db.session.expire_all()
    assert db.session.get(Signalement, request_filed.id).items[0].decision_note == "Contrat absent"


def test_controls_run_at_filing_and_show_on_the_request(app, db, assure, agents):
    create_period(assure, year=2011, employer_name="Boulangerie")
    signalement = filed_request(assure, today=clock.today())  # 2011 again: overlaps the existing period
    findings = (
        db.session.execute(select(ControlFinding.code).where(ControlFinding.signalement_id == signalement.id))
        .scalars()
        .all()
    )
    assert "overlap" in findings
    camille = agent_client(app, CAMILLE)
    assert "Chevauche la période" in text_of(camille.get(f"/espace-agents/demandes/{signalement.id}"))


ROUTES = [
    ("GET", "/espace-agents/demandes"),
    ("GET", "/espace-agents/demandes/{id}"),
    ("GET", "/espace-agents/demandes/{id}/justificatifs/{document}"),
    ("GET", "/espace-agents/tableau-de-bord"),
    ("GET", "/espace-agents/tableau-de-bord.csv"),
    ("GET", "/espace-agents/journal"),
    ("GET", "/espace-agents/demandes/{id}/simulation"),
    ("GET", "/espace-agents/simulation"),
    ("GET", "/espace-agents/mandats"),
    ("GET", "/espace-agents/mandats/{mandate}"),
    ("GET", "/espace-agents/mandats/{mandate}/decision"),
    ("GET", "/espace-agents/e-mails-en-echec"),
    ("GET", "/espace-agents/conflits-d-alimentation"),
]
# Expected answer of each GET route, by who asks.
EXPECTED = {
    "anonyme": [303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303],
    "citoyen": [303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303],
    "technicien": [200, 200, 200, 403, 403, 403, 200, 200, 200, 200, 200, 403, 200],
    "superviseur": [200, 200, 200, 200, 200, 403, 200, 200, 200, 200, 200, 403, 200],
    "auditeur": [403, 404, 404, 403, 403, 200, 404, 403, 403, 404, 404, 403, 403],
    "administrateur": [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "technicien d'une autre caisse": [200, 404, 404, 403, 403, 403, 404, 200, 200, 404, 404, 403, 200],
}
WHO = {"technicien": CAMILLE, "superviseur": JEROME, "auditeur": HELENE, "administrateur": FRANCOIS,
       "technicien d'une autre caisse": ANNE_LAURE}  # fmt: skip


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_back_office_route_answers_each_role(app, db, assure, agents, request_filed, role):
    document = db.session.execute(select(Document.id)).scalar_one()
    mandate = requested_mandate(assure)
    client = app.test_client()
    if role == "citoyen":
        login_and_bind(client)
    elif role in WHO:
        login_agent(client, WHO[role][0])
    for (method, path), expected in zip(ROUTES, EXPECTED[role], strict=True):
        response = client.open(path.format(id=request_filed.id, document=document, mandate=mandate.id), method=method)
        response.close()
        assert response.status_code == expected, f"{role} {method} {path}"


def test_every_back_office_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("backoffice.")}
    posts = {"backoffice.login_proconnect", "backoffice.logout", "backoffice.take_request", "backoffice.assign_request",
             "backoffice.request_complement", "backoffice.post_message", "backoffice.annotate", "backoffice.decide",
             "backoffice.validate", "backoffice.approve_mandate", "backoffice.refuse_mandate",
             "backoffice.revoke_mandate", "backoffice.resend_email", "backoffice.resolve_conflict"}  # fmt: skip
    public = {"backoffice.login_page", "backoffice.proconnect_callback", "backoffice.logout_callback"}
    matrix = {"backoffice.queue", "backoffice.show_request", "backoffice.show_document", "backoffice.show_dashboard",
              "backoffice.export_dashboard", "backoffice.audit_trail", "backoffice.simulate_request",
              "backoffice.simulate_summary", "backoffice.list_mandates", "backoffice.show_mandate",
              "backoffice.show_mandate_document", "backoffice.list_failed_emails", "backoffice.list_conflicts",
              "backoffice.show_conflict"}  # fmt: skip
    assert endpoints == posts | public | matrix


def test_the_queue_paginates_by_keyset_with_a_constant_number_of_queries(app, db, agents, count_queries):
    generate(120, caisse_code="CARSAT-RA", today=clock.today())
    db.session.commit()
    camille = agent_client(app, CAMILLE)
    # The session's own statements are not the queue's (the first page also reads the login's message).
    with count_queries(without="browser_session") as queries:
        first = camille.get("/espace-agents/demandes?file=toutes")
    first_count = len(queries)
    page_one = set(first.text.split('href="/espace-agents/demandes/')[1:])
    next_link = html.unescape(re.search(r'href="(/espace-agents/demandes\?[^"]*apres=[^"]+)"', first.text).group(1))
    with count_queries(without="browser_session") as queries:
        second = camille.get(next_link)
    second_count = len(queries)
    ids_one = {int(chunk.split('"')[0]) for chunk in page_one if chunk.split('"')[0].isdigit()}
    ids_two = {int(chunk.split('"')[0]) for chunk in second.text.split('href="/espace-agents/demandes/')[1:]
               if chunk.split('"')[0].isdigit()}  # fmt: skip
    assert len(ids_one) == 50
    assert len(ids_two) == 50
    assert not ids_one & ids_two
    assert first_count == second_count


def test_the_dashboard_exports_csv(app, db, agents, request_filed):
    jerome = agent_client(app, JEROME)
    response = jerome.get("/espace-agents/tableau-de-bord.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    text = response.data.decode("utf-8-sig")
    assert "Stock de demandes en cours, par état et ancienneté" in text
    assert "Déposée" in text


# An agent's name comes from ProConnect's claims. (A leading tab or CR is stripped from names already; csv_cell's own
# test covers them.)
@pytest.mark.parametrize("value", ['=HYPERLINK("http://example.org";"x")', "+33 1", "-2+3", "@SUM(A1)"])
def test_the_dashboard_csv_neutralises_formulas_in_every_cell(app, db, agents, request_filed, value):
    """OWASP CSV injection: a cell a spreadsheet would read as a formula starts with a single quote."""
    crafted = add_agent(email="x@carsat-ra.example.fr", role=AgentRole.TECHNICIEN, caisse_code="CARSAT-RA",
                        given_name=value, usual_name="")  # fmt: skip
    db.session.get(Signalement, request_filed.id).assigned_agent_id = crafted.id
    db.session.commit()
    jerome = agent_client(app, JEROME)
    text = jerome.get("/espace-agents/tableau-de-bord.csv").data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    assert "'" + value in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), repr(cell)


def test_a_csv_cell_keeps_numbers_and_plain_text_as_they_are():
    assert [csv_cell(v) for v in (12, -3, "Déposée", "", None, "12 %")] == ["12", "-3", "Déposée", "", "", "12 %"]
    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@A", "\t1", "\r1")] == [
        "'=1+1", "'+1", "'-1", "'@A", "'\t1", "'\r1"
    ]  # fmt: skip


def test_the_request_screen_shown_again_after_a_refused_form_is_audited(app, db, agents, request_filed):
    camille = agent_client(app, CAMILLE)
    path = f"/espace-agents/demandes/{request_filed.id}"
    token = csrf_token(camille.get(path).text)
    count = len(db.session.execute(select(AuditEvent).where(AuditEvent.action == "signalement.viewed")).all())
    response = camille.post(f"{path}/complement", data={"csrf_token": token, "message": "", "due_date": "x"})
    assert response.status_code == 422
    assert "Jean-Pierre" in text_of(response)  # the whole screen, with the assuré's identity
    db.session.expire_all()
    viewed = (
        db.session.execute(select(AuditEvent).where(AuditEvent.action == "signalement.viewed").order_by(AuditEvent.id))
        .scalars()
        .all()
    )
    assert len(viewed) == count + 1
    assert viewed[-1].actor_agent_id == agents["camille"].id
    assert viewed[-1].subject_assure_id == request_filed.assure_id


def test_reading_a_request_is_audited_with_the_agent(app, db, agents, request_filed):
    camille = agent_client(app, CAMILLE)
    camille.get(f"/espace-agents/demandes/{request_filed.id}")
    viewed = db.session.execute(select(AuditEvent).where(AuditEvent.action == "signalement.viewed")).scalar_one()
    assert viewed.actor_agent_id == agents["camille"].id
    assert viewed.actor_account_id is None
    assert viewed.subject_assure_id == request_filed.assure_id


def test_a_superviseur_assigns_a_request(app, db, agents, request_filed):
    jerome = agent_client(app, JEROME)
    path = f"/espace-agents/demandes/{request_filed.id}"
    page = jerome.get(path)
    response = jerome.post(f"{path}/attribuer", data={"csrf_token": csrf_token(page.text),
                                                       "agent_id": str(agents["mehdi"].id)})  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Signalement, request_filed.id).assigned_agent_id == agents["mehdi"].id
    camille = agent_client(app, CAMILLE)
    page = camille.get(path)
    refused = camille.post(f"{path}/attribuer", data={"csrf_token": csrf_token(page.text),
                                                       "agent_id": str(agents["camille"].id)})  # fmt: skip
    assert refused.status_code == 403


POSTS = ["prendre", "attribuer", "complement", "messages", "annotations", "decision", "validation"]


@pytest.mark.parametrize("who", [HELENE, ANNE_LAURE, CAMILLE])
def test_every_back_office_action_is_refused_to_who_may_not_act_and_changes_nothing(app, db, agents, request_filed,
                                                                                      who):  # fmt: skip
    """Auditors and agents of another caisse: not found or forbidden; a technician may not assign."""
    client = agent_client(app, who)
    token = csrf_token(client.get("/espace-agents/connexion").text)
    before = db.session.get(Signalement, request_filed.id).version_id
    for action in POSTS:
        if who is CAMILLE and action != "attribuer":
            continue
        response = client.post(f"/espace-agents/demandes/{request_filed.id}/{action}",
                               data={"csrf_token": token, "agent_id": str(agents["camille"].id)})  # fmt: skip
        assert response.status_code in (403, 404), f"{who[0]} {action}: {response.status_code}"
    db.session.expire_all()
    assert db.session.get(Signalement, request_filed.id).version_id == before
    assert db.session.get(Signalement, request_filed.id).assigned_agent_id is None


def test_anonymous_and_citizens_are_sent_to_the_agents_login_on_every_action(app, assure, agents, request_filed):
    citizen = app.test_client()
    login_and_bind(citizen)
    for client in (app.test_client(), citizen):
        token = csrf_token(client.get("/espace-agents/connexion").text)
        for action in POSTS:
            response = client.post(f"/espace-agents/demandes/{request_filed.id}/{action}", data={"csrf_token": token})
            assert response.status_code == 303
            assert response.headers["Location"] == "/espace-agents/connexion"


def test_a_justificatif_keeps_its_own_policy_so_the_request_page_can_frame_it(app, db, assure, agents, request_filed):
    document = db.session.execute(select(Document.id)).scalar_one()
    client = app.test_client()
    login_agent(client, CAMILLE[0])
    response = client.get(f"/espace-agents/demandes/{request_filed.id}/justificatifs/{document}")
    response.close()
    assert response.status_code == 200
    # The portal's page policy says frame-ancestors 'none', which would blank the frame of the request page.
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; frame-ancestors 'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_sending_a_decision_back_without_a_comment_is_refused_on_the_comment(app, db, agents, request_filed):
    signalement = db.session.get(Signalement, request_filed.id)
    instruction.take(signalement, agent=agents["camille"], today=clock.today())
    instruction.decide(signalement, agent=agents["camille"], decisions=[
        instruction.ItemDecision(item_id=signalement.items[0].id, decision="accepted")
    ], expected_version=signalement.version_id, today=clock.today())  # fmt: skip
    db.session.commit()
    mehdi = agent_client(app, MEHDI)
    path = f"/espace-agents/demandes/{request_filed.id}"
    page = mehdi.get(path)
    # What Mehdi is asked to validate: the effect on the career, and why it needs him.
    assert "Trimestres : 4 ajoutés, 0 retiré" in text_of(page)
    assert "Périodes : 1 créée, 0 retirée (année 2011)" in text_of(page)
    assert "Validation requise : 4 trimestres ajoutés" in text_of(page)
    data = {"csrf_token": csrf_token(page.text), "version_id": str(signalement.version_id),
            "verdict": "return", "note": "  "}  # fmt: skip
    response = mehdi.post(f"{path}/validation", data=data)
    assert response.status_code == 422
    page = text_of(response)
    assert "ce commentaire est obligatoire" in page
    assert 'class="fr-input-group fr-input-group--error"><label class="fr-label" for="note">' in response.text
    db.session.expire_all()
    assert db.session.get(Signalement, request_filed.id).state is SignalementState.AWAITING_VALIDATION
    response = mehdi.post(f"{path}/validation", data=data | {"note": "Le contrat ne couvre pas toute l'année."})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Signalement, request_filed.id).state is SignalementState.IN_REVIEW
