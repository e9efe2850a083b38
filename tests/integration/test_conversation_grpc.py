"""ConversationService over a real grpc.aio server and real PostgreSQL: mapping and status codes."""

import uuid
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from crm.conversation.v1 import conversation_pb2 as pb
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp

from .grpc_support import expect

CODE = grpc.StatusCode
TENANT = str(uuid.uuid4())
OUTLET = str(uuid.uuid4())


def stamp(value: datetime) -> Timestamp:
    result = Timestamp()
    result.FromDatetime(value)
    return result


async def open_conversation(stub, phone="6281234567890", name="Budi") -> pb.Conversation:
    reply = await stub.CreateOrGetConversation(
        pb.CreateOrGetConversationRequest(
            tenant_id=TENANT, outlet_id=OUTLET, customer_phone=phone, customer_name=name
        )
    )
    return reply.conversation


async def append(stub, conversation_id, content="hola", **fields) -> pb.AppendMessageResponse:
    message = pb.Message(
        conversation_id=conversation_id,
        sender_type=fields.pop("sender_type", pb.SENDER_TYPE_CUSTOMER),
        content=content,
        **fields,
    )
    return await stub.AppendMessage(pb.AppendMessageRequest(tenant_id=TENANT, message=message))


def target(conversation: pb.Conversation, tenant_id: str = TENANT) -> dict[str, str]:
    return {"tenant_id": tenant_id, "conversation_id": conversation.id}


async def test_create_or_get_then_get_round_trips_the_message(conversation_stub):
    created = await conversation_stub.CreateOrGetConversation(
        pb.CreateOrGetConversationRequest(
            tenant_id=TENANT, outlet_id=OUTLET, customer_phone="6281234567890"
        )
    )
    conversation = created.conversation
    assert created.created and conversation.customer_phone == "+6281234567890"
    assert conversation.status == pb.CONVERSATION_STATUS_OPEN
    assert not conversation.window_open and not conversation.HasField("window_expires_at")
    again = await open_conversation(conversation_stub, "+6281234567890", name="")
    assert again.id == conversation.id
    got = await conversation_stub.GetConversation(pb.GetConversationRequest(**target(again)))
    assert got.conversation == again


async def test_append_is_idempotent_and_opens_the_window(conversation_stub):
    conversation = await open_conversation(conversation_stub)
    sent = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    first = await append(
        conversation_stub,
        conversation.id,
        whatsapp_message_id="wamid.1",
        message_type=pb.MESSAGE_TYPE_TEXT,
        timestamp=stamp(sent),
        metadata={"intent": "greeting"},
    )
    again = await append(conversation_stub, conversation.id, "dup", whatsapp_message_id="wamid.1")
    assert not first.duplicate and again.duplicate
    assert again.message == first.message and dict(first.message.metadata) == {"intent": "greeting"}
    after = first.conversation
    assert after.message_count == 1 and after.window_open
    assert after.last_customer_message_at.ToDatetime(UTC) == sent
    assert after.window_expires_at.ToDatetime(UTC) == sent + timedelta(hours=24)


async def test_newest_messages_come_through_the_cache_and_stay_fresh(conversation_stub):
    conversation = await open_conversation(conversation_stub)
    newest = pb.ListMessagesRequest(
        **target(conversation), newest_first=True, page={"page_size": 2}
    )
    for text in ("one", "two", "three"):
        await append(conversation_stub, conversation.id, text)
        reply = await conversation_stub.ListMessages(newest)
        assert reply.messages[0].content == text
    oldest = await conversation_stub.ListMessages(pb.ListMessagesRequest(**target(conversation)))
    assert [m.content for m in oldest.messages] == ["one", "two", "three"]


async def test_handoff_and_close(conversation_stub, handoff_agent):
    conversation = await open_conversation(conversation_stub)
    agent = str(handoff_agent)
    asked = await conversation_stub.RequestHandoff(
        pb.RequestHandoffRequest(**target(conversation), reason="wants a person")
    )
    assert asked.conversation.handoff_requested and asked.conversation.HasField("handoff_time")
    taken = await conversation_stub.AssignHandoff(
        pb.AssignHandoffRequest(**target(conversation), agent_user_id=agent)
    )
    assert taken.conversation.handoff_agent_id == agent
    listed = await conversation_stub.ListConversations(
        pb.ListConversationsRequest(tenant_id=TENANT, handoff_agent_id=agent)
    )
    assert [c.id for c in listed.conversations] == [conversation.id]
    released = await conversation_stub.ReleaseHandoff(
        pb.ReleaseHandoffRequest(**target(conversation))
    )
    assert not released.conversation.handoff_requested
    closed = await conversation_stub.CloseConversation(
        pb.CloseConversationRequest(**target(conversation), archive=True)
    )
    assert closed.conversation.status == pb.CONVERSATION_STATUS_ARCHIVED
    assert closed.conversation.HasField("close_time")


