"""Response headers, pinned."""

import re

from tests.conftest import text_of


def test_every_page_carries_the_security_headers(client, fc_sandbox, pc_sandbox):
    response = client.get("/")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "base-uri 'self'" in csp
    assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{20,}'", csp)
    # The FranceConnect button posts to the portal, which redirects to the provider: Chrome checks form-action there.
    form_action = next(d for d in csp.split("; ") if d.startswith("form-action"))
    assert set(form_action.split()[1:]) == {"'self'", fc_sandbox.url, pc_sandbox.url}
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert "X-XSS-Protection" not in headers
    assert "Strict-Transport-Security" not in headers  # only in production, behind TLS
    assert len(headers["X-Request-Id"]) == 32


def test_the_nonce_changes_with_every_response(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]
    assert first != second


def test_a_sane_request_id_from_the_load_balancer_is_kept_and_a_bad_one_replaced(client):
    assert client.get("/", headers={"X-Request-Id": "abc-123"}).headers["X-Request-Id"] == "abc-123"
    assert client.get("/", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"] != "<script>"


def test_unknown_pages_get_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page non trouvée" in text_of(response)


def test_wrong_method_gets_a_french_405(client):
    response = client.get("/deconnexion")
    assert response.status_code == 405
    assert "Action non permise" in text_of(response)


def test_health_probe_answers_without_personal_data(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
