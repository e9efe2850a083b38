"""Postgres inbox and outbox: idempotent intake, leased claims in per-conversation order; and
the usage waiting for billing."""

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import case, delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.messaging.model import (
    DELIVERY_RANK,
    DeliveryStatus,
    InboundMessage,
    InboundType,
    RejectedMessage,
    StatusUpdate,
)
from core.messaging.queue import (
    InboxItem,
    OutboxMessage,
    OutletRef,
    ProcessingStatus,
    conversation_key,
)
from core.messaging.usage import UsageEntry
from core.shared.errors import NotFound
from core.shared.paging import Page, PageQuery

from . import piece_codec
from .annotations import SqlAlchemyMessageAnnotations
from .locks import hold_each_until_commit
from .media_repository import SqlAlchemyMediaRepository
from .message_templates import SqlAlchemyTemplateRepository
from .models.messaging import InboxItemRow, OutboxMessageRow, UsagePendingRow
from .opt_outs import SqlAlchemyOptOutRepository
from .paging import Keyset, paginate, split_page
from .unit_of_work import SqlAlchemyUnitOfWork

# Only the oldest open item of a conversation is claimable, and claimers skip rows another
# holds: two replicas claiming at the same instant cannot both take one conversation's items.
# A row claimed and committed since the claimer's snapshot is re-checked on its new version
# (its lease lies ahead, so it drops out).
_CLAIM_INBOX = text("""
WITH due AS (
    SELECT i.id FROM messaging.inbox_items i
    WHERE i.status IN ('pending', 'processing', 'failed') AND i.next_attempt_at <= now()
      AND NOT EXISTS (
          SELECT 1 FROM messaging.inbox_items e
          WHERE e.conversation_key = i.conversation_key AND e.arrival_seq < i.arrival_seq
            AND e.status IN ('pending', 'processing', 'failed'))
    ORDER BY i.arrival_seq
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
UPDATE messaging.inbox_items t
SET status = 'processing', attempts = t.attempts + 1,
    next_attempt_at = now() + make_interval(secs => :lease), updated_at = now()
FROM due WHERE t.id = due.id
RETURNING t.id
""")

_CLAIM_OUTBOX = text("""
WITH due AS (
    SELECT m.id FROM messaging.outbox_messages m
    WHERE m.status = 'queued' AND m.next_attempt_at <= now()
      AND NOT EXISTS (
          SELECT 1 FROM messaging.outbox_messages e
          WHERE e.phone_number_id = m.phone_number_id AND e.to_phone = m.to_phone
            AND e.seq < m.seq AND e.status = 'queued')
    ORDER BY m.seq
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
UPDATE messaging.outbox_messages t
SET attempts = t.attempts + 1, next_attempt_at = now() + make_interval(secs => :lease),
    updated_at = now()
FROM due WHERE t.id = due.id
RETURNING t.id
""")


def _inbox_item(row: InboxItemRow) -> InboxItem:
    return InboxItem(
        id=row.id,
        message=InboundMessage(
            whatsapp_message_id=row.whatsapp_message_id,
            phone_number_id=row.phone_number_id,
            customer_phone=row.customer_phone,
            type=InboundType(row.message_type),
            sent_at=row.message_time or row.received_at,
            customer_name=row.customer_name or "",
            text=row.body,
            reply_id=row.interactive_reply_id or "",
            context_message_id=row.context_message_id or "",
            payload=row.payload,
        ),
        status=ProcessingStatus(row.status),
        attempts=row.attempts,
        tenant_id=row.tenant_id,
        outlet_id=row.outlet_id,
        last_error=row.last_error or "",
        next_attempt_at=row.next_attempt_at,
        received_at=row.received_at,
        processed_at=row.processed_at,
        reaction=row.reaction or "",
        original_text=row.original_text or "",
        edited_at=row.edited_at,
        revoked_at=row.revoked_at,
    )


def _inbox_values(message: InboundMessage) -> dict[str, Any]:
    return {
        "whatsapp_message_id": message.whatsapp_message_id,
        "phone_number_id": message.phone_number_id,
        "customer_phone": message.customer_phone,
        "customer_name": message.customer_name or None,
        "message_type": message.type.value,
        "body": message.text,
        "interactive_reply_id": message.reply_id or None,
        "context_message_id": message.context_message_id or None,
        "message_time": message.sent_at,
        "conversation_key": conversation_key(message.phone_number_id, message.customer_phone),
        "payload": message.payload,
    }


