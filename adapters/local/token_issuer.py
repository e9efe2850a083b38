"""Firebase Authentication's stand-in: ID tokens signed with a key of our own.

The key is made once into a directory (private key PEM, and the public JWKS the local gateway
verifies against). Tokens have Firebase's shape: issuer https://securetoken.google.com/<project>,
audience <project>, RS256, `sub` the user's uid, and custom claims beside.
"""

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from .atomic_files import write_atomically

PRIVATE_KEY = "private.pem"
JWKS = "jwks.json"
ALGORITHM = "RS256"


def _jwks(key: rsa.RSAPrivateKey) -> tuple[str, bytes]:
    """The key id (a hash of the public key) and the JWKS that publishes the public key."""
    public: dict[str, Any] = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    kid = hashlib.sha256(public["n"].encode()).hexdigest()[:16]
    document = {"keys": [{**public, "kid": kid, "alg": ALGORITHM, "use": "sig"}]}
    return kid, json.dumps(document, indent=2).encode()


class LocalTokenIssuer:
    """Mints tokens with the key in `directory`, making the key first if there is none."""

    def __init__(self, directory: Path, issuer: str, audience: str) -> None:
        self.directory, self._issuer, self._audience = directory, issuer, audience
        self._key = self._load_or_make()
        self._kid, jwks = _jwks(self._key)
        if not self.jwks_path.is_file() or self.jwks_path.read_bytes() != jwks:
            write_atomically(self.jwks_path, jwks, 0o644)

    @property
    def jwks_path(self) -> Path:
        return self.directory / JWKS

    def _load_or_make(self) -> rsa.RSAPrivateKey:
        path = self.directory / PRIVATE_KEY
        if not path.is_file():
            self.directory.mkdir(parents=True, exist_ok=True)
            made = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = made.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            write_atomically(path, pem, 0o600)
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError(f"{path} is not an RSA private key")
        return key

    def mint(self, uid: str, expires_in: float = 3600.0, **claims: Any) -> str:
        """A signed ID token for `uid`, valid from now for `expires_in` seconds (negative: one
        that has expired already); a claim given as None is left out."""
        now = int(time.time())
        expires = now + int(expires_in)
        issued = min(now, expires - 1)
        payload = {
            "iss": self._issuer,
            "aud": self._audience,
            "sub": uid,
            "user_id": uid,
            "iat": issued,
            "auth_time": issued,
            "exp": expires,
            **claims,
        }
        payload = {name: value for name, value in payload.items() if value is not None}
        return jwt.encode(payload, self._key, algorithm=ALGORITHM, headers={"kid": self._kid})
