"""The contracts' buf.validate rules run for real: a request that breaks one is refused with
INVALID_ARGUMENT naming the field, by the server's own interceptors, before any handler; a
request within the rules reaches the service (here the generated base servicer: UNIMPLEMENTED)."""

from datetime import UTC, datetime

import grpc
import pytest
from crm.booking.v1 import booking_pb2
from crm.common.v1 import common_pb2
from crm.conversation.v1 import conversation_pb2
from crm.messaging.v1 import messaging_pb2
from crm.order.v1 import order_pb2
from crm.tenant.v1 import tenant_pb2
from google.protobuf.field_mask_pb2 import FieldMask
from google.protobuf.timestamp_pb2 import Timestamp

from adapters.grpc.peers import open_channel
from services.catalog import SERVICES
from services.runtime import build_server

OUTLET = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def base_servicers(server: grpc.aio.Server) -> None:
    for spec in SERVICES.values():
        spec.adder()(getattr(spec.grpc_module(), f"{spec.pascal}ServiceServicer")(), server)


@pytest.fixture(scope="module")
async def channel():
    server, _ = build_server(base_servicers, [s.grpc_service for s in SERVICES.values()])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    async with open_channel(f"127.0.0.1:{port}") as opened:
        yield opened
    await server.stop(None)


async def answer(channel: grpc.aio.Channel, service: str, method: str, request) -> grpc.RpcError:
    call = channel.unary_unary(
        f"/crm.{service}.v1.{service.capitalize()}Service/{method}",
        request_serializer=type(request).SerializeToString,
        response_deserializer=lambda data: data,
    )
    with pytest.raises(grpc.RpcError) as error:
        await call(request)
    return error.value


def at(year: int) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(datetime(year, 1, 1, tzinfo=UTC))
    return stamp


def items(count: int, quantity: int = 1) -> list[order_pb2.OrderItem]:
    return [order_pb2.OrderItem(product_id=OUTLET, quantity=quantity) for _ in range(count)]


REFUSED = [
    ("tenant", "GetTenant", tenant_pb2.GetTenantRequest(tenant_id="42"), "tenant_id"),
    (
        "tenant",
        "CreateUser",
        tenant_pb2.CreateUserRequest(user=tenant_pb2.User(email="not an address")),
        "user.email",
    ),
    (
        "booking",
        "CreateBooking",
        booking_pb2.CreateBookingRequest(booking=booking_pb2.Booking(customer_phone="call me")),
        "booking.customer_phone",
    ),
    (
        "booking",
        "ListBookings",
        booking_pb2.ListBookingsRequest(status=99),
        "status",
    ),
    (
        "order",
        "ListProducts",
        order_pb2.ListProductsRequest(page=common_pb2.PageRequest(page_size=501)),
        "page.page_size",
    ),
    (
        "order",
        "CreateProduct",
        order_pb2.CreateProductRequest(
            product=order_pb2.Product(price=common_pb2.Money(amount="1e9", currency="EUR"))
        ),
        "product.price.amount",
    ),
    (
        "order",
        "CreateOrder",
        order_pb2.CreateOrderRequest(order=order_pb2.Order(items=items(101))),
        "order.items",
    ),
    (
        "order",
        "CreateOrder",
        order_pb2.CreateOrderRequest(order=order_pb2.Order(items=items(2, quantity=0))),
        "order.items[0].quantity",
    ),
    (
        "order",
        "AdjustStock",
        order_pb2.AdjustStockRequest(quantity_change=2_000_000),
        "quantity_change",
    ),
    (
        "conversation",
        "ListMessages",
        conversation_pb2.ListMessagesRequest(before_time=at(2200)),
        "before_time",
    ),
    (
        "conversation",
        "UpdateConversation",
        conversation_pb2.UpdateConversationRequest(
            update_mask=FieldMask(paths=[f"field_{n}" for n in range(21)])
        ),
        "update_mask",
    ),
    (
        "booking",
        "HandleBookingTurn",
        booking_pb2.HandleBookingTurnRequest(entities={f"k{n}": "v" for n in range(51)}),
        "entities",
    ),
    (
        "messaging",
        "ListOutboxMessages",
        messaging_pb2.ListOutboxMessagesRequest(tenant_id="every"),
        "tenant_id",
    ),
]


@pytest.mark.parametrize(
    ("service", "method", "request_", "field"),
    REFUSED,
    ids=[f"{method}:{field}" for _, method, _, field in REFUSED],
)
async def test_a_request_breaking_a_rule_is_refused_naming_the_field(
    channel, service, method, request_, field
):
    error = await answer(channel, service, method, request_)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error.details().startswith(f"{field}: ")


ACCEPTED = [
    ("tenant", "GetTenant", tenant_pb2.GetTenantRequest(tenant_id="")),
    ("messaging", "ListOutboxMessages", messaging_pb2.ListOutboxMessagesRequest(tenant_id="-")),
    (
        "order",
        "CreateOrder",
        order_pb2.CreateOrderRequest(
            order=order_pb2.Order(outlet_id=OUTLET, customer_phone="+34600000001", items=items(3))
        ),
    ),
    (
        "booking",
        "ListBookings",
        booking_pb2.ListBookingsRequest(
            outlet_id=OUTLET, start_date="2026-12-01", page=common_pb2.PageRequest(page_size=500)
        ),
    ),
]


@pytest.mark.parametrize(("service", "method", "request_"), ACCEPTED, ids=lambda v: str(v)[:40])
async def test_a_request_within_the_rules_reaches_the_service(channel, service, method, request_):
    error = await answer(channel, service, method, request_)
    assert error.code() == grpc.StatusCode.UNIMPLEMENTED