async def test_update_with_and_without_a_mask(conversation_stub):
    conversation = await open_conversation(conversation_stub)
    change = pb.Conversation(
        id=conversation.id, tenant_id=TENANT, customer_name="Budi S.", metadata={"vip": True}
    )
    masked = await conversation_stub.UpdateConversation(
        pb.UpdateConversationRequest(conversation=change, update_mask=FieldMask(paths=["metadata"]))
    )
    assert masked.conversation.customer_name == "Budi"
    assert dict(masked.conversation.metadata) == {"vip": True}
    unmasked = await conversation_stub.UpdateConversation(
        pb.UpdateConversationRequest(conversation=change)
    )
    assert unmasked.conversation.customer_name == "Budi S."


async def test_list_searches_by_phone_or_name(conversation_stub):
    budi = await open_conversation(conversation_stub)
    await open_conversation(conversation_stub, "+6289999999999", "Cici")
    for term in ("1234", "bud"):
        reply = await conversation_stub.ListConversations(
            pb.ListConversationsRequest(tenant_id=TENANT, customer_phone=term)
        )
        assert [c.id for c in reply.conversations] == [budi.id]


@pytest.mark.parametrize(
    ("call", "request_", "fragment"),
    [
        (
            "GetConversation",
            pb.GetConversationRequest(tenant_id=TENANT),
            "conversation_id: is required",
        ),
        (
            "GetConversation",
            pb.GetConversationRequest(tenant_id="x", conversation_id="y"),
            "tenant_id:",
        ),
        (
            "CreateOrGetConversation",
            pb.CreateOrGetConversationRequest(
                tenant_id=TENANT, outlet_id=OUTLET, customer_phone="012"
            ),
            "customer_phone:",
        ),
        ("AppendMessage", pb.AppendMessageRequest(tenant_id=TENANT), "message: is required"),
        (
            "AppendMessage",
            pb.AppendMessageRequest(tenant_id=TENANT, message=pb.Message(conversation_id="nope")),
            "message.conversation_id:",
        ),
        (
            "ListConversations",
            pb.ListConversationsRequest(tenant_id=TENANT, outlet_id="nope"),
            "outlet_id:",
        ),
        (
            "ListConversations",
            pb.ListConversationsRequest(tenant_id=TENANT, page={"page_token": "junk"}),
            "page.page_token:",
        ),
        (
            "UpdateConversation",
            pb.UpdateConversationRequest(
                conversation=pb.Conversation(id=str(uuid.uuid4()), tenant_id=TENANT),
                update_mask=FieldMask(paths=["status"]),
            ),
            "update_mask:",
        ),
    ],
)
async def test_bad_input_is_invalid_argument_naming_the_field(
    conversation_stub, call, request_, fragment
):
    await expect(CODE.INVALID_ARGUMENT, getattr(conversation_stub, call)(request_), fragment)


async def test_sender_type_is_required(conversation_stub):
    conversation = await open_conversation(conversation_stub)
    await expect(
        CODE.INVALID_ARGUMENT,
        append(conversation_stub, conversation.id, sender_type=pb.SENDER_TYPE_UNSPECIFIED),
        "sender_type: is required",
    )


async def test_unknown_and_other_tenants_conversations_are_not_found(conversation_stub):
    conversation = await open_conversation(conversation_stub)
    missing = pb.Conversation(id=str(uuid.uuid4()))
    for request_target in (target(conversation, str(uuid.uuid4())), target(missing)):
        await expect(
            CODE.NOT_FOUND,
            conversation_stub.GetConversation(pb.GetConversationRequest(**request_target)),
        )
        await expect(
            CODE.NOT_FOUND,
            conversation_stub.ListMessages(
                pb.ListMessagesRequest(**request_target, newest_first=True)
            ),
        )
    other_tenant = pb.AppendMessageRequest(
        tenant_id=str(uuid.uuid4()),
        message=pb.Message(conversation_id=conversation.id, sender_type=pb.SENDER_TYPE_BOT),
    )
    await expect(CODE.NOT_FOUND, conversation_stub.AppendMessage(other_tenant))


async def test_state_rules_are_failed_precondition(conversation_stub, handoff_agent):
    conversation = await open_conversation(conversation_stub)
    await expect(
        CODE.FAILED_PRECONDITION,
        conversation_stub.AssignHandoff(
            pb.AssignHandoffRequest(**target(conversation), agent_user_id=str(handoff_agent))
        ),
        "no active handoff",
    )
    await conversation_stub.CloseConversation(pb.CloseConversationRequest(**target(conversation)))
    await expect(CODE.FAILED_PRECONDITION, append(conversation_stub, conversation.id), "is closed")
