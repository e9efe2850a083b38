"""Requests to the conversation context, already parsed from the wire but not yet validated."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.shared.paging import PageQuery

from .model import ConversationStatus, MessageType, SenderType


@dataclass(frozen=True)
class CreateOrGetConversation:
    tenant_id: uuid.UUID
    outlet_id: uuid.UUID
    customer_phone: str
    customer_name: str = ""


@dataclass(frozen=True)
class UpdateConversation:
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class ListConversations:
    """An admin's search; unset filters match everything (archived only when asked for)."""

    tenant_id: uuid.UUID
    page: PageQuery
    outlet_id: uuid.UUID | None = None
    status: ConversationStatus | None = None
    handoff_only: bool = False
    handoff_agent_id: uuid.UUID | None = None
    customer: str = ""  # a piece of the phone number or of the name
    longest_waiting: bool = False  # by handoff time, oldest first, instead of recent activity


@dataclass(frozen=True)
class CloseConversation:
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    archive: bool = False


@dataclass(frozen=True)
class AppendMessage:
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    sender_type: SenderType | None
    content: str = ""
    sender_id: str = ""
    message_type: MessageType | None = None
    whatsapp_message_id: str = ""
    timestamp: datetime | None = None  # None: now
    metadata: Mapping[str, Any] = field(default_factory=dict)
    language: str = ""


@dataclass(frozen=True)
class ListMessages:
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    page: PageQuery
    newest_first: bool = False
    before: datetime | None = None
    after: datetime | None = None

    @property
    def is_latest(self) -> bool:
        """The newest N and nothing else: the history the bot reads on every turn."""
        unbounded = self.before is None and self.after is None
        return self.newest_first and unbounded and not self.page.token


@dataclass(frozen=True)
class RequestHandoff:
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    reason: str = ""


@dataclass(frozen=True)
class AssignHandoff:
    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    agent_id: uuid.UUID
    # Set when the caller is an agent: their own user id, the only one they may assign.
    only_to: uuid.UUID | None = None
