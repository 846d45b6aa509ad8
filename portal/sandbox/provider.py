"""The OpenID provider itself: Authlib's server classes, given FranceConnect v2's rules.

Authlib runs the protocol (request validation, client authentication, codes, PKCE, id_token, signed userinfo,
RP-initiated logout); this module only supplies storage, keys and the few rules where FranceConnect (and
ProConnect, built on the same platform) is stricter than OpenID Connect. What differs between the two comes from
the context's profile (`portal.sandbox.profiles`).
"""

import time
from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import InvalidRequestError, InvalidScopeError, OAuth2Request
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode, UserInfo, UserInfoEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from flask import Flask, session
from joserfc.jwk import KeySet

from portal.sandbox.keys import SIGNING_ALGORITHMS, SigningKeys
from portal.sandbox.profiles import Identity, SandboxProfile
from portal.sandbox.store import AccessToken, AuthorizationCode, MemoryStore, SandboxClient

# FranceConnect's documentation of /authorize: state and nonce are required, "minimum 32 caractères".
MIN_STATE_LENGTH = 32
MIN_NONCE_LENGTH = 32


@dataclass(frozen=True, slots=True)
class SandboxSettings:
    issuer: str
    code_lifetime: int = 60
    # FranceConnect's access tokens live 60 seconds; a few minutes leave room to step through a client in a debugger.
    access_token_lifetime: int = 300
    id_token_lifetime: int = 60


@dataclass(frozen=True, slots=True)
class SandboxContext:
    """What the provider's parts share: settings, the profile imitated, keys and state."""

    settings: SandboxSettings
    profile: SandboxProfile
    keys: SigningKeys
    store: MemoryStore


