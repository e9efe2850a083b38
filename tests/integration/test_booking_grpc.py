"""BookingService on a real grpc.aio server over Postgres: CRUD, statuses, the agent RPC."""

from datetime import UTC, datetime, time, timedelta

import grpc
import pytest
from crm.booking.v1 import booking_pb2 as pb
from crm.booking.v1 import booking_pb2_grpc
from google.protobuf.field_mask_pb2 import FieldMask

from adapters.grpc.booking_servicer import BookingServicer
from adapters.grpc.convert import timestamp
from tests.fakes import FakeClock, FakeTimezones

from .booking_support import FRIDAY, OTHER_TENANT, OUTLET, PHONE, TENANT, booking_uow, restaurant

__all__ = ["booking_uow", "restaurant"]
T, OUT = str(TENANT), str(OUTLET)
THURSDAY_MORNING = datetime.combine(FRIDAY - timedelta(days=1), time(10), tzinfo=UTC)


@pytest.fixture
async def stub(grpc_channel_to, booking_uow, restaurant):
    servicer = BookingServicer(booking_uow, FakeTimezones("UTC"), FakeClock(THURSDAY_MORNING))
    channel = await grpc_channel_to(
        lambda server: booking_pb2_grpc.add_BookingServiceServicer_to_server(servicer, server),
        ["crm.booking.v1.BookingService"],
    )
    return booking_pb2_grpc.BookingServiceStub(channel)


async def _refused(call, request, code: grpc.StatusCode) -> str:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(request)
    assert caught.value.code() is code, caught.value.details()
    return caught.value.details()


def _booking(start: str = "19:00", **extra) -> pb.Booking:
    fields = {"party_size": 2, "customer_phone": PHONE, "booking_date": FRIDAY.isoformat()}
    return pb.Booking(tenant_id=T, outlet_id=OUT, start_time=start, **{**fields, **extra})


async def test_resource_crud(stub):
    created = await stub.CreateResource(
        pb.CreateResourceRequest(
            resource=pb.Resource(
                tenant_id=T, outlet_id=OUT, name="Court A", type=pb.RESOURCE_TYPE_COURT,
                capacity=4, hourly_rate={"amount": "18.50"},
            )
        )
    )  # fmt: skip
    resource = created.resource
    assert resource.status == pb.RESOURCE_STATUS_ACTIVE and resource.hourly_rate.amount == "18.50"
    patch = pb.Resource(tenant_id=T, id=resource.id, status=pb.RESOURCE_STATUS_MAINTENANCE)
    updated = await stub.UpdateResource(
        pb.UpdateResourceRequest(resource=patch, update_mask=FieldMask(paths=["status"]))
    )
    assert updated.resource.status == pb.RESOURCE_STATUS_MAINTENANCE
    listed = await stub.ListResources(
        pb.ListResourcesRequest(tenant_id=T, type=pb.RESOURCE_TYPE_COURT)
    )
    assert [r.name for r in listed.resources] == ["Court A"]
    await stub.DeleteResource(pb.DeleteResourceRequest(tenant_id=T, resource_id=resource.id))
    request = pb.GetResourceRequest(tenant_id=T, resource_id=resource.id)
    await _refused(stub.GetResource, request, grpc.StatusCode.NOT_FOUND)


async def test_bad_input_names_the_field(stub):
    details = await _refused(
        stub.CreateResource,
        pb.CreateResourceRequest(resource=pb.Resource(tenant_id=T, outlet_id=OUT, name="X")),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "type" in details
    details = await _refused(
        stub.CreateBooking,
        pb.CreateBookingRequest(booking=_booking("7pm")),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "booking.start_time" in details
    hours = pb.OpeningHours(
        tenant_id=T,
        outlet_id=OUT,
        periods=[{"weekday": 1, "open_time": "12:00", "close_time": "10:00"}],
    )
    details = await _refused(
        stub.SetOpeningHours,
        pb.SetOpeningHoursRequest(opening_hours=hours),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert "close_time" in details


async def test_opening_hours_and_availability(stub):
    hours = (
        await stub.GetOpeningHours(pb.GetOpeningHoursRequest(tenant_id=T, outlet_id=OUT))
    ).opening_hours
    friday = [p for p in hours.periods if p.weekday == pb.WEEKDAY_FRIDAY]
    assert [(p.open_time, p.close_time) for p in friday] == [("12:00", "24:00")]
    assert hours.timezone == "UTC"
    slots = await stub.CheckAvailability(
        pb.CheckAvailabilityRequest(
            tenant_id=T, outlet_id=OUT, date=FRIDAY.isoformat(), window_start_time="21:00",
            duration_minutes=120, party_size=5,
        )
    )  # fmt: skip
    assert slots.open
    assert [(s.start_time, s.resource_name) for s in slots.slots] == [
        ("21:00", "Table 3"),
        ("21:30", "Table 3"),
        ("22:00", "Table 3"),
    ]


@pytest.mark.parametrize(
    ("field", "value"),
    [("slot_step_minutes", -30), ("slot_step_minutes", 100_000), ("duration_minutes", -1),
     ("max_slots", 2_000_000_000), ("party_size", -4)],
)  # fmt: skip
async def test_availability_refuses_unbounded_work_naming_the_field(stub, field, value):
    # A negative step once made the slot search loop forever and took the whole mesh down.
    request = pb.CheckAvailabilityRequest(tenant_id=T, outlet_id=OUT, date=FRIDAY.isoformat())
    setattr(request, field, value)
    details = await _refused(stub.CheckAvailability, request, grpc.StatusCode.INVALID_ARGUMENT)
    assert details.startswith(field)
    setattr(request, field, 0)
    assert (await stub.CheckAvailability(request)).open


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"booking_date": (FRIDAY - timedelta(days=2)).isoformat()}, "booking_date"),  # yesterday
     ({"booking_date": (FRIDAY + timedelta(days=3653)).isoformat()}, "booking_date"),  # 10 years
     ({"booking_date": "9999-12-31"}, "booking_date"),  # once stored as 'infinity'
     ({"party_size": 0}, "party_size")],  # once silently 1
)  # fmt: skip
async def test_a_booking_outside_the_calendar_or_for_nobody_is_refused(stub, fields, field):
    details = await _refused(
        stub.CreateBooking,
        pb.CreateBookingRequest(booking=_booking(**fields)),
        grpc.StatusCode.INVALID_ARGUMENT,
    )
    assert details.startswith(field), details


