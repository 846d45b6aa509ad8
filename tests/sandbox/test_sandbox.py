"""The sandbox, driven over HTTP as a FranceConnect client would drive FranceConnect v2."""

import base64
import hashlib
import json
import os
import secrets
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jws
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidKeyIdError, UnsupportedAlgorithmError
from joserfc.jwk import KeySet
from markupsafe import escape

from portal.demo.identities import IDENTITIES, get_identity
from portal.sandbox import create_sandbox_app
from portal.sandbox.faults import ID_TOKEN_FAULTS, OTHER_AUDIENCE, OTHER_ISSUER, USERINFO_FAULTS
from portal.sandbox.keys import generate_es256_key
from portal.sandbox.server import SandboxServer

from .relying_party import (
    CLIENT_ID,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    OTHER_REDIRECT_URI,
    POST_LOGOUT_REDIRECT_URI,
    REDIRECT_URI,
    RS256_CLIENT_ID,
    RS256_CLIENT_SECRET,
    TIMEOUT,
    ChooserForm,
    Login,
    RelyingParty,
    sandbox_clients,
)

PIVOT_CLAIMS = ("given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry")


def unverified(token: str) -> tuple[dict, dict]:
    """Header and claims of a token, read without checking anything."""
    compact = jws.extract_compact(token.encode())
    return dict(compact.headers()), json.loads(compact.payload)


