"""Response headers, CSP nonce, request ids and safe redirects."""

import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request

# Accepted from the load balancer only when it is a short token of these characters (ASCII only: str.isalnum would
# let any Unicode letter through); otherwise a fresh id is generated. The id is written as is into the audit trail
# (audit_event.request_id, 64 characters) and a response header, so nothing else may pass.
_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def init_app(app: Flask) -> None:
    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get("X-Request-Id", "")
        if _REQUEST_ID_RE.fullmatch(incoming):
            g.request_id = incoming
        else:
            g.request_id = secrets.token_hex(16)
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def _security_headers(response):
        # A view that serves a file sets a stricter policy of its own (a justificatif framed in the agents' page, a
        # download): it is kept, the pages get the portal's.
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = content_security_policy(g.get("csp_nonce", ""))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if current_app.config["HSTS_ENABLED"]:
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if not request.path.startswith("/static/"):
            # Pages carry personal data: no copy in any cache, shared or private.
            response.headers["Cache-Control"] = "no-store"
        return response


def content_security_policy(nonce: str) -> str:
    # Chrome applies form-action to the redirects that follow a form submission: the login and logout buttons
    # post to the portal, which redirects to the identity provider, so its origin must be allowed there.
    identity_origins = " ".join(sorted(_identity_provider_origins()))
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action 'self' {identity_origins}".strip(),
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def _identity_provider_origins() -> set[str]:
    origins = set()
    for key in ("FRANCECONNECT_ISSUER", "PROCONNECT_ISSUER"):
        issuer = current_app.config.get(key)
        if issuer:
            parts = urlsplit(issuer)
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return origins


def safe_next_path(target: str | None) -> str | None:
    """Return `target` when it is a local path of this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