class SandboxAuthorizationServer(AuthorizationServer):
    def __init__(self, app: Flask, context: SandboxContext) -> None:
        self.context = context
        super().__init__(app)

    def query_client(self, client_id: str) -> SandboxClient | None:
        return self.context.store.get_client(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.context.store.add_token(
            AccessToken(
                access_token=token["access_token"],
                client=request.client,
                user=request.user,
                scope=token["scope"],
                issued_at=time.time(),
                expires_in=token["expires_in"],
                code=request.authorization_code.code,
            )
        )


class SandboxAuthorizationCodeGrant(AuthorizationCodeGrant):
    server: SandboxAuthorizationServer

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        payload = request.payload.data
        now = time.time()
        authentication = self.server.context.profile.authentication(request.user)
        self.server.context.store.add_code(
            AuthorizationCode(
                code=code,
                client_id=request.client.client_id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                sub=request.user.sub,
                nonce=payload["nonce"],
                acr=authentication.acr,
                amr=authentication.amr,
                auth_time=int(now),
                expires_at=now + self.server.context.settings.code_lifetime,
                code_challenge=payload.get("code_challenge"),
                code_challenge_method=payload.get("code_challenge_method"),
            )
        )

    def query_authorization_code(self, code: str, client: SandboxClient) -> AuthorizationCode | None:
        return self.server.context.store.redeem_code(code, client.client_id)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Nothing left to do: `query_authorization_code` consumed the code, and keeping it lets a reuse be seen."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Identity | None:
        return self.server.context.profile.find(authorization_code.sub)


class AuthorizeRules:
    """Grant extension: what FranceConnect v2 and ProConnect require of /authorize beyond OAuth 2.0.

    The openid scope, and a state and a nonce of at least 32 characters. `acr_values` as the profile says: limited
    to eidas1 on FranceConnect (the only level it offers, as opposed to FranceConnect+; absent means eidas1);
    voluntary on ProConnect, which ignores the levels it does not know and returns the level the person really
    reached, lower than asked if need be. Each refusal is redirected to the client like any other OAuth error, with
    the state when there is one.
    """

    def __init__(self, profile: SandboxProfile) -> None:
        self.profile = profile

    def __call__(self, grant: AuthorizationCodeGrant) -> None:
        grant.register_hook("after_validate_authorization_request_payload", self.validate)

    def validate(self, grant: AuthorizationCodeGrant, result: object) -> None:
        data = grant.request.payload.data
        if "openid" not in (data.get("scope") or "").split():
            raise InvalidScopeError("The 'openid' scope is required.")
        if len(data.get("state") or "") < MIN_STATE_LENGTH:
            raise InvalidRequestError(f"'state' is required, at least {MIN_STATE_LENGTH} characters long.")
        if len(data.get("nonce") or "") < MIN_NONCE_LENGTH:
            raise InvalidRequestError(f"'nonce' is required, at least {MIN_NONCE_LENGTH} characters long.")
        acr_values = data.get("acr_values")
        supported = self.profile.acr_values_supported
        unmet = acr_values is not None and not set(acr_values.split()) & set(supported)
        if unmet and self.profile.refuses_unsupported_acr:
            raise InvalidRequestError(f"Unsupported 'acr_values': this provider only offers {', '.join(supported)}.")


class S256CodeChallenge(CodeChallenge):
    """Optional PKCE, S256 only: "plain" protects nothing once the challenge has been seen."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: AuthorizationCodeGrant, redirect_uri: object) -> None:
        data = grant.request.payload.data
        # Without a method, RFC 7636 means "plain", which this provider does not offer.
        if data.get("code_challenge") and not data.get("code_challenge_method"):
            raise InvalidRequestError("'code_challenge_method' must be 'S256'.")
        super().validate_code_challenge(grant, redirect_uri)


class SandboxOpenIDCode(OpenIDCode):
    """id_token as FranceConnect and ProConnect issue it: ES256 by default, a kid, the acr (and on ProConnect the
    amr) of the authentication, and no identity claims but `sub`."""

    def __init__(self, context: SandboxContext) -> None:
        super().__init__(require_nonce=True)
        self.context = context

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return self.context.store.has_nonce(request.payload.client_id, nonce)

    def resolve_client_private_key(self, client: SandboxClient) -> KeySet:
        # Given a key set, joserfc picks the key matching the algorithm and writes its kid in the header.
        return self.context.keys.private_set

    def get_client_claims(self, client: SandboxClient) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.context.settings.issuer,
            "aud": client.client_id,
            "iat": now,
            "exp": now + self.context.settings.id_token_lifetime,
        }

    def generate_user_info(self, user: Identity, scope: str) -> UserInfo:
        # The identity is kept for userinfo; the id_token only names the subject.
        return UserInfo(sub=user.sub)


class SandboxUserInfoEndpoint(UserInfoEndpoint):
    """Userinfo signed with the algorithm of the client's `userinfo_signed_response_alg` (ES256 unless registered
    otherwise), carrying iss, aud, sub and the claims of the granted scopes."""

    def __init__(self, context: SandboxContext, resource_protector: ResourceProtector) -> None:
        super().__init__(resource_protector=resource_protector)
        self.context = context

    def get_issuer(self) -> str:
        return self.context.settings.issuer

    def generate_user_info(self, user: Identity, scope: str) -> UserInfo:
        return self.context.profile.userinfo(user, scope)

    def resolve_private_key(self) -> KeySet:
        return self.context.keys.private_set

    def get_supported_algorithms(self) -> list[str]:
        return list(SIGNING_ALGORITHMS)


class SandboxBearerTokenValidator(BearerTokenValidator):
    def __init__(self, store: MemoryStore) -> None:
        super().__init__()
        self.store = store

    def authenticate_token(self, token_string: str) -> AccessToken | None:
        return self.store.get_token(token_string)


class SandboxEndSessionEndpoint(EndSessionEndpoint):
    """RP-initiated logout as FranceConnect does it: id_token_hint, state and post_logout_redirect_uri are all
    required, and a valid request is redirected at once, without a confirmation page."""

    def __init__(self, context: SandboxContext) -> None:
        super().__init__()
        self.context = context

    def validate_request(self, request: OAuth2Request) -> EndSessionRequest:
        data = request.payload.data
        for name in ("id_token_hint", "state", "post_logout_redirect_uri"):
            if not data.get(name):
                raise InvalidRequestError(f"Missing '{name}' in request.")
        end_session_request = super().validate_request(request)
        if (end_session_request.id_token_claims or {}).get("iss") != self.context.settings.issuer:
            raise InvalidRequestError("The 'id_token_hint' was not issued by this provider.")
        if end_session_request.redirect_uri is None:
            raise InvalidRequestError("'post_logout_redirect_uri' is not registered for the client of the id_token.")
        return end_session_request

    def get_server_jwks(self) -> KeySet:
        return self.context.keys.public_set()

    def get_algorithms(self) -> list[str]:
        return list(SIGNING_ALGORITHMS)

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        claims = end_session_request.id_token_claims or {}
        self.context.store.revoke_tokens(client_id=end_session_request.client.client_id, sub=claims["sub"])
        session.clear()
