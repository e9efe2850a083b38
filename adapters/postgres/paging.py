"""Keyset pagination over (a timestamp, id): stable under inserts, opaque to callers."""

import base64
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, or_

from core.shared.errors import InvalidInput
from core.shared.paging import PageQuery


@dataclass(frozen=True)
class Keyset:
    """The order a listing pages in: a timestamp expression, then the id to break ties."""

    sort: Any
    id: Any
    value: Callable[[Any], datetime]
    descending: bool = False

    def after(self, sort_value: datetime, row_id: uuid.UUID) -> Any:
        """The condition that a row comes after the one with these keys."""
        if self.descending:
            return or_(self.sort < sort_value, and_(self.sort == sort_value, self.id < row_id))
        return or_(self.sort > sort_value, and_(self.sort == sort_value, self.id > row_id))

    def order_by(self) -> tuple[Any, Any]:
        if self.descending:
            return self.sort.desc(), self.id.desc()
        return self.sort, self.id


def by_creation(model: Any) -> Keyset:
    return Keyset(model.created_at, model.id, lambda row: row.created_at)


def _encode(sort_value: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([sort_value.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = token + "=" * (-len(token) % 4)
        sort_value, row_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(sort_value), uuid.UUID(row_id)
    except (ValueError, TypeError):
        raise InvalidInput("page.page_token", "is not a token this service issued") from None


def paginate(
    statement: Select[Any], model: Any, page: PageQuery, order: Keyset | None = None
) -> Select[Any]:
    """The statement in keyset order (creation by default), after the page token, one row extra."""
    order = order or by_creation(model)
    if page.token:
        statement = statement.where(order.after(*_decode(page.token)))
    return statement.order_by(*order.order_by()).limit(page.size + 1)


def split_page(
    rows: Sequence[Any], page: PageQuery, order: Keyset | None = None
) -> tuple[Sequence[Any], str]:
    """The rows of this page and the token of the next (empty when this is the last)."""
    if len(rows) <= page.size:
        return rows, ""
    last = rows[page.size - 1]
    sort_value = order.value(last) if order else last.created_at
    return rows[: page.size], _encode(sort_value, last.id)
