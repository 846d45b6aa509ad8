"""OpenID Connect relying party for FranceConnect v2, built on Authlib's client and joserfc.

Authlib fetches the discovery document, builds the authorization URL and exchanges the code; the checks that
FranceConnect's contract demands are made here, explicitly, rather than left to defaults:
- state and nonce of 32 random bytes, kept server-side (AuthorizationRequest) and consumed once;
- id_token and userinfo both signed JWTs, verified against the provider's JWKS, ES256 or RS256 only (never
  `none`, never HMAC with a public key), with a `kid` that the JWKS holds;
- iss, aud, exp, iat, nonce and acr checked on the id_token; iss, aud and sub on userinfo; a token addressed to
  several audiences is accepted only when its `azp` is our client id (OIDC Core 3.1.3.7, points 3 and 4).
Any failure raises LoginFailed carrying a French message; the caller opens no session.
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import cast

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import CursorResult, update

from portal.auth.models import AuthorizationRequest
from portal.db import db, utcnow

log = logging.getLogger(__name__)

FRANCECONNECT = "franceconnect"
PROCONNECT = "proconnect"
# Each provider's settings are read from the config keys with its prefix (FRANCECONNECT_ISSUER, ...).
PROVIDERS = {FRANCECONNECT: ("FRANCECONNECT", "FranceConnect"), PROCONNECT: ("PROCONNECT", "ProConnect")}
ALLOWED_ALGORITHMS = ("ES256", "RS256")
STATE_BYTES = 32
# Where Authlib's Flask integration keeps its registry in app.extensions.
OAUTH_EXTENSION = "authlib.integrations.flask_client"


class LoginFailed(Exception):
    """The login could not be completed. `reason` goes to logs and audit; `message` is shown to the person."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason = reason
        self.message = message


def label(provider: str) -> str:
    return PROVIDERS[provider][1]


def setting(provider: str, key: str):
    return current_app.config[f"{PROVIDERS[provider][0]}_{key}"]


def unavailable(provider: str) -> str:
    return (
        f"{label(provider)} ne répond pas pour le moment. Votre connexion n'a pas abouti ; "
        "réessayez dans quelques minutes."
    )


def generic_failure(provider: str) -> str:
    return (
        f"La connexion avec {label(provider)} n'a pas pu être vérifiée. Par sécurité, vous n'êtes pas connecté. "
        "Recommencez la connexion depuis la page de connexion."
    )


@dataclass(frozen=True, slots=True)
class VerifiedLogin:
    provider: str
    issuer: str
    subject: str
    claims: dict[str, str]
    id_token: str
    acr: str
    next_path: str | None


def register_providers(app: Flask) -> None:
    # One OAuth registry per app, not a module-level one: Authlib caches each client (and the provider's metadata)
    # in its registry, and two apps in one process (tests, scripts) must not share a provider.
    oauth = OAuth(app)
    for name, (prefix, _label) in PROVIDERS.items():
        issuer = app.config.get(f"{prefix}_ISSUER")
        if not issuer:
            continue
        oauth.register(
            name=name,
            client_id=app.config[f"{prefix}_CLIENT_ID"],
            client_secret=app.config[f"{prefix}_CLIENT_SECRET"],
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": app.config[f"{prefix}_SCOPES"],
                "token_endpoint_auth_method": "client_secret_post",
                "code_challenge_method": "S256",
                "timeout": app.config["OIDC_HTTP_TIMEOUT_SECONDS"],
            },
        )


def _client(provider: str):
    client = current_app.extensions[OAUTH_EXTENSION].create_client(provider)
    if client is None:
        raise LoginFailed("provider_not_configured", unavailable(provider))
    return client


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _metadata(client) -> dict:
    try:
        return client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        log.warning("Identity provider discovery failed: %s", error)
        raise LoginFailed("provider_unreachable", unavailable(client.name)) from error


def begin_login(provider: str, *, redirect_uri: str, next_path: str | None) -> tuple[str, str]:
    """Record a new authorization request and return (authorization URL, state).

    The caller keeps the state in the browser's session. Raises LoginFailed when the provider is unreachable.
    """
    client = _client(provider)
    _metadata(client)
    state = secrets.token_urlsafe(STATE_BYTES)
    nonce = secrets.token_urlsafe(STATE_BYTES)
    code_verifier = secrets.token_urlsafe(48)
    authorization = client.create_authorization_url(
        redirect_uri,
        state=state,
        nonce=nonce,
        code_verifier=code_verifier,
        acr_values=setting(provider, "ACR_VALUES"),
    )
    db.session.add(
        AuthorizationRequest(
            state_digest=_digest(state),
            provider=provider,
            nonce=nonce,
            code_verifier=code_verifier,
            next_path=next_path,
        )
    )
    return authorization["url"], state


