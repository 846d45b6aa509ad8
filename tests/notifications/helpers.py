"""Driving the pages whose actions send e-mails, and reading what reached the SMTP sink."""

from sqlalchemy import select

from portal.auth.models import Account
from portal.db import db
from portal.notifications.models import Notification
from portal.signalements.models import Signalement
from tests.conftest import csrf_token, text_of
from tests.fc import login_agent

CAMILLE = ("demo-agent-camille-durand", "camille.durand@carsat-ra.example.fr")
MEHDI = ("demo-agent-mehdi-benhamou", "mehdi.benhamou@carsat-ra.example.fr")
JEROME = ("demo-agent-jerome-lefebvre", "jerome.lefebvre@carsat-ra.example.fr")
HELENE = ("demo-agent-helene-marchal", "helene.marchal@cnav.example.fr")
FRANCOIS = ("demo-agent-francois-nguyen-van", "francois.nguyen-van@cnav.example.fr")
PERSON_EMAIL = "jean-pierre.martin@example.fr"  # the identité pivot's e-mail of the sandbox's Jean-Pierre MARTIN
PROTECTED_EMAIL = "assure@example.fr"  # tests.backoffice.helpers.citizen_account
REPRESENTATIVE_EMAIL = "claire.rousseau@example.fr"  # tests.backoffice.helpers.representative_account
BASE_URL = "http://localhost"  # TestConfig.PORTAL_BASE_URL


def account_of(assure) -> Account:
    return db.session.execute(select(Account).where(Account.assure_id == assure.id)).scalar_one()


def agent_client(app, who):
    client = app.test_client()
    assert login_agent(client, who[0]).status_code == 303
    return client


def agent_post(client, signalement_id: int, action: str, **fields) -> str:
    """Post a form of the request's screen with the page's CSRF token, as the agent's browser would; return the
    page the redirect leads to."""
    path = f"/espace-agents/demandes/{signalement_id}"
    page = client.get(path)
    assert page.status_code == 200, page.text
    response = client.post(f"{path}/{action}", data={"csrf_token": csrf_token(page.text), **fields})
    assert response.status_code == 303, text_of(response)
    return text_of(client.get(response.headers["Location"]))


def decision_fields(signalement_id: int, decision: str) -> dict:
    signalement = db.session.get(Signalement, signalement_id)
    return {"version_id": str(signalement.version_id), "items-0-item_id": str(signalement.items[0].id),
            "items-0-decision": decision, "items-0-motive": "Justificatif insuffisant" if decision == "refused" else "",
            "items-0-note": ""}  # fmt: skip


def mails_to(sink, recipient) -> list:
    return [mail for mail in sink.messages if mail["To"] == recipient]


def the_mail_to(sink, recipient):
    mails = mails_to(sink, recipient)
    assert len(mails) == 1, [(mail["To"], mail["Subject"]) for mail in sink.messages]
    return mails[0]


def links_in(mail) -> list[str]:
    return [word for word in mail.get_content().split() if word.startswith("http")]


def unsent() -> list[Notification]:
    db.session.rollback()  # read what the requests committed, not the test's own snapshot
    return list(db.session.execute(select(Notification).where(Notification.sent_at.is_(None))).scalars())
