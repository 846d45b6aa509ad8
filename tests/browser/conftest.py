"""A live portal on 127.0.0.1, with its own FranceConnect sandbox and a committed demo database, driven by
Debian's Chromium through Playwright. Playwright never downloads a browser here: it is given /usr/bin/chromium."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from portal import create_app
from portal.db import atomic
from portal.demo.seed import seed_demo
from portal.sandbox.server import SandboxServer
from tests.conftest import MailSink, _test_settings, fresh_database

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required in CI and missing at {CHROMIUM} (make browser installs it)")
        pytest.skip(f"Chromium missing at {CHROMIUM}: run `make browser`")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_mail_sink():
    sink = MailSink()
    sink.controller.start()
    yield sink
    sink.controller.stop()


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory, live_mail_sink):
    """(portal URL, sandbox) for a real server whose database is migrated and seeded with the demo careers."""

    server = make_server("127.0.0.1", 0, None, threaded=True)
    portal_url = f"http://127.0.0.1:{server.server_port}"
    clients = [
        {
            "client_id": "portail-navigateur",
            "client_secret": "secret-navigateur",
            "redirect_uris": [f"{portal_url}/connexion/franceconnect/retour"],
            "post_logout_redirect_uris": [f"{portal_url}/deconnexion/retour"],
        }
    ]
    agent_clients = [
        {
            "client_id": "agents-navigateur",
            "client_secret": "secret-agents-navigateur",
            "redirect_uris": [f"{portal_url}/espace-agents/connexion/proconnect/retour"],
            "post_logout_redirect_uris": [f"{portal_url}/espace-agents/deconnexion/retour"],
        }
    ]
    with (
        fresh_database("sqlite", tmp_path_factory.mktemp("live")) as url,
        SandboxServer({"SANDBOX_CLIENTS": clients}) as sandbox,
        SandboxServer({"SANDBOX_CLIENTS": agent_clients, "SANDBOX_PROFILE": "proconnect"}) as agent_sandbox,
    ):
        app = create_app(
            {
                **_test_settings(),
                "TESTING": False,
                "SQLALCHEMY_DATABASE_URI": url,
                "FRANCECONNECT_ISSUER": sandbox.issuer,
                "FRANCECONNECT_CLIENT_ID": "portail-navigateur",
                "FRANCECONNECT_CLIENT_SECRET": "secret-navigateur",
                "PROCONNECT_ISSUER": agent_sandbox.issuer,
                "PROCONNECT_CLIENT_ID": "agents-navigateur",
                "PROCONNECT_CLIENT_SECRET": "secret-agents-navigateur",
                "MAIL_PORT": live_mail_sink.port,
                "PORTAL_BASE_URL": portal_url,
                "DOCUMENTS_LOCAL_DIR": str(tmp_path_factory.mktemp("live-documents")),
            }
        )
        with app.app_context():
            upgrade()
            with atomic():
                seed_demo()
        server.app = app
        _LIVE_APPS[portal_url] = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield portal_url, sandbox
        finally:
            server.shutdown()
            thread.join()
            server.server_close()


# The app behind each live portal, for the tests that feed it as an operator would (a `flask` command).
_LIVE_APPS: dict = {}


@pytest.fixture
def live_app(live_portal):
    """The live portal's app: its commands run on the database the browser sees."""
    return _LIVE_APPS[live_portal[0]]


@pytest.fixture
def browser_page(chromium_path):
    """A Chromium page that records console errors (a CSP violation is one)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
        try:
            yield page
        finally:
            context.close()
            browser.close()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page as it stands (its width, what a form posted, what a click opened) and return the
    violations of the given impacts. The script is evaluated through the browser's debugging protocol, which the
    portal's CSP does not govern: the CSP itself, rightly, lets no such script in."""
    page.evaluate(AXE_SCRIPT.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": violation["id"], "impact": violation["impact"], "nodes": [n["target"] for n in violation["nodes"]]}
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def citizen_login(page, portal_url: str, name: str, nir: str | None = None) -> None:
    """Log in through the FranceConnect sandbox; the NIR step comes only at a person's first login (another browser
    test may have bound them already). Without a NIR (a representative unknown to the fund) it stops there."""
    page.goto(portal_url)
    page.get_by_role("button", name="S’identifier avec FranceConnect").click()
    page.get_by_role("button", name=name).click()
    # A representative unknown to the fund lands on « Mes représentations » once they have a mandate.
    landings = ("/ma-carriere", "/mes-representations")
    page.wait_for_url(lambda url: "/premiere-connexion" in url or url.endswith(landings))
    if nir and "/premiere-connexion" in page.url:
        page.get_by_label("Numéro de sécurité sociale").fill(nir)
        page.get_by_role("button", name="Retrouver mon dossier").click()
        page.wait_for_url(f"{portal_url}/ma-carriere")
