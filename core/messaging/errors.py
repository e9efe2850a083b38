"""Messaging's own domain errors: webhook signatures that are missing or do not match."""

from core.shared.errors import DomainError


class SignatureMissing(DomainError):
    """The webhook carried no X-Hub-Signature-256 header (maps to 401 / UNAUTHENTICATED)."""


class SignatureMismatch(DomainError):
    """The signature does not match the body (maps to 403 / PERMISSION_DENIED)."""
