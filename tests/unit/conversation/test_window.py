"""The 24-hour customer service window: open while now < last customer message + 24 h."""

import uuid
from datetime import UTC, datetime, timedelta

from core.conversation.model import Conversation

AT = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def conversation(last_customer_message_at=None) -> Conversation:
    return Conversation(
        uuid.uuid4(),
        uuid.uuid4(),
        "+6281234567890",
        last_customer_message_at=last_customer_message_at,
    )


def test_no_customer_message_means_no_window():
    assert conversation().window_expires_at is None
    assert not conversation().window_open(AT)


def test_open_until_just_before_24_hours():
    talking = conversation(AT)
    assert talking.window_expires_at == AT + timedelta(hours=24)
    assert talking.window_open(AT + timedelta(hours=23, minutes=59, seconds=59))


def test_closed_at_exactly_24_hours_and_after():
    talking = conversation(AT)
    assert not talking.window_open(AT + timedelta(hours=24))
    assert not talking.window_open(AT + timedelta(days=3))
