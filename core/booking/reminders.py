"""Booking reminders: some time before each confirmed booking (the tenant's lead time) the
customer hears of it on WhatsApp, with buttons to confirm or cancel that act on the booking.

Each reminder is sent once: one pass runs at a time across replicas, each booking is held
(row lock, skipped when another holds it) from the send until it is marked reminded, and
messaging queues a repeated idempotency key once. A reminder that can never go (no template
outside the window, the customer opted out) is marked too, so it is not tried forever; one
that cannot go now (messaging down) is tried on the next pass. A booking made inside its
lead time gets none: its confirmation was the reminder.
"""

import asyncio
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from core.shared.errors import FailedPrecondition, InvalidInput, Unavailable
from core.shared.periodic import RunAlone, alone, every
from core.shared.scope import across_tenants, acting_for

from .model import Booking
from .phrases import Phrases
from .ports import (
    Clock,
    CustomerLanguages,
    OutletTimezones,
    Reminder,
    ReminderNotifier,
    ReminderSettings,
)

log = logging.getLogger(__name__)

CALLER = "booking-reminders"
ALONE = "bookings.reminders"
TEMPLATE = "booking_reminder"  # the tenant's template: {{1}} booking number, {{2}} when
CONFIRM, CANCEL = "confirm", "cancel"
# What a reminder's buttons return: reminder:confirm:<booking id>, reminder:cancel:<id>.
_REPLY = re.compile(r"^reminder:(confirm|cancel):([0-9a-f-]{36})$")
# A week of lead time (the most a tenant may set) and a day of time zones either side.
_DAYS_BEFORE, _DAYS_AHEAD = 1, 8


def reminder_reply(reply_id: str) -> tuple[str, uuid.UUID] | None:
    """(confirm or cancel, the booking) when the customer tapped a reminder's button."""
    match = _REPLY.match(reply_id)
    return (match.group(1), uuid.UUID(match.group(2))) if match else None


def starts_at(booking: Booking, zone: str) -> datetime:
    local = datetime.combine(booking.booking_date, datetime.min.time(), ZoneInfo(zone))
    return (local + timedelta(minutes=booking.start)).astimezone(UTC)


def reminder_of(booking: Booking, language: str) -> Reminder:
    words = Phrases(language)
    when = words.when(booking.booking_date, booking.start)
    buttons = tuple(
        (f"reminder:{action}:{booking.id}", words.say(f"reminder.{action}"))
        for action in (CONFIRM, CANCEL)
    )
    line = words.booking_line(booking, "")
    return Reminder(
        booking, words.say("reminder", line=line), buttons, TEMPLATE, (booking.booking_number, when)
    )


class _Decision(Enum):
    SEND = "send"
    SKIP = "skip"  # marked reminded without a message
    WAIT = "wait"


class ReminderSweeper:
    def __init__(
        self,
        unit_of_work: Callable,
        settings: ReminderSettings,
        outlets: OutletTimezones,
        languages: CustomerLanguages,
        notifier: ReminderNotifier,
        clock: Clock,
        poll_seconds: float,
        *,
        alone: RunAlone | None = None,
    ) -> None:
        self._uow = unit_of_work
        self._settings = settings
        self._outlets = outlets
        self._languages = languages
        self._notifier = notifier
        self._now = clock
        self._poll = poll_seconds
        self._alone = alone

    async def sweep(self) -> int:
        """One pass (none while another replica's runs); the number of reminders sent."""
        return await alone(self._alone, ALONE, CALLER, self._sweep)

    async def run(self, stopping: asyncio.Event) -> None:
        await every(self._poll, stopping, self.sweep, "booking reminders")

    async def _sweep(self) -> int:
        now = self._now()
        today = now.date()
        with across_tenants(CALLER):
            async with self._uow() as uow:
                waiting = await uow.reminders.candidates(
                    today - timedelta(days=_DAYS_BEFORE), today + timedelta(days=_DAYS_AHEAD)
                )
        sent = 0
        for booking in waiting:
            with acting_for(booking.tenant_id, CALLER):
                decision = await self._decide(booking, now)
                if decision is not _Decision.WAIT:
                    sent += await self._settle(booking.id, now, decision is _Decision.SEND)
        if sent:
            log.info("sent %d booking reminders", sent)
        return sent

    async def _decide(self, booking: Booking, now: datetime) -> _Decision:
        """Send once the lead time is reached; skip a booking made inside it (its
        confirmation said it all a moment ago) or already begun; else wait."""
        lead = await self._settings.booking_reminder_minutes(booking.tenant_id)
        if not lead:
            return _Decision.WAIT
        zone = await self._outlets.outlet_timezone(booking.tenant_id, booking.outlet_id)
        start = starts_at(booking, zone)
        opens = start - timedelta(minutes=lead)
        if now < opens:
            return _Decision.WAIT
        if now >= start or (booking.confirmed_at is not None and booking.confirmed_at >= opens):
            return _Decision.SKIP
        return _Decision.SEND

    async def _settle(self, booking_id: uuid.UUID, now: datetime, send: bool) -> int:
        """Send (unless skipped) and mark in one transaction holding the booking: 1 when sent.
        A reminder refused for good is marked too; one that cannot go now is left."""
        async with self._uow() as uow:
            booking = await uow.reminders.hold(booking_id)
            if booking is None:
                return 0  # another replica has it, or it changed since
            sent = 0
            if send:
                try:
                    await self._send(booking)
                    sent = 1
                except Unavailable as down:  # not now: the next pass tries again
                    log.warning("reminder of booking %s waits: %s", booking.id, down.message)
                    return 0
                except (FailedPrecondition, InvalidInput) as refused:
                    log.info("booking %s gets no reminder: %s", booking.id, refused.message)
            await uow.reminders.mark_reminded(booking.id, now)
            await uow.commit()
        return sent

    async def _send(self, booking: Booking) -> None:
        if booking.conversation_id is None:
            raise FailedPrecondition("it was not made in a WhatsApp conversation")
        language = await self._languages.language(booking.tenant_id, booking.conversation_id)
        await self._notifier.remind(reminder_of(booking, language))
