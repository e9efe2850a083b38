"""What analytics hears of a conversation, read off the change: a person asked for, given the
conversation, the bot back; and each reply staff write (core.shared.facts)."""

from core.shared.facts import Fact

from .model import Conversation, Message, SenderType

HANDOFF_REQUESTED = "handoff.requested"
HANDOFF_ASSIGNED = "handoff.assigned"
HANDOFF_RELEASED = "handoff.released"
AGENT_REPLIED = "agent.replied"


def handoff_facts(before: Conversation, after: Conversation) -> list[Fact]:
    """The facts of `before` becoming `after`."""
    names = []
    if after.handoff_requested and not before.handoff_requested:
        names.append(HANDOFF_REQUESTED)
    if after.handoff_agent_id and after.handoff_agent_id != before.handoff_agent_id:
        names.append(HANDOFF_ASSIGNED)
    if before.handoff_requested and not after.handoff_requested:
        names.append(HANDOFF_RELEASED)
    return [_fact(after, name, reason=after.handoff_reason[:200]) for name in names]


def message_facts(conversation: Conversation, message: Message) -> list[Fact]:
    """A reply a person of the business wrote (the bot's are counted by the orchestrator)."""
    if message.sender_type is not SenderType.AGENT:
        return []
    return [_fact(conversation, AGENT_REPLIED, agent=message.sender_id)]


def _fact(conversation: Conversation, name: str, **said: str) -> Fact:
    return Fact(
        conversation.tenant_id,
        name,
        outlet_id=conversation.outlet_id,
        conversation_id=conversation.id,
        properties={k: v for k, v in said.items() if v},
    )
