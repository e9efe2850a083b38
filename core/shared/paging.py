"""Cursor pagination as the core sees it: a size, an opaque cursor, a page of items."""

from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import InvalidInput

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class PageQuery:
    size: int = DEFAULT_PAGE_SIZE
    token: str = ""

    @classmethod
    def of(cls, size: int, token: str) -> "PageQuery":
        """Normalise a caller's request: 0 means the default, large sizes are capped."""
        if size < 0:
            raise InvalidInput("page.page_size", "must not be negative")
        return cls(size=min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), token=token)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str = ""
