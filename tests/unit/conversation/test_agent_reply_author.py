"""Who an agent's reply is from: a signed-in person writes as themselves, never as another."""

import uuid

import pytest

from core.conversation.agents import ReplyAsAgent
from core.shared.errors import InvalidInput, PermissionDenied

T, C, ME, OWNER = (uuid.uuid4() for _ in range(4))


def test_a_signed_in_person_is_the_author_with_or_without_naming_themselves():
    assert ReplyAsAgent(T, C, None, "hi", speaker=ME).author() == ME
    assert ReplyAsAgent(T, C, ME, "hi", speaker=ME).author() == ME


def test_an_agent_cannot_post_as_the_owner():
    with pytest.raises(PermissionDenied):
        ReplyAsAgent(T, C, OWNER, "it's the boss", speaker=ME).author()


def test_the_platform_names_the_agent_it_writes_for():
    assert ReplyAsAgent(T, C, OWNER, "hi").author() == OWNER
    with pytest.raises(InvalidInput):
        ReplyAsAgent(T, C, None, "hi").author()
