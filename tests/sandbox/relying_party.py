"""A small FranceConnect (or ProConnect) client that drives the sandbox over HTTP with `requests`, as the portal
would."""

import secrets
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from portal.sandbox.server import SandboxServer

CLIENT_ID = "portail-retraite"
CLIENT_SECRET = "secret-du-portail-de-test"
REDIRECT_URI = "http://127.0.0.1:8000/connexion/franceconnect/retour"
POST_LOGOUT_REDIRECT_URI = "http://127.0.0.1:8000/deconnexion/franceconnect/retour"
OTHER_CLIENT_ID = "autre-service"
OTHER_CLIENT_SECRET = "secret-de-l-autre-service"
OTHER_REDIRECT_URI = "http://127.0.0.1:8001/retour"
RS256_CLIENT_ID = "service-rs256"
RS256_CLIENT_SECRET = "secret-du-service-rs256"
PIVOT_SCOPE = "openid given_name family_name preferred_username birthdate gender birthplace birthcountry email"
# The back-office of the portal, as a ProConnect client.
AGENT_CLIENT_ID = "portail-agents"
AGENT_CLIENT_SECRET = "secret-de-l-espace-agents"
AGENT_REDIRECT_URI = "http://127.0.0.1:8000/espace-agents/connexion/proconnect/retour"
AGENT_POST_LOGOUT_REDIRECT_URI = "http://127.0.0.1:8000/espace-agents/deconnexion/retour"
AGENT_SCOPE = "openid email given_name usual_name uid siret idp_id"
TIMEOUT = 10


def sandbox_clients() -> list[dict[str, Any]]:
    return [
        {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": [REDIRECT_URI],
            "post_logout_redirect_uris": [POST_LOGOUT_REDIRECT_URI],
        },
        {"client_id": OTHER_CLIENT_ID, "client_secret": OTHER_CLIENT_SECRET, "redirect_uris": [OTHER_REDIRECT_URI]},
        {
            "client_id": RS256_CLIENT_ID,
            "client_secret": RS256_CLIENT_SECRET,
            "redirect_uris": [REDIRECT_URI],
            "id_token_signed_response_alg": "RS256",
            "userinfo_signed_response_alg": "RS256",
        },
    ]


def proconnect_clients() -> list[dict[str, Any]]:
    return [
        {
            "client_id": AGENT_CLIENT_ID,
            "client_secret": AGENT_CLIENT_SECRET,
            "redirect_uris": [AGENT_REDIRECT_URI],
            "post_logout_redirect_uris": [AGENT_POST_LOGOUT_REDIRECT_URI],
        },
        {"client_id": RS256_CLIENT_ID, "client_secret": RS256_CLIENT_SECRET, "redirect_uris": [AGENT_REDIRECT_URI],
         "id_token_signed_response_alg": "RS256", "userinfo_signed_response_alg": "RS256"},
    ]  # fmt: skip


class ChooserForm(HTMLParser):
    """The chooser's form as a browser sees it: hidden fields, and the name/value of each submit button."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str]] = []
        self.method: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.method = values.get("method", "get").lower()
        elif tag == "input" and values.get("type") == "hidden":
            self.hidden.append((values["name"], values["value"]))
        elif tag == "button" and values.get("type") == "submit":
            self.buttons.append((values["name"], values["value"]))

    def submission(self, button: tuple[str, str]) -> list[tuple[str, str]]:
        assert button in self.buttons, f"no such button on the page: {button}"
        return [*self.hidden, button]


@dataclass
class Login:
    """The outcome of the authorization step, seen from the client's callback."""

    location: str
    params: dict[str, str]
    state: str
    nonce: str
    code_verifier: str | None = None

    @property
    def code(self) -> str:
        return self.params["code"]


