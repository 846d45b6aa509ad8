"""`make run`'s development mailbox: what an SMTP client sends is kept as an .eml file and shown on its page."""

import smtplib
import socket
import threading
from email.message import EmailMessage
from http.server import ThreadingHTTPServer

import pytest
import requests
from aiosmtpd.controller import Controller

from portal.sandbox.mailbox import Mailbox, _handler


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox(tmp_path):
    box = Mailbox(tmp_path / "mails")
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(box))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box, controller.port, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    controller.stop()


def test_an_email_sent_to_the_mailbox_is_kept_and_shown(mailbox):
    box, smtp_port, page = mailbox
    assert "Aucun e-mail reçu pour l'instant." in requests.get(page, timeout=5).text
    message = EmailMessage()
    message["From"] = "ne-pas-repondre@carriere.example.fr"
    message["To"] = "marie@example.fr"
    message["Subject"] = "Votre demande n° 2026-000001 a bien été déposée"
    message.set_content("Suivre votre demande : <http://127.0.0.1:5000/mes-demandes/1>")
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as smtp:
        smtp.send_message(message)

    (kept,) = box.messages()
    listing = requests.get(page, timeout=5).text
    assert "1 e-mail(s)" in listing
    assert "marie@example.fr" in listing
    assert f'href="/{kept.name}"' in listing
    shown = requests.get(f"{page}/{kept.name}", timeout=5)
    assert shown.status_code == 200
    assert "Votre demande n° 2026-000001 a bien été déposée" in shown.text
    assert "&lt;http://127.0.0.1:5000/mes-demandes/1&gt;" in shown.text  # the body, escaped
    # Only the mailbox's own files are served: no path outside it.
    for path in ("/../../config.py", "/inconnu.eml", "/%2e%2e/config.py"):
        assert requests.get(f"{page}{path}", timeout=5).status_code == 404
