"""The ProConnect profile of the sandbox: the pension fund's agents, ProConnect's scopes, claims and acr values."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from markupsafe import escape
from stdnum.fr import siret

from portal.demo.agents import (
    ACR_CONSISTENCY_CHECKED_2FA,
    ACR_EIDAS1,
    ACR_SELF_ASSERTED_2FA,
    AGENT_IDENTITIES,
    PORTAL_REGISTRATIONS,
    get_agent_identity,
)
from portal.demo.identities import IDENTITIES
from portal.sandbox import create_sandbox_app
from portal.sandbox.__main__ import parse_args
from portal.sandbox.faults import OTHER_AUDIENCE
from portal.sandbox.server import SandboxServer
from tests.pages import assert_page

from .relying_party import (
    AGENT_CLIENT_ID,
    AGENT_POST_LOGOUT_REDIRECT_URI,
    AGENT_REDIRECT_URI,
    AGENT_SCOPE,
    RS256_CLIENT_ID,
    RS256_CLIENT_SECRET,
    TIMEOUT,
    ChooserForm,
    RelyingParty,
)
from .test_sandbox import free_port, query, unverified

CAMILLE = "demo-agent-camille-durand"
PAUL_WITHOUT_2FA = "demo-agent-sans-double-authentification"
BOTH_2FA_LEVELS = f"{ACR_SELF_ASSERTED_2FA} {ACR_CONSISTENCY_CHECKED_2FA}"
IDENTITY_CLAIMS = ("email", "given_name", "usual_name", "uid", "siret", "idp_id")


def agent(sub: str):
    found = get_agent_identity(sub)
    assert found is not None
    return found


# The demo agents


def test_demo_agents_cover_the_back_office_cases() -> None:
    subs = [agent.sub for agent in AGENT_IDENTITIES]
    assert len(set(subs)) == len(subs)
    assert len({agent.email for agent in AGENT_IDENTITIES}) == len(AGENT_IDENTITIES)
    domains = [agent.email.split("@")[1] for agent in AGENT_IDENTITIES if agent.has_second_factor]
    assert domains.count("carsat-ra.example.fr") >= 3  # two technicians and a superviseur
    assert "carsat-bretagne.example.fr" in domains
    assert "cnav.example.fr" in domains
    without_2fa = [agent for agent in AGENT_IDENTITIES if not agent.has_second_factor]
    assert [(agent.acr, agent.amr) for agent in without_2fa] == [(ACR_EIDAS1, ("pwd",))]
    unregistered = [agent for agent in AGENT_IDENTITIES if agent.sub not in PORTAL_REGISTRATIONS]
    assert len(unregistered) == 1
    assert unregistered[0].has_second_factor  # refused by the portal for who they are, not how they logged in
    assert set(PORTAL_REGISTRATIONS) <= set(subs)
    assert {role for role, _ in PORTAL_REGISTRATIONS.values()} == {
        "technicien",
        "superviseur",
        "auditeur",
        "administrateur",
    }
    assert get_agent_identity(CAMILLE) is AGENT_IDENTITIES[0]
    assert get_agent_identity("demo-jean-pierre-martin") is None


@pytest.mark.parametrize("demo_agent", AGENT_IDENTITIES, ids=lambda demo_agent: demo_agent.sub)
def test_a_demo_agent_is_a_proconnect_identity_without_role(demo_agent) -> None:
    assert siret.is_valid(demo_agent.siret)
    assert demo_agent.acr in (ACR_EIDAS1, ACR_SELF_ASSERTED_2FA, ACR_CONSISTENCY_CHECKED_2FA)
    assert ("mfa" in demo_agent.amr) == demo_agent.has_second_factor
    assert set(demo_agent.claims()) == set(IDENTITY_CLAIMS)
    assert all(isinstance(value, str) and value for value in demo_agent.claims().values())
    assert demo_agent.portal_role == PORTAL_REGISTRATIONS.get(demo_agent.sub)


# Discovery and the chooser


def test_discovery_advertises_proconnect_scopes_claims_and_acr_values(agent_rp: RelyingParty) -> None:
    document = requests.get(f"{agent_rp.issuer}/.well-known/openid-configuration", timeout=TIMEOUT).json()

    assert agent_rp.issuer.endswith("/api/v2")
    assert document["issuer"] == agent_rp.issuer
    assert document["authorization_endpoint"] == f"{agent_rp.issuer}/authorize"
    assert document["userinfo_endpoint"] == f"{agent_rp.issuer}/userinfo"
    assert document["end_session_endpoint"] == f"{agent_rp.issuer}/session/end"
    assert set(document["scopes_supported"]) == set(AGENT_SCOPE.split())
    assert {"sub", *IDENTITY_CLAIMS, "acr", "amr"} <= set(document["claims_supported"])
    assert not {"family_name", "birthdate", "preferred_username"} & set(document["claims_supported"])
    assert {ACR_EIDAS1, ACR_SELF_ASSERTED_2FA, ACR_CONSISTENCY_CHECKED_2FA} <= set(document["acr_values_supported"])
    assert document["id_token_signing_alg_values_supported"] == ["ES256", "RS256"]
    assert document["userinfo_signing_alg_values_supported"] == ["ES256", "RS256"]


def test_chooser_lists_the_agents_and_not_the_citizens(agent_rp: RelyingParty) -> None:
    response = agent_rp.authorize(agent_rp.authorization_params())

    assert_page(
        response,
        markup=(
            "<title>Choisir une identité de test — ProConnect — bac à sable local</title>",
            "<p>ProConnect <small>— bac à sable local</small></p>",
        ),
    )
    assert "FranceConnect" not in response.text
    buttons = ChooserForm(response.text).buttons
    assert [value for name, value in buttons if name == "sub"] == [agent.sub for agent in AGENT_IDENTITIES]
    for demo_agent in AGENT_IDENTITIES:
        assert escape(f"{demo_agent.given_name} {demo_agent.usual_name}") in response.text
        assert escape(demo_agent.summary) in response.text
        assert demo_agent.email in response.text
    for identity in IDENTITIES:
        assert escape(f"{identity.given_name} {identity.family_name}") not in response.text
    assert "Nom d&#39;usage" in response.text  # usual_name, among the requested claims
    assert "SIRET de l&#39;établissement" in response.text
    assert "sans double authentification (eidas1)" in response.text
    assert "pc_sandbox_session" in agent_rp.http.cookies
    assert "fc_sandbox_session" not in agent_rp.http.cookies


def test_a_citizen_cannot_be_chosen_on_proconnect(agent_rp: RelyingParty) -> None:
    page = agent_rp.authorize(agent_rp.authorization_params())
    form = ChooserForm(page.text)
    data = [*form.hidden, ("sub", "demo-jean-pierre-martin")]

    response = agent_rp.http.post(f"{agent_rp.issuer}/authorize", data=data, allow_redirects=False, timeout=TIMEOUT)

    assert_page(response, status=400, markup="Cette identité de test n&#39;existe pas.")


def test_franceconnect_scopes_are_refused_on_proconnect(agent_rp: RelyingParty) -> None:
    received = query(agent_rp.authorize(agent_rp.authorization_params(scope="openid family_name")).headers["Location"])

    assert received["error"] == "invalid_scope"


# id_token: acr and amr of the agent


def test_login_gives_an_es256_id_token_with_the_acr_and_amr_of_the_agent(agent_rp: RelyingParty) -> None:
    login = agent_rp.login(CAMILLE)
    response = agent_rp.exchange(login.code)

    assert response.status_code == 200
    tokens = response.json()
    header, _ = unverified(tokens["id_token"])
    assert header["alg"] == "ES256"
    assert header["kid"] in agent_rp.kids()
    claims = agent_rp.verify(tokens["id_token"], algorithms=("ES256",)).claims
    agent_rp.expected_id_token_claims(login, acr=ACR_SELF_ASSERTED_2FA).validate(claims)
    assert claims["sub"] == CAMILLE
    assert claims["amr"] == ["pwd", "totp", "mfa"]
    assert claims["auth_time"] <= time.time()
    # As on FranceConnect, the identity is for userinfo: the id_token only names the subject.
    assert not set(IDENTITY_CLAIMS) & set(claims)


@pytest.mark.parametrize("demo_agent", AGENT_IDENTITIES, ids=lambda demo_agent: demo_agent.sub)
def test_every_agent_gets_their_own_acr_and_amr_when_2fa_is_asked(agent_rp: RelyingParty, demo_agent) -> None:
    tokens, login = agent_rp.tokens(demo_agent.sub, acr_values=BOTH_2FA_LEVELS)

    claims = agent_rp.verify(tokens["id_token"]).claims
    agent_rp.expected_id_token_claims(login, acr=demo_agent.acr).validate(claims)
    assert claims["amr"] == list(demo_agent.amr)


@pytest.mark.parametrize(
    "acr_values",
    [ACR_SELF_ASSERTED_2FA, BOTH_2FA_LEVELS, ACR_CONSISTENCY_CHECKED_2FA, "eidas2 eidas3", None],
    ids=["self-asserted-2fa", "both-2fa", "consistency-checked-2fa", "eidas2-eidas3", "absent"],
)
def test_the_agent_without_second_factor_gets_eidas1_whatever_was_asked(
    agent_rp: RelyingParty, acr_values: str | None
) -> None:
    # ProConnect does not refuse the login: it says what happened, and the relying party must check it.
    tokens, login = agent_rp.tokens(PAUL_WITHOUT_2FA, acr_values=acr_values)

    claims = agent_rp.verify(tokens["id_token"]).claims
    agent_rp.expected_id_token_claims(login, acr=ACR_EIDAS1).validate(claims)
    assert claims["amr"] == ["pwd"]


def test_unknown_acr_values_are_ignored_as_proconnect_does(agent_rp: RelyingParty) -> None:
    tokens, login = agent_rp.tokens("demo-agent-jerome-lefebvre", acr_values="niveau_inconnu")

    claims = agent_rp.verify(tokens["id_token"]).claims
    assert claims["acr"] == ACR_CONSISTENCY_CHECKED_2FA
    assert claims["amr"] == ["pwd", "pop", "mfa"]


def test_the_state_and_nonce_rules_hold_on_proconnect(agent_rp: RelyingParty) -> None:
    received = query(agent_rp.authorize(agent_rp.authorization_params(nonce="court")).headers["Location"])

    assert received["error"] == "invalid_request"


# Userinfo


def test_userinfo_is_a_signed_jwt_with_the_agents_proconnect_claims(agent_rp: RelyingParty) -> None:
    tokens, _ = agent_rp.tokens("demo-agent-francois-nguyen-van")

    response = agent_rp.userinfo(tokens["access_token"])

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/jwt"
    header, _ = unverified(response.text)
    assert header["alg"] == "ES256"
    assert header["kid"] in agent_rp.kids()
    claims = agent_rp.verify(response.text, algorithms=("ES256",)).claims
    francois = agent("demo-agent-francois-nguyen-van")
    assert claims == {"iss": agent_rp.issuer, "aud": AGENT_CLIENT_ID, "sub": francois.sub, **francois.claims()}
    assert claims["given_name"] == "François"
    assert claims["usual_name"] == "NGUYEN-VAN"
    assert claims["email"] == "francois.nguyen-van@cnav.example.fr"
    assert claims["uid"] == "fnguyenvan"
    assert siret.is_valid(claims["siret"])


def test_userinfo_holds_only_the_claims_of_the_granted_scopes(agent_rp: RelyingParty) -> None:
    tokens, _ = agent_rp.tokens(CAMILLE, scope="openid email siret")

    claims = agent_rp.verify(agent_rp.userinfo(tokens["access_token"]).text).claims

    assert set(claims) == {"iss", "aud", "sub", "email", "siret"}


def test_a_client_registered_for_rs256_gets_rs256_tokens_on_proconnect(
    proconnect_sandbox: SandboxServer, http: requests.Session
) -> None:
    rs256 = RelyingParty(
        sandbox=proconnect_sandbox,
        http=http,
        client_id=RS256_CLIENT_ID,
        client_secret=RS256_CLIENT_SECRET,
        redirect_uri=AGENT_REDIRECT_URI,
        scope=AGENT_SCOPE,
    )
    tokens, _ = rs256.tokens(CAMILLE)

    assert unverified(tokens["id_token"])[0]["alg"] == "RS256"
    userinfo = rs256.userinfo(tokens["access_token"]).text
    assert unverified(userinfo)[0]["alg"] == "RS256"
    assert rs256.verify(userinfo, algorithms=("RS256",)).claims["usual_name"] == "DURAND"


# Faults and logout, shared with FranceConnect


def test_faults_apply_to_proconnect_too(agent_rp: RelyingParty, proconnect_sandbox: SandboxServer) -> None:
    proconnect_sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": "no_acr", "userinfo": "other_sub"}
    tokens, _ = agent_rp.tokens(CAMILLE)

    assert "acr" not in agent_rp.verify(tokens["id_token"]).claims
    other = agent_rp.verify(agent_rp.userinfo(tokens["access_token"]).text).claims["sub"]
    assert other != CAMILLE
    assert get_agent_identity(other) is not None  # another agent, not a citizen


def test_wrong_audience_fault_on_proconnect_userinfo(agent_rp: RelyingParty, proconnect_sandbox: SandboxServer) -> None:
    proconnect_sandbox.app.config["SANDBOX_FAULTS"] = {"userinfo": "wrong_audience"}
    tokens, _ = agent_rp.tokens(CAMILLE)

    assert agent_rp.verify(agent_rp.userinfo(tokens["access_token"]).text).claims["aud"] == OTHER_AUDIENCE


def test_end_session_redirects_straight_back_on_proconnect(agent_rp: RelyingParty) -> None:
    tokens, _ = agent_rp.tokens(CAMILLE)

    response = agent_rp.end_session(
        id_token_hint=tokens["id_token"], state="s" * 32, post_logout_redirect_uri=AGENT_POST_LOGOUT_REDIRECT_URI
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"{AGENT_POST_LOGOUT_REDIRECT_URI}?state={'s' * 32}"
    assert agent_rp.userinfo(tokens["access_token"]).status_code == 401


# Configuration and command line


def test_franceconnect_is_the_default_profile_and_sends_no_amr(rp: RelyingParty) -> None:
    tokens, _ = rp.tokens(acr_values=None)

    claims = rp.verify(tokens["id_token"]).claims
    assert claims["acr"] == "eidas1"
    assert "amr" not in claims
    assert "fc_sandbox_session" in rp.http.cookies


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="SANDBOX_PROFILE"):
        create_sandbox_app({"SANDBOX_PROFILE": "agentconnect"})


def test_each_profile_has_its_own_default_issuer_and_cookie() -> None:
    franceconnect = create_sandbox_app()
    proconnect = create_sandbox_app({"SANDBOX_PROFILE": "proconnect"})
    named = create_sandbox_app({"SANDBOX_PROFILE": "proconnect", "SESSION_COOKIE_NAME": "mon_cookie"})

    assert franceconnect.config["SANDBOX_ISSUER"] == "http://127.0.0.1:5001/api/v2"
    assert proconnect.config["SANDBOX_ISSUER"] == "http://127.0.0.1:5002/api/v2"
    assert franceconnect.config["SESSION_COOKIE_NAME"] == "fc_sandbox_session"
    assert proconnect.config["SESSION_COOKIE_NAME"] == "pc_sandbox_session"
    assert named.config["SESSION_COOKIE_NAME"] == "mon_cookie"


def test_command_line_profile_option_and_default_ports() -> None:
    required = ["--client-id", "c", "--client-secret", "s", "--redirect-uri", "http://127.0.0.1/cb"]

    assert parse_args(required).profile == "franceconnect"
    assert parse_args(required).port == 5001
    assert parse_args(["--profile", "proconnect", *required]).port == 5002
    assert parse_args(["--profile", "proconnect", "--port", "6000", *required]).port == 6000


def test_command_line_serves_the_proconnect_sandbox() -> None:
    port = free_port()
    command = [sys.executable, "-m", "portal.sandbox", "--profile", "proconnect", "--port", str(port)]
    command += ["--client-id", AGENT_CLIENT_ID, "--client-secret", "secret", "--redirect-uri", AGENT_REDIRECT_URI]
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
        assert ACR_SELF_ASSERTED_2FA in document["acr_values_supported"]
        page = requests.get(
            f"{issuer}/authorize",
            params={"response_type": "code", "client_id": AGENT_CLIENT_ID, "redirect_uri": AGENT_REDIRECT_URI,
                    "scope": AGENT_SCOPE, "state": "s" * 32, "nonce": "n" * 32, "acr_values": ACR_SELF_ASSERTED_2FA},
            timeout=TIMEOUT,
        )  # fmt: skip
        assert_page(page, shows="ProConnect — bac à sable local", markup=CAMILLE)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_no_role_or_caisse_leaves_the_identity_provider(agent_rp: RelyingParty) -> None:
    """Roles and caisses are the portal's business: nothing of them leaves the identity provider."""
    tokens, _ = agent_rp.tokens("demo-agent-jerome-lefebvre")

    userinfo = agent_rp.verify(agent_rp.userinfo(tokens["access_token"]).text).claims
    everything = json.dumps([userinfo, agent_rp.verify(tokens["id_token"]).claims]).lower()
    assert "superviseur" not in everything
    assert 'carsat-ra"' not in everything
    assert "role" not in everything
