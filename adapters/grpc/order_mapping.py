"""Orders and agent turns <-> crm.order.v1 messages."""

from datetime import UTC, date, datetime

from crm.order.v1 import order_pb2 as pb

from core.order import commands as c
from core.order.agent.turn import OrderReply, OrderTurn
from core.order.orders import FulfillmentType, Order, OrderItem, OrderStatus, PaymentStatus
from core.shared.errors import InvalidInput
from core.shared.ids import parse_id
from core.shared.places import Point

from .catalog_mapping import text_id
from .convert import (
    enum_to_domain,
    enum_to_proto,
    from_struct,
    money_message,
    optional_id,
    page_query,
    struct,
    timestamp,
    to_datetime,
)


def item_message(order: Order, item: OrderItem, currency: str) -> pb.OrderItem:
    return pb.OrderItem(
        id=str(item.id),
        order_id=str(order.id),
        product_id=str(item.product_id),
        product_name=item.product_name,
        product_price=money_message(item.product_price, currency),
        quantity=item.quantity,
        subtotal=money_message(item.subtotal, currency),
        create_time=timestamp(item.created_at),
        update_time=timestamp(item.updated_at),
    )


def order_message(order: Order, currency: str) -> pb.Order:
    day = order.pickup_delivery_date
    return pb.Order(
        id=str(order.id),
        tenant_id=str(order.tenant_id),
        outlet_id=str(order.outlet_id),
        conversation_id=text_id(order.conversation_id),
        order_number=order.order_number,
        status=enum_to_proto(order.status, pb.OrderStatus),
        total=money_message(order.total, currency),
        payment_status=enum_to_proto(order.payment_status, pb.PaymentStatus),
        fulfillment_type=enum_to_proto(order.fulfillment_type, pb.FulfillmentType),
        pickup_delivery_date=day.isoformat() if day else "",
        customer_phone=order.customer_phone,
        customer_name=order.customer_name,
        delivery_address=order.delivery_address,
        delivery_latitude=order.delivery_latitude,
        delivery_longitude=order.delivery_longitude,
        notes=order.notes,
        items=[item_message(order, item, currency) for item in order.items],
        payment_link=order.payment_link,
        payment_reference=order.payment_reference,
        cancel_reason=order.cancel_reason,
        paid_time=timestamp(order.paid_at),
        cancel_time=timestamp(order.cancelled_at),
        create_time=timestamp(order.created_at),
        update_time=timestamp(order.updated_at),
    )


def _day(value: str, field: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise InvalidInput(field, f"{value!r} is not a YYYY-MM-DD date") from None


def _item(item: pb.OrderItem) -> c.ItemRequest:
    return c.ItemRequest(parse_id(item.product_id, "order.items.product_id"), item.quantity)


def create_order_command(order: pb.Order) -> c.CreateOrder:
    return c.CreateOrder(
        tenant_id=parse_id(order.tenant_id, "order.tenant_id"),
        outlet_id=parse_id(order.outlet_id, "order.outlet_id"),
        items=tuple(_item(item) for item in order.items),
        fulfillment_type=enum_to_domain(order, "fulfillment_type", FulfillmentType),
        conversation_id=optional_id(order.conversation_id, "order.conversation_id"),
        pickup_delivery_date=_day(order.pickup_delivery_date, "order.pickup_delivery_date"),
        customer_phone=order.customer_phone,
        customer_name=order.customer_name,
        delivery_address=order.delivery_address,
        notes=order.notes,
        delivery_point=_point(order),
    )


def _point(order: pb.Order) -> Point | None:
    """The shared location, when both coordinates are given."""
    given = order.HasField("delivery_latitude"), order.HasField("delivery_longitude")
    if given == (False, False):
        return None
    if given != (True, True):
        raise InvalidInput("order.delivery_latitude", "give both coordinates or neither")
    return Point(order.delivery_latitude, order.delivery_longitude)


def list_orders_command(request: pb.ListOrdersRequest) -> c.ListOrders:
    return c.ListOrders(
        tenant_id=parse_id(request.tenant_id, "tenant_id"),
        page=page_query(request.page),
        outlet_id=optional_id(request.outlet_id, "outlet_id"),
        status=enum_to_domain(request, "status", OrderStatus),
        payment_status=enum_to_domain(request, "payment_status", PaymentStatus),
        customer_phone=request.customer_phone.strip(),
        conversation_id=optional_id(request.conversation_id, "conversation_id"),
        order_number=request.order_number.strip(),
        start=to_datetime(request, "start_time"),
        end=to_datetime(request, "end_time"),
    )


def turn_of(request: pb.HandleOrderTurnRequest) -> OrderTurn:
    return OrderTurn(
        tenant_id=parse_id(request.tenant_id, "tenant_id"),
        outlet_id=parse_id(request.outlet_id, "outlet_id"),
        conversation_id=optional_id(request.conversation_id, "conversation_id"),
        customer_phone=request.customer_phone,
        customer_name=request.customer_name,
        text=request.text,
        intent=request.intent,
        entities=dict(request.entities),
        state=from_struct(request.dialogue_state),
        reply_id=request.interactive_reply_id,
        sent_at=to_datetime(request, "message_time") or datetime.now(UTC),
        language=request.language,
    )


def turn_response(reply: OrderReply, currency: str) -> pb.HandleOrderTurnResponse:
    order = reply.order
    return pb.HandleOrderTurnResponse(
        reply_text=reply.text,
        options=[
            pb.ReplyOption(id=o.id, title=o.title, description=o.description) for o in reply.options
        ],
        dialogue_state=struct(reply.state),
        confirmation_pending=reply.confirmation_pending,
        done=reply.done,
        order_id=str(order.id) if order else "",
        order=order_message(order, currency) if order else None,
    )
