"""Response headers, pinned."""

import re

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from tests.pages import assert_page


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


@pytest.mark.parametrize("incoming", ["lb.7f3a_01-x", "A" * 64, "0", "1-67891233-abcdef012345678912345678"])
def test_a_request_id_made_of_safe_characters_is_kept_as_is(client, incoming):
    assert client.get("/", headers={"X-Request-Id": incoming}).headers["X-Request-Id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    [
        "A" * 65,  # longer than the audit trail's column
        "réf-1",  # a letter, but not ASCII
        "ref²",  # a digit, but not an ASCII one
        "a b",
        "a/b",
        "a;b=c",
        "",
    ],
)
def test_any_other_request_id_is_replaced_by_a_fresh_one(client, incoming):
    first = client.get("/", headers={"X-Request-Id": incoming}).headers["X-Request-Id"]
    second = client.get("/", headers={"X-Request-Id": incoming}).headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_the_audit_trail_records_the_generated_id_not_the_one_sent(client, db):
    response = client.get("/connexion/franceconnect/retour?state=inconnu", headers={"X-Request-Id": "réf-1"})
    assert response.status_code == 401
    refused = db.session.execute(select(AuditEvent).where(AuditEvent.action == "auth.login_refused")).scalar_one()
    assert refused.request_id == response.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", refused.request_id)


def test_unknown_pages_get_a_french_404(client):
    response = client.get("/nulle-part")
    assert_page(response, status=404, shows="Page non trouvée")


def test_wrong_method_gets_a_french_405(client):
    response = client.get("/deconnexion")
    assert_page(response, status=405, shows="Action non permise")


def test_health_probe_answers_without_personal_data(client):
    response = client.get("/sante")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
