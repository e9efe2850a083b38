"""What the messaging use cases need from the outside world."""

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol, Self

from core.shared.paging import Page, PageQuery

from .annotations import MessageAnnotations
from .media import MediaRepository
from .model import (
    InboundMessage,
    OutboundContent,
    Piece,
    RejectedMessage,
    SendResult,
    StatusUpdate,
    TemplateReview,
    WindowState,
)
from .opt_out import OptOut
from .queue import InboxItem, OutboxMessage, OutletRef, ProcessingStatus
from .templates import Template, TemplateStatus
from .usage import UsageEntry


class WhatsAppSender(Protocol):
    """Sends through the WhatsApp Cloud API. Raises SendFailure when the API refuses."""

    async def send(
        self, phone_number_id: str, to: str, piece: Piece, reply_to: str = ""
    ) -> SendResult: ...

    async def mark_read(self, phone_number_id: str, whatsapp_message_id: str) -> None: ...


class UsageReporter(Protocol):
    """Billing's usage ledger, which counts each (tenant, usage type, key) once.

    Raises Unavailable when billing cannot be reached; nothing was counted then.
    """

    async def report(self, entries: Sequence[UsageEntry]) -> None: ...


class OutletDirectory(Protocol):
    """Which tenant and outlet own a business number (the tenant service).

    Raises NotFound for an unknown number, FailedPrecondition for an inactive one,
    Unavailable when the directory cannot be asked right now.
    """

    async def resolve(self, phone_number_id: str) -> OutletRef: ...

    async def phone_number_id(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        """The business number an outlet sends from."""

    async def business_account_id(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> str:
        """The WhatsApp Business Account holding the outlet's number (and its templates);
        empty when the outlet has none on record."""


class BusinessAccounts(Protocol):
    """The tenant service: the WhatsApp Business Accounts a tenant's outlets send through."""

    async def business_accounts(self, tenant_id: uuid.UUID) -> list[str]: ...


class CustomerWindow(Protocol):
    """WhatsApp's 24-hour customer-service window, and the customer's language (the
    conversation service)."""

    async def state(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> WindowState: ...


class CloudTemplates(Protocol):
    """A business account's templates at the Cloud API.

    Raises InvalidInput or AlreadyExists when Meta refuses a template, Unavailable when the
    Cloud API cannot be reached."""

    async def list(self, tenant_id: uuid.UUID, business_account_id: str) -> list[Template]: ...

    async def create(self, template: Template, examples: Sequence[str]) -> Template:
        """Submit for review; the template as Meta took it (its id and status)."""


class ReplyEngine(Protocol):
    """What the bot answers (the orchestrator); None when it stays quiet (handoff)."""

    async def reply_to(
        self, message: InboundMessage, outlet: OutletRef
    ) -> OutboundContent | None: ...


class InboxRepository(Protocol):
    async def add_new(self, messages: Sequence[InboundMessage]) -> int:
        """Store the messages not seen before; the number stored."""

    async def add_rejected(self, rejected: Sequence[RejectedMessage]) -> int:
        """Keep the malformed messages not seen before, with their reasons; the number kept."""

    async def claim(self, limit: int, lease: timedelta) -> list[InboxItem]:
        """Due items, at most one per conversation and only its oldest, leased to the caller."""

    async def complete(self, item_id: uuid.UUID, outlet: OutletRef) -> None: ...
    async def retry_later(self, item_id: uuid.UUID, error: str, delay: timedelta) -> None: ...
    async def bury(self, item_id: uuid.UUID, error: str) -> None: ...
    async def get(self, tenant_id: uuid.UUID | None, item_id: uuid.UUID) -> InboxItem | None: ...
    async def requeue(self, item_id: uuid.UUID) -> InboxItem: ...
    async def list(
        self,
        tenant_id: uuid.UUID | None,
        page: PageQuery,
        status: ProcessingStatus | None,
        customer_phone: str,
    ) -> Page[InboxItem]: ...


class OutboxRepository(Protocol):
    async def enqueue(self, messages: Sequence[OutboxMessage]) -> None:
        """Queue messages; one whose idempotency key its tenant already queued is skipped."""

    async def claim(self, limit: int, lease: timedelta) -> list[OutboxMessage]:
        """Due messages, only the oldest queued per recipient, leased to the caller."""

    async def mark_sent(self, message_id: uuid.UUID, whatsapp_message_id: str) -> None: ...
    async def retry_later(self, message_id: uuid.UUID, error: dict, delay: timedelta) -> None: ...
    async def mark_failed(self, message_id: uuid.UUID, error: dict) -> None: ...

    async def apply_statuses(self, statuses: Sequence[StatusUpdate]) -> int:
        """Move messages forward to the reported statuses (never backwards); how many moved."""

    async def get(
        self, tenant_id: uuid.UUID | None, message_id: uuid.UUID
    ) -> OutboxMessage | None: ...
    async def requeue(self, message_id: uuid.UUID) -> OutboxMessage: ...
    async def list(
        self, tenant_id: uuid.UUID | None, page: PageQuery, to_phone: str
    ) -> Page[OutboxMessage]: ...


class UsageRepository(Protocol):
    """Usage waiting for billing, written in the transaction of the work that used it."""

    async def add(self, entries: Sequence[UsageEntry]) -> None:
        """Keep usage to report; a key its tenant already keeps for that type adds nothing."""

    async def claim(self, limit: int) -> list[UsageEntry]:
        """The oldest pending, held by this transaction; rows another holds are skipped."""

    async def remove(self, entry_ids: Sequence[uuid.UUID]) -> None: ...


class OptOutRepository(Protocol):
    """Customers who wrote STOP, per tenant (core.messaging.opt_out)."""

    async def opt_out(self, tenant_id: uuid.UUID, customer_phone: str) -> None: ...
    async def opt_in(self, tenant_id: uuid.UUID, customer_phone: str) -> None: ...

    async def refuse(self, tenant_id: uuid.UUID, customer_phone: str) -> bool:
        """Count a refused send when the customer opted out; whether they did."""

    async def list(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[OptOut]: ...


class TemplateRepository(Protocol):
    """The tenant's templates as the Cloud API last reported them (core.messaging.templates)."""

    async def named(
        self, tenant_id: uuid.UUID, business_account_id: str, name: str
    ) -> list[Template]:
        """That template in every language the account holds."""

    async def list(
        self, tenant_id: uuid.UUID, page: PageQuery, status: TemplateStatus | None
    ) -> Page[Template]: ...

    async def save(self, template: Template) -> Template:
        """Insert or update by (business account, name, language); the stored template."""

    async def keep_only(
        self, tenant_id: uuid.UUID, business_account_id: str, kept: Sequence[Template]
    ) -> int:
        """Remove the account's templates not in `kept`; how many went."""

    async def review(self, review: TemplateReview) -> int:
        """Set the status Meta reported on that template, in whichever tenant holds the
        account (the webhook names no tenant); how many templates changed."""


class MessagingUnitOfWork(Protocol):
    inbox: InboxRepository
    outbox: OutboxRepository
    usage: UsageRepository
    opt_outs: OptOutRepository
    media: MediaRepository
    annotations: MessageAnnotations
    templates: TemplateRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
