"""Login through the FranceConnect sandbox: the real authorization code flow, with signed tokens."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from freezegun import freeze_time
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import Account, AuthorizationRequest, IdentityLink, UserSession
from tests.builders import create_assure, create_period
from tests.conftest import csrf_token, text_of
from tests.fc import choose_identity, login, login_and_bind, start_login
from tests.pages import assert_page


def count(db, model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_first_login_asks_for_the_nir_then_shows_the_career(client, db):
    assure = create_assure(identity="demo-jean-pierre-martin")
    create_period(assure, year=2019, employer_name="Transports Rhône-Alpes")

    response = login(client, "demo-jean-pierre-martin")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/premiere-connexion")

    page = client.get("/premiere-connexion")
    assert "Identité transmise par FranceConnect" in text_of(page)
    assert "Jean-Pierre MARTIN" in text_of(page)
    assert "14 mai 1962" in text_of(page)

    response = client.post(
        "/premiere-connexion", data={"csrf_token": csrf_token(page.text), "nir": "1 62 05 69 383 045 84"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/ma-carriere"
    account = db.session.execute(select(Account)).scalar_one()
    assert account.assure_id == assure.id
    link = db.session.execute(select(IdentityLink)).scalar_one()
    assert (link.subject, link.account_id) == ("demo-jean-pierre-martin", account.id)

    career = client.get("/ma-carriere")
    assert_page(career, shows="Transports Rhône-Alpes")
    actions = db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
    assert actions == ["auth.login", "identity.bound"]


def test_second_login_goes_straight_to_the_career(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    login_and_bind(client)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client.get("/ma-carriere").text)})

    response = login(client, "demo-jean-pierre-martin")
    assert response.status_code == 303
    assert response.headers["Location"] == "/ma-carriere"
    assert count(db, Account) == 1
    assert count(db, IdentityLink) == 1


def test_login_remembers_where_the_person_was_going(client):
    assure = create_assure(identity="demo-jean-pierre-martin")
    period = create_period(assure, year=2018)
    login_and_bind(client)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client.get("/ma-carriere").text)})

    target = f"/ma-carriere/periodes/{period.period_id}"
    response = client.get(target)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/?next=")
    callback = choose_identity(start_login(client, next_path=target), "demo-jean-pierre-martin")
    assert client.get(callback.path).headers["Location"] == target


def test_an_unsafe_next_is_ignored(client):
    create_assure(identity="demo-jean-pierre-martin")
    login_and_bind(client)
    client.post("/deconnexion", data={"csrf_token": csrf_token(client.get("/ma-carriere").text)})
    callback = choose_identity(start_login(client, next_path="//evil.example/phish"), "demo-jean-pierre-martin")
    assert client.get(callback.path).headers["Location"] == "/ma-carriere"


def test_a_new_session_is_opened_at_login(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    client.get("/")
    before = client.get_cookie("portail_session")
    login_and_bind(client)
    after = client.get_cookie("portail_session")
    assert before is not None
    assert after is not None
    assert before.value != after.value
    assert count(db, UserSession) == 1


def test_session_cookie_is_httponly_and_samesite_lax(client):
    create_assure(identity="demo-jean-pierre-martin")
    response = login(client)
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_cancel_at_franceconnect_opens_no_session(client, db):
    callback = choose_identity(start_login(client), None)
    assert callback.params["error"] == "access_denied"
    response = client.get(callback.path)
    assert_page(response, status=401, shows="Vous avez annulé la connexion avec FranceConnect.")
    assert client.get("/ma-carriere").status_code == 303
    assert count(db, Account) == 0
    refused = db.session.execute(select(AuditEvent).where(AuditEvent.action == "auth.login_refused")).scalar_one()
    assert refused.data["reason"] == "provider_error"


def test_a_replayed_callback_is_refused(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    callback = choose_identity(start_login(client), "demo-jean-pierre-martin")
    first = client.get(callback.path)
    assert first.status_code == 303
    client.post("/deconnexion", data={"csrf_token": csrf_token(client.get("/premiere-connexion").text)})

    replay = client.get(callback.path)
    assert_page(replay, status=401, shows="Recommencez la connexion")
    assert client.get("/ma-carriere").status_code == 303


def test_a_callback_from_another_browser_is_refused(app, client, db):
    callback = choose_identity(start_login(client), "demo-jean-pierre-martin")
    other_browser = app.test_client()
    response = other_browser.get(callback.path)
    assert_page(response, status=401, shows="ne correspond pas à une connexion commencée depuis ce navigateur")
    assert count(db, Account) == 0


def test_an_unknown_state_is_refused_even_with_the_cookie(client, db):
    callback = choose_identity(start_login(client), "demo-jean-pierre-martin")
    with client.session_transaction() as session:
        session["oidc_state"] = "x" * 43
    tampered = callback.path.replace(callback.params["state"], "x" * 43)
    response = client.get(tampered)
    assert response.status_code == 401
    assert count(db, Account) == 0


def test_an_expired_authorization_request_is_refused(client, db):
    callback = choose_identity(start_login(client), "demo-jean-pierre-martin")
    request_row = db.session.execute(select(AuthorizationRequest)).scalar_one()
    request_row.created_at -= timedelta(minutes=11)
    db.session.flush()
    response = client.get(callback.path)
    assert response.status_code == 401
    assert count(db, Account) == 0


def test_state_and_nonce_carry_32_random_bytes_and_are_kept_server_side(client, db):
    authorize_url = start_login(client)
    params = {key: values[0] for key, values in parse_qs(urlsplit(authorize_url).query).items()}
    assert len(params["state"]) >= 43
    assert len(params["nonce"]) >= 43
    assert params["acr_values"] == "eidas1"
    assert set(params["scope"].split()) >= {"openid", "given_name", "family_name", "birthdate", "gender",
                                            "birthplace", "birthcountry"}  # fmt: skip
    stored = db.session.execute(select(AuthorizationRequest)).scalar_one()
    assert stored.nonce == params["nonce"]
    assert stored.state_digest != params["state"]  # only the digest is stored
    assert stored.consumed_at is None


ID_TOKEN_FAULTS = ["alg_none", "bad_signature", "wrong_audience", "expired", "wrong_nonce", "wrong_issuer", "no_acr",
                   "unknown_kid", "aud_array_without_azp", "aud_array_other_azp", "azp_other"]  # fmt: skip
USERINFO_FAULTS = ["unsigned_json", "bad_signature", "wrong_audience", "other_sub", "aud_array_without_azp"]


@pytest.mark.parametrize("fault", ID_TOKEN_FAULTS)
def test_a_bad_id_token_opens_no_session(client, db, fc_sandbox, fault):
    create_assure(identity="demo-jean-pierre-martin")
    fc_sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": fault}
    response = login(client)
    assert_page(response, status=401, shows="Par sécurité, vous n'êtes pas connecté")
    assert client.get("/ma-carriere").status_code == 303
    assert count(db, Account) == 0
    assert count(db, UserSession) == 0


@pytest.mark.parametrize("fault", USERINFO_FAULTS)
def test_a_bad_userinfo_opens_no_session(client, db, fc_sandbox, fault):
    fc_sandbox.app.config["SANDBOX_FAULTS"] = {"userinfo": fault}
    response = login(client)
    assert response.status_code == 401
    assert count(db, Account) == 0
    assert count(db, UserSession) == 0


@pytest.mark.parametrize("fault", ["aud_array_without_azp", "aud_array_other_azp", "azp_other"])
def test_an_id_token_issued_to_another_client_that_lists_us_too_is_refused(client, db, fc_sandbox, fault):
    # OIDC Core 3.1.3.7: several audiences are only accepted when azp is our client id.
    create_assure(identity="demo-jean-pierre-martin")
    fc_sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": fault}
    response = login(client)
    assert_page(response, status=401, shows="Par sécurité, vous n'êtes pas connecté")
    refused = db.session.execute(select(AuditEvent).where(AuditEvent.action == "auth.login_refused")).scalar_one()
    assert refused.data["reason"] == "id_token_azp_refused"
    assert count(db, UserSession) == 0


def test_an_id_token_for_several_audiences_with_our_azp_is_accepted(client, db, fc_sandbox):
    create_assure(identity="demo-jean-pierre-martin")
    fc_sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": "aud_array_with_azp"}
    response = login(client)
    assert response.status_code == 303
    assert count(db, UserSession) == 1


def test_an_rs256_id_token_is_accepted(client, db, fc_sandbox):
    create_assure(identity="demo-jean-pierre-martin")
    fc_sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": "rs256"}
    response = login(client)
    assert response.status_code == 303
    assert count(db, UserSession) == 1


def test_logout_ends_both_sessions_and_the_old_cookie_is_dead(client, db, fc_sandbox):
    create_assure(identity="demo-jean-pierre-martin")
    login_and_bind(client)
    old_cookie = client.get_cookie("portail_session").value
    page = client.get("/ma-carriere")

    response = client.post("/deconnexion", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 303
    end_session = response.headers["Location"]
    assert end_session.startswith(f"{fc_sandbox.issuer}/session/end?")
    assert "id_token_hint=" in end_session
    assert "state=" in end_session
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fdeconnexion%2Fretour" in end_session

    back = requests.get(end_session, allow_redirects=False, timeout=10)
    assert back.status_code in (302, 303)  # FranceConnect asks for no confirmation
    landing = back.headers["Location"]
    assert landing.startswith("http://localhost/deconnexion/retour?state=")
    final = client.get(landing.removeprefix("http://localhost"), follow_redirects=True)
    assert "Vous êtes déconnecté du portail et de FranceConnect." in text_of(final)

    assert client.get("/ma-carriere").status_code == 303
    client.set_cookie("portail_session", old_cookie)
    assert client.get("/ma-carriere").status_code == 303  # the server-side session is over
    ended = db.session.execute(select(UserSession)).scalar_one()
    assert ended.ended_at is not None


def test_login_without_csrf_token_is_refused(client, db):
    response = client.post("/connexion/franceconnect")
    assert_page(response, status=400, shows="Formulaire expiré")
    assert count(db, AuthorizationRequest) == 0


def test_logout_without_csrf_token_changes_nothing(client, db):
    create_assure(identity="demo-jean-pierre-martin")
    login_and_bind(client)
    assert client.post("/deconnexion").status_code == 400
    assert client.get("/ma-carriere").status_code == 200


def test_an_idle_session_expires_on_the_server(client, db):

    create_assure(identity="demo-jean-pierre-martin")
    login_and_bind(client)
    assert client.get("/ma-carriere").status_code == 200
    with freeze_time(datetime.now() + timedelta(minutes=31)):
        response = client.get("/ma-carriere", follow_redirects=True)
    assert "Votre session a expiré" in text_of(response)
    assert db.session.execute(select(UserSession)).scalar_one().ended_at is not None
