"""GetMedia on a real grpc.aio server over Postgres: the bytes with their MIME type, and the
right status for media that is unknown, was refused, or is named badly."""

import uuid

import grpc
import pytest
from crm.messaging.v1 import messaging_pb2 as pb
from crm.messaging.v1 import messaging_pb2_grpc

from adapters.grpc.messaging_servicer import MessagingServicer
from core.messaging.media import StoredMedia
from core.messaging.model import InboundType

from .grpc_support import expect

TENANT = uuid.uuid4()


@pytest.fixture
async def stub(grpc_channel_to, messaging_uow):
    servicer = MessagingServicer(
        messaging_uow, "secret", "verify", lambda: None, None, None, lambda: None, None, None
    )
    channel = await grpc_channel_to(
        lambda server: messaging_pb2_grpc.add_MessagingServiceServicer_to_server(servicer, server),
        ["crm.messaging.v1.MessagingService"],
    )
    return messaging_pb2_grpc.MessagingServiceStub(channel)


async def keep(messaging_uow, media: StoredMedia) -> None:
    async with messaging_uow() as uow:
        await uow.media.add(media)
        await uow.commit()


async def test_media_is_served_with_its_mime_type(stub, messaging_uow):
    await keep(
        messaging_uow,
        StoredMedia(TENANT, "111", "wamid.1", InboundType.DOCUMENT, "application/pdf", 4,
                    content=b"%PDF"),
    )  # fmt: skip
    body = await stub.GetMedia(pb.GetMediaRequest(tenant_id=str(TENANT), media_id="111"))
    assert (body.content_type, body.data) == ("application/pdf", b"%PDF")


async def test_unknown_refused_and_badly_named_media(stub, messaging_uow):
    await keep(
        messaging_uow,
        StoredMedia(TENANT, "222", "wamid.2", InboundType.VIDEO, refusal="video: too big"),
    )
    ask = stub.GetMedia
    await expect(
        grpc.StatusCode.NOT_FOUND, ask(pb.GetMediaRequest(tenant_id=str(TENANT), media_id="9"))
    )
    await expect(
        grpc.StatusCode.NOT_FOUND,
        ask(pb.GetMediaRequest(tenant_id=str(uuid.uuid4()), media_id="222")),
    )
    await expect(
        grpc.StatusCode.FAILED_PRECONDITION,
        ask(pb.GetMediaRequest(tenant_id=str(TENANT), media_id="222")),
        "video: too big",
    )
    await expect(
        grpc.StatusCode.INVALID_ARGUMENT,
        ask(pb.GetMediaRequest(tenant_id=str(TENANT), media_id="../x")),
    )
