"""Rules every request keeps, checked before any handler: no NUL in text (Postgres refuses it,
and once answered 500), free JSON bounded in depth and size, and each contract's own ranges."""

import protovalidate
import pytest
from crm.booking.v1 import booking_pb2
from crm.conversation.v1 import conversation_pb2
from crm.order.v1 import order_pb2
from google.protobuf.struct_pb2 import Struct

from adapters.grpc.validation import MAX_STRUCT_DEPTH, Unreadable, check, readable
from core.shared.errors import InvalidInput

VALIDATOR = protovalidate.Validator()


def refused(request) -> str:
    with pytest.raises(InvalidInput) as error:
        check(VALIDATOR, request)
    return error.value.message


def metadata(value) -> conversation_pb2.UpdateConversationRequest:
    struct = Struct()
    struct.update(value)
    return conversation_pb2.UpdateConversationRequest(
        conversation=conversation_pb2.Conversation(metadata=struct)
    )


def nested(levels: int) -> dict:
    value: dict = {"leaf": 1}
    for _ in range(levels - 1):
        value = {"in": value}
    return value


def test_a_nul_in_a_name_names_the_field():
    product = order_pb2.Product(name="Pizza\x00Margherita")
    message = refused(order_pb2.CreateProductRequest(product=product))
    assert message == "product.name: must not contain a NUL character"


def test_a_nul_in_a_repeated_or_nested_string_is_found():
    booking = booking_pb2.Booking(customer_name="Ana", notes="window\x00seat")
    assert refused(booking_pb2.CreateBookingRequest(booking=booking)).startswith("booking.notes")


@pytest.mark.parametrize(
    "value",
    [{"note": "a\x00b"}, {"a\x00": 1}, nested(MAX_STRUCT_DEPTH + 1), nested(25),
     {"blob": "x" * 70_000}],
    ids=["nul value", "nul key", "one level too deep", "25 levels", "70 KB"],
)  # fmt: skip
def test_free_json_is_bounded(value):
    assert refused(metadata(value)).startswith("conversation.metadata: must")


def test_ordinary_requests_pass():
    check(VALIDATOR, metadata({"source": "web", "tags": ["vip", {"since": 2024}]}))
    check(VALIDATOR, metadata(nested(MAX_STRUCT_DEPTH)))
    check(VALIDATOR, order_pb2.CreateProductRequest(product=order_pb2.Product(name="Coke")))


def test_a_body_protobuf_cannot_parse_is_the_callers_error_not_the_servers():
    parse = order_pb2.CreateProductRequest.FromString
    assert isinstance(readable(parse, b"\xff\xff\xff"), Unreadable)
    assert readable(parse, order_pb2.CreateProductRequest().SerializeToString()) is not None
