"""A local FranceConnect v2 for development and tests: a real OpenID provider built on Authlib's server classes.

It runs as its own application (`python -m portal.sandbox`, or `SandboxServer` in tests) and is never imported by
the portal's app. Everything lives under the issuer's path, as on FranceConnect:

    {issuer}/.well-known/openid-configuration   {issuer}/authorize   {issuer}/token
    {issuer}/userinfo                           {issuer}/jwks        {issuer}/session/end

What it does like FranceConnect v2: authorization code flow only; `state` and `nonce` required, 32 characters at
least; the openid scope required; FranceConnect's per-claim scopes; `acr_values=eidas1` (absent means eidas1, any
other level is refused); optional PKCE, S256 only; id_token signed ES256 with a kid from the JWKS (RS256 for a
client registered so), carrying acr eidas1 and no identity claim but sub; userinfo only as a signed JWT
(`application/jwt`) with iss, aud, sub and the granted claims; codes single-use, 60 seconds; logout with
id_token_hint, state and a registered post_logout_redirect_uri, redirected back at once without confirmation.

Configuration (`create_sandbox_app(config)`):
    SANDBOX_ISSUER               e.g. "http://127.0.0.1:5001/api/v2"; its path prefixes every endpoint.
    SANDBOX_CLIENTS              list of dicts: client_id, client_secret, redirect_uris, post_logout_redirect_uris;
                                 optionally id_token_signed_response_alg / userinfo_signed_response_alg ("ES256"
                                 by default, or "RS256").
    SANDBOX_SIGNING_KEY_FILE     optional JSON file of the private signing keys, created when absent and reused at
                                 the next start; without it the keys live in memory only.
    SANDBOX_FAULTS               optional {"id_token": name, "userinfo": name}; see `portal.sandbox.faults`.
    SANDBOX_CODE_LIFETIME, SANDBOX_ACCESS_TOKEN_LIFETIME, SANDBOX_ID_TOKEN_LIFETIME
                                 seconds; 60, 300 and 60 by default.
    SECRET_KEY                   signs the sandbox's own session cookie; random when not given.

The identity chooser (GET {issuer}/authorize) is a form that POSTs back to {issuer}/authorize with:
    every parameter of the authorization request, unchanged (hidden fields);
    `csrf_token`  the value printed in the page, valid with the session cookie set by that page
                  (an automated client must keep cookies: use one `requests.Session` for the GET and the POST);
    `sub`         the `sub` of one of `portal.demo.identities.IDENTITIES`, to log in as that person;
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
from portal.sandbox.claims import SCOPES_SUPPORTED
from portal.sandbox.faults import FaultInjectingOpenIDCode, FaultInjectingUserInfoEndpoint
from portal.sandbox.keys import load_signing_keys
from portal.sandbox.provider import (
    FranceConnectAuthorizeRules,
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

DEFAULT_ISSUER = "http://127.0.0.1:5001/api/v2"
_LIFETIME_SETTINGS = {
    "SANDBOX_CODE_LIFETIME": "code_lifetime",
    "SANDBOX_ACCESS_TOKEN_LIFETIME": "access_token_lifetime",
    "SANDBOX_ID_TOKEN_LIFETIME": "id_token_lifetime",
}


def create_sandbox_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the sandbox's Flask app. Raises ValueError on an invalid issuer, client entry or key file."""
    app = Flask(__name__)
    app.config.update(
        SANDBOX_ISSUER=DEFAULT_ISSUER,
        SANDBOX_CLIENTS=[],
        SANDBOX_SIGNING_KEY_FILE=None,
        SANDBOX_FAULTS={},
        SECRET_KEY=secrets.token_hex(32),
        # The portal may run on the same host: browsers share cookies across ports, so the names must differ.
        SESSION_COOKIE_NAME="fc_sandbox_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(config or {})

    issuer = app.config["SANDBOX_ISSUER"].rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"SANDBOX_ISSUER must be an http(s) URL without query or fragment: {issuer!r}")

    lifetimes = {field: int(app.config[key]) for key, field in _LIFETIME_SETTINGS.items() if key in app.config}
    settings = SandboxSettings(issuer=issuer, **lifetimes)
    context = SandboxContext(
        settings=settings,
        keys=load_signing_keys(app.config["SANDBOX_SIGNING_KEY_FILE"]),
        store=MemoryStore(SandboxClient.from_config(entry) for entry in app.config["SANDBOX_CLIENTS"]),
    )

    # Read by Authlib's AuthorizationServer when it is initialised.
    app.config["OAUTH2_SCOPES_SUPPORTED"] = list(SCOPES_SUPPORTED)
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": settings.access_token_lifetime}
    server = SandboxAuthorizationServer(app, context)
    server.register_grant(
        SandboxAuthorizationCodeGrant,
        [FranceConnectAuthorizeRules(), FaultInjectingOpenIDCode(context), S256CodeChallenge(required=False)],
    )
    resource_protector = ResourceProtector()
    resource_protector.register_token_validator(SandboxBearerTokenValidator(context.store))
    server.register_endpoint(FaultInjectingUserInfoEndpoint(context, resource_protector))
    server.register_endpoint(SandboxEndSessionEndpoint(context))
    app.extensions["fc_sandbox"] = server

    app.register_blueprint(views.bp, url_prefix=parts.path.rstrip("/") or None)
    app.jinja_env.undefined = StrictUndefined
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
