"""Browser sessions kept server-side: the cookie is a random token, the session a browser_session row."""

import base64
import binascii
import hashlib
import json
import re
from datetime import datetime, timedelta

import pytest
from flask_login.utils import encode_cookie
from freezegun import freeze_time
from sqlalchemy import func, select

from portal.auth.models import Account
from portal.sessions import AGENT_DOOR, CITIZEN_DOOR, BrowserSession
from tests.backoffice.helpers import CAMILLE
from tests.builders import create_agent, create_assure
from tests.conftest import csrf_token, text_of
from tests.fc import login, login_agent, login_and_bind
from tests.representation.helpers import active

CITIZEN_COOKIE = "portail_session"
AGENT_COOKIE = "portail_agent_session"
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def row_of(db, token: str) -> BrowserSession | None:
    return db.session.get(BrowserSession, digest(token))


def count_rows(db) -> int:
    return db.session.execute(select(func.count()).select_from(BrowserSession)).scalar_one()


def token_of(client, name: str = CITIZEN_COOKIE, path: str = "/") -> str:
    cookie = client.get_cookie(name, path=path)
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


@pytest.fixture
def citizen(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    login_and_bind(client)
    return client


def test_the_cookie_holds_nothing_but_a_random_token(citizen, db):
    token = token_of(citizen)

    assert TOKEN_RE.fullmatch(token)
    raw = base64.urlsafe_b64decode(token + "=")
    assert len(raw) == 32
    with pytest.raises((UnicodeDecodeError, json.JSONDecodeError, binascii.Error)):
        json.loads(raw.decode())
    assert b"_user_id" not in raw
    # What the session holds is on the server, under the token's SHA-256 (never the token itself).
    row = row_of(db, token)
    account = db.session.execute(select(Account)).scalar_one()
    assert row.data["door"] == CITIZEN_DOOR
    assert row.data["values"]["_user_id"] == str(account.id)
    assert token not in json.dumps(row.data)


def test_login_gives_a_new_token_and_the_one_from_before_opens_nothing(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    client.get("/")  # the home page's form puts a CSRF token in the session: it has a token before login
    before = token_of(client)
    assert row_of(db, before) is not None

    login_and_bind(client)

    after = token_of(client)
    assert after != before
    assert row_of(db, before) is None
    assert client.get("/ma-carriere").status_code == 200
    # Someone who planted or copied the token from before the login gets nothing out of it.
    planted = client.application.test_client()
    planted.set_cookie(CITIZEN_COOKIE, before)
    assert planted.get("/ma-carriere").status_code == 303


def test_a_token_stolen_before_logout_is_useless_after_it(citizen, db):
    stolen = token_of(citizen)
    thief = citizen.application.test_client()
    thief.set_cookie(CITIZEN_COOKIE, stolen)
    assert thief.get("/ma-carriere").status_code == 200  # a live token is the session: hence keep it short-lived

    page = citizen.get("/ma-carriere")
    assert citizen.post("/deconnexion", data={"csrf_token": csrf_token(page.text)}).status_code == 303

    assert row_of(db, stolen) is None
    assert thief.get("/ma-carriere").status_code == 303
    # The thief's requests write to an empty session of their own: the old token is never revived.
    thief.get("/")
    assert row_of(db, stolen) is None
    assert token_of(thief) != stolen


def test_a_token_the_server_never_issued_is_not_adopted(client, db):
    forged = "A" * 43
    client.set_cookie(CITIZEN_COOKIE, forged)
    client.get("/")
    assert row_of(db, forged) is None
    assert token_of(client) != forged


def test_a_cookie_that_opens_nothing_is_removed(client, db):
    client.set_cookie(CITIZEN_COOKIE, "A" * 43)
    response = client.get("/sante")  # a page that writes nothing to the session
    assert response.status_code == 200
    assert client.get_cookie(CITIZEN_COOKIE) is None
    assert count_rows(db) == 0


def test_a_page_that_only_reads_writes_no_session(citizen, count_queries):
    citizen.get("/ma-carriere")  # the first page after login consumes its message: that is a change
    with count_queries(about="browser_session") as queries:  # SELECT included
        assert citizen.get("/ma-carriere").status_code == 200
        assert citizen.get("/ma-carriere").status_code == 200
    assert queries.statements
    assert queries.writes() == []

    # Once a minute at most, a reading visit is recorded (for the purge), without rewriting the values.
    with freeze_time(datetime.now() + timedelta(minutes=2)), count_queries(about="browser_session") as queries:
        assert citizen.get("/ma-carriere").status_code == 200
        assert citizen.get("/ma-carriere").status_code == 200
    assert len(queries.writes()) == 1
    assert queries.writes()[0].startswith("UPDATE browser_session SET updated_at=")


def test_static_files_do_not_read_the_session(citizen, count_queries):
    with count_queries(about="browser_session") as queries:
        response = citizen.get("/static/css/portal.css")
        response.close()
    assert response.status_code == 200
    assert queries.statements == []


def test_switching_into_acting_for_gives_a_new_token(client, db):
    protected = create_assure(identity="demo-jean-pierre-martin", caisse="CARSAT-RA")
    agent = create_agent("camille.durand@carsat-ra.fr", "technicien")
    assert login(client, "demo-jules-inconnu").status_code == 303  # a mandataire with no file of their own
    representative = db.session.execute(select(Account).where(Account.assure_id.is_(None))).scalars().all()[-1]
    mandate = active(representative, protected, agent=agent)
    page = client.get("/mes-representations")
    before = token_of(client)

    response = client.post(f"/mes-representations/{mandate.id}/agir", data={"csrf_token": csrf_token(page.text)})

    assert response.status_code == 303
    after = token_of(client)
    assert after != before
    assert row_of(db, before) is None
    assert row_of(db, after).data["values"]["acting_for_mandate_id"] == mandate.id
    assert "agissez pour" in text_of(client.get("/ma-carriere"))


def test_agent_and_citizen_cookies_never_mix(app, citizen, db):
    create_agent(CAMILLE[1], "technicien")
    agent = app.test_client()
    assert login_agent(agent, CAMILLE[0]).status_code == 303
    agent_token = token_of(agent, AGENT_COOKIE, path="/espace-agents")
    citizen_token = token_of(citizen)
    assert agent.get_cookie(CITIZEN_COOKIE) is None or agent.get_cookie(CITIZEN_COOKIE).value != agent_token
    assert row_of(db, agent_token).data["door"] == AGENT_DOOR
    assert row_of(db, citizen_token).data["door"] == CITIZEN_DOOR

    # The agent's token under the citizens' cookie opens no citizen space...
    swapped = app.test_client()
    swapped.set_cookie(CITIZEN_COOKIE, agent_token)
    assert swapped.get("/ma-carriere").status_code == 303
    # ...and the citizen's token under the agents' cookie opens no back-office.
    swapped = app.test_client()
    swapped.set_cookie(AGENT_COOKIE, citizen_token, path="/espace-agents")
    response = swapped.get("/espace-agents/demandes")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/espace-agents/connexion")

    # Neither session was harmed by the attempts.
    assert row_of(db, agent_token) is not None
    assert row_of(db, citizen_token) is not None
    assert agent.get("/espace-agents/demandes").status_code == 200
    assert citizen.get("/ma-carriere").status_code == 200


def test_a_remember_me_cookie_is_neither_written_nor_read(app, citizen, db):
    assert citizen.get_cookie("remember_token") is None
    account = db.session.execute(select(Account)).scalar_one()

    # A remember cookie signed with the portal's own key (as Flask-Login writes them) is ignored.
    other = app.test_client()
    with app.test_request_context():
        other.set_cookie("remember_token", encode_cookie(str(account.id)))
    response = other.get("/ma-carriere", follow_redirects=True)
    assert "Connectez-vous avec FranceConnect pour accéder à cette page." in text_of(response)


def test_sessions_untouched_past_their_lifetime_are_purged_by_the_daily_command(app, citizen, db):
    old = token_of(citizen)
    later = datetime.now() + app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=5)
    with freeze_time(later):
        fresh = app.test_client()
        fresh.get("/")
        recent = token_of(fresh)
        # Too old to be opened, even before the purge.
        assert citizen.get("/ma-carriere").status_code == 303
        result = app.test_cli_runner().invoke(args=["sessions", "purge"])
    assert result.exit_code == 0, result.output
    assert "session(s) expirée(s) supprimée(s)" in result.output
    assert row_of(db, old) is None
    assert row_of(db, recent) is not None
