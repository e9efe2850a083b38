"""Text and JSON from outside made storable: Postgres text and jsonb hold no NUL character,
UTF-8 has no lone surrogates, and JSON has no NaN or infinity."""

import math
from typing import Any

# Deeper than any message WhatsApp sends; below the recursion limits of Python and protobuf.
MAX_DEPTH = 32


def clean_text(value: str) -> str:
    """The text without NULs, each lone surrogate (which UTF-8 cannot hold) as '?'."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def clean_json(value: Any, depth: int = 0) -> Any:
    """A copy whose strings (keys too) are clean, whose non-finite numbers are null, and whose
    parts nested deeper than MAX_DEPTH are null."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_json(v, depth + 1) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
