"""The seam to the specialised agents (booking, order) the Router delegates tasks to."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from core.messaging.model import ReplyOption


@dataclass(frozen=True, slots=True)
class AgentTurn:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    conversation_id: uuid.UUID
    customer_phone: str
    customer_name: str
    text: str
    intent: str
    entities: dict[str, str]
    state: dict[str, Any]
    reply_id: str
    sent_at: datetime
    language: str = ""  # the customer's, as the Router last made it out


@dataclass(frozen=True, slots=True)
class AgentReply:
    text: str
    options: tuple[ReplyOption, ...] = ()
    state: dict[str, Any] = field(default_factory=dict)
    confirmation_pending: bool = False
    done: bool = False


class Agent(Protocol):
    async def handle(self, turn: AgentTurn) -> AgentReply: ...