@dataclass
class RelyingParty:
    sandbox: SandboxServer
    http: requests.Session
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    redirect_uri: str = REDIRECT_URI
    scope: str = PIVOT_SCOPE
    acr_values: str | None = "eidas1"
    _jwks: KeySet | None = field(default=None, repr=False)

    @property
    def issuer(self) -> str:
        return self.sandbox.issuer

    def authorization_params(self, **overrides: str | None) -> dict[str, str]:
        """A valid authorization request; an override of None leaves the parameter out."""
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": secrets.token_urlsafe(32),
            "nonce": secrets.token_urlsafe(32),
            "acr_values": self.acr_values,
            **overrides,
        }
        return {name: value for name, value in params.items() if value is not None}

    def authorize(self, params: dict[str, str]) -> requests.Response:
        return self.http.get(f"{self.issuer}/authorize", params=params, allow_redirects=False, timeout=TIMEOUT)

    def submit(self, page: requests.Response, button: tuple[str, str]) -> requests.Response:
        form = ChooserForm(page.text)
        assert form.method == "post"
        return self.http.post(
            f"{self.issuer}/authorize", data=form.submission(button), allow_redirects=False, timeout=TIMEOUT
        )

    def login(self, sub: str = "demo-jean-pierre-martin", **overrides: str | None) -> Login:
        """Open the chooser, pick `sub`, and return what the client's callback receives."""
        params = self.authorization_params(**overrides)
        page = self.authorize(params)
        assert page.status_code == 200, page.text
        response = self.submit(page, ("sub", sub))
        assert response.status_code == 302, response.text
        return self.callback(response, params)

    def callback(self, response: requests.Response, params: dict[str, str]) -> Login:
        location = response.headers["Location"]
        received = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
        return Login(location=location, params=received, state=params.get("state", ""), nonce=params.get("nonce", ""))

    def exchange(self, code: str, *, basic_auth: bool = False, **overrides: str | None) -> requests.Response:
        """POST the code to the token endpoint, authenticating with client_secret_post unless `basic_auth`."""
        data: dict[str, str | None] = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
        }
        auth = None
        if basic_auth:
            auth = (self.client_id, self.client_secret)
        else:
            data.update(client_id=self.client_id, client_secret=self.client_secret)
        data.update(overrides)
        body = {name: value for name, value in data.items() if value is not None}
        return requests.post(f"{self.issuer}/token", data=body, auth=auth, timeout=TIMEOUT)

    def tokens(self, sub: str = "demo-jean-pierre-martin", **overrides: str | None) -> tuple[dict[str, Any], Login]:
        login = self.login(sub, **overrides)
        response = self.exchange(login.code)
        assert response.status_code == 200, response.text
        return response.json(), login

    def userinfo(self, access_token: str) -> requests.Response:
        return requests.get(
            f"{self.issuer}/userinfo", headers={"Authorization": f"Bearer {access_token}"}, timeout=TIMEOUT
        )

    def end_session(self, **params: str | None) -> requests.Response:
        """Send the browser to the end_session endpoint; a parameter given None is left out."""
        return self.http.get(
            f"{self.issuer}/session/end",
            params={name: value for name, value in params.items() if value is not None},
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    def jwks(self) -> KeySet:
        if self._jwks is None:
            response = requests.get(f"{self.issuer}/jwks", timeout=TIMEOUT)
            assert response.status_code == 200
            self._jwks = KeySet.import_key_set(response.json())
        return self._jwks

    def kids(self) -> set[str]:
        return {key.kid for key in self.jwks() if key.kid}

    def verify(self, token: str, algorithms: tuple[str, ...] = ("ES256", "RS256")) -> jwt.Token:
        """Check the signature against the published JWKS; raises joserfc's errors otherwise."""
        return jwt.decode(token, self.jwks(), algorithms=list(algorithms))

    def expected_id_token_claims(self, login: Login, acr: str = "eidas1") -> jwt.JWTClaimsRegistry:
        now = int(time.time())
        return jwt.JWTClaimsRegistry(
            now=now,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            nonce={"essential": True, "value": login.nonce},
            acr={"essential": True, "value": acr},
            exp={"essential": True},
            iat={"essential": True},
        )
