"""A local FranceConnect v2, or ProConnect, for development and tests: a real OpenID provider built on Authlib's
server classes.

It runs as its own application (`python -m portal.sandbox`, or `SandboxServer` in tests) and is never imported by
the portal's app. Everything lives under the issuer's path, as on FranceConnect and ProConnect:

    {issuer}/.well-known/openid-configuration   {issuer}/authorize   {issuer}/token
    {issuer}/userinfo                           {issuer}/jwks        {issuer}/session/end

What it does like FranceConnect v2: authorization code flow only; `state` and `nonce` required, 32 characters at
least; the openid scope required; FranceConnect's per-claim scopes; `acr_values=eidas1` (absent means eidas1, any
other level is refused); optional PKCE, S256 only; id_token signed ES256 with a kid from the JWKS (RS256 for a
client registered so), carrying acr eidas1 and no identity claim but sub; userinfo only as a signed JWT
(`application/jwt`) with iss, aud, sub and the granted claims; codes single-use, 60 seconds; logout with
id_token_hint, state and a registered post_logout_redirect_uri, redirected back at once without confirmation.

With SANDBOX_PROFILE = "proconnect" it is ProConnect instead, for the pension fund's agents: the same flow, keys,
signed userinfo and faults, but the identities of `portal.demo.agents.AGENT_IDENTITIES`; ProConnect's scopes
(openid email given_name usual_name uid siret idp_id) and claims; its acr values in the discovery; `acr_values`
voluntary, as on ProConnect: whatever the client asks (2FA levels, unknown levels), the id_token carries the `acr`
the agent really reached (eidas1 for an agent without a second factor) and its `amr` (e.g. pwd, totp, mfa), and
the client must check them server-side. The profiles are described in `portal.sandbox.profiles`.

Configuration (`create_sandbox_app(config)`):
    SANDBOX_PROFILE              "franceconnect" (default) or "proconnect".
    SANDBOX_ISSUER               e.g. "http://127.0.0.1:5001/api/v2" (the default; port 5002 for ProConnect); its
                                 path prefixes every endpoint.
    SANDBOX_CLIENTS              list of dicts: client_id, client_secret, redirect_uris, post_logout_redirect_uris;
                                 optionally id_token_signed_response_alg / userinfo_signed_response_alg ("ES256"
                                 by default, or "RS256").
    SANDBOX_SIGNING_KEY_FILE     optional JSON file of the private signing keys, created when absent and reused at
                                 the next start; without it the keys live in memory only.
    SANDBOX_FAULTS               optional {"id_token": name, "userinfo": name}; see `portal.sandbox.faults`.
    SANDBOX_CODE_LIFETIME, SANDBOX_ACCESS_TOKEN_LIFETIME, SANDBOX_ID_TOKEN_LIFETIME
                                 seconds; 60, 300 and 60 by default.
    SECRET_KEY                   signs the sandbox's own session cookie; random when not given.
    SESSION_COOKIE_NAME          "fc_sandbox_session", or "pc_sandbox_session" for ProConnect, unless given: the
                                 two sandboxes may run side by side on one host, where browsers share cookies.

The identity chooser (GET {issuer}/authorize) is a form that POSTs back to {issuer}/authorize with:
    every parameter of the authorization request, unchanged (hidden fields);
    `csrf_token`  the value printed in the page, valid with the session cookie set by that page
                  (an automated client must keep cookies: use one `requests.Session` for the GET and the POST);
    `sub`         the `sub` of one of `portal.demo.identities.IDENTITIES` (of `portal.demo.agents.AGENT_IDENTITIES`
                  for ProConnect), to log in as that person;
    or `cancel`   (any value) instead of `sub`, to refuse: the client gets error=access_denied with its state.
The answer is a redirect to the client's redirect_uri with `code` and `state`.

Authlib accepts plain http only on loopback addresses (127.0.0.1, localhost); elsewhere, serve the sandbox over
https or set AUTHLIB_INSECURE_TRANSPORT=1.
"""

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import ResourceProtector
from flask import Flask, Response
from jinja2 import StrictUndefined

