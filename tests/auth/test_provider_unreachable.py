"""FranceConnect unreachable: at the start of the login, or between the choice of identity and the callback."""

import socket
from contextlib import closing

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from portal import create_app
from portal.auth.models import Account, UserSession
from portal.db import db
from portal.sandbox.server import SandboxServer
from tests.conftest import PortalClient, _test_settings, csrf_token, fresh_database
from tests.fc import choose_identity
from tests.pages import assert_page

CLIENT = {"client_id": "portail-panne", "client_secret": "secret-panne"}


def closed_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def isolated_app(tmp_path):
    """An app of its own, on its own database, so that its identity provider can be pointed or stopped freely."""

    def build(issuer: str):
        with fresh_database("sqlite", tmp_path) as url:
            app = create_app(
                {**_test_settings(), "SQLALCHEMY_DATABASE_URI": url, "FRANCECONNECT_ISSUER": issuer,
                 "FRANCECONNECT_CLIENT_ID": CLIENT["client_id"], "FRANCECONNECT_CLIENT_SECRET": CLIENT["client_secret"],
                 "OIDC_HTTP_TIMEOUT_SECONDS": 2}
            )  # fmt: skip
            app.test_client_class = PortalClient
            with app.app_context():
                upgrade()
            return app

    return build


def test_an_unreachable_provider_at_login_gives_a_french_page(isolated_app):
    app = isolated_app(f"http://127.0.0.1:{closed_port()}/api/v2")
    with app.app_context():
        client = app.test_client()
        home = client.get("/")
        response = client.post("/connexion/franceconnect", data={"csrf_token": csrf_token(home.text)})
        assert_page(response, status=503, shows="FranceConnect ne répond pas pour le moment")


def test_a_provider_down_at_the_callback_opens_no_session(isolated_app):
    sandbox = SandboxServer(
        {"SANDBOX_CLIENTS": [{**CLIENT, "redirect_uris": ["http://localhost/connexion/franceconnect/retour"]}]}
    ).start()
    try:
        app = isolated_app(sandbox.issuer)
        with app.app_context():
            client = app.test_client()
            home = client.get("/")
            authorize = client.post("/connexion/franceconnect", data={"csrf_token": csrf_token(home.text)})
            callback = choose_identity(authorize.headers["Location"], "demo-jean-pierre-martin")
            sandbox.stop()
            response = client.get(callback.path)
            assert_page(response, status=503, shows="FranceConnect ne répond pas pour le moment")
            assert db.session.execute(select(func.count()).select_from(Account)).scalar_one() == 0
            assert db.session.execute(select(func.count()).select_from(UserSession)).scalar_one() == 0
            db.engine.dispose()
    finally:
        sandbox.stop()
