"""Behind a load balancer: the rate limits key on the real client's address, and only trusted proxies are believed."""

from urllib.parse import parse_qs, urlsplit

import pytest

from portal import create_app
from portal.db import db as _db
from tests.conftest import PortalClient, csrf_token
from tests.pages import assert_page

# The FranceConnect callback allows 30 attempts per minute and per address (portal/auth/views.py).
CALLBACK = "/connexion/franceconnect/retour?state=inconnu"
CALLBACK_LIMIT = 30
LOAD_BALANCER = "10.0.0.1"


@pytest.fixture
def app_behind_proxies(app):
    """Build the same app with TRUSTED_PROXIES set; its requests run on the test's database transaction."""
    built = []

    def build(trusted):
        settings = {key: value for key, value in app.config.items() if key.isupper()}
        other = create_app({**settings, "TRUSTED_PROXIES": trusted})
        other.test_client_class = PortalClient
        built.append(other)
        return other

    yield build
    for other in built:
        with other.app_context():
            _db.engine.dispose()


def callback(client, *, remote_addr: str, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return client.get(CALLBACK, headers=headers, environ_base={"REMOTE_ADDR": remote_addr})


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_change_the_rate_limit_key(app, client):
    assert app.config["TRUSTED_PROXIES"] == 0
    for number in range(CALLBACK_LIMIT):
        response = callback(client, remote_addr="203.0.113.5", forwarded_for=f"198.51.100.{number}")
        assert response.status_code == 401
    refused = callback(client, remote_addr="203.0.113.5", forwarded_for="198.51.100.250")
    assert_page(refused, status=429, shows="Vous avez fait trop de tentatives")
    # The key is the address the connection came from: another one is not limited.
    assert callback(client, remote_addr="203.0.113.6").status_code == 401


def test_behind_one_trusted_proxy_the_limit_keys_on_the_address_the_proxy_saw(app_behind_proxies):
    client = app_behind_proxies(1).test_client()
    for _ in range(CALLBACK_LIMIT):
        assert callback(client, remote_addr=LOAD_BALANCER, forwarded_for="198.51.100.7").status_code == 401
    assert callback(client, remote_addr=LOAD_BALANCER, forwarded_for="198.51.100.7").status_code == 429
    # A client that adds its own entry in front is still known by the one the proxy appended.
    assert callback(client, remote_addr=LOAD_BALANCER, forwarded_for="192.0.2.1, 198.51.100.7").status_code == 429
    # Every client comes through the same load balancer, yet another client is not limited.
    assert callback(client, remote_addr=LOAD_BALANCER, forwarded_for="198.51.100.8").status_code == 401


def test_behind_two_trusted_proxies_the_address_is_the_second_from_the_right(app_behind_proxies):
    client = app_behind_proxies("2").test_client()
    for number in range(CALLBACK_LIMIT):
        forwarded = f"198.51.100.9, 10.1.0.{number}"  # the first proxy differs from request to request
        assert callback(client, remote_addr=LOAD_BALANCER, forwarded_for=forwarded).status_code == 401
    assert callback(client, remote_addr=LOAD_BALANCER, forwarded_for="198.51.100.9, 10.1.0.99").status_code == 429


def test_a_forged_forwarded_host_does_not_change_the_login_redirect_uri(app_behind_proxies):
    client = app_behind_proxies(1).test_client()
    home = client.get("/")
    response = client.post(
        "/connexion/franceconnect",
        data={"csrf_token": csrf_token(home.text)},
        headers={"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Host": "hameconnage.example"},
    )
    assert response.status_code == 303
    redirect_uri = parse_qs(urlsplit(response.headers["Location"]).query)["redirect_uri"][0]
    assert redirect_uri == "http://localhost/connexion/franceconnect/retour"


@pytest.mark.parametrize("value", ["-1", "deux", "1.5", "10", "²"])
def test_trusted_proxies_must_be_a_small_whole_number(app, value):
    settings = {key: setting for key, setting in app.config.items() if key.isupper()}
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app({**settings, "TRUSTED_PROXIES": value})