def _rejected_values(rejected: RejectedMessage) -> dict[str, Any]:
    return {
        "whatsapp_message_id": rejected.key,
        "phone_number_id": rejected.phone_number_id,
        "customer_phone": rejected.customer_phone,
        "message_type": InboundType.UNSUPPORTED.value,
        "conversation_key": conversation_key(rejected.phone_number_id, rejected.customer_phone),
        "payload": rejected.payload,
        "status": ProcessingStatus.REJECTED.value,
        "last_error": rejected.reason,
    }


def _outbox_message(row: OutboxMessageRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        tenant_id=row.tenant_id,
        outlet_id=row.outlet_id,
        phone_number_id=row.phone_number_id,
        to_phone=row.to_phone,
        piece=piece_codec.decode(row.payload),
        status=DeliveryStatus(row.status),
        conversation_id=row.conversation_id,
        reply_to_message_id=row.reply_to_message_id or "",
        idempotency_key=row.idempotency_key or "",
        whatsapp_message_id=row.whatsapp_message_id or "",
        attempts=row.attempts,
        error=row.error or {},
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        reaction=row.reaction or "",
    )


class SqlAlchemyInboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_new(self, messages: Sequence[InboundMessage]) -> int:
        if not messages:
            return 0
        # arrival_seq is drawn at insert but transactions commit in any order, so a later
        # message of a conversation could become visible (and be claimed) while an earlier one
        # is still uncommitted, and then both would be in hand at once. Holding each
        # conversation's key until commit makes a conversation's arrival_seq follow its commit
        # order, which the claim relies on.
        await hold_each_until_commit(
            self._session,
            (
                f"messaging.inbox:{conversation_key(m.phone_number_id, m.customer_phone)}"
                for m in messages
            ),
        )
        statement = (
            insert(InboxItemRow)
            .values([_inbox_values(m) for m in messages])
            .on_conflict_do_nothing(index_elements=["whatsapp_message_id"])
            .returning(InboxItemRow.id)
        )
        return len((await self._session.scalars(statement)).all())

    async def add_rejected(self, rejected: Sequence[RejectedMessage]) -> int:
        if not rejected:
            return 0
        statement = (
            insert(InboxItemRow)
            .values([_rejected_values(r) for r in rejected])
            .on_conflict_do_nothing(index_elements=["whatsapp_message_id"])
            .returning(InboxItemRow.id)
        )
        return len((await self._session.scalars(statement)).all())

    async def claim(self, limit: int, lease: timedelta) -> list[InboxItem]:
        ids = (
            await self._session.scalars(
                _CLAIM_INBOX, {"limit": limit, "lease": lease.total_seconds()}
            )
        ).all()
        if not ids:
            return []
        rows = await self._session.scalars(
            select(InboxItemRow)
            .where(InboxItemRow.id.in_(ids))
            .order_by(InboxItemRow.arrival_seq)
            .execution_options(populate_existing=True)
        )
        return [_inbox_item(row) for row in rows]

    async def _set(self, item_id: uuid.UUID, **values: Any) -> None:
        await self._session.execute(
            update(InboxItemRow).where(InboxItemRow.id == item_id).values(**values)
        )

    async def complete(self, item_id: uuid.UUID, outlet: OutletRef) -> None:
        await self._set(
            item_id,
            status=ProcessingStatus.DONE.value,
            tenant_id=outlet.tenant_id,
            outlet_id=outlet.outlet_id,
            processed_at=func.now(),
            last_error=None,
        )

    async def retry_later(self, item_id: uuid.UUID, error: str, delay: timedelta) -> None:
        await self._set(
            item_id,
            status=ProcessingStatus.FAILED.value,
            last_error=error,
            next_attempt_at=func.now() + delay,
        )

    async def bury(self, item_id: uuid.UUID, error: str) -> None:
        await self._set(item_id, status=ProcessingStatus.DEAD.value, last_error=error)

    async def get(self, tenant_id: uuid.UUID | None, item_id: uuid.UUID) -> InboxItem | None:
        statement = select(InboxItemRow).where(InboxItemRow.id == item_id)
        if tenant_id is not None:
            statement = statement.where(InboxItemRow.tenant_id == tenant_id)
        row = await self._session.scalar(statement)
        return _inbox_item(row) if row else None

    async def requeue(self, item_id: uuid.UUID) -> InboxItem:
        await self._set(item_id, status=ProcessingStatus.PENDING.value, next_attempt_at=func.now())
        item = await self.get(None, item_id)
        if item is None:
            raise NotFound("inbox item", item_id)
        return item

    async def list(
        self,
        tenant_id: uuid.UUID | None,
        page: PageQuery,
        status: ProcessingStatus | None,
        customer_phone: str,
    ) -> Page[InboxItem]:
        statement = select(InboxItemRow)
        if tenant_id is not None:
            statement = statement.where(InboxItemRow.tenant_id == tenant_id)
        if status is not None:
            statement = statement.where(InboxItemRow.status == status.value)
        if customer_phone:  # E.164 as asked; digits as WhatsApp sends them
            phone = customer_phone.removeprefix("+")
            statement = statement.where(InboxItemRow.customer_phone == phone)
        order = _newest_first(InboxItemRow)
        rows, token = split_page(
            (await self._session.scalars(paginate(statement, InboxItemRow, page, order))).all(),
            page,
            order,
        )
        return Page([_inbox_item(row) for row in rows], token)


