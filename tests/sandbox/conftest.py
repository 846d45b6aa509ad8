"""The FranceConnect sandbox on a real socket, shared by the tests of a worker; faults are reset after each test."""

from collections.abc import Iterator

import pytest
import requests

from portal.sandbox.server import SandboxServer

from .relying_party import RelyingParty, sandbox_clients


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer({"SANDBOX_CLIENTS": sandbox_clients()}) as server:
        yield server


@pytest.fixture(autouse=True)
def _no_fault_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").app.config["SANDBOX_FAULTS"] = {}


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """A browser-like session: it keeps the sandbox's cookie between the chooser's GET and its POST."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def rp(sandbox: SandboxServer, http: requests.Session) -> RelyingParty:
    return RelyingParty(sandbox=sandbox, http=http)
