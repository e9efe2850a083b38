"""A known set of analytics events whose figures the tests check exactly."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from core.analytics import model as m

DAY1 = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
DAY2 = DAY1 + timedelta(days=1)
NOW = DAY1 + timedelta(days=5)
OUTLET1, OUTLET2 = uuid.UUID(int=101), uuid.UUID(int=102)
LATTES = [{"name": "Latte", "quantity": 2}, {"name": "Bagel", "quantity": 1}]


def _conversation(tenant, outlet, start, steps):
    conversation = uuid.uuid4()
    return [
        m.AnalyticsEvent(
            event_id=str(uuid.uuid4()),
            tenant_id=tenant,
            name=name,
            occurred_at=start + timedelta(minutes=i),
            outlet_id=outlet,
            conversation_id=conversation,
            properties=properties,
            value=value,
            amount=Decimal(amount) if amount else None,
        )
        for i, (name, properties, value, amount) in enumerate(steps)
    ]


def _routed(intent, confidence, ms):
    return (m.MESSAGE_ROUTED, {"intent": intent, "confidence": confidence}, ms, None)


def _plain(name, amount=None, **properties):
    return (name, properties, None, amount)


def seed_events(tenant: uuid.UUID, other: uuid.UUID) -> list[m.AnalyticsEvent]:
    """Four conversations of `tenant` over two days, and one of `other` that must not count."""
    received, sent = _plain(m.MESSAGE_RECEIVED), _plain(m.MESSAGE_SENT)
    unanswered = m.KNOWLEDGE_UNANSWERED
    return [
        *_conversation(
            tenant,
            OUTLET1,
            DAY1 + timedelta(hours=10),
            [
                received,
                _routed("booking", 0.9, 100),
                sent,
                received,
                _routed("booking", 0.7, 300),
                sent,
                _plain(m.BOOKING_CREATED),
                _plain(m.BOOKING_CONFIRMED, "50"),
            ],
        ),
        *_conversation(
            tenant,
            OUTLET1,
            DAY1 + timedelta(hours=11),
            [
                received,
                _routed("order", 0.8, 200),
                sent,
                _plain(m.ORDER_CREATED, "30", items=LATTES),
                _plain(m.ORDER_PAID, "30", items=LATTES),
            ],
        ),
        *_conversation(
            tenant,
            OUTLET2,
            DAY2 + timedelta(hours=9),
            [
                received,
                _routed("booking", 0.6, 400),
                sent,
                _plain(m.BOOKING_CREATED),
                received,
                _routed("unknown", 0.2, 1000),
                _plain(m.HANDOFF_REQUESTED),
                _plain(unanswered, question="Do you have parking?"),
                _plain(unanswered, question="do you have  PARKING"),
                _plain(unanswered, question="Is there wifi?"),
            ],
        ),
        *_conversation(
            tenant,
            OUTLET2,
            DAY2 + timedelta(hours=15),
            [
                received,
                _routed("order", 1.0, 500),
                _plain(m.ORDER_PAID, "12.50", items=[{"name": "Latte", "quantity": 1}]),
            ],
        ),
        *_conversation(
            other,
            OUTLET1,
            DAY1 + timedelta(hours=10),
            [
                received,
                _routed("order", 0.5, 5),
                _plain(m.ORDER_PAID, "999", items=LATTES),
            ],
        ),
    ]
