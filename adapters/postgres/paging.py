"""Keyset pagination over (created_at, id): stable under inserts, opaque to callers."""

import base64
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_

from core.shared.errors import InvalidInput
from core.shared.paging import PageQuery


def _encode(created_at: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = token + "=" * (-len(token) % 4)
        created_at, row_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(created_at), uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise InvalidInput("page.page_token", "is not a token this service issued") from None


def paginate(statement: Select[Any], model: Any, page: PageQuery) -> Select[Any]:
    """The statement ordered by creation, starting after the page token, one row extra."""
    if page.token:
        created_at, row_id = _decode(page.token)
        statement = statement.where(
            or_(
                model.created_at > created_at,
                and_(model.created_at == created_at, model.id > row_id),
            )
        )
    return statement.order_by(model.created_at, model.id).limit(page.size + 1)


def split_page(rows: Sequence[Any], page: PageQuery) -> tuple[Sequence[Any], str]:
    """The rows of this page and the token of the next (empty when this is the last)."""
    if len(rows) <= page.size:
        return rows, ""
    last = rows[page.size - 1]
    return rows[: page.size], _encode(last.created_at, last.id)
