"""Booking reminders on real Postgres: sent once within the tenant's lead time, in the
customer's language, by any number of sweepers at once; refused ones are not tried forever,
ones that cannot go now are tried again; a moved booking is reminded of its new time."""

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta

import pytest

from core.booking import commands as c
from core.booking import handlers
from core.booking.ports import Reminder
from core.booking.reminders import ReminderSweeper
from core.shared.errors import FailedPrecondition, Unavailable
from tests.fakes import FakeClock

from .booking_support import FRIDAY, OUTLET, PHONE, TENANT, booking_uow, restaurant

__all__ = ["booking_uow", "restaurant"]

CONVERSATION = uuid.uuid4()
# 16:00 UTC on the Friday: a 19:00 booking in Madrid (UTC+1 in winter, +2 in summer) is
# one or two hours ahead, a 22:00 one four or five.
FRIDAY_AFTERNOON = datetime.combine(FRIDAY, time(16), tzinfo=UTC)


class Tenants:
    def __init__(self, minutes: int = 180) -> None:
        self.minutes = minutes

    async def booking_reminder_minutes(self, tenant_id) -> int:
        return self.minutes

    async def outlet_timezone(self, tenant_id, outlet_id) -> str:
        return "Europe/Madrid"


class Languages:
    async def language(self, tenant_id, conversation_id) -> str:
        return "es"


class Notifier:
    def __init__(self, failure: Exception | None = None) -> None:
        self.sent: list[Reminder] = []
        self.failure = failure

    async def remind(self, reminder: Reminder) -> None:
        await asyncio.sleep(0.01)  # a network call: sweepers overlap here
        if self.failure:
            raise self.failure
        self.sent.append(reminder)


def sweeper(booking_uow, notifier, tenants=None, at=FRIDAY_AFTERNOON) -> ReminderSweeper:
    tenants = tenants or Tenants()
    clock = FakeClock(at)
    return ReminderSweeper(booking_uow, tenants, tenants, Languages(), notifier, clock, 60)


THURSDAY = datetime.combine(FRIDAY - timedelta(days=1), time(10), tzinfo=UTC)


async def book(booking_uow, start: int, confirmed: bool = True, at: datetime = THURSDAY):
    command = c.CreateBooking(
        TENANT, OUTLET, PHONE, FRIDAY, start, party_size=2,
        conversation_id=CONVERSATION, confirmed=confirmed,
    )  # fmt: skip
    return await handlers.create_booking(command, booking_uow(), FakeClock(at))


async def test_a_confirmed_booking_inside_the_lead_time_is_reminded_once_in_spanish(
    booking_uow, restaurant
):
    soon = await book(booking_uow, 19 * 60)
    await book(booking_uow, 22 * 60)  # four or five hours ahead: not yet
    await book(booking_uow, 20 * 60, confirmed=False)  # pending: not reminded
    notifier = Notifier()
    assert await sweeper(booking_uow, notifier).sweep() == 1
    assert await sweeper(booking_uow, notifier).sweep() == 0
    (reminder,) = notifier.sent
    assert reminder.booking.id == soon.id
    assert reminder.text.startswith("Te recordamos tu reserva") and "19:00" in reminder.text
    assert reminder.buttons == (
        (f"reminder:confirm:{soon.id}", "Allí estaré"),
        (f"reminder:cancel:{soon.id}", "Cancelar reserva"),
    )
    assert (reminder.template, reminder.parameters[0]) == ("booking_reminder", soon.booking_number)


async def test_sweepers_on_several_replicas_send_each_reminder_once(booking_uow, restaurant):
    for start in (18 * 60 + 30, 19 * 60, 19 * 60 + 30):
        await book(booking_uow, start)
    notifier = Notifier()
    counts = await asyncio.gather(*(sweeper(booking_uow, notifier).sweep() for _ in range(4)))
    assert sum(counts) == len(notifier.sent) == 3
    assert len({r.booking.id for r in notifier.sent}) == 3


async def test_a_booking_made_inside_its_lead_time_gets_no_reminder(booking_uow, restaurant):
    await book(booking_uow, 19 * 60, at=FRIDAY_AFTERNOON)  # "Booked! ... See you then!"
    notifier = Notifier()
    assert await sweeper(booking_uow, notifier).sweep() == 0
    later = FRIDAY_AFTERNOON + timedelta(minutes=30)
    assert await sweeper(booking_uow, notifier, at=later).sweep() == 0
    assert notifier.sent == []


async def test_no_lead_time_no_reminders(booking_uow, restaurant):
    await book(booking_uow, 19 * 60)
    notifier = Notifier()
    assert await sweeper(booking_uow, notifier, Tenants(minutes=0)).sweep() == 0
    assert notifier.sent == []


@pytest.mark.parametrize(
    ("failure", "tried_again"),
    [
        (FailedPrecondition("the window is closed and no template is approved"), False),
        (Unavailable("messaging is down"), True),
    ],
)
async def test_a_refused_reminder_is_given_up_one_that_cannot_go_now_is_tried_again(
    booking_uow, restaurant, failure, tried_again
):
    await book(booking_uow, 19 * 60)
    assert await sweeper(booking_uow, Notifier(failure)).sweep() == 0
    assert await sweeper(booking_uow, Notifier()).sweep() == int(tried_again)


async def test_a_moved_booking_is_reminded_of_its_new_time(booking_uow, restaurant):
    booking = await book(booking_uow, 19 * 60)
    notifier = Notifier()
    assert await sweeper(booking_uow, notifier).sweep() == 1
    move = c.RescheduleBooking(TENANT, booking.id, FRIDAY, 19 * 60 + 30)
    await handlers.reschedule_booking(move, booking_uow())
    assert await sweeper(booking_uow, notifier).sweep() == 1
    assert "19:30" in notifier.sent[-1].text
