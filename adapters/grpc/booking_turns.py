"""The Booking agent's turn and reply <-> crm.booking.v1 HandleBookingTurn messages."""

from crm.booking.v1 import booking_pb2 as pb

from core.booking.talk import BookingReply, BookingTurn
from core.shared.ids import parse_id

from .booking_mapping import booking_message
from .convert import from_struct, optional_id, struct, to_datetime


def turn_from(request: pb.HandleBookingTurnRequest) -> BookingTurn:
    return BookingTurn(
        tenant_id=parse_id(request.tenant_id, "tenant_id"),
        outlet_id=parse_id(request.outlet_id, "outlet_id"),
        customer_phone=request.customer_phone,
        text=request.text,
        intent=request.intent,
        entities=dict(request.entities),
        state=from_struct(request.dialogue_state),
        conversation_id=optional_id(request.conversation_id, "conversation_id"),
        customer_name=request.customer_name,
        reply_id=request.interactive_reply_id,
        sent_at=to_datetime(request, "message_time"),
        language=request.language,
    )


def reply_message(reply: BookingReply) -> pb.HandleBookingTurnResponse:
    booking = reply.booking
    return pb.HandleBookingTurnResponse(
        reply_text=reply.text,
        options=[
            pb.ReplyOption(id=o.id, title=o.title, description=o.description) for o in reply.options
        ],
        dialogue_state=struct(reply.state),
        confirmation_pending=reply.confirmation_pending,
        done=reply.done,
        booking_id=str(booking.id) if booking else "",
        booking=booking_message(booking) if booking else None,
    )
