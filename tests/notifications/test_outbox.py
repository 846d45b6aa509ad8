"""A failed e-mail stays in the outbox with its error, is listed for administrateurs (« E-mails en échec ») who can
send it again, and leaves with the next `flask notifications send`. Mail servers are real ones on 127.0.0.1: the
sink, one that refuses the recipient, and a port where nothing listens."""

import socket

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.db import db
from portal.notifications import services as notifications_services
from portal.notifications.models import Notification
from tests.builders import create_agent
from tests.conftest import csrf_token, text_of
from tests.notifications.helpers import (
    CAMILLE,
    FRANCOIS,
    HELENE,
    JEROME,
    PERSON_EMAIL,
    agent_client,
    agent_post,
    the_mail_to,
    unsent,
)
from tests.pages import assert_page

OUTBOX = "/espace-agents/e-mails-en-echec"


def closed_port() -> int:
    """A port of 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def administrateur(committing_app, agents):
    create_agent(FRANCOIS[1], "administrateur", "CNAV")
    return agent_client(committing_app, FRANCOIS)


def test_a_refused_email_stays_with_its_error_and_an_administrateur_sends_it_again(
    committing_app, filed, camille, administrateur, refusing_sink, mail_sink
):
    committing_app.config["MAIL_PORT"] = refusing_sink().port
    page = agent_post(camille, filed, "prendre")  # the page answers as usual: the e-mail waits in the outbox
    assert "Vous suivez la demande n°" in page
    (failed,) = unsent()
    assert failed.recipient == PERSON_EMAIL
    assert failed.attempts == 1
    assert "550" in failed.last_error
    assert "Recipient address rejected" in failed.last_error

    listing = administrateur.get(OUTBOX)
    page = assert_page(listing)
    assert "E-mails en échec" in page
    assert "j***@example.fr" in page
    assert failed.subject in page
    assert "Recipient address rejected" in page
    assert PERSON_EMAIL not in page  # masked in the recipient column and in the server's message alike
    assert "Rebond</p><br>refusé pour de bon le" in text_of(listing)  # a 550 is not retried on its own
    assert failed.bounced_at is not None

    committing_app.config["MAIL_PORT"] = mail_sink.port  # the mail server is fixed
    response = administrateur.post(f"{OUTBOX}/{failed.id}/renvoyer", data={"csrf_token": csrf_token(listing.text)})
    assert response.status_code == 303
    assert response.headers["Location"] == OUTBOX
    page = text_of(administrateur.get(OUTBOX))
    assert "est parti vers j***@example.fr" in page
    assert "Aucun e-mail en échec" in page
    assert "en cours d'instruction" in the_mail_to(mail_sink, PERSON_EMAIL)["Subject"]
    db.session.rollback()
    sent = db.session.get(Notification, failed.id)
    assert sent.sent_at is not None
    assert sent.attempts == 2
    assert sent.last_error is None
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "notification.resent")).scalar_one()
    assert event.actor_agent_id is not None
    assert event.data == {"notification_id": failed.id, "sent": True}


def test_a_second_resend_of_an_email_that_left_sends_nothing(committing_app, filed, camille, administrateur, mail_sink):
    committing_app.config["MAIL_PORT"] = closed_port()
    agent_post(camille, filed, "prendre")
    (failed,) = unsent()
    assert failed.last_error.startswith("ConnectionRefusedError")
    listing = administrateur.get(OUTBOX)
    committing_app.config["MAIL_PORT"] = mail_sink.port
    for _click in range(2):  # the same page, clicked twice
        response = administrateur.post(f"{OUTBOX}/{failed.id}/renvoyer", data={"csrf_token": csrf_token(listing.text)})
        assert response.status_code == 303
    assert "déjà parti" in text_of(administrateur.get(OUTBOX))
    assert len(mail_sink.messages) == 1
    db.session.rollback()
    assert db.session.get(Notification, failed.id).attempts == 2


def test_a_failed_resend_keeps_the_email_listed_with_the_new_error(committing_app, filed, camille, administrateur):
    committing_app.config["MAIL_PORT"] = closed_port()
    agent_post(camille, filed, "prendre")
    (failed,) = unsent()
    listing = administrateur.get(OUTBOX)
    assert "Nouvel essai prévu</p><br>le" in text_of(listing)  # a server that cannot be reached: retried later
    assert failed.next_attempt_at is not None
    response = administrateur.post(f"{OUTBOX}/{failed.id}/renvoyer", data={"csrf_token": csrf_token(listing.text)})
    assert response.status_code == 303
    page = text_of(administrateur.get(OUTBOX))
    assert "n'a pas pu partir" in page
    assert "ConnectionRefusedError" in page
    (still,) = unsent()
    assert still.attempts == 2
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "notification.resent")).scalar_one()
    assert event.data["sent"] is False


def test_only_administrateurs_see_the_outbox_and_resend(committing_app, filed, camille, mail_sink):
    committing_app.config["MAIL_PORT"] = closed_port()
    agent_post(camille, filed, "prendre")
    (failed,) = unsent()
    committing_app.config["MAIL_PORT"] = mail_sink.port
    create_agent(JEROME[1], "superviseur")
    create_agent(HELENE[1], "auditeur", "CNAV")
    for who in (CAMILLE, JEROME, HELENE):
        client = agent_client(committing_app, who)
        home = client.get("/espace-agents/simulation" if who is not HELENE else "/espace-agents/journal")
        assert home.status_code == 200
        assert "E-mails en échec" not in text_of(home)  # no link in their navigation
        assert client.get(OUTBOX).status_code == 403, who
        response = client.post(f"{OUTBOX}/{failed.id}/renvoyer", data={"csrf_token": csrf_token(home.text)})
        assert response.status_code == 403, who
    assert mail_sink.messages == []
    assert unsent()[0].attempts == 1


def test_resend_needs_the_csrf_token_and_an_existing_email(committing_app, filed, camille, administrateur, mail_sink):
    committing_app.config["MAIL_PORT"] = closed_port()
    agent_post(camille, filed, "prendre")
    (failed,) = unsent()
    committing_app.config["MAIL_PORT"] = mail_sink.port
    home = administrateur.get(OUTBOX)
    assert 'aria-current="page">E-mails en échec' in home.text  # in the administrateur's navigation
    assert administrateur.post(f"{OUTBOX}/{failed.id}/renvoyer").status_code == 400
    missing = administrateur.post(f"{OUTBOX}/{failed.id + 1000}/renvoyer", data={"csrf_token": csrf_token(home.text)})
    assert missing.status_code == 404
    assert mail_sink.messages == []


# `flask notifications send`: the job that empties the outbox (every minute with NOTIFICATIONS_DELIVERY=queue).


def queued(committing_app, recipient: str, **row) -> int:
    notification = notifications_services.queue_email(
        recipient, subject="Votre demande n° 2026-000001 a changé d'état", template="emails/signalement_changed.txt",
        reference="2026-000001", state_label="En instruction", signalement_id=1,
    )  # fmt: skip
    for name, value in row.items():
        setattr(notification, name, value)
    db.session.commit()
    return notification.id


def test_the_send_command_sends_what_waits_and_retries_failures_under_the_cap(committing_app, mail_sink):
    committing_app.config["NOTIFICATIONS_DELIVERY"] = "queue"
    committing_app.config["NOTIFICATIONS_MAX_ATTEMPTS"] = 3
    waiting = queued(committing_app, "marie@example.fr")
    retried = queued(committing_app, "paul@example.fr", attempts=2, last_error="ConnectionRefusedError: [Errno 111]")
    given_up = queued(committing_app, "lea@example.fr", attempts=3, last_error="ConnectionRefusedError: [Errno 111]")
    # A recipient the e-mail library refuses (a line break in the address) fails alone: the others still leave.
    broken = queued(committing_app, "x\n@example.fr")
    assert mail_sink.messages == []  # queued: nothing left with the commit

    result = committing_app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "2 e-mail(s) envoyé(s)" in result.output
    assert sorted(mail["To"] for mail in mail_sink.messages) == ["marie@example.fr", "paul@example.fr"]
    db.session.rollback()
    assert db.session.get(Notification, waiting).sent_at is not None
    assert db.session.get(Notification, retried).sent_at is not None
    assert db.session.get(Notification, retried).attempts == 3
    assert db.session.get(Notification, given_up).attempts == 3  # past the cap: left to an administrateur
    assert db.session.get(Notification, given_up).sent_at is None
    assert db.session.get(Notification, broken).attempts == 1
    assert db.session.get(Notification, broken).last_error.startswith("ValueError")

    mail_sink.messages.clear()
    again = committing_app.test_cli_runner().invoke(args=["notifications", "send"])
    assert "0 e-mail(s) envoyé(s)" in again.output  # what left does not leave twice
    assert [mail["To"] for mail in mail_sink.messages] == []
