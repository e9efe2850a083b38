"""Plausible analytics traffic over any window: conversations at random (seeded) moments."""

import random
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from core.analytics import model as m

INTENTS = {"booking": 3, "order": 4, "faq": 2, "greeting": 1}  # how often, relatively
PRODUCTS = ["Latte", "Bagel", "Croissant", "Flat white", "Iced tea"]
STEP = timedelta(seconds=20)  # between the events of one conversation
LONGEST = 12  # steps of the longest conversation, and then some


def _steps(chance: random.Random, sales: bool) -> list[tuple[str, dict, float | None, str | None]]:
    """(event, properties, response time, amount) of one conversation."""
    intent = chance.choices(list(INTENTS), weights=list(INTENTS.values()))[0]
    routed = {"intent": intent, "confidence": round(chance.uniform(0.5, 1), 2)}
    steps = []
    for _ in range(chance.randint(1, 3)):
        latency = chance.lognormvariate(6, 0.4)  # around 400 ms, now and then much more
        steps += [(m.MESSAGE_RECEIVED, {}, None, None), (m.MESSAGE_ROUTED, routed, latency, None)]
        steps += [(m.MESSAGE_SENT, {}, None, None)]
    if sales and intent == "booking" and chance.random() < 0.7:
        steps += [(m.BOOKING_CREATED, {}, None, None), (m.BOOKING_CONFIRMED, {}, None, "25.00")]
    if sales and intent == "order" and chance.random() < 0.8:
        items = [{"name": chance.choice(PRODUCTS), "quantity": chance.randint(1, 3)}]
        steps += [(m.ORDER_PAID, {"items": items}, None, f"{chance.randint(3, 20)}.50")]
    if intent == "faq" and chance.random() < 0.5:
        question = f"do you have {chance.choice(['parking', 'wifi', 'vegan options'])}?"
        steps += [(m.KNOWLEDGE_UNANSWERED, {"question": question}, None, None)]
    return steps


def traffic(
    tenant: uuid.UUID, start: datetime, end: datetime, conversations: int, *, sales: bool
) -> list[m.AnalyticsEvent]:
    """`conversations` conversations begun in [start, end), each over before `end`; with
    bookings and paid orders when `sales`."""
    chance = random.Random(f"{start}{end}{conversations}")
    room = (end - start) - LONGEST * STEP
    events = []
    for begun in sorted(start + chance.random() * room for _ in range(conversations)):
        conversation = uuid.uuid4()
        events += [
            m.AnalyticsEvent(
                event_id=str(uuid.uuid4()),
                tenant_id=tenant,
                name=name,
                occurred_at=begun + n * STEP,
                conversation_id=conversation,
                properties=properties,
                value=value,
                amount=Decimal(amount) if amount else None,
            )
            for n, (name, properties, value, amount) in enumerate(_steps(chance, sales))
        ]
    return events
