"""Driving a login through the local FranceConnect sandbox, as a browser would: the portal through Flask's test
client, the sandbox over real HTTP with `requests`."""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

from portal.demo.identities import get_identity
from tests.conftest import csrf_token
from tests.sandbox.relying_party import ChooserForm

TIMEOUT = 10


@dataclass
class Callback:
    """Where the sandbox sends the browser back: the portal's callback path with its query string."""

    url: str

    @property
    def path(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.path}?{parts.query}"

    @property
    def params(self) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(urlsplit(self.url).query).items()}


def start_login(client, *, next_path: str | None = None) -> str:
    """Click the FranceConnect button on the home page; return the sandbox's authorization URL."""
    home = client.get("/" + (f"?next={next_path}" if next_path else ""))
    assert home.status_code == 200
    action = "/connexion/franceconnect" + (f"?next={next_path}" if next_path else "")
    response = client.post(action, data={"csrf_token": csrf_token(home.text)})
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def choose_identity(authorize_url: str, sub: str | None) -> Callback:
    """At the sandbox, pick the identity `sub` (None: press "Refuser / annuler")."""
    with requests.Session() as browser:
        page = browser.get(authorize_url, timeout=TIMEOUT)
        assert page.status_code == 200, page.text
        form = ChooserForm(page.text)
        button = ("sub", sub) if sub else next(button for button in form.buttons if button[0] == "cancel")
        response = browser.post(authorize_url.split("?")[0], data=form.submission(button), allow_redirects=False,
                                timeout=TIMEOUT)  # fmt: skip
    assert response.status_code == 302, response.text
    return Callback(response.headers["Location"])


def login(client, sub: str = "demo-jean-pierre-martin", *, next_path: str | None = None):
    """The whole login: returns the portal's response to the callback (not followed)."""
    callback = choose_identity(start_login(client, next_path=next_path), sub)
    return client.get(callback.path)


def login_and_bind(client, sub: str = "demo-jean-pierre-martin", nir: str | None = None):
    """Log in and, at first login, give the NIR. The assuré must exist. Returns the final response."""
    response = login(client, sub)
    if response.headers.get("Location", "").startswith("/premiere-connexion"):
        page = client.get("/premiere-connexion")
        response = client.post(
            "/premiere-connexion",
            data={"csrf_token": csrf_token(page.text), "nir": nir or get_identity(sub).nir},
        )
    return response


def login_agent(client, sub: str):
    """An agent's login through the ProConnect sandbox: returns the portal's response to the callback."""
    page = client.get("/espace-agents/connexion")
    assert page.status_code == 200
    response = client.post("/espace-agents/connexion/proconnect", data={"csrf_token": csrf_token(page.text)})
    assert response.status_code == 303, response.text
    callback = choose_identity(response.headers["Location"], sub)
    return client.get(callback.path)