async def test_booking_life_cycle_and_illegal_transitions(stub):
    booking = (await stub.CreateBooking(pb.CreateBookingRequest(booking=_booking()))).booking
    assert booking.status == pb.BOOKING_STATUS_PENDING and booking.end_time == "21:00"
    assert booking.booking_number.startswith("B-")
    ids = {"tenant_id": T, "booking_id": booking.id}
    confirmed = await stub.ConfirmBooking(pb.ConfirmBookingRequest(**ids))
    assert confirmed.booking.status == pb.BOOKING_STATUS_CONFIRMED
    details = await _refused(
        stub.ConfirmBooking, pb.ConfirmBookingRequest(**ids), grpc.StatusCode.FAILED_PRECONDITION
    )
    assert "confirmed" in details
    moved = await stub.RescheduleBooking(
        pb.RescheduleBookingRequest(**ids, booking_date=FRIDAY.isoformat(), start_time="20:00")
    )
    assert (moved.booking.start_time, moved.booking.end_time) == ("20:00", "22:00")
    cancelled = await stub.CancelBooking(pb.CancelBookingRequest(**ids, reason="rain"))
    assert cancelled.booking.cancel_reason == "rain"
    await _refused(
        stub.MarkNoShow, pb.MarkNoShowRequest(**ids), grpc.StatusCode.FAILED_PRECONDITION
    )
    listed = await stub.ListBookings(pb.ListBookingsRequest(tenant_id=T, customer_phone=PHONE))
    assert [b.id for b in listed.bookings] == [booking.id]


async def test_a_taken_slot_is_already_exists_and_other_tenants_see_nothing(stub, restaurant):
    table = str(restaurant["Table 1"].id)
    first = (
        await stub.CreateBooking(pb.CreateBookingRequest(booking=_booking(resource_id=table)))
    ).booking
    details = await _refused(
        stub.CreateBooking,
        pb.CreateBookingRequest(booking=_booking("20:00", resource_id=table)),
        grpc.StatusCode.ALREADY_EXISTS,
    )
    assert details.startswith("that slot was just taken; nearest free:")
    stranger = {"tenant_id": str(OTHER_TENANT), "booking_id": first.id}
    await _refused(stub.GetBooking, pb.GetBookingRequest(**stranger), grpc.StatusCode.NOT_FOUND)
    await _refused(
        stub.CancelBooking, pb.CancelBookingRequest(**stranger), grpc.StatusCode.NOT_FOUND
    )
    request = pb.GetResourceRequest(tenant_id=str(OTHER_TENANT), resource_id=table)
    await _refused(stub.GetResource, request, grpc.StatusCode.NOT_FOUND)


async def test_the_agent_books_through_a_short_dialogue(stub):
    async def turn(text: str, intent: str, state, **entities):
        request = pb.HandleBookingTurnRequest(
            tenant_id=T, outlet_id=OUT, conversation_id="", customer_phone=PHONE, customer_name="Ana",
            text=text, intent=intent, entities=entities, dialogue_state=state,
            message_time=timestamp(THURSDAY_MORNING),
        )  # fmt: skip
        return await stub.HandleBookingTurn(request)

    asked = await turn(
        "Book a table for 2 tomorrow", "booking.new", None, date=FRIDAY.isoformat(), party_size="2"
    )
    assert asked.reply_text.endswith("What time would you like?")
    proposed = await turn("7pm", "out_of_scope", asked.dialogue_state, time="19:00")
    assert proposed.reply_text.endswith("Confirmed for 7 PM?") and proposed.confirmation_pending
    assert [o.id for o in proposed.options] == ["yes", "no"]
    booked = await turn("Yes", "confirm.yes", proposed.dialogue_state)
    assert booked.done and booked.booking.booking_number in booked.reply_text
    assert (
        booked.booking_id == booked.booking.id
        and booked.booking.status == pb.BOOKING_STATUS_CONFIRMED
    )


async def test_the_agent_answers_in_the_language_the_request_names(stub):
    request = pb.HandleBookingTurnRequest(
        tenant_id=T, outlet_id=OUT, customer_phone=PHONE, text="quiero reservar",
        intent="booking.new", message_time=timestamp(THURSDAY_MORNING), language="es",
    )  # fmt: skip
    asked = await stub.HandleBookingTurn(request)
    assert (
        asked.reply_text
        == "¡Encantados de reservarte! ¿Qué día, a qué hora y para cuántas personas?"
    )
