"""The sandboxes (FranceConnect, and ProConnect for the agents) on real sockets, shared by the tests of a worker;
faults are reset after each test."""

from collections.abc import Iterator

import pytest
import requests

from portal.demo.agents import ACR_SELF_ASSERTED_2FA
from portal.sandbox.server import SandboxServer

from .relying_party import (
    AGENT_CLIENT_ID,
    AGENT_CLIENT_SECRET,
    AGENT_REDIRECT_URI,
    AGENT_SCOPE,
    RelyingParty,
    proconnect_clients,
    sandbox_clients,
)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer({"SANDBOX_CLIENTS": sandbox_clients()}) as server:
        yield server


@pytest.fixture(scope="session")
def proconnect_sandbox() -> Iterator[SandboxServer]:
    """The same sandbox with the ProConnect profile: the pension fund's agents."""
    with SandboxServer({"SANDBOX_PROFILE": "proconnect", "SANDBOX_CLIENTS": proconnect_clients()}) as server:
        yield server


@pytest.fixture(autouse=True)
def _no_fault_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    for name in ("sandbox", "proconnect_sandbox"):
        if name in request.fixturenames:
            request.getfixturevalue(name).app.config["SANDBOX_FAULTS"] = {}


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A browser-like session: it keeps the sandbox's cookie between the chooser's GET and its POST."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def rp(sandbox: SandboxServer, http: requests.Session) -> RelyingParty:
    return RelyingParty(sandbox=sandbox, http=http)


@pytest.fixture
def agent_rp(proconnect_sandbox: SandboxServer, http: requests.Session) -> RelyingParty:
    """The back-office as a ProConnect client: ProConnect's scopes, asking for a second factor."""
    return RelyingParty(
        sandbox=proconnect_sandbox,
        http=http,
        client_id=AGENT_CLIENT_ID,
        client_secret=AGENT_CLIENT_SECRET,
        redirect_uri=AGENT_REDIRECT_URI,
        scope=AGENT_SCOPE,
        acr_values=ACR_SELF_ASSERTED_2FA,
    )
