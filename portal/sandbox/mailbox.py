"""The development mailbox of `make run`: an SMTP server on 127.0.0.1 that keeps every e-mail it receives as an
.eml file, and a page that lists them (newest first) and shows each one.

    python -m portal.sandbox.mailbox --smtp-port 1025 --http-port 5003 --directory instance/mails

It is the mail server the workers send to in development: stop it and the e-mails wait in the outbox, retried by
the workers; start it again and they arrive, with no command run. Development only (aiosmtpd is a dev dependency).
"""

import argparse
import email
import html
import logging
import re
import signal
import threading
from datetime import datetime
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

log = logging.getLogger("portal.sandbox.mailbox")

_NAME = re.compile(r"^\d{8}-\d{6}-\d{6}\.eml$")


class Mailbox:
    """Writes each message received to `directory` as <date>-<time>-<microseconds>.eml."""

    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            name = datetime.now().strftime("%Y%m%d-%H%M%S-%f") + ".eml"
            (self.directory / name).write_bytes(envelope.content)
        log.info("E-mail received (%s recipient(s)), kept as %s", len(envelope.rcpt_tos), name)
        return "250 OK"

    def messages(self) -> list[Path]:
        return sorted((path for path in self.directory.iterdir() if _NAME.match(path.name)), reverse=True)


_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} — Boîte aux lettres de développement</title>
<style>body{{font-family:Marianne,Arial,sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#161616}}
table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}}
pre{{white-space:pre-wrap;background:#f6f6f6;padding:1rem}}a{{color:#000091}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def _handler(mailbox: Mailbox):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path in ("/", ""):
                self._send(200, "Boîte aux lettres de développement", self._listing())
                return
            name = self.path.lstrip("/")
            if _NAME.match(name) and (mailbox.directory / name).is_file():
                self._send(200, "E-mail", self._message(mailbox.directory / name))
                return
            self._send(404, "E-mail introuvable", '<p><a href="/">Retour à la liste</a></p>')

        def _listing(self) -> str:
            rows = []
            for path in mailbox.messages():
                message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
                rows.append(
                    f"<tr><td>{html.escape(str(message['Date'] or ''))}</td><td>{html.escape(str(message['To']))}"
                    f'</td><td><a href="/{path.name}">{html.escape(str(message["Subject"]))}</a></td></tr>'
                )
            if not rows:
                return "<p>Aucun e-mail reçu pour l'instant.</p>"
            return (
                f"<p>{len(rows)} e-mail(s), du plus récent au plus ancien, dans {html.escape(str(mailbox.directory))}."
                '</p><table><thead><tr><th scope="col">Date</th><th scope="col">Destinataire</th>'
                f'<th scope="col">Objet</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
            )

        def _message(self, path: Path) -> str:
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            return (
                f"<p><strong>De :</strong> {html.escape(str(message['From']))}<br><strong>À :</strong> "
                f"{html.escape(str(message['To']))}<br><strong>Objet :</strong> {html.escape(str(message['Subject']))}"
                f"<br><strong>Date :</strong> {html.escape(str(message['Date']))}</p><pre>{html.escape(text)}</pre>"
                '<p><a href="/">Retour à la liste</a></p>'
            )

        def _send(self, status: int, title: str, body: str) -> None:
            content = _PAGE.format(title=html.escape(title), body=body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format, *args):
            log.debug(format, *args)

    return Handler


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m portal.sandbox.mailbox", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=5003)
    parser.add_argument("--directory", type=Path, default=Path("instance/mails"))
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [%(name)s] %(message)s")
    mailbox = Mailbox(arguments.directory.resolve())
    controller = Controller(mailbox, hostname=arguments.host, port=arguments.smtp_port)
    controller.start()
    server = ThreadingHTTPServer((arguments.host, arguments.http_port), _handler(mailbox))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    log.info(
        "Development mailbox: SMTP on %s:%s, page on http://%s:%s", arguments.host, arguments.smtp_port,
        arguments.host, arguments.http_port,
    )  # fmt: skip
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        controller.stop()


if __name__ == "__main__":
    main()
