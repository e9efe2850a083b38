"""Postgres repositories and unit of work of the conversation context."""

import uuid
from typing import Any

from sqlalchemy import func, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.conversation.commands import ListConversations, ListMessages
from core.conversation.model import (
    Conversation,
    ConversationStatus,
    Message,
    MessageType,
    SenderType,
)
from core.shared.paging import Page

from .fact_outbox import SqlAlchemyFactOutbox
from .models.conversation import ConversationRow, MessageRow, PendingFactRow
from .paging import Keyset
from .table import Table, writable
from .unit_of_work import SqlAlchemyUnitOfWork

_OPEN = text("status = 'open'")  # the predicate of the one-open-per-pair unique index

# Most recent activity first; a conversation without messages counts from its creation.
_BY_ACTIVITY = Keyset(
    func.coalesce(ConversationRow.last_message_at, ConversationRow.created_at),
    ConversationRow.id,
    lambda row: row.last_message_at or row.created_at,
    descending=True,
)
_BY_HANDOFF = Keyset(
    func.coalesce(ConversationRow.handoff_at, ConversationRow.created_at),
    ConversationRow.id,
    lambda row: row.handoff_at or row.created_at,
)
_OLDEST_FIRST = Keyset(MessageRow.timestamp, MessageRow.id, lambda row: row.timestamp)
_NEWEST_FIRST = Keyset(
    MessageRow.timestamp, MessageRow.id, lambda row: row.timestamp, descending=True
)


def _values(entity: Any) -> dict[str, Any]:
    # `metadata` is reserved on declarative classes, so the row's attribute is `metadata_`.
    values = writable(entity)
    values["metadata_"] = values.pop("metadata")
    return values


def _message_values(message: Message) -> dict[str, Any]:
    # NULL, not "": the unique index on WhatsApp ids skips only NULLs.
    return {**_values(message), "whatsapp_message_id": message.whatsapp_message_id or None}


def _conversation(row: ConversationRow) -> Conversation:
    return Conversation(
        id=row.id,
        tenant_id=row.tenant_id,
        outlet_id=row.outlet_id,
        customer_phone=row.customer_phone,
        customer_name=row.customer_name or "",
        language=row.language,
        status=ConversationStatus(row.status),
        handoff_requested=row.handoff_requested,
        handoff_agent_id=row.handoff_agent_id,
        handoff_reason=row.handoff_reason or "",
        handoff_at=row.handoff_at,
        last_message_at=row.last_message_at,
        last_customer_message_at=row.last_customer_message_at,
        message_count=row.message_count,
        metadata=dict(row.metadata_ or {}),
        closed_at=row.closed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _message(row: MessageRow) -> Message:
    return Message(
        id=row.id,
        tenant_id=row.tenant_id,
        conversation_id=row.conversation_id,
        sender_type=SenderType(row.sender_type),
        sender_id=row.sender_id or "",
        message_type=MessageType(row.message_type),
        content=row.content,
        language=row.language,
        whatsapp_message_id=row.whatsapp_message_id or "",
        timestamp=row.timestamp,
        metadata=dict(row.metadata_ or {}),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _conversation_filters(query: ListConversations) -> list[Any]:
    row = ConversationRow
    where = [row.tenant_id == query.tenant_id]
    if query.status is None:
        where.append(row.status != ConversationStatus.ARCHIVED.value)
    else:
        where.append(row.status == query.status.value)
    if query.outlet_id:
        where.append(row.outlet_id == query.outlet_id)
    if query.handoff_only:
        where.append(row.handoff_requested.is_(True))
    if query.handoff_agent_id:
        where.append(row.handoff_agent_id == query.handoff_agent_id)
    if query.customer:
        term = query.customer
        phone, name = row.customer_phone, row.customer_name
        where.append(
            or_(phone.contains(term, autoescape=True), name.icontains(term, autoescape=True))
        )
    return where


class SqlAlchemyConversationRepository(Table[Conversation]):
    """Every read and write is scoped by tenant."""

    row = ConversationRow
    to_entity = staticmethod(_conversation)
    to_values = staticmethod(_values)
    immutable = ("id", "tenant_id")

    async def add_open(self, conversation: Conversation) -> Conversation | None:
        statement = (
            insert(ConversationRow)
            .values(**_values(conversation))
            .on_conflict_do_nothing(
                index_elements=["tenant_id", "outlet_id", "customer_phone"], index_where=_OPEN
            )
            .returning(ConversationRow)
        )
        row = await self._session.scalar(statement)
        return _conversation(row) if row else None

    async def get(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, *, for_update: bool = False
    ) -> Conversation | None:
        where = (ConversationRow.tenant_id == tenant_id, ConversationRow.id == conversation_id)
        statement = select(ConversationRow).where(*where)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        row = await self._session.scalar(statement)
        return _conversation(row) if row else None

    async def get_open(
        self, tenant_id: uuid.UUID, outlet_id: uuid.UUID, customer_phone: str
    ) -> Conversation | None:
        return await self._one(
            ConversationRow.tenant_id == tenant_id,
            ConversationRow.outlet_id == outlet_id,
            ConversationRow.customer_phone == customer_phone,
            ConversationRow.status == ConversationStatus.OPEN.value,
        )

    async def list(self, query: ListConversations) -> Page[Conversation]:
        order = _BY_HANDOFF if query.longest_waiting else _BY_ACTIVITY
        return await self._page(query.page, *_conversation_filters(query), order=order)


class SqlAlchemyMessageRepository(Table[Message]):
    """Every read and write is scoped by tenant."""

    row = MessageRow
    to_entity = staticmethod(_message)
    to_values = staticmethod(_message_values)
    immutable = ("id", "tenant_id")

    async def add_once(self, message: Message) -> Message | None:
        statement = (
            insert(MessageRow)
            .values(**_message_values(message))
            .on_conflict_do_nothing(
                index_elements=["tenant_id", "whatsapp_message_id"],
                index_where=MessageRow.whatsapp_message_id.is_not(None),
            )
            .returning(MessageRow)
        )
        row = await self._session.scalar(statement)
        return _message(row) if row else None

    async def get_by_whatsapp_id(
        self, tenant_id: uuid.UUID, whatsapp_message_id: str
    ) -> Message | None:
        return await self._one(
            MessageRow.tenant_id == tenant_id,
            MessageRow.whatsapp_message_id == whatsapp_message_id,
        )

    async def list(self, query: ListMessages) -> Page[Message]:
        where = [
            MessageRow.tenant_id == query.tenant_id,
            MessageRow.conversation_id == query.conversation_id,
        ]
        if query.before:
            where.append(MessageRow.timestamp < query.before)
        if query.after:
            where.append(MessageRow.timestamp >= query.after)
        order = _NEWEST_FIRST if query.newest_first else _OLDEST_FIRST
        return await self._page(query.page, *where, order=order)


class SqlAlchemyConversationUnitOfWork(SqlAlchemyUnitOfWork):
    conversations: SqlAlchemyConversationRepository
    messages: SqlAlchemyMessageRepository
    facts: SqlAlchemyFactOutbox

    def attach(self, session: AsyncSession) -> None:
        self.conversations = SqlAlchemyConversationRepository(session)
        self.messages = SqlAlchemyMessageRepository(session)
        self.facts = SqlAlchemyFactOutbox(session, PendingFactRow)