from portal.sandbox import views
from portal.sandbox.faults import FaultInjectingOpenIDCode, FaultInjectingUserInfoEndpoint
from portal.sandbox.keys import load_signing_keys
from portal.sandbox.profiles import DEFAULT_PROFILE, get_profile
from portal.sandbox.provider import (
    AuthorizeRules,
    S256CodeChallenge,
    SandboxAuthorizationCodeGrant,
    SandboxAuthorizationServer,
    SandboxBearerTokenValidator,
    SandboxContext,
    SandboxEndSessionEndpoint,
    SandboxSettings,
)
from portal.sandbox.store import MemoryStore, SandboxClient

__all__ = ["create_sandbox_app"]

# Without SANDBOX_ISSUER: http://127.0.0.1:5001/api/v2 for FranceConnect, port 5002 for ProConnect.
DEFAULT_ISSUER_TEMPLATE = "http://127.0.0.1:{port}/api/v2"
_LIFETIME_SETTINGS = {
    "SANDBOX_CODE_LIFETIME": "code_lifetime",
    "SANDBOX_ACCESS_TOKEN_LIFETIME": "access_token_lifetime",
    "SANDBOX_ID_TOKEN_LIFETIME": "id_token_lifetime",
}


def create_sandbox_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the sandbox's Flask app. Raises ValueError on an invalid profile, issuer, client entry or key file."""
    app = Flask(__name__)
    app.config.update(
        SANDBOX_CLIENTS=[],
        SANDBOX_SIGNING_KEY_FILE=None,
        SANDBOX_FAULTS={},
        SANDBOX_PROFILE=DEFAULT_PROFILE,
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    config = config or {}
    app.config.update(config)
    profile = get_profile(app.config["SANDBOX_PROFILE"])
    if "SESSION_COOKIE_NAME" not in config:
        # The portal, and the other sandbox, may run on the same host: browsers share cookies across ports.
        app.config["SESSION_COOKIE_NAME"] = profile.session_cookie_name
    app.config.setdefault("SANDBOX_ISSUER", DEFAULT_ISSUER_TEMPLATE.format(port=profile.default_port))

    issuer = app.config["SANDBOX_ISSUER"].rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"SANDBOX_ISSUER must be an http(s) URL without query or fragment: {issuer!r}")

    lifetimes = {field: int(app.config[key]) for key, field in _LIFETIME_SETTINGS.items() if key in app.config}
    settings = SandboxSettings(issuer=issuer, **lifetimes)
    clients = (
        SandboxClient.from_config(entry, scopes_supported=profile.scopes_supported)
        for entry in app.config["SANDBOX_CLIENTS"]
    )
    context = SandboxContext(
        settings=settings,
        profile=profile,
        keys=load_signing_keys(app.config["SANDBOX_SIGNING_KEY_FILE"]),
        store=MemoryStore(clients),
    )

    # Read by Authlib's AuthorizationServer when it is initialised.
    app.config["OAUTH2_SCOPES_SUPPORTED"] = list(profile.scopes_supported)
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": settings.access_token_lifetime}
    server = SandboxAuthorizationServer(app, context)
    server.register_grant(
        SandboxAuthorizationCodeGrant,
        [AuthorizeRules(profile), FaultInjectingOpenIDCode(context), S256CodeChallenge(required=False)],
    )
    resource_protector = ResourceProtector()
    resource_protector.register_token_validator(SandboxBearerTokenValidator(context.store))
    server.register_endpoint(FaultInjectingUserInfoEndpoint(context, resource_protector))
    server.register_endpoint(SandboxEndSessionEndpoint(context))
    app.extensions["fc_sandbox"] = server

    app.register_blueprint(views.bp, url_prefix=parts.path.rstrip("/") or None)
    app.jinja_env.undefined = StrictUndefined
    app.context_processor(lambda: {"profile": profile})
    app.after_request(_set_security_headers)
    return app


def _set_security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("Cache-Control", "no-store")
    if response.mimetype == "text/html":
        # No form-action: browsers apply it to the redirect that follows the chooser's POST, towards the client.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        )
    return response