def query(location: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def without_query(location: str) -> str:
    return urlsplit(location)._replace(query="").geturl()


# Discovery and keys


def test_discovery_describes_franceconnect_v2_under_the_issuer_path(rp: RelyingParty) -> None:
    response = requests.get(f"{rp.issuer}/.well-known/openid-configuration", timeout=TIMEOUT)

    assert response.status_code == 200
    document = response.json()
    assert rp.issuer.endswith("/api/v2")
    assert document["issuer"] == rp.issuer
    assert document["authorization_endpoint"] == f"{rp.issuer}/authorize"
    assert document["token_endpoint"] == f"{rp.issuer}/token"
    assert document["userinfo_endpoint"] == f"{rp.issuer}/userinfo"
    assert document["jwks_uri"] == f"{rp.issuer}/jwks"
    assert document["end_session_endpoint"] == f"{rp.issuer}/session/end"
    assert document["id_token_signing_alg_values_supported"] == ["ES256", "RS256"]
    assert document["userinfo_signing_alg_values_supported"] == ["ES256", "RS256"]
    assert document["acr_values_supported"] == ["eidas1"]
    assert document["response_types_supported"] == ["code"]
    assert set(document["token_endpoint_auth_methods_supported"]) == {"client_secret_post", "client_secret_basic"}
    assert {
        "openid",
        "given_name",
        "family_name",
        "birthdate",
        "gender",
        "birthplace",
        "birthcountry",
        "email",
        "preferred_username",
    } <= set(document["scopes_supported"])
    assert {"sub", *PIVOT_CLAIMS, "email", "preferred_username"} <= set(document["claims_supported"])


def test_jwks_publishes_an_es256_and_an_rs256_public_key_only(rp: RelyingParty) -> None:
    keys = requests.get(f"{rp.issuer}/jwks", timeout=TIMEOUT).json()["keys"]

    assert sorted((key["kty"], key["alg"], key["use"]) for key in keys) == [
        ("EC", "ES256", "sig"),
        ("RSA", "RS256", "sig"),
    ]
    assert all(key["kid"] for key in keys)
    assert not any(private in key for key in keys for private in ("d", "p", "q", "dp", "dq", "qi"))


# The identity chooser


def test_authorize_page_lists_every_test_identity_in_french(rp: RelyingParty) -> None:
    response = rp.authorize(rp.authorization_params())

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>Choisir une identité de test — FranceConnect — bac à sable local</title>" in response.text
    assert '<html lang="fr">' in response.text
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    for identity in IDENTITIES:
        assert escape(f"{identity.given_name} {identity.family_name}") in response.text
        assert escape(identity.summary) in response.text
    assert "Né le 14/05/1962" in response.text
    assert "Née à l&#39;étranger, pays 99341 (code COG)" in response.text
    assert "Nom d'usage : GARNIER" in response.text
    assert "Refuser / annuler" in response.text


def test_authorize_page_carries_the_request_and_a_csrf_token_in_its_form(rp: RelyingParty) -> None:
    params = rp.authorization_params()
    response = rp.authorize(params)

    form = ChooserForm(response.text)
    hidden = dict(form.hidden)
    assert {name: hidden[name] for name in params} == params
    assert len(hidden["csrf_token"]) >= 32
    assert ("sub", "demo-karim-benali") in form.buttons
    assert ("cancel", "1") in form.buttons
    assert "fc_sandbox_session" in rp.http.cookies


def test_choosing_an_identity_redirects_to_the_client_with_a_code_and_the_same_state(rp: RelyingParty) -> None:
    login = rp.login("demo-sophie-nguyen")

    assert without_query(login.location) == REDIRECT_URI
    assert set(login.params) == {"code", "state"}
    assert login.params["state"] == login.state
    assert len(login.code) >= 32


def test_refusing_redirects_to_the_client_with_access_denied_and_the_state(rp: RelyingParty) -> None:
    params = rp.authorization_params()
    response = rp.submit(rp.authorize(params), ("cancel", "1"))

    assert response.status_code == 302
    assert without_query(response.headers["Location"]) == REDIRECT_URI
    received = query(response.headers["Location"])
    assert received["error"] == "access_denied"
    assert received["error_description"]
    assert received["state"] == params["state"]
    assert "code" not in received


def test_choice_without_the_csrf_token_is_refused(rp: RelyingParty) -> None:
    params = rp.authorization_params()
    rp.authorize(params)

    response = rp.http.post(
        f"{rp.issuer}/authorize", data={**params, "sub": "demo-jean-pierre-martin"}, allow_redirects=False
    )

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "jeton de sécurité" in response.text


def test_choice_with_a_csrf_token_from_another_browser_is_refused(rp: RelyingParty) -> None:
    params = rp.authorization_params()
    page = rp.authorize(params)

    with requests.Session() as other_browser:
        other_browser.get(f"{rp.issuer}/authorize", params=params, timeout=TIMEOUT)
        response = other_browser.post(
            f"{rp.issuer}/authorize",
            data=ChooserForm(page.text).submission(("sub", "demo-jean-pierre-martin")),
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    assert response.status_code == 400
    assert "Location" not in response.headers


def test_choice_of_an_unknown_identity_is_refused(rp: RelyingParty) -> None:
    page = rp.authorize(rp.authorization_params())
    form = ChooserForm(page.text)
    response = rp.http.post(
        f"{rp.issuer}/authorize", data=[*form.hidden, ("sub", "inconnu")], allow_redirects=False, timeout=TIMEOUT
    )

    assert response.status_code == 400
    assert "Location" not in response.headers


# Authorization request checks


def test_unregistered_redirect_uri_is_refused_without_redirecting(rp: RelyingParty) -> None:
    response = rp.authorize(rp.authorization_params(redirect_uri="http://127.0.0.1:8000/ailleurs"))

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "invalid_request" in response.text


def test_unknown_client_is_refused_without_redirecting(rp: RelyingParty) -> None:
    response = rp.authorize(rp.authorization_params(client_id="inconnu"))

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "invalid_client" in response.text


@pytest.mark.parametrize("nonce", [None, "", "trop-court-0123456789"], ids=["missing", "empty", "short"])
def test_missing_or_short_nonce_is_refused_with_an_error_redirect(rp: RelyingParty, nonce: str | None) -> None:
    params = rp.authorization_params(nonce=nonce)
    response = rp.authorize(params)

    assert response.status_code == 302
    assert without_query(response.headers["Location"]) == REDIRECT_URI
    received = query(response.headers["Location"])
    assert received["error"] == "invalid_request"
    assert "nonce" in received["error_description"]
    assert received["state"] == params["state"]


@pytest.mark.parametrize("state", [None, "trop-court"], ids=["missing", "short"])
def test_missing_or_short_state_is_refused_with_an_error_redirect(rp: RelyingParty, state: str | None) -> None:
    response = rp.authorize(rp.authorization_params(state=state))

    assert response.status_code == 302
    received = query(response.headers["Location"])
    assert received["error"] == "invalid_request"
    assert "state" in received["error_description"]
    assert received.get("state") == state


def test_scope_without_openid_is_refused(rp: RelyingParty) -> None:
    params = rp.authorization_params(scope="given_name family_name")
    received = query(rp.authorize(params).headers["Location"])

    assert received["error"] == "invalid_scope"
    assert received["state"] == params["state"]


def test_unknown_scope_is_refused(rp: RelyingParty) -> None:
    received = query(rp.authorize(rp.authorization_params(scope="openid address")).headers["Location"])

    assert received["error"] == "invalid_scope"


def test_acr_other_than_eidas1_is_refused(rp: RelyingParty) -> None:
    received = query(rp.authorize(rp.authorization_params(acr_values="eidas2")).headers["Location"])

    assert received["error"] == "invalid_request"
    assert "acr_values" in received["error_description"]


def test_prompt_none_is_answered_login_required(rp: RelyingParty) -> None:
    received = query(rp.authorize(rp.authorization_params(prompt="none")).headers["Location"])

    assert received["error"] == "login_required"


# Token endpoint and id_token


def test_token_exchange_gives_an_es256_id_token_whose_kid_is_in_the_jwks(rp: RelyingParty) -> None:
    login = rp.login("demo-marie-helene-lefevre-dubois")
    response = rp.exchange(login.code)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert 0 < tokens["expires_in"] <= 300
    assert "refresh_token" not in tokens

    header, _ = unverified(tokens["id_token"])
    assert header["alg"] == "ES256"
    assert header["kid"] in rp.kids()
    id_token = rp.verify(tokens["id_token"], algorithms=("ES256",))
    rp.expected_id_token_claims(login).validate(id_token.claims)
    assert id_token.claims["sub"] == "demo-marie-helene-lefevre-dubois"
    assert id_token.claims["iat"] <= time.time() < id_token.claims["exp"]
    assert id_token.claims["auth_time"] <= time.time()
    # FranceConnect keeps the identity for userinfo.
    assert not set(PIVOT_CLAIMS) & set(id_token.claims)


def test_token_exchange_accepts_client_secret_basic(rp: RelyingParty) -> None:
    login = rp.login()
    response = rp.exchange(login.code, basic_auth=True)

    assert response.status_code == 200
    rp.expected_id_token_claims(login).validate(rp.verify(response.json()["id_token"]).claims)


def test_absent_acr_values_still_gives_eidas1(rp: RelyingParty) -> None:
    tokens, login = rp.tokens(acr_values=None)

    assert rp.verify(tokens["id_token"]).claims["acr"] == "eidas1"


def test_a_code_is_refused_the_second_time_and_its_tokens_are_revoked(rp: RelyingParty) -> None:
    login = rp.login()
    first = rp.exchange(login.code)
    assert first.status_code == 200
    assert rp.userinfo(first.json()["access_token"]).status_code == 200

    second = rp.exchange(login.code)

    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    assert rp.userinfo(first.json()["access_token"]).status_code == 401


def test_an_expired_code_is_refused(http: requests.Session) -> None:
    with SandboxServer({"SANDBOX_CLIENTS": sandbox_clients(), "SANDBOX_CODE_LIFETIME": 0}) as short_lived:
        rp = RelyingParty(sandbox=short_lived, http=http)
        response = rp.exchange(rp.login().code)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(rp: RelyingParty) -> None:
    response = rp.exchange(rp.login().code, client_secret="pas-le-bon-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_code_issued_to_another_client_is_refused(rp: RelyingParty) -> None:
    login = rp.login()

    response = rp.exchange(
        login.code, client_id=OTHER_CLIENT_ID, client_secret=OTHER_CLIENT_SECRET, redirect_uri=OTHER_REDIRECT_URI
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_token_exchange_with_another_redirect_uri_is_refused(rp: RelyingParty) -> None:
    response = rp.exchange(rp.login().code, redirect_uri="http://127.0.0.1:8000/ailleurs")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def test_pkce_s256_is_accepted_and_checked(rp: RelyingParty) -> None:
    verifier, challenge = pkce_pair()

    good = rp.login(code_challenge=challenge, code_challenge_method="S256")
    assert rp.exchange(good.code, code_verifier=verifier).status_code == 200

    missing = rp.exchange(rp.login(code_challenge=challenge, code_challenge_method="S256").code)
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"

    wrong = rp.exchange(
        rp.login(code_challenge=challenge, code_challenge_method="S256").code, code_verifier=pkce_pair()[0]
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"


@pytest.mark.parametrize("method", ["plain", None])
def test_pkce_other_than_s256_is_refused(rp: RelyingParty, method: str | None) -> None:
    received = query(
        rp.authorize(rp.authorization_params(code_challenge=pkce_pair()[1], code_challenge_method=method)).headers[
            "Location"
        ]
    )

    assert received["error"] == "invalid_request"


def test_a_client_registered_for_rs256_gets_rs256_tokens(sandbox: SandboxServer, http: requests.Session) -> None:
    rp = RelyingParty(sandbox=sandbox, http=http, client_id=RS256_CLIENT_ID, client_secret=RS256_CLIENT_SECRET)
    tokens, login = rp.tokens()

    header, _ = unverified(tokens["id_token"])
    assert header["alg"] == "RS256"
    assert header["kid"] in rp.kids()
    rp.expected_id_token_claims(login).validate(rp.verify(tokens["id_token"], algorithms=("RS256",)).claims)
    userinfo = rp.userinfo(tokens["access_token"])
    assert unverified(userinfo.text)[0]["alg"] == "RS256"
    assert rp.verify(userinfo.text, algorithms=("RS256",)).claims["aud"] == RS256_CLIENT_ID


# Userinfo


def test_userinfo_is_a_signed_jwt_carrying_the_pivot_identity(rp: RelyingParty) -> None:
    tokens, login = rp.tokens("demo-karim-benali")

    response = rp.userinfo(tokens["access_token"])

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/jwt"
    header, _ = unverified(response.text)
    assert header["alg"] == "ES256"
    assert header["kid"] in rp.kids()
    claims = rp.verify(response.text, algorithms=("ES256",)).claims
    identity = get_identity("demo-karim-benali")
    assert identity is not None
    assert claims == {"iss": rp.issuer, "aud": CLIENT_ID, "sub": identity.sub, **identity.claims()}


def test_userinfo_holds_only_the_claims_of_the_granted_scopes(rp: RelyingParty) -> None:
    tokens, _ = rp.tokens(scope="openid family_name birthdate")

    claims = rp.verify(rp.userinfo(tokens["access_token"]).text).claims

    assert set(claims) == {"iss", "aud", "sub", "family_name", "birthdate"}


def test_userinfo_without_a_valid_access_token_is_refused(rp: RelyingParty) -> None:
    response = rp.userinfo("pas-un-jeton")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


# Logout


def test_end_session_redirects_straight_back_with_the_state(rp: RelyingParty) -> None:
    tokens, _ = rp.tokens()
    state = secrets.token_urlsafe(32)

    response = rp.end_session(
        id_token_hint=tokens["id_token"], state=state, post_logout_redirect_uri=POST_LOGOUT_REDIRECT_URI
    )

    assert response.status_code in (302, 303)
    assert without_query(response.headers["Location"]) == POST_LOGOUT_REDIRECT_URI
    assert query(response.headers["Location"]) == {"state": state}
    assert rp.userinfo(tokens["access_token"]).status_code == 401


def test_end_session_accepts_an_expired_id_token_hint(rp: RelyingParty) -> None:
    rp.sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": "expired"}
    tokens, _ = rp.tokens()
    rp.sandbox.app.config["SANDBOX_FAULTS"] = {}

    response = rp.end_session(
        id_token_hint=tokens["id_token"], state="s" * 32, post_logout_redirect_uri=POST_LOGOUT_REDIRECT_URI
    )

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"post_logout_redirect_uri": "http://127.0.0.1:8000/ailleurs"}, "post_logout_redirect_uri"),
        ({"post_logout_redirect_uri": REDIRECT_URI}, "post_logout_redirect_uri"),
        ({"id_token_hint": None}, "id_token_hint"),
        ({"id_token_hint": "pas.un.jeton"}, "invalid_request"),
        ({"state": None}, "state"),
    ],
    ids=["unregistered-uri", "login-callback-uri", "no-id-token-hint", "garbage-id-token-hint", "no-state"],
)
def test_end_session_refuses_an_incomplete_or_unregistered_request(
    rp: RelyingParty, overrides: dict[str, str | None], reason: str
) -> None:
    tokens, _ = rp.tokens()
    params = {
        "id_token_hint": tokens["id_token"],
        "state": secrets.token_urlsafe(32),
        "post_logout_redirect_uri": POST_LOGOUT_REDIRECT_URI,
        **overrides,
    }

    response = rp.end_session(**params)

    assert response.status_code == 400
    assert "Location" not in response.headers
    assert reason in response.text
    assert rp.userinfo(tokens["access_token"]).status_code == 200


def test_end_session_refuses_an_id_token_of_another_client_for_its_uri(rp: RelyingParty) -> None:
    other = RelyingParty(
        sandbox=rp.sandbox,
        http=rp.http,
        client_id=OTHER_CLIENT_ID,
        client_secret=OTHER_CLIENT_SECRET,
        redirect_uri=OTHER_REDIRECT_URI,
    )
    tokens, _ = other.tokens()

    response = rp.end_session(
        id_token_hint=tokens["id_token"], state="s" * 32, post_logout_redirect_uri=POST_LOGOUT_REDIRECT_URI
    )

    assert response.status_code == 400
    assert "Location" not in response.headers


# Faults


def test_every_fault_is_tested() -> None:
    assert set(ID_TOKEN_FAULTS) == set(ID_TOKEN_FAULT_CHECKS)
    assert set(USERINFO_FAULTS) == set(USERINFO_FAULT_CHECKS)


def check_alg_none(rp: RelyingParty, id_token: str, login: Login) -> None:
    header, claims = unverified(id_token)
    assert header["alg"] == "none"
    assert "kid" not in header
    assert id_token.endswith(".")
    assert claims["nonce"] == login.nonce
    with pytest.raises(UnsupportedAlgorithmError):
        rp.verify(id_token)


def check_bad_signature(rp: RelyingParty, id_token: str, login: Login) -> None:
    assert unverified(id_token)[0]["kid"] in rp.kids()
    with pytest.raises(BadSignatureError):
        rp.verify(id_token)


def check_wrong_audience(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert claims["aud"] == OTHER_AUDIENCE != CLIENT_ID
    assert claims["nonce"] == login.nonce


def check_expired(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert claims["exp"] < time.time()
    with pytest.raises(ExpiredTokenError):
        rp.expected_id_token_claims(login).validate(claims)


def check_wrong_nonce(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert claims["nonce"]
    assert claims["nonce"] != login.nonce
    assert claims["aud"] == CLIENT_ID


def check_wrong_issuer(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert claims["iss"] == OTHER_ISSUER != rp.issuer


def check_no_acr(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert "acr" not in claims
    assert claims["nonce"] == login.nonce


def check_unknown_kid(rp: RelyingParty, id_token: str, login: Login) -> None:
    header, _ = unverified(id_token)
    assert header["alg"] == "ES256"
    assert header["kid"] not in rp.kids()
    with pytest.raises(InvalidKeyIdError):
        rp.verify(id_token)


def check_rs256(rp: RelyingParty, id_token: str, login: Login) -> None:
    header, _ = unverified(id_token)
    assert header["alg"] == "RS256"
    assert header["kid"] in rp.kids()
    rp.expected_id_token_claims(login).validate(rp.verify(id_token, algorithms=("RS256",)).claims)


def check_aud_array_without_azp(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert claims["aud"] == [CLIENT_ID, OTHER_AUDIENCE]
    assert "azp" not in claims
    assert claims["nonce"] == login.nonce


def check_aud_array_other_azp(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert (claims["aud"], claims["azp"]) == ([CLIENT_ID, OTHER_AUDIENCE], OTHER_AUDIENCE)


def check_azp_other(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert (claims["aud"], claims["azp"]) == (CLIENT_ID, OTHER_AUDIENCE)


def check_aud_array_with_azp(rp: RelyingParty, id_token: str, login: Login) -> None:
    claims = rp.verify(id_token).claims
    assert (claims["aud"], claims["azp"]) == ([CLIENT_ID, OTHER_AUDIENCE], CLIENT_ID)
    rp.expected_id_token_claims(login).validate(claims)


ID_TOKEN_FAULT_CHECKS = {
    "aud_array_without_azp": check_aud_array_without_azp,
    "aud_array_other_azp": check_aud_array_other_azp,
    "azp_other": check_azp_other,
    "aud_array_with_azp": check_aud_array_with_azp,
    "alg_none": check_alg_none,
    "bad_signature": check_bad_signature,
    "wrong_audience": check_wrong_audience,
    "expired": check_expired,
    "wrong_nonce": check_wrong_nonce,
    "wrong_issuer": check_wrong_issuer,
    "no_acr": check_no_acr,
    "unknown_kid": check_unknown_kid,
    "rs256": check_rs256,
}


@pytest.mark.parametrize("fault", sorted(ID_TOKEN_FAULT_CHECKS))
def test_id_token_fault_alters_the_token_as_named(rp: RelyingParty, fault: str) -> None:
    rp.sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": fault}

    tokens, login = rp.tokens()

    ID_TOKEN_FAULT_CHECKS[fault](rp, tokens["id_token"], login)
    # The rest of the exchange is untouched: userinfo still answers normally.
    assert rp.verify(rp.userinfo(tokens["access_token"]).text).claims["aud"] == CLIENT_ID


def check_unsigned_json(rp: RelyingParty, response: requests.Response, sub: str) -> None:
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["sub"] == sub
    assert body["family_name"] == "MARTIN"


def check_userinfo_bad_signature(rp: RelyingParty, response: requests.Response, sub: str) -> None:
    assert response.headers["Content-Type"] == "application/jwt"
    assert unverified(response.text)[0]["kid"] in rp.kids()
    with pytest.raises(BadSignatureError):
        rp.verify(response.text)


def check_userinfo_wrong_audience(rp: RelyingParty, response: requests.Response, sub: str) -> None:
    claims = rp.verify(response.text).claims
    assert claims["aud"] == OTHER_AUDIENCE
    assert claims["sub"] == sub


def check_other_sub(rp: RelyingParty, response: requests.Response, sub: str) -> None:
    claims = rp.verify(response.text).claims
    assert claims["sub"] != sub
    assert get_identity(claims["sub"]) is not None
    assert claims["aud"] == CLIENT_ID


def check_userinfo_aud_array_without_azp(rp: RelyingParty, response: requests.Response, sub: str) -> None:
    claims = rp.verify(response.text).claims
    assert claims["aud"] == [CLIENT_ID, OTHER_AUDIENCE]
    assert "azp" not in claims
    assert claims["sub"] == sub


USERINFO_FAULT_CHECKS = {
    "aud_array_without_azp": check_userinfo_aud_array_without_azp,
    "unsigned_json": check_unsigned_json,
    "bad_signature": check_userinfo_bad_signature,
    "wrong_audience": check_userinfo_wrong_audience,
    "other_sub": check_other_sub,
}


@pytest.mark.parametrize("fault", sorted(USERINFO_FAULT_CHECKS))
def test_userinfo_fault_alters_the_response_as_named(rp: RelyingParty, fault: str) -> None:
    rp.sandbox.app.config["SANDBOX_FAULTS"] = {"userinfo": fault}
    tokens, login = rp.tokens("demo-jean-pierre-martin")

    response = rp.userinfo(tokens["access_token"])

    assert response.status_code == 200
    USERINFO_FAULT_CHECKS[fault](rp, response, "demo-jean-pierre-martin")
    # The id_token is untouched by a userinfo fault.
    rp.expected_id_token_claims(login).validate(rp.verify(tokens["id_token"]).claims)


@pytest.mark.parametrize("kind", ["id_token", "userinfo"])
def test_bad_signature_fault_follows_the_algorithm_of_an_rs256_client(
    sandbox: SandboxServer, http: requests.Session, kind: str
) -> None:
    rp = RelyingParty(sandbox=sandbox, http=http, client_id=RS256_CLIENT_ID, client_secret=RS256_CLIENT_SECRET)
    sandbox.app.config["SANDBOX_FAULTS"] = {kind: "bad_signature"}
    tokens, _ = rp.tokens()

    token = tokens["id_token"] if kind == "id_token" else rp.userinfo(tokens["access_token"]).text

    header, _ = unverified(token)
    assert header["alg"] == "RS256"
    assert header["kid"] in rp.kids()
    with pytest.raises(BadSignatureError):
        rp.verify(token, algorithms=("RS256",))


def test_faults_stop_once_removed_from_the_config(rp: RelyingParty) -> None:
    rp.sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": "wrong_nonce", "userinfo": "other_sub"}
    rp.tokens()
    rp.sandbox.app.config["SANDBOX_FAULTS"] = {}

    tokens, login = rp.tokens()

    rp.expected_id_token_claims(login).validate(rp.verify(tokens["id_token"]).claims)
    assert rp.verify(rp.userinfo(tokens["access_token"]).text).claims["sub"] == "demo-jean-pierre-martin"


def test_an_unknown_fault_name_fails_instead_of_being_ignored(rp: RelyingParty) -> None:
    rp.sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": "faute-de-frappe"}
    login = rp.login()

    assert rp.exchange(login.code).status_code == 500


# Keys on disk, application factory, command line


def test_signing_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    key_file = tmp_path / "instance" / "sandbox-jwk.json"
    settings = {"SANDBOX_CLIENTS": sandbox_clients(), "SANDBOX_SIGNING_KEY_FILE": str(key_file)}

    first = create_sandbox_app(settings).test_client().get("/api/v2/jwks").get_json()
    second = create_sandbox_app(settings).test_client().get("/api/v2/jwks").get_json()

    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first == second
    assert all("d" in key for key in json.loads(key_file.read_text())["keys"])


def test_a_key_file_with_a_single_es256_jwk_is_accepted(tmp_path: Path) -> None:
    key = generate_es256_key("ma-cle")
    key_file = tmp_path / "jwk.json"
    key_file.write_text(json.dumps(key.as_dict(private=True)))

    app = create_sandbox_app({"SANDBOX_SIGNING_KEY_FILE": str(key_file)})
    jwks = app.test_client().get("/api/v2/jwks").get_json()

    assert {"ma-cle", *(k["kid"] for k in jwks["keys"])} == {k["kid"] for k in jwks["keys"]}
    assert len(json.loads(key_file.read_text())["keys"]) == 2


def test_a_key_file_without_a_private_ec_key_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "jwk.json"
    key_file.write_text(json.dumps(generate_es256_key().as_dict(private=False)))

    with pytest.raises(ValueError, match="no private P-256 key"):
        create_sandbox_app({"SANDBOX_SIGNING_KEY_FILE": str(key_file)})


@pytest.mark.parametrize(
    "clients",
    [
        [{"client_id": "x", "client_secret": "y"}],
        [{"client_id": "x", "client_secret": "y", "redirect_uris": "http://127.0.0.1/cb"}],
        [
            {
                "client_id": "x",
                "client_secret": "y",
                "redirect_uris": ["http://127.0.0.1/cb"],
                "userinfo_signed_response_alg": "HS256",
            }
        ],
    ],
    ids=["no-redirect-uris", "redirect-uris-as-string", "unsupported-alg"],
)
def test_malformed_client_configuration_is_refused(clients: list[dict]) -> None:
    with pytest.raises(ValueError, match="SANDBOX_CLIENTS"):
        create_sandbox_app({"SANDBOX_CLIENTS": clients})


def test_issuer_path_prefixes_every_endpoint() -> None:
    app = create_sandbox_app({"SANDBOX_ISSUER": "http://127.0.0.1:5999/fc/api/v2/"})
    client = app.test_client()

    document = client.get("/fc/api/v2/.well-known/openid-configuration").get_json()

    assert document["issuer"] == "http://127.0.0.1:5999/fc/api/v2"
    assert client.get("/fc/api/v2/jwks").status_code == 200
    assert client.get("/api/v2/jwks").status_code == 404


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_command_line_serves_the_sandbox(tmp_path: Path) -> None:
    port = free_port()
    key_file = tmp_path / "sandbox-jwk.json"
    command = [
        sys.executable,
        "-m",
        "portal.sandbox",
        "--port",
        str(port),
        "--client-id",
        CLIENT_ID,
        "--client-secret",
        "secret",
        "--redirect-uri",
        REDIRECT_URI,
        "--post-logout-redirect-uri",
        POST_LOGOUT_REDIRECT_URI,
        "--key-file",
        str(key_file),
    ]
    root = Path(__file__).resolve().parents[2]
    environment = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(command, cwd=root, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    issuer = f"http://127.0.0.1:{port}/api/v2"
    try:
        document = None
        for _ in range(100):
            try:
                document = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).json()
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert document is not None, "the sandbox did not start"
        assert document["issuer"] == issuer
        page = requests.get(
            f"{issuer}/authorize",
            params={
                "response_type": "code",
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "scope": "openid",
                "state": "s" * 32,
                "nonce": "n" * 32,
            },
            timeout=TIMEOUT,
        )
        assert page.status_code == 200
        assert key_file.exists()
        published = {key["kid"] for key in requests.get(f"{issuer}/jwks", timeout=TIMEOUT).json()["keys"]}
        assert published == {key.kid for key in KeySet.import_key_set(json.loads(key_file.read_text()))}
    finally:
        process.terminate()
        process.wait(timeout=10)
