"""Fault injection, for the tests of a FranceConnect or ProConnect client.

A test running the sandbox sets `sandbox_app.config["SANDBOX_FAULTS"] = {"id_token": ..., "userinfo": ...}`; the
next responses are then altered as named below, until the key is removed. Nothing else turns a fault on.

Each fault starts from the genuine token Authlib produced and changes one thing in it, so a faulty token differs
from a good one only by the fault under test.
"""

import json
import secrets
import time
from typing import Any, Literal

from authlib.consts import default_json_headers
from flask import current_app
from joserfc import jws, jwt
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from portal.sandbox.keys import generate_es256_key, generate_rs256_key
from portal.sandbox.provider import SandboxOpenIDCode, SandboxUserInfoEndpoint

ID_TOKEN_FAULTS: dict[str, str] = {
    "alg_none": "unsigned (alg none), no kid",
    "bad_signature": "signed by another key under the genuine kid",
    "wrong_audience": "aud is another client",
    "expired": "exp and iat in the past",
    "wrong_nonce": "nonce is not the one of the authorization request",
    "wrong_issuer": "iss is another provider",
    "no_acr": "no acr claim",
    "unknown_kid": "signed by a key whose kid is not in the JWKS",
    "aud_array_without_azp": "aud lists another client beside the genuine one, and there is no azp",
    "aud_array_other_azp": "aud lists another client beside the genuine one, and azp is the other client",
    "azp_other": "aud is the genuine client alone, azp another client",
    # Not a fault: FranceConnect and ProConnect may sign with RS256, so a client must accept this one.
    "rs256": "valid, signed RS256 by the published RSA key",
    # Not a fault either: several audiences are allowed when azp names the client (OIDC Core 3.1.3.7).
    "aud_array_with_azp": "valid, aud lists another client beside the genuine one, and azp is the genuine one",
}
USERINFO_FAULTS: dict[str, str] = {
    "unsigned_json": "plain JSON (application/json) instead of a signed JWT",
    "bad_signature": "signed by another key under the genuine kid",
    "wrong_audience": "aud is another client",
    "aud_array_without_azp": "aud lists another client beside the genuine one, and there is no azp",
    "other_sub": "sub is another person's",
}

OTHER_AUDIENCE = "autre-fournisseur-de-service"
OTHER_ISSUER = "https://usurpateur.invalid/api/v2"


def active_fault(kind: Literal["id_token", "userinfo"]) -> str | None:
    """The fault set for `kind` in the app's SANDBOX_FAULTS, or None. Raises ValueError on an unknown name."""
    name = (current_app.config.get("SANDBOX_FAULTS") or {}).get(kind)
    known = ID_TOKEN_FAULTS if kind == "id_token" else USERINFO_FAULTS
    if name is not None and name not in known:
        raise ValueError(f"SANDBOX_FAULTS[{kind!r}] = {name!r} is not one of {sorted(known)}")
    return name


class FaultInjectingOpenIDCode(SandboxOpenIDCode):
    """The id_token extension, altering the id_token when SANDBOX_FAULTS["id_token"] is set."""

    def encode_id_token(self, token: dict[str, Any], request: Any) -> str:
        id_token = super().encode_id_token(token, request)
        fault = active_fault("id_token")
        if fault is None:
            return id_token

        header, claims = _split(id_token)
        key = self.context.keys.private_set
        now = int(time.time())
        match fault:
            case "alg_none":
                # joserfc types jwt.encode's key as required, but hands it to jws.serialize_compact, which takes
                # None and needs no key for alg none.
                return jwt.encode(
                    {"alg": "none"},
                    claims,
                    None,  # type: ignore[arg-type]
                    registry=_UnsignedRegistry(algorithms=["none"]),
                )
            case "bad_signature":
                key = _impostor_key(header["alg"], header["kid"])
            case "wrong_audience":
                claims["aud"] = OTHER_AUDIENCE
            case "expired":
                claims.update(iat=now - 600, auth_time=now - 600, exp=now - 300)
            case "wrong_nonce":
                claims["nonce"] = secrets.token_urlsafe(32)
            case "wrong_issuer":
                claims["iss"] = OTHER_ISSUER
            case "no_acr":
                del claims["acr"]
            case "aud_array_without_azp":
                claims["aud"] = [claims["aud"], OTHER_AUDIENCE]
                claims.pop("azp", None)
            case "aud_array_other_azp":
                claims.update(aud=[claims["aud"], OTHER_AUDIENCE], azp=OTHER_AUDIENCE)
            case "azp_other":
                claims["azp"] = OTHER_AUDIENCE
            case "aud_array_with_azp":
                claims.update(aud=[claims["aud"], OTHER_AUDIENCE], azp=claims["aud"])
            case "unknown_kid":
                header["kid"] = f"inconnu-{secrets.token_hex(8)}"
                key = _impostor_key(header["alg"], header["kid"])
            case "rs256":
                # at_hash needs no change: ES256 and RS256 both hash with SHA-256.
                header = {"alg": "RS256", "kid": self.context.keys.rs256.kid}
        return jwt.encode(header, claims, key, [header["alg"]])


class FaultInjectingUserInfoEndpoint(SandboxUserInfoEndpoint):
    """The userinfo endpoint, altering its answer when SANDBOX_FAULTS["userinfo"] is set."""

    def __call__(self, request: Any) -> tuple[int, Any, list[tuple[str, str]]]:
        status, body, headers = super().__call__(request)
        fault = active_fault("userinfo")
        if fault is None or not isinstance(body, str):
            return status, body, headers

        header, claims = _split(body)
        key = self.context.keys.private_set
        match fault:
            case "unsigned_json":
                return status, claims, default_json_headers
            case "bad_signature":
                key = _impostor_key(header["alg"], header["kid"])
            case "wrong_audience":
                claims["aud"] = OTHER_AUDIENCE
            case "aud_array_without_azp":
                claims["aud"] = [claims["aud"], OTHER_AUDIENCE]
                claims.pop("azp", None)
            case "other_sub":
                identities = self.context.profile.identities
                claims["sub"] = next(identity.sub for identity in identities if identity.sub != claims["sub"])
        return status, jwt.encode(header, claims, key, [header["alg"]]), headers


def _impostor_key(alg: str, kid: str) -> KeySet:
    """A fresh key of the kind `alg` needs, under `kid`: its signatures fail against the published key."""
    key = generate_es256_key(kid) if alg == "ES256" else generate_rs256_key(kid)
    return KeySet([key])


def _split(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a token this provider has just signed (so there is nothing to verify)."""
    compact = jws.extract_compact(token.encode("ascii"))
    return dict(compact.headers()), json.loads(compact.payload)


class _UnsignedRegistry(JWSRegistry):
    """Lets joserfc write an alg=none token without its SecurityWarning: writing one is the purpose of the fault."""

    def get_alg(self, name: str) -> Any:
        if name == "none":
            return self.algorithms[name]
        return super().get_alg(name)
