"""Every e-mail the pages promise arrives, at the right person, with a link to the portal: each transition is
driven through its page on an app whose requests really commit (see conftest.py), and the message is read from
the SMTP sink on 127.0.0.1."""

import io
from datetime import date, timedelta

import pytest
from freezegun import freeze_time

from portal import clock
from portal.db import db
from portal.representation.models import Mandate, MandateState
from portal.signalements import justificatifs
from portal.signalements import services as signalements_services
from portal.signalements.catalog import AnomalyType
from portal.signalements.models import Signalement
from portal.signalements.states import SignalementState
from tests.backoffice.helpers import filed_request, requested_mandate
from tests.conftest import csrf_token, text_of
from tests.fc import login
from tests.files import pdf_bytes
from tests.notifications.helpers import (
    BASE_URL,
    CAMILLE,
    MEHDI,
    PERSON_EMAIL,
    PROTECTED_EMAIL,
    REPRESENTATIVE_EMAIL,
    account_of,
    agent_client,
    agent_post,
    decision_fields,
    links_in,
    mails_to,
    the_mail_to,
    unsent,
)
from tests.signalements.helpers import post_form

# A short summer job: one quarter and less than the four-eyes earnings, so that one technician decides alone.
SMALL_PROPOSAL = signalements_services.Proposal(
    start_date=date(2011, 7, 1), end_date=date(2011, 8, 31), employer_name="Camping des Pins", earnings_cents=180_000
)


def assert_outbox_sent() -> None:
    """Nothing left behind: every row of the outbox has left."""
    assert unsent() == []


# The person's side.


def test_filing_sends_the_receipt(committing_app, person, assure, mail_sink):
    draft = signalements_services.create_draft(
        assure, actor=account_of(assure), anomaly_type=AnomalyType.MISSING_PERIOD, period_ids=[],
        proposal=SMALL_PROPOSAL, explanation="Saisonnier", today=clock.today(),
    )  # fmt: skip
    justificatifs.add_document(
        draft, actor=account_of(assure), stream=io.BytesIO(pdf_bytes()), original_name="contrat.pdf", kind="x",
        period_ids=[],
    )  # fmt: skip
    response = post_form(person, draft.id, "deposer")
    assert response.status_code == 303, text_of(response)
    assert "Un e-mail de confirmation vous a été envoyé." in text_of(person.get(response.headers["Location"]))
    mail = the_mail_to(mail_sink, PERSON_EMAIL)
    assert "a bien été déposée" in mail["Subject"]
    assert links_in(mail) == [f"{BASE_URL}/mes-demandes/{draft.id}"]
    assert_outbox_sent()