def _newest_first(model: Any) -> Keyset:
    """The order operators read the queues in, as the API promises."""
    return Keyset(model.created_at, model.id, lambda row: row.created_at, descending=True)


def _rank_of(column: Any) -> Any:
    return case({s.value: rank for s, rank in DELIVERY_RANK.items()}, value=column, else_=-1)


_STAMP = {
    DeliveryStatus.SENT: "sent_at",
    DeliveryStatus.DELIVERED: "delivered_at",
    DeliveryStatus.READ: "read_at",
    DeliveryStatus.FAILED: "failed_at",
}


class SqlAlchemyOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, messages: Sequence[OutboxMessage]) -> None:
        if not messages:
            return
        values = [
            {
                "id": m.id,
                "tenant_id": m.tenant_id,
                "outlet_id": m.outlet_id,
                "conversation_id": m.conversation_id,
                "phone_number_id": m.phone_number_id,
                "to_phone": m.to_phone,
                "reply_to_message_id": m.reply_to_message_id or None,
                "idempotency_key": m.idempotency_key or None,
                "payload": piece_codec.encode(m.piece),
            }
            for m in messages
        ]
        await self._session.execute(
            insert(OutboxMessageRow)
            .values(values)
            .on_conflict_do_nothing(index_elements=["tenant_id", "idempotency_key"])
        )

    async def claim(self, limit: int, lease: timedelta) -> list[OutboxMessage]:
        ids = (
            await self._session.scalars(
                _CLAIM_OUTBOX, {"limit": limit, "lease": lease.total_seconds()}
            )
        ).all()
        if not ids:
            return []
        rows = await self._session.scalars(
            select(OutboxMessageRow)
            .where(OutboxMessageRow.id.in_(ids))
            .order_by(OutboxMessageRow.seq)
            .execution_options(populate_existing=True)
        )
        return [_outbox_message(row) for row in rows]

    async def _set(self, message_id: uuid.UUID, **values: Any) -> None:
        await self._session.execute(
            update(OutboxMessageRow).where(OutboxMessageRow.id == message_id).values(**values)
        )

    async def mark_sent(self, message_id: uuid.UUID, whatsapp_message_id: str) -> None:
        # A status webhook may have overtaken the send's own answer; never move backwards.
        await self._session.execute(
            update(OutboxMessageRow)
            .where(OutboxMessageRow.id == message_id)
            .values(
                whatsapp_message_id=whatsapp_message_id,
                status=case(
                    (OutboxMessageRow.status == "queued", "sent"), else_=OutboxMessageRow.status
                ),
                sent_at=func.coalesce(OutboxMessageRow.sent_at, func.now()),
                error=None,
            )
        )

    async def retry_later(self, message_id: uuid.UUID, error: dict, delay: timedelta) -> None:
        await self._set(message_id, error=error, next_attempt_at=func.now() + delay)

    async def mark_failed(self, message_id: uuid.UUID, error: dict) -> None:
        await self._set(message_id, status="failed", error=error, failed_at=func.now())

    async def apply_statuses(self, statuses: Sequence[StatusUpdate]) -> int:
        moved = 0
        for update_ in statuses:
            values: dict[str, Any] = {"status": update_.status.value}
            if update_.status in _STAMP:
                values[_STAMP[update_.status]] = update_.at
            if update_.errors:
                values["error"] = {"errors": update_.errors}
            result = await self._session.execute(
                update(OutboxMessageRow)
                .where(
                    OutboxMessageRow.whatsapp_message_id == update_.whatsapp_message_id,
                    _rank_of(OutboxMessageRow.status) < DELIVERY_RANK[update_.status],
                )
                .values(**values)
            )
            moved += result.rowcount
        return moved

    async def get(self, tenant_id: uuid.UUID | None, message_id: uuid.UUID) -> OutboxMessage | None:
        statement = select(OutboxMessageRow).where(OutboxMessageRow.id == message_id)
        if tenant_id is not None:
            statement = statement.where(OutboxMessageRow.tenant_id == tenant_id)
        row = await self._session.scalar(statement)
        return _outbox_message(row) if row else None

    async def get_by_key(self, tenant_id: uuid.UUID, idempotency_key: str) -> OutboxMessage | None:
        row = await self._session.scalar(
            select(OutboxMessageRow).where(
                OutboxMessageRow.tenant_id == tenant_id,
                OutboxMessageRow.idempotency_key == idempotency_key,
            )
        )
        return _outbox_message(row) if row else None

    async def requeue(self, message_id: uuid.UUID) -> OutboxMessage:
        await self._set(message_id, status="queued", next_attempt_at=func.now(), error=None)
        message = await self.get(None, message_id)
        if message is None:
            raise NotFound("outbox message", message_id)
        return message

    async def list(
        self, tenant_id: uuid.UUID | None, page: PageQuery, to_phone: str
    ) -> Page[OutboxMessage]:
        statement = select(OutboxMessageRow)
        if tenant_id is not None:
            statement = statement.where(OutboxMessageRow.tenant_id == tenant_id)
        if to_phone:  # E.164 as asked; stored as digits
            statement = statement.where(OutboxMessageRow.to_phone == to_phone.removeprefix("+"))
        order = _newest_first(OutboxMessageRow)
        rows, token = split_page(
            (await self._session.scalars(paginate(statement, OutboxMessageRow, page, order))).all(),
            page,
            order,
        )
        return Page([_outbox_message(row) for row in rows], token)


