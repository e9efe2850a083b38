"""Identifiers arrive as text from the edge; parse them once, with a clear error."""

import uuid

from .errors import InvalidInput


def parse_id(value: str, field: str) -> uuid.UUID:
    if not value:
        raise InvalidInput(field, "is required")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not a valid UUID") from None