def test_answering_a_complement_request_sends_the_acknowledgement(committing_app, person, filed, agents, mail_sink):
    camille = agent_client(committing_app, CAMILLE)
    agent_post(camille, filed, "prendre")
    due = (clock.today() + timedelta(days=20)).isoformat()
    agent_post(camille, filed, "complement", message="Merci d'envoyer le contrat saisonnier.", due_date=due)
    mail_sink.messages.clear()
    page = person.get(f"/mes-demandes/{filed}")
    response = person.post(
        f"/mes-demandes/{filed}/complement",
        data={"csrf_token": csrf_token(page.text), "body": "Le voici.", "file": (io.BytesIO(pdf_bytes()), "c.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, text_of(response)
    mail = the_mail_to(mail_sink, PERSON_EMAIL)
    assert "a été transmise" in mail["Subject"]
    assert links_in(mail) == [f"{BASE_URL}/mes-demandes/{filed}"]
    assert_outbox_sent()


def test_withdrawing_sends_the_confirmation(committing_app, person, filed, mail_sink):
    response = post_form(person, filed, "retirer", reason="Erreur de ma part")
    assert response.status_code == 303, text_of(response)
    mail = the_mail_to(mail_sink, PERSON_EMAIL)
    assert "a été retirée" in mail["Subject"]
    assert links_in(mail) == [f"{BASE_URL}/mes-demandes/{filed}"]
    assert_outbox_sent()


# The technician's side.


def test_taking_a_request_tells_the_person(committing_app, filed, mail_sink):
    agent_post(agent_client(committing_app, CAMILLE), filed, "prendre")
    mail = the_mail_to(mail_sink, PERSON_EMAIL)
    assert "en cours d'instruction" in mail["Subject"]
    assert links_in(mail) == [f"{BASE_URL}/mes-demandes/{filed}"]


def test_a_complement_request_reaches_the_person_as_the_agent_is_told(committing_app, filed, mail_sink):
    camille = agent_client(committing_app, CAMILLE)
    agent_post(camille, filed, "prendre")
    mail_sink.messages.clear()
    due = clock.today() + timedelta(days=20)
    page = agent_post(camille, filed, "complement", message="Merci d'envoyer le contrat.", due_date=due.isoformat())
    assert "l'assuré est prévenu par e-mail" in page
    mail = the_mail_to(mail_sink, PERSON_EMAIL)
    assert "Un complément est demandé" in mail["Subject"]
    assert due.strftime("%d/%m/%Y") in mail.get_content()
    assert links_in(mail) == [f"{BASE_URL}/mes-demandes/{filed}"]
    assert_outbox_sent()


def test_a_message_from_the_technician_reaches_the_person(committing_app, filed, mail_sink):
    camille = agent_client(committing_app, CAMILLE)
    agent_post(camille, filed, "prendre")
    mail_sink.messages.clear()
    page = agent_post(camille, filed, "messages", body="Nous avons bien reçu votre contrat.")
    assert "Message envoyé à l'assuré." in page
    mail = the_mail_to(mail_sink, PERSON_EMAIL)
    assert "Nouveau message" in mail["Subject"]
    assert "Nous avons bien reçu" not in mail.get_content()  # read in the portal, after FranceConnect
    assert links_in(mail) == [f"{BASE_URL}/mes-demandes/{filed}#messages"]
    assert_outbox_sent()


@pytest.mark.parametrize(
    ("decision", "proposal", "told", "label"),
    [
        ("refused", None, "Décision enregistrée : refusée. L'assuré est prévenu.", "« Refusée »"),
        # An acceptance under the four-eyes thresholds, so that one technician decides alone.
        ("accepted", SMALL_PROPOSAL, "Décision enregistrée : acceptée. L'assuré est prévenu.", "« Acceptée »"),
    ],
)
def test_a_decision_by_one_technician_reaches_the_person_as_the_agent_is_told(
    committing_app, person, assure, agents, mail_sink, decision, proposal, told, label
):
    # Without a proposal, the request of the `filed` fixture (a full year).
    signalement = filed_request(assure, account=account_of(assure), proposal=proposal, today=clock.today())
    camille = agent_client(committing_app, CAMILLE)
    agent_post(camille, signalement.id, "prendre")
    mail_sink.messages.clear()
    page = agent_post(camille, signalement.id, "decision", **decision_fields(signalement.id, decision))
    assert told in page
    mail = the_mail_to(mail_sink, PERSON_EMAIL)
    assert "Une décision a été prise" in mail["Subject"]
    assert label in mail.get_content()
    assert links_in(mail) == [f"{BASE_URL}/mes-demandes/{signalement.id}"]
    assert_outbox_sent()


def test_a_decision_validated_by_a_second_agent_reaches_the_person_then_only(committing_app, filed, mail_sink):
    camille = agent_client(committing_app, CAMILLE)
    agent_post(camille, filed, "prendre")
    mail_sink.messages.clear()
    page = agent_post(camille, filed, "decision", **decision_fields(filed, "accepted"))  # a full year: four eyes
    assert "elle attend la validation d'un second agent" in page
    assert mails_to(mail_sink, PERSON_EMAIL) == []  # nothing is decided yet
    version = str(db.session.get(Signalement, filed).version_id)
    agent_post(agent_client(committing_app, MEHDI), filed, "validation", version_id=version, verdict="approve",
               note="")  # fmt: skip
    assert db.session.get(Signalement, filed).state is SignalementState.ACCEPTED
    mail = the_mail_to(mail_sink, PERSON_EMAIL)
    assert "Une décision a été prise" in mail["Subject"]
    assert links_in(mail) == [f"{BASE_URL}/mes-demandes/{filed}"]
    assert_outbox_sent()


def test_sending_a_decision_back_to_instruction_is_internal_and_tells_the_person_nothing(
    committing_app, filed, mail_sink
):
    camille = agent_client(committing_app, CAMILLE)
    agent_post(camille, filed, "prendre")
    agent_post(camille, filed, "decision", **decision_fields(filed, "accepted"))
    mail_sink.messages.clear()
    version = str(db.session.get(Signalement, filed).version_id)
    agent_post(agent_client(committing_app, MEHDI), filed, "validation", version_id=version, verdict="return",
               note="Vérifier les dates du contrat.")  # fmt: skip
    assert db.session.get(Signalement, filed).state is SignalementState.IN_REVIEW
    assert mail_sink.messages == []
    assert unsent() == []  # nor is anything waiting to be sent to them


# Mandates: the representative and the protected person are both told (Code civil, art. 457-1: the person is
# informed of the measure and of what is done under it).


def mandate_post(client, mandate_id: int, action: str, **fields) -> str:
    path = f"/espace-agents/mandats/{mandate_id}"
    page = client.get(path)
    assert page.status_code == 200, page.text
    response = client.post(f"{path}/{action}", data={"csrf_token": csrf_token(page.text), **fields})
    assert response.status_code == 303, text_of(response)
    return text_of(client.get(response.headers["Location"]))


def assert_both_told(sink, subject_part: str) -> None:
    for recipient in (REPRESENTATIVE_EMAIL, PROTECTED_EMAIL):
        mail = the_mail_to(sink, recipient)
        assert subject_part in mail["Subject"], recipient
        assert all(link.startswith(f"{BASE_URL}/") for link in links_in(mail)), recipient
    assert_outbox_sent()


def test_a_mandate_request_is_acknowledged_and_the_person_is_told(committing_app, protected, mail_sink):
    client = committing_app.test_client()
    assert login(client, "demo-jules-inconnu").status_code == 303
    page = client.get("/mes-representations/nouvelle")
    fields = {
        "measure": "tutelle", "birth_name": "Martin", "given_names": "Jean-Pierre",
        "birth_date": protected.birth_date.isoformat(), "nir": protected.nir,
        "court_name": "Tribunal judiciaire de Lyon", "decision_date": "2025-12-15", "decision_number": "RG 25/04321",
        "start_date": "2026-01-05", "end_date": "2031-01-04", "sworn": "y",
    }  # fmt: skip
    response = client.post(
        "/mes-representations/nouvelle",
        data={"csrf_token": csrf_token(page.text), **fields, "decision": (io.BytesIO(pdf_bytes()), "jugement.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, text_of(response)
    assert "recevrez un e-mail" in text_of(client.get(response.headers["Location"]))
    mail = the_mail_to(mail_sink, "jules.inconnu@example.fr")
    assert "bien été reçue" in mail["Subject"]
    assert links_in(mail) == [f"{BASE_URL}/mes-representations"]
    # A request to act for someone is told to that person: one they do not know of is an alert.
    the_mail_to(mail_sink, PROTECTED_EMAIL)
    assert_outbox_sent()


def test_an_approved_mandate_reaches_both_parties_as_the_agent_is_told(committing_app, protected, camille, mail_sink):
    mandate = requested_mandate(protected)
    page = mandate_post(camille, mandate.id, "valider")
    assert "le représentant et la personne protégée sont prévenus par e-mail" in page
    assert_both_told(mail_sink, "Un mandat de représentation a été enregistré")
    assert f"{BASE_URL}/mes-representations" in links_in(the_mail_to(mail_sink, REPRESENTATIVE_EMAIL))


def test_a_refused_mandate_reaches_both_parties(committing_app, protected, camille, mail_sink):
    mandate = requested_mandate(protected)
    page = mandate_post(camille, mandate.id, "refuser", motive="Le jugement joint ne nomme pas le demandeur.")
    assert "le demandeur est prévenu par e-mail" in page
    assert_both_told(mail_sink, "n'a pas été acceptée")
    assert "ne nomme pas le demandeur" in the_mail_to(mail_sink, REPRESENTATIVE_EMAIL).get_content()


def test_a_revoked_mandate_reaches_both_parties_as_the_agent_is_told(committing_app, protected, camille, mail_sink):
    mandate = requested_mandate(protected)
    mandate_post(camille, mandate.id, "valider")
    mail_sink.messages.clear()
    page = mandate_post(camille, mandate.id, "revoquer", motive="Nouveau jugement : mainlevée de la mesure.")
    assert "le représentant et la personne protégée sont prévenus par e-mail" in page
    assert_both_told(mail_sink, "a pris fin")


def test_an_expired_mandate_reaches_both_parties(committing_app, protected, camille, mail_sink):
    mandate = requested_mandate(protected, end_date=date(2030, 11, 2))
    mandate_post(camille, mandate.id, "valider")
    mail_sink.messages.clear()
    db.session.commit()  # the job runs in its own process, after the test's own work
    with freeze_time("2030-11-03 09:00:00"):
        result = committing_app.test_cli_runner().invoke(args=["mandates", "expire"])
    assert "1 mandat(s) expiré(s)" in result.output, result.output
    assert db.session.get(Mandate, mandate.id).state is MandateState.EXPIRED
    assert_both_told(mail_sink, "a pris fin")
