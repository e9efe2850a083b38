"""Understanding a customer: intents, entities, grounded answers; the ports the LLMs fill."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class Intent(StrEnum):
    BOOKING_NEW = "booking.new"
    BOOKING_CHANGE = "booking.change"
    BOOKING_CANCEL = "booking.cancel"
    BOOKING_STATUS = "booking.status"
    ORDER_BROWSE = "order.browse"
    ORDER_ADD = "order.add"
    ORDER_CHECKOUT = "order.checkout"
    ORDER_STATUS = "order.status"
    ORDER_CANCEL = "order.cancel"
    SUPPORT = "support"  # a question the business's documents may answer
    HANDOFF = "handoff"  # wants a person
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    CONFIRM_YES = "confirm.yes"
    CONFIRM_NO = "confirm.no"
    OUT_OF_SCOPE = "out_of_scope"

    @property
    def domain(self) -> str:
        """booking, order, or the intent itself for the rest."""
        return self.value.split(".")[0]


# The entity naming a safety-critical message ("dietary", "health", "complaint", "legal"):
# such a message is answered from the documents or by a person, never by a flow.
SAFETY = "safety"
# The entity set when the customer asks what they are talking to ("are you a robot?").
ABOUT = "about"
# Entity: the thanks or goodbye said beside a yes or no ("vale gracias", "ok thanks bye"),
# which is what the message means when no question awaits the yes.
CLOSING = "closing"
# Entity: a place the customer shared (WhatsApp location), as words and coordinates.
LOCATION = "location"
# Entity: a cart sent from the WhatsApp catalog, "<retailer id>:<quantity>|…".
CATALOG = "catalog"


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier message of the conversation, oldest first in a history."""

    sender: str  # customer | bot | agent
    text: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Names the customer may mention, so extraction can match them despite typos."""

    products: Sequence[str] = ()
    resources: Sequence[str] = ()


NO_VOCABULARY = Vocabulary()


@dataclass(frozen=True, slots=True)
class Classification:
    intent: Intent
    confidence: float  # 0..1
    # Normalised values: date "YYYY-MM-DD", time "HH:MM", party_size "4", quantity "2",
    # product / resource: the matched name from the vocabulary, booking_ref, order_ref;
    # products: every product named, in order, as "2x Pizza Margherita|1x Coke".
    entities: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Passage:
    """A chunk of a business document, as retrieval returned it."""

    text: str
    score: float
    document_id: str = ""
    filename: str = ""
    position: int = 0
    heading: str = ""  # the section path, e.g. "Policies > Children and pets"


@dataclass(frozen=True, slots=True)
class GroundedAnswer:
    text: str
    used: tuple[int, ...]  # indexes of the passages the answer rests on
    grounded: bool  # False: the passages do not answer the question


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens an LLM call consumed, charged to a tenant."""

    tenant_id: uuid.UUID
    model: str
    prompt_tokens: int
    completion_tokens: int


class IntentClassifier(Protocol):
    async def classify(
        self,
        tenant_id: uuid.UUID,
        text: str,
        history: Sequence[Turn],
        now: datetime,
        vocabulary: Vocabulary = NO_VOCABULARY,
    ) -> Classification:
        """The intent of `text` given the recent history; `now` (outlet-local) anchors dates."""


class AnswerWriter(Protocol):
    async def answer(
        self,
        tenant_id: uuid.UUID,
        question: str,
        passages: Sequence[Passage],
        tone: dict[str, Any],
    ) -> GroundedAnswer:
        """An answer built only from the passages, in the tenant's tone, or an honest no."""


class UsageMeter(Protocol):
    async def record(self, usage: Usage) -> None: ...
