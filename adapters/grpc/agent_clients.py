"""The booking and order agents behind the Router's Agent port, over their services' RPCs."""

from typing import Any

import grpc
from crm.booking.v1 import booking_pb2, booking_pb2_grpc
from crm.order.v1 import order_pb2, order_pb2_grpc

from core.messaging.model import ReplyOption
from core.orchestrator import replies
from core.orchestrator.agents import AgentReply, AgentTurn
from core.shared.scope import current

from .convert import from_struct, struct, timestamp
from .peers import DEFAULT_DEADLINE_SECONDS, open_channel
from .scope_metadata import outgoing
from .status import error_from


class GrpcAgent:
    """One agent RPC; while the service does not implement it yet, the feature is 'coming'."""

    def __init__(self, address: str, stub: Any, method: str, request: type, feature: str) -> None:
        self._channel = open_channel(address)
        self._call = getattr(stub(self._channel), method)
        self._request = request
        self._feature = feature

    async def handle(self, turn: AgentTurn) -> AgentReply:
        request = self._request(
            tenant_id=str(turn.tenant_id),
            outlet_id=str(turn.outlet_id),
            conversation_id=str(turn.conversation_id),
            customer_phone=turn.customer_phone,
            customer_name=turn.customer_name,
            text=turn.text,
            intent=turn.intent,
            entities=turn.entities,
            dialogue_state=struct(turn.state),
            interactive_reply_id=turn.reply_id,
            message_time=timestamp(turn.sent_at),
            language=turn.language,
        )
        try:
            answer = await self._call(
                request, timeout=DEFAULT_DEADLINE_SECONDS, metadata=outgoing(current())
            )
        except grpc.aio.AioRpcError as failure:
            if failure.code() is grpc.StatusCode.UNIMPLEMENTED:
                return AgentReply(replies.COMING_SOON.format(feature=self._feature), done=True)
            raise error_from(failure) from failure
        return AgentReply(
            text=answer.reply_text,
            options=tuple(ReplyOption(o.id, o.title, o.description) for o in answer.options),
            state=from_struct(answer.dialogue_state),
            confirmation_pending=answer.confirmation_pending,
            done=answer.done,
        )

    async def aclose(self) -> None:
        await self._channel.close()


def booking_agent(address: str) -> GrpcAgent:
    return GrpcAgent(
        address,
        booking_pb2_grpc.BookingServiceStub,
        "HandleBookingTurn",
        booking_pb2.HandleBookingTurnRequest,
        "Booking",
    )


def order_agent(address: str) -> GrpcAgent:
    return GrpcAgent(
        address,
        order_pb2_grpc.OrderServiceStub,
        "HandleOrderTurn",
        order_pb2.HandleOrderTurnRequest,
        "Ordering",
    )
