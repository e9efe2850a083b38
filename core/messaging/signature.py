"""Meta's webhook signature: X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(app secret, body)."""

import hashlib
import hmac

from .errors import SignatureMismatch, SignatureMissing

PREFIX = "sha256="


def sign(app_secret: str, raw_body: bytes) -> str:
    """The header value Meta would send with this body."""
    digest = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return PREFIX + digest


def verify_signature(app_secret: str, raw_body: bytes, header: str | None) -> None:
    """Return quietly when `header` signs `raw_body`; raise SignatureMissing or -Mismatch."""
    if not header or not header.strip():
        raise SignatureMissing("X-Hub-Signature-256 header is missing")
    scheme, _, given = header.strip().partition("=")
    # Meta writes lowercase hex; accept either case so a proxy that upper-cases still passes.
    if scheme.lower() != "sha256" or not hmac.compare_digest(
        given.lower().encode(), sign(app_secret, raw_body)[len(PREFIX) :].encode()
    ):
        raise SignatureMismatch("X-Hub-Signature-256 does not match the body")