def _consume_authorization_request(provider: str, state: str) -> AuthorizationRequest:
    """Mark the request as used, atomically: of two callbacks racing with one state, only one proceeds."""
    now = utcnow()
    oldest_valid = now - current_app.config["OIDC_STATE_MAX_AGE"]
    digest = _digest(state)
    result = cast(
        CursorResult,
        db.session.execute(
            update(AuthorizationRequest)
            .where(
                AuthorizationRequest.state_digest == digest,
                AuthorizationRequest.provider == provider,
                AuthorizationRequest.consumed_at.is_(None),
                AuthorizationRequest.created_at >= oldest_valid,
            )
            .values(consumed_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise LoginFailed(
            "state_unknown_or_used",
            "Cette tentative de connexion a expiré ou a déjà été utilisée. "
            "Par sécurité, recommencez la connexion depuis la page d'accueil.",
        )
    authorization_request = db.session.get(AuthorizationRequest, digest)
    # The UPDATE above has just matched this row, in this transaction.
    assert authorization_request is not None
    return authorization_request


def complete_login(provider: str, *, params: dict[str, str], redirect_uri: str, expected_state: str | None):
    """Check the callback, exchange the code and verify both signed tokens. Returns a VerifiedLogin.

    The authorization request is consumed before anything else can fail, so a replayed callback is refused
    even when the first one failed. Raises LoginFailed.
    """
    if params.get("error"):
        log.info("Identity provider returned error=%s", params.get("error"))
        if params.get("error") == "access_denied":
            raise LoginFailed("provider_error", f"Vous avez annulé la connexion avec {label(provider)}.")
        raise LoginFailed("provider_error", generic_failure(provider))
    state = params.get("state") or ""
    if not state or not expected_state or not hmac.compare_digest(state, expected_state):
        raise LoginFailed(
            "state_mismatch",
            f"Cette réponse de {label(provider)} ne correspond pas à une connexion commencée depuis ce navigateur. "
            "Recommencez la connexion depuis la page d'accueil.",
        )
    authorization_request = _consume_authorization_request(provider, state)
    code = params.get("code")
    if not code:
        raise LoginFailed("missing_code", generic_failure(provider))

    client = _client(provider)
    metadata = _metadata(client)
    try:
        token = client.fetch_access_token(
            redirect_uri=redirect_uri, code=code, code_verifier=authorization_request.code_verifier
        )
    except OAuthError as error:
        log.warning("Token exchange refused: %s", error.error)
        raise LoginFailed("token_refused", generic_failure(provider)) from error
    except (requests.RequestException, ValueError) as error:
        log.warning("Token endpoint unreachable: %s", error)
        raise LoginFailed("provider_unreachable", unavailable(provider)) from error

    id_token = token.get("id_token")
    access_token = token.get("access_token")
    if not id_token or not access_token:
        raise LoginFailed("token_incomplete", generic_failure(provider))
    issuer = metadata["issuer"]
    client_id = client.client_id
    id_claims = verify_signed_jwt(
        client,
        id_token,
        required={"iss": issuer, "aud": client_id, "nonce": authorization_request.nonce},
        purpose="id_token",
    )
    # The level of authentication is checked here, server-side, whatever was requested: ProConnect may return a
    # lower level than asked (an agent without a second factor), and it must then be refused.
    if id_claims.get("acr") not in setting(provider, "ACCEPTED_ACR"):
        if provider == PROCONNECT:
            raise LoginFailed(
                "second_factor_missing",
                "L'espace agents exige une double authentification, et votre connexion ProConnect n'en comportait "
                "pas. Activez la double authentification sur votre compte ProConnect, puis reconnectez-vous.",
            )
        raise LoginFailed("acr_mismatch", generic_failure(provider))
    userinfo = _fetch_userinfo(client, metadata, access_token)
    user_claims = verify_signed_jwt(
        client, userinfo, required={"iss": issuer, "aud": client_id, "sub": id_claims["sub"]}, purpose="userinfo"
    )
    return VerifiedLogin(
        provider=provider,
        issuer=issuer,
        subject=id_claims["sub"],
        claims={key: value for key, value in user_claims.items() if isinstance(value, str)},
        id_token=id_token,
        acr=id_claims["acr"],
        next_path=authorization_request.next_path,
    )


def _fetch_userinfo(client, metadata: dict, access_token: str) -> str:
    try:
        response = requests.get(
            metadata["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/jwt"},
            timeout=current_app.config["OIDC_HTTP_TIMEOUT_SECONDS"],
        )
    except requests.RequestException as error:
        raise LoginFailed("provider_unreachable", unavailable(client.name)) from error
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if response.status_code != 200 or content_type != "application/jwt":
        # FranceConnect v2 always signs userinfo: plain JSON is a downgrade and is refused.
        log.warning("Userinfo refused: status %s, type %s", response.status_code, content_type)
        raise LoginFailed("userinfo_not_signed", generic_failure(client.name))
    return response.text.strip()


def verify_signed_jwt(client, token: str, *, required: dict[str, str], purpose: str) -> dict:
    """Verify a JWT against the provider's JWKS and check the claims in `required` plus exp and iat.

    A `kid` missing from the cached JWKS triggers one refresh (key rotation). Raises LoginFailed.
    """
    try:
        header = jws.extract_compact(token.encode()).protected
    except (JoseError, ValueError) as error:
        raise LoginFailed(f"{purpose}_malformed", generic_failure(client.name)) from error
    if header.get("alg") not in ALLOWED_ALGORITHMS:
        raise LoginFailed(f"{purpose}_alg_refused", generic_failure(client.name))
    kid = header.get("kid")
    if not kid:
        raise LoginFailed(f"{purpose}_no_kid", generic_failure(client.name))
    key_set = _key_set(client, kid)
    try:
        decoded = jwt.decode(token, key_set, registry=JWSRegistry(algorithms=list(ALLOWED_ALGORITHMS)))
    except JoseError as error:
        log.warning("%s signature refused: %s", purpose, error)
        raise LoginFailed(f"{purpose}_bad_signature", generic_failure(client.name)) from error
    leeway = current_app.config["OIDC_LEEWAY_SECONDS"]
    options: dict[str, jwt.ClaimsOption] = {
        name: {"essential": True, "value": value} for name, value in required.items()
    }
    if purpose == "id_token":
        options.update({"exp": {"essential": True}, "iat": {"essential": True}, "sub": {"essential": True}})
    # now=None is the default (the current time), named so that the options only fill the claims' **kwargs.
    registry = jwt.JWTClaimsRegistry(now=None, leeway=leeway, **options)
    try:
        registry.validate(decoded.claims)
    except JoseError as error:
        log.warning("%s claims refused: %s", purpose, error)
        raise LoginFailed(f"{purpose}_claims_refused", generic_failure(client.name)) from error
    if "aud" in required and not _authorized_party_is(decoded.claims, required["aud"]):
        log.warning("%s refused: aud %r with azp %r", purpose, decoded.claims.get("aud"), decoded.claims.get("azp"))
        raise LoginFailed(f"{purpose}_azp_refused", generic_failure(client.name))
    return decoded.claims


def _authorized_party_is(claims: dict, client_id: str) -> bool:
    """OIDC Core 3.1.3.7: a token whose `aud` names other clients beside ours must carry `azp`, and an `azp`, when
    present, must be our client id. The `aud` check alone accepts a token issued to another client that merely
    lists us among its audiences."""
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if azp is not None and azp != client_id:
        return False
    return azp is not None or all(audience == client_id for audience in audiences)


def _key_set(client, kid: str) -> KeySet:
    try:
        key_set = KeySet.import_key_set(client.fetch_jwk_set())
        if not any(key.kid == kid for key in key_set.keys):
            key_set = KeySet.import_key_set(client.fetch_jwk_set(force=True))
    except (requests.RequestException, ValueError, JoseError) as error:
        raise LoginFailed("provider_unreachable", unavailable(client.name)) from error
    if not any(key.kid == kid for key in key_set.keys):
        raise LoginFailed("unknown_kid", generic_failure(client.name))
    return key_set


def logout_url(provider: str, *, id_token: str | None, post_logout_redirect_uri: str) -> tuple[str, str]:
    """Return (end_session URL, state) for RP-initiated logout. Raises LoginFailed if the provider is down."""
    client = _client(provider)
    _metadata(client)
    state = secrets.token_urlsafe(STATE_BYTES)
    result = client.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token, state=state
    )
    return result["url"], state
