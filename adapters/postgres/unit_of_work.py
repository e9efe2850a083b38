"""A unit of work over one AsyncSession; contexts subclass it to attach their repositories."""

from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from .database import Sessions
from .errors import translate


class SqlAlchemyUnitOfWork:
    """Opens a session on enter, rolls back whatever was not committed on exit."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self.session: AsyncSession | None = None

    def attach(self, session: AsyncSession) -> None:
        """Create the context's repositories over the new session."""

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        self.attach(self.session)
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:
        assert self.session is not None
        try:
            await self.session.rollback()
        finally:
            await self.session.close()
            self.session = None
        if isinstance(exc, IntegrityError):
            raise translate(exc) from exc

    async def commit(self) -> None:
        assert self.session is not None
        await self.session.commit()
