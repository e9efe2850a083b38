"""Field rules every context validates with; each failure names the offending field."""

import re
from typing import Any

from .errors import InvalidInput

_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def required_text(value: str, field_name: str, max_length: int = 200) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(field_name, "is required")
    if len(value) > max_length:
        raise InvalidInput(field_name, f"must be at most {max_length} characters")
    return value


def optional_text(max_length: int):
    def check(value: str, field_name: str) -> str:
        if len(value) > max_length:
            raise InvalidInput(field_name, f"must be at most {max_length} characters")
        return value

    return check


def valid_phone(value: str, field_name: str) -> str:
    if value and not _E164.match(value):
        raise InvalidInput(field_name, f"{value!r} must be in E.164 form, e.g. +14155550100")
    return value


def validated(values: dict[str, Any], rules: dict[str, Any], *, mask_field: str) -> dict[str, Any]:
    """Each value checked by its field's rule; a field without a rule is not writable."""
    clean = {}
    for name, value in values.items():
        if name not in rules:
            raise InvalidInput(mask_field, f"{name!r} cannot be set")
        clean[name] = rules[name](value, name)
    return clean
