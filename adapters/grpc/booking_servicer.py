"""crm.booking.v1.BookingService: proto -> command -> use case -> proto."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from crm.booking.v1 import booking_pb2 as pb
from crm.booking.v1 import booking_pb2_grpc

from core.booking import admin, handlers
from core.booking import commands as c
from core.booking.agent import BookingAgent
from core.booking.availability import GRID_MINUTES, Wish
from core.booking.model import BookingStatus, ResourceStatus, ResourceType, utcnow
from core.booking.placing import check_availability
from core.booking.ports import BookingUnitOfWork, Clock, OutletTimezones
from core.booking.times import optional_minutes, parse_day, parse_minutes
from core.shared.ids import parse_id

from .booking_mapping import (
    RESOURCE_READERS,
    booking_message,
    create_command,
    hours_command,
    hours_message,
    resource_fields,
    resource_message,
    slot_message,
)
from .booking_turns import reply_message, turn_from
from .convert import changed_fields, enum_to_domain, optional_id, page_query, present, tenant_and

DEFAULT_CHECK_MINUTES, DEFAULT_MAX_SLOTS = 60, 20


def _wish(request: pb.CheckAvailabilityRequest) -> Wish:
    return Wish(
        day=parse_day(request.date, "date"),
        minutes=request.duration_minutes or DEFAULT_CHECK_MINUTES,
        party_size=max(request.party_size, 1),
        kind=enum_to_domain(request, "resource_type", ResourceType),
        resource_id=optional_id(request.resource_id, "resource_id"),
        earliest=optional_minutes(request.window_start_time, "window_start_time") or 0,
        latest=optional_minutes(request.window_end_time, "window_end_time") or 24 * 60,
        step=request.slot_step_minutes or GRID_MINUTES,
    )


class BookingServicer(booking_pb2_grpc.BookingServiceServicer):
    def __init__(
        self,
        unit_of_work: Callable[[], BookingUnitOfWork],
        outlets: OutletTimezones,
        clock: Clock = utcnow,
    ) -> None:
        self._uow = unit_of_work
        self._outlets = outlets
        self._now = clock
        self._agent = BookingAgent(unit_of_work, outlets, clock)

    # -- resources -------------------------------------------------------------------------

    async def CreateResource(self, request, context):
        resource = present(request, "resource")
        command = c.CreateResource(
            tenant_id=parse_id(resource.tenant_id, "resource.tenant_id"),
            outlet_id=parse_id(resource.outlet_id, "resource.outlet_id"),
            fields=resource_fields(resource),
        )
        created = await admin.create_resource(command, self._uow(), self._outlets)
        return pb.CreateResourceResponse(resource=resource_message(created))

    async def GetResource(self, request, context):
        resource = await admin.get_resource(*tenant_and(request, "resource_id"), self._uow())
        return pb.GetResourceResponse(resource=resource_message(resource))

    async def UpdateResource(self, request, context):
        resource = present(request, "resource")
        command = c.UpdateResource(
            tenant_id=parse_id(resource.tenant_id, "resource.tenant_id"),
            resource_id=parse_id(resource.id, "resource.id"),
            changes=changed_fields(resource, request.update_mask, RESOURCE_READERS),
        )
        updated = await admin.update_resource(command, self._uow())
        return pb.UpdateResourceResponse(resource=resource_message(updated))

    async def ListResources(self, request, context):
        command = c.ListResources(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            page=page_query(request.page),
            outlet_id=optional_id(request.outlet_id, "outlet_id"),
            type=enum_to_domain(request, "type", ResourceType),
            status=enum_to_domain(request, "status", ResourceStatus),
        )
        page = await admin.list_resources(command, self._uow())
        return pb.ListResourcesResponse(
            resources=[resource_message(r) for r in page.items],
            page={"next_page_token": page.next_token},
        )

    async def DeleteResource(self, request, context):
        today = self._now().date()
        await admin.delete_resource(*tenant_and(request, "resource_id"), today, self._uow())
        return pb.DeleteResourceResponse()

    # -- opening hours and availability -----------------------------------------------------

    async def SetOpeningHours(self, request, context):
        command = hours_command(present(request, "opening_hours"))
        hours = await admin.set_opening_hours(command, self._uow(), self._outlets)
        zone = await self._outlets.outlet_timezone(hours.tenant_id, hours.outlet_id)
        return pb.SetOpeningHoursResponse(opening_hours=hours_message(hours, zone))

    async def GetOpeningHours(self, request, context):
        tenant_id, outlet_id = tenant_and(request, "outlet_id")
        hours = await admin.get_opening_hours(tenant_id, outlet_id, self._uow())
        zone = await self._outlets.outlet_timezone(tenant_id, outlet_id)
        return pb.GetOpeningHoursResponse(opening_hours=hours_message(hours, zone))

    async def CheckAvailability(self, request, context):
        tenant_id, outlet_id = tenant_and(request, "outlet_id")
        limit = request.max_slots or DEFAULT_MAX_SLOTS
        slots, is_open = await check_availability(
            _wish(request), tenant_id, outlet_id, self._uow(), limit
        )
        return pb.CheckAvailabilityResponse(slots=[slot_message(s) for s in slots], open=is_open)

    # -- bookings --------------------------------------------------------------------------

    async def CreateBooking(self, request, context):
        command = create_command(present(request, "booking"))
        zone = await self._outlets.outlet_timezone(command.tenant_id, command.outlet_id)
        today = self._now().astimezone(ZoneInfo(zone)).date()
        booking = await handlers.create_booking(command, self._uow(), self._now, today)
        return pb.CreateBookingResponse(booking=booking_message(booking))

    async def GetBooking(self, request, context):
        booking = await handlers.get_booking(*tenant_and(request, "booking_id"), self._uow())
        return pb.GetBookingResponse(booking=booking_message(booking))

    async def ListBookings(self, request, context):
        command = c.ListBookings(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            page=page_query(request.page),
            outlet_id=optional_id(request.outlet_id, "outlet_id"),
            resource_id=optional_id(request.resource_id, "resource_id"),
            customer_phone=request.customer_phone.strip(),
            conversation_id=optional_id(request.conversation_id, "conversation_id"),
            start_date=parse_day(request.start_date, "start_date") if request.start_date else None,
            end_date=parse_day(request.end_date, "end_date") if request.end_date else None,
            status=enum_to_domain(request, "status", BookingStatus),
        )
        page = await handlers.list_bookings(command, self._uow())
        return pb.ListBookingsResponse(
            bookings=[booking_message(b) for b in page.items],
            page={"next_page_token": page.next_token},
        )

    async def _step(self, request, step) -> pb.Booking:
        booking = await handlers.change_booking(
            *tenant_and(request, "booking_id"), step, self._uow()
        )
        return booking_message(booking)

    async def ConfirmBooking(self, request, context):
        booking = await self._step(request, lambda b: b.confirmed(self._now()))
        return pb.ConfirmBookingResponse(booking=booking)

    async def CancelBooking(self, request, context):
        booking = await self._step(request, lambda b: b.cancelled(request.reason, self._now()))
        return pb.CancelBookingResponse(booking=booking)

    async def CompleteBooking(self, request, context):
        return pb.CompleteBookingResponse(
            booking=await self._step(request, lambda b: b.completed())
        )

    async def MarkNoShow(self, request, context):
        return pb.MarkNoShowResponse(booking=await self._step(request, lambda b: b.no_show()))

    async def RescheduleBooking(self, request, context):
        command = c.RescheduleBooking(
            *tenant_and(request, "booking_id"),
            booking_date=parse_day(request.booking_date, "booking_date"),
            start=parse_minutes(request.start_time, "start_time"),
            end=optional_minutes(request.end_time, "end_time"),
            resource_id=optional_id(request.resource_id, "resource_id"),
        )
        booking = await handlers.reschedule_booking(command, self._uow())
        return pb.RescheduleBookingResponse(booking=booking_message(booking))

    # -- the agent -------------------------------------------------------------------------

    async def HandleBookingTurn(self, request, context):
        return reply_message(await self._agent.handle(turn_from(request)))
