"""The webhook subscription handshake: Meta proves it holds our verify token."""

import hmac

from core.shared.errors import DomainError


class VerificationRefused(DomainError):
    """Wrong mode or verify token (maps to 403)."""


def verify_subscription(mode: str, verify_token: str, challenge: str, expected_token: str) -> str:
    """The challenge to echo back when the handshake is ours; refused otherwise."""
    if mode != "subscribe":
        raise VerificationRefused(f"hub.mode must be 'subscribe', not {mode!r}")
    if not hmac.compare_digest(verify_token.encode(), expected_token.encode()):
        raise VerificationRefused("hub.verify_token does not match")
    return challenge
