import uuid

import pytest

from core.conversation import commands as c
from core.conversation import handlers
from tests.fakes import FakeClock, FakeConversationUnitOfWork, FakeHistoryCache

TENANT = uuid.UUID("00000000-0000-4000-8000-000000000001")
OUTLET = uuid.UUID("00000000-0000-4000-8000-0000000000a1")
PHONE = "+6281234567890"


@pytest.fixture
def uow() -> FakeConversationUnitOfWork:
    return FakeConversationUnitOfWork()


@pytest.fixture
def history() -> FakeHistoryCache:
    return FakeHistoryCache()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def conversation(uow):
    opened, _ = await handlers.create_or_get_conversation(
        c.CreateOrGetConversation(TENANT, OUTLET, PHONE, "Budi"), uow
    )
    return opened


@pytest.fixture
def append(uow, history, clock, conversation):
    """Append to the fixture conversation: append(SenderType.CUSTOMER, "hi", wamid=...)."""

    async def run(sender, content="", conversation_id=None, **extra):
        command = c.AppendMessage(
            TENANT, conversation_id or conversation.id, sender, content, **extra
        )
        return await handlers.append_message(command, uow, history, clock)

    return run
