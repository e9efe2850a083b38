"""SendMessage: a message the business starts (staff, notifications), within the rules."""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from core.shared.errors import FailedPrecondition, InvalidInput

from .fitting import fit
from .model import OutboundContent, Piece
from .opt_out import OPTED_OUT
from .ports import CustomerWindow, MessagingUnitOfWork, OutletDirectory
from .queue import OutboxMessage
from .templates import TemplateFallback, choose

_RECIPIENT = re.compile(r"^\+?[1-9]\d{6,14}$")
WINDOW_CLOSED = (
    "the customer's 24-hour service window is closed: WhatsApp only accepts an approved "
    "template message until the customer writes again (name one in `template`)"
)


@dataclass(frozen=True)
class SendMessage:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    conversation_id: uuid.UUID
    to: str
    content: OutboundContent
    phone_number_id: str = ""
    idempotency_key: str = ""
    template: TemplateFallback | None = None  # what to send instead once the window closed


def _validate(cmd: SendMessage) -> None:
    if not _RECIPIENT.match(cmd.to):
        raise InvalidInput("to", f"{cmd.to!r} is not a phone number in E.164 form")
    if not cmd.content.text.strip():
        raise InvalidInput("content", "a text body is required")


async def send_message(
    cmd: SendMessage,
    uow: MessagingUnitOfWork,
    outlets: OutletDirectory,
    windows: CustomerWindow,
    on_enqueued: Callable[[], None],
) -> list[OutboxMessage]:
    """Queue the message (split to fit WhatsApp's limits); outside the window, its approved
    template instead, or refused when it names none. Refused to a customer who wrote STOP
    (the refusal counted on their opt-out)."""
    _validate(cmd)
    # Always the outlet's own number: a caller's number is only checked against it, so no
    # tenant sends from a number that is not its outlet's.
    phone_number_id = await outlets.phone_number_id(cmd.tenant_id, cmd.outlet_id)
    if cmd.phone_number_id and cmd.phone_number_id != phone_number_id:
        raise InvalidInput("phone_number_id", "is not the outlet's business number")
    pieces = await _pieces(cmd, uow, outlets, windows)
    key = cmd.idempotency_key or f"send:{uuid.uuid4()}"
    queued = [
        OutboxMessage(
            id=uuid.uuid4(),
            tenant_id=cmd.tenant_id,
            outlet_id=cmd.outlet_id,
            conversation_id=cmd.conversation_id,
            phone_number_id=phone_number_id,
            to_phone=cmd.to.removeprefix("+"),
            piece=piece,
            reply_to_message_id=cmd.content.reply_to if i == 0 else "",
            idempotency_key=f"{key}:{i}",
        )
        for i, piece in enumerate(pieces)
    ]
    async with uow:
        if await uow.opt_outs.refuse(cmd.tenant_id, cmd.to.removeprefix("+")):
            await uow.commit()  # the count, not the message
            raise FailedPrecondition(OPTED_OUT)
        await uow.outbox.enqueue(queued)
        stored = [await uow.outbox.get(cmd.tenant_id, m.id) for m in queued]
        await uow.commit()
    on_enqueued()
    return [m for m in stored if m is not None] or await _already_queued(uow, cmd, key)


async def _pieces(
    cmd: SendMessage, uow: MessagingUnitOfWork, outlets: OutletDirectory, windows: CustomerWindow
) -> list[Piece]:
    """The content as free text inside the window; outside it, the filled template."""
    window = await windows.state(cmd.tenant_id, cmd.conversation_id)
    if window.open:
        return list(fit(cmd.content))
    if cmd.template is None:
        raise FailedPrecondition(WINDOW_CLOSED)
    account = await outlets.business_account_id(cmd.tenant_id, cmd.outlet_id)
    async with uow:
        held = await uow.templates.named(cmd.tenant_id, account, cmd.template.name)
    return [choose(held, cmd.template, window.language)]


async def _already_queued(
    uow: MessagingUnitOfWork, cmd: SendMessage, key: str
) -> list[OutboxMessage]:
    """A repeated idempotency key: the messages the first call queued."""
    async with uow:
        found = await uow.outbox.get_by_key(cmd.tenant_id, f"{key}:0")
    if found is None:
        raise FailedPrecondition(f"idempotency key {key!r} belongs to another request")
    return [found]
