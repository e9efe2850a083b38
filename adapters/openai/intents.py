"""OpenAIIntentClassifier: intent, confidence and entities through a forced tool call."""

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.orchestrator.nlu import NO_VOCABULARY, Classification, Intent, Turn, Vocabulary

from .client import OpenAIGateway

log = logging.getLogger(__name__)

TOOL_NAME = "classify_message"
ENTITY_KEYS = (
    "date",
    "time",
    "party_size",
    "quantity",
    "product",
    "resource",
    "booking_ref",
    "order_ref",
)
UNREADABLE = Classification(Intent.OUT_OF_SCOPE, 0.0)

SYSTEM_PROMPT = """\
You route WhatsApp messages that customers send to a business (a restaurant, shop or \
salon). Classify the customer's LAST message, reading earlier turns only as context, \
and call {tool} exactly once.

Intents:
- booking.new: wants to book a table/appointment/resource
- booking.change: wants to move or modify an existing booking
- booking.cancel: wants to cancel a booking
- booking.status: asks about a booking they already made
- order.browse: asks what can be ordered, prices, the menu or catalogue
- order.add: wants to order or add items
- order.checkout: wants to finish, pay for or place the order
- order.status: asks where their order is
- order.cancel: wants to cancel an order
- support: a question the business's documents may answer (hours, location, policies...)
- handoff: wants to talk to a person
- greeting, thanks, goodbye: only that, with no other request
- confirm.yes, confirm.no: answers yes or no to the bot's last question
- out_of_scope: anything else

Entities (include only those the conversation states; strings; null otherwise):
- date: YYYY-MM-DD, resolving words like "tomorrow" or "friday" from now
- time: HH:MM, 24-hour
- party_size: number of people, digits only; quantity: number of items, digits only
- product: one of the products below, spelled as listed, despite typos
- resource: one of the resources below (rooms, tables, staff), spelled as listed
- booking_ref, order_ref: a reference code the customer quotes

Now: {now} ({weekday}).
Products: {products}
Resources: {resources}
confidence: 0..1, how sure you are of the intent."""


def classify_tool() -> dict[str, Any]:
    """The function the model must call; strict, so its arguments follow the schema."""
    entities = _closed_object({key: {"type": ["string", "null"]} for key in ENTITY_KEYS})
    intents = {"type": "string", "enum": [intent.value for intent in Intent]}
    parameters = {"intent": intents, "confidence": {"type": "number"}, "entities": entities}
    return {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Record the intent and entities of the customer's last message.",
            "strict": True,
            "parameters": _closed_object(parameters),
        },
    }


def _closed_object(properties: dict[str, Any]) -> dict[str, Any]:
    """An object schema in strict mode: every property required, no others allowed."""
    required = list(properties)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


class OpenAIIntentClassifier:
    """IntentClassifier over chat completions with `classify_message` forced via tool_choice."""

    def __init__(
        self, gateway: OpenAIGateway, model: str = "gpt-4o-mini", history_turns: int = 10
    ) -> None:
        self._gateway = gateway
        self._model = model
        self._history_turns = history_turns
        self._tool = classify_tool()

    async def classify(
        self,
        tenant_id: uuid.UUID,
        text: str,
        history: Sequence[Turn],
        now: datetime,
        vocabulary: Vocabulary = NO_VOCABULARY,
    ) -> Classification:
        messages = [_system(now, vocabulary), *map(_turn, history[-self._history_turns :])]
        messages.append({"role": "user", "content": text})
        completion = await self._gateway.call(
            tenant_id,
            self._model,
            lambda: self._gateway.client.chat.completions.create(
                model=self._model,
                messages=messages,
                tools=[self._tool],
                tool_choice={"type": "function", "function": {"name": TOOL_NAME}},
                parallel_tool_calls=False,
                temperature=0,
            ),
        )
        return parse_tool_call(completion.choices[0].message.tool_calls)


def _system(now: datetime, vocabulary: Vocabulary) -> dict[str, str]:
    prompt = SYSTEM_PROMPT.format(
        tool=TOOL_NAME,
        now=now.strftime("%Y-%m-%d %H:%M"),
        weekday=now.strftime("%A"),
        products=", ".join(vocabulary.products) or "(none)",
        resources=", ".join(vocabulary.resources) or "(none)",
    )
    return {"role": "system", "content": prompt}


def _turn(turn: Turn) -> dict[str, str]:
    """The customer's turns are the user's; the bot's and a human agent's, the assistant's."""
    if turn.sender == "customer":
        return {"role": "user", "content": turn.text}
    return {"role": "assistant", "content": turn.text}


def parse_tool_call(tool_calls: Sequence[Any] | None) -> Classification:
    """The classification in the first tool call; anything unreadable is out_of_scope at 0."""
    try:
        arguments = json.loads(tool_calls[0].function.arguments)
        intent = Intent(arguments["intent"])
        confidence = min(max(float(arguments.get("confidence", 0.0)), 0.0), 1.0)
        entities = _entities(arguments.get("entities"))
    except (TypeError, IndexError, KeyError, ValueError, AttributeError) as error:
        log.warning("unreadable %s call (%r): %r", TOOL_NAME, error, tool_calls)
        return UNREADABLE
    return Classification(intent, confidence, entities)


def _entities(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    values = {key: str(raw[key]).strip() for key in ENTITY_KEYS if raw.get(key) is not None}
    return {key: value for key, value in values.items() if value}
