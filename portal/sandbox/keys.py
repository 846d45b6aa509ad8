"""Signing keys of the sandbox.

FranceConnect v2 signs with ES256 (recommended) or RS256, chosen per client, and publishes both kinds of keys in its
JWKS. The sandbox does the same: an ES256 key signs by default and an RS256 key is always published, so that a
client can be tested against an RS256 id_token without refreshing its cached JWKS.

With a key file, both private keys are kept there as a JWK set (`{"keys": [...]}`) and reused at the next start, so
the tokens a developer holds stay verifiable across restarts. A file holding a single JWK (the ES256 key) is
accepted too; the RS256 key is then generated and added to the file.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from joserfc.jwk import ECKey, KeySet, RSAKey

SIGNING_ALGORITHMS: tuple[str, ...] = ("ES256", "RS256")
RSA_KEY_SIZE = 2048


@dataclass(frozen=True, slots=True)
class SigningKeys:
    es256: ECKey
    rs256: RSAKey

    @property
    def private_set(self) -> KeySet:
        return KeySet([self.es256, self.rs256])

    def public_jwks(self) -> dict:
        """The JWKS document: public parts only."""
        return dict(self.private_set.as_dict(private=False))

    def public_set(self) -> KeySet:
        return KeySet.import_key_set(self.public_jwks())  # type: ignore[arg-type]


def generate_es256_key(kid: str | None = None) -> ECKey:
    """A P-256 signing key; its kid defaults to its RFC 7638 thumbprint."""
    parameters = {"use": "sig", "alg": "ES256"}
    if kid is not None:
        parameters["kid"] = kid
    key = ECKey.generate_key("P-256", parameters=parameters)  # type: ignore[arg-type]
    key.ensure_kid()
    return key


def generate_rs256_key(kid: str | None = None) -> RSAKey:
    """A 2048-bit RSA signing key; its kid defaults to its RFC 7638 thumbprint."""
    parameters = {"use": "sig", "alg": "RS256"}
    if kid is not None:
        parameters["kid"] = kid
    key = RSAKey.generate_key(RSA_KEY_SIZE, parameters=parameters)  # type: ignore[arg-type]
    key.ensure_kid()
    return key


def load_signing_keys(path: str | os.PathLike[str] | None) -> SigningKeys:
    """Read the keys from `path`, creating the file when it does not exist; in memory only when `path` is None.

    Raises ValueError when the file holds no private P-256 key.
    """
    if path is None:
        return SigningKeys(es256=generate_es256_key(), rs256=generate_rs256_key())

    path = Path(path)
    if not path.exists():
        keys = SigningKeys(es256=generate_es256_key(), rs256=generate_rs256_key())
        _write(path, keys)
        return keys

    data = json.loads(path.read_text(encoding="utf-8"))
    key_set = KeySet.import_key_set(data if "keys" in data else {"keys": [data]})
    es256 = next((key for key in key_set if isinstance(key, ECKey) and key.curve_name == "P-256"), None)
    if es256 is None or not es256.is_private:
        raise ValueError(f"{path}: no private P-256 key (kty EC, crv P-256) to sign with ES256")
    es256.ensure_kid()
    rs256 = next((key for key in key_set if isinstance(key, RSAKey) and key.is_private), None)
    if rs256 is None:
        rs256 = generate_rs256_key()
        _write(path, SigningKeys(es256=es256, rs256=rs256))
    rs256.ensure_kid()
    return SigningKeys(es256=es256, rs256=rs256)


def _write(path: Path, keys: SigningKeys) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Private keys: readable by their owner only, from the moment the file exists.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(keys.private_set.as_dict(private=True), handle, indent=2)
        handle.write("\n")