def _usage_entry(row: UsagePendingRow) -> UsageEntry:
    return UsageEntry(
        tenant_id=row.tenant_id,
        usage_type=row.usage_type,
        idempotency_key=row.idempotency_key,
        quantity=row.quantity,
        outlet_id=row.outlet_id,
        id=row.id,
        occurred_at=row.occurred_at,
    )


class SqlAlchemyUsageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entries: Sequence[UsageEntry]) -> None:
        if not entries:
            return
        values = [
            {
                "id": e.id,
                "tenant_id": e.tenant_id,
                "outlet_id": e.outlet_id,
                "usage_type": e.usage_type,
                "idempotency_key": e.idempotency_key,
                "quantity": e.quantity,
            }
            for e in entries
        ]
        await self._session.execute(insert(UsagePendingRow).values(values).on_conflict_do_nothing())

    async def claim(self, limit: int) -> list[UsageEntry]:
        # SKIP LOCKED: relays of other replicas pass over these rows while this transaction
        # holds them, and take them if it dies without deleting them.
        rows = await self._session.scalars(
            select(UsagePendingRow)
            .order_by(UsagePendingRow.occurred_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [_usage_entry(row) for row in rows]

    async def remove(self, entry_ids: Sequence[uuid.UUID]) -> None:
        await self._session.execute(
            delete(UsagePendingRow).where(UsagePendingRow.id.in_(entry_ids))
        )


class SqlAlchemyMessagingUnitOfWork(SqlAlchemyUnitOfWork):
    inbox: SqlAlchemyInboxRepository
    outbox: SqlAlchemyOutboxRepository
    usage: SqlAlchemyUsageRepository
    opt_outs: SqlAlchemyOptOutRepository
    media: SqlAlchemyMediaRepository
    annotations: SqlAlchemyMessageAnnotations
    templates: SqlAlchemyTemplateRepository

    def attach(self, session: AsyncSession) -> None:
        self.inbox = SqlAlchemyInboxRepository(session)
        self.outbox = SqlAlchemyOutboxRepository(session)
        self.usage = SqlAlchemyUsageRepository(session)
        self.opt_outs = SqlAlchemyOptOutRepository(session)
        self.media = SqlAlchemyMediaRepository(session)
        self.annotations = SqlAlchemyMessageAnnotations(session)
        self.templates = SqlAlchemyTemplateRepository(session)
