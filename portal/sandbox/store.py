"""Registered clients and the in-memory state of the sandbox: authorization codes and access tokens.

Everything lives in one process and is lost at restart, which suits a development provider. One lock guards all
of it, enough for werkzeug's threaded server.
"""

import hmac
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, scope_to_list
from authlib.oidc.core import AuthorizationCodeMixin

from portal.sandbox.keys import SIGNING_ALGORITHMS
from portal.sandbox.profiles import Identity

# FranceConnect authenticates clients at the token endpoint with their secret, in the body or with HTTP Basic.
TOKEN_ENDPOINT_AUTH_METHODS: tuple[str, ...] = ("client_secret_post", "client_secret_basic")


@dataclass(frozen=True, slots=True)
class SandboxClient(ClientMixin):
    """A service provider registered with the sandbox, as FranceConnect's partner space would record it."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...] = ()
    id_token_signed_response_alg: str = "ES256"  # noqa: S105 (an algorithm name, not a secret)
    # FranceConnect v2 only answers userinfo with a signed JWT; Authlib signs it when the client's metadata asks.
    userinfo_signed_response_alg: str = "ES256"
    # The scopes of the provider imitated: any other is left out of the tokens.
    scopes_supported: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, entry: Mapping[str, Any], *, scopes_supported: Iterable[str] = ()) -> "SandboxClient":
        """Build a client from one entry of SANDBOX_CLIENTS. Raises ValueError on a missing or malformed field."""
        try:
            client_id, client_secret = entry["client_id"], entry["client_secret"]
            redirect_uris = entry["redirect_uris"]
        except KeyError as error:
            raise ValueError(f"SANDBOX_CLIENTS entry without {error.args[0]!r}: {dict(entry)!r}") from None
        post_logout_redirect_uris = entry.get("post_logout_redirect_uris", ())
        for name, uris in (("redirect_uris", redirect_uris), ("post_logout_redirect_uris", post_logout_redirect_uris)):
            if isinstance(uris, str) or not all(isinstance(uri, str) and uri for uri in uris):
                raise ValueError(f"SANDBOX_CLIENTS[{client_id!r}].{name} must be a list of URLs")
        if not redirect_uris:
            raise ValueError(f"SANDBOX_CLIENTS[{client_id!r}].redirect_uris is empty")
        algorithms = {
            name: entry.get(name, "ES256") for name in ("id_token_signed_response_alg", "userinfo_signed_response_alg")
        }
        for name, alg in algorithms.items():
            if alg not in SIGNING_ALGORITHMS:
                raise ValueError(f"SANDBOX_CLIENTS[{client_id!r}].{name} must be one of {SIGNING_ALGORITHMS}")
        return cls(
            client_id=client_id,
            client_secret=client_secret,
            redirect_uris=tuple(redirect_uris),
            post_logout_redirect_uris=tuple(post_logout_redirect_uris),
            **algorithms,
            scopes_supported=tuple(scopes_supported),
        )

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {
            "redirect_uris": list(self.redirect_uris),
            "post_logout_redirect_uris": list(self.post_logout_redirect_uris),
            "token_endpoint_auth_method": TOKEN_ENDPOINT_AUTH_METHODS[0],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
            "id_token_signed_response_alg": self.id_token_signed_response_alg,
            "userinfo_signed_response_alg": self.userinfo_signed_response_alg,
        }

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        # FranceConnect requires redirect_uri on every authorization request: no default.
        return None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        if not scope:
            return None
        return " ".join(name for name in scope_to_list(scope) if name in self.scopes_supported)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(self.client_secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in TOKEN_ENDPOINT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(slots=True)
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    sub: str
    nonce: str
    acr: str
    auth_time: int
    expires_at: float
    amr: tuple[str, ...] = ()
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    is_used: bool = False

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return self.acr

    def get_amr(self) -> list[str] | None:
        return list(self.amr) or None


@dataclass(slots=True)
class AccessToken(TokenMixin):
    access_token: str
    client: SandboxClient
    user: Identity
    scope: str
    issued_at: float
    expires_in: int
    code: str
    revoked: bool = False

    @property
    def sub(self) -> str:
        return self.user.sub

    def check_client(self, client: ClientMixin) -> bool:
        return client.get_client_id() == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() >= self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return self.revoked

    def get_user(self) -> Identity:
        return self.user

    def get_client(self) -> SandboxClient:
        return self.client


class MemoryStore:
    """Clients, codes and tokens. Expired entries are dropped whenever something new is stored."""

    def __init__(self, clients: Iterable[SandboxClient]) -> None:
        self._clients = {client.client_id: client for client in clients}
        self._codes: dict[str, AuthorizationCode] = {}
        self._tokens: dict[str, AccessToken] = {}
        self._lock = threading.Lock()

    def get_client(self, client_id: str) -> SandboxClient | None:
        return self._clients.get(client_id)

    def add_code(self, code: AuthorizationCode) -> None:
        with self._lock:
            self._purge()
            self._codes[code.code] = code

    def redeem_code(self, code: str, client_id: str) -> AuthorizationCode | None:
        """Return the code and mark it used, or None when it is unknown, expired, used, or another client's.

        Marking it here rather than after the exchange means two concurrent exchanges cannot both succeed. A second
        use revokes the tokens issued with the first (RFC 6749, section 4.1.2).
        """
        with self._lock:
            entry = self._codes.get(code)
            if entry is None or entry.client_id != client_id or time.time() >= entry.expires_at:
                return None
            if entry.is_used:
                for token in self._tokens.values():
                    if token.code == code:
                        token.revoked = True
                return None
            entry.is_used = True
            return entry

    def has_nonce(self, client_id: str, nonce: str) -> bool:
        with self._lock:
            return any(code.client_id == client_id and code.nonce == nonce for code in self._codes.values())

    def add_token(self, token: AccessToken) -> None:
        with self._lock:
            self._purge()
            self._tokens[token.access_token] = token

    def get_token(self, access_token: str) -> AccessToken | None:
        with self._lock:
            return self._tokens.get(access_token)

    def revoke_tokens(self, *, client_id: str, sub: str) -> None:
        """Revoke the access tokens `client_id` holds for `sub`, as a logout does."""
        with self._lock:
            for token in self._tokens.values():
                if token.client.client_id == client_id and token.sub == sub:
                    token.revoked = True

    def _purge(self) -> None:
        now = time.time()
        self._codes = {key: code for key, code in self._codes.items() if code.expires_at > now}
        self._tokens = {key: token for key, token in self._tokens.items() if not token.is_expired()}
