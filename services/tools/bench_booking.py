"""Bookings under contention: many concurrent creates of one resource's slot, then spread out.

Round "contention": `tasks` overlapping creates on ONE resource; the exclusion constraint
lets exactly one through and the rest become SlotTaken. Round "spread": `tasks` creates of
distinct half-hour slots of the same resource, which should all succeed. Calls go straight
to the use cases and the Postgres adapter (no gRPC), with a new tenant for every run.
"""

import asyncio
import time
import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import create_async_engine

from adapters.postgres.booking_repository import SqlAlchemyBookingUnitOfWork
from adapters.postgres.database import session_factory
from adapters.postgres.urls import async_url
from core.booking import admin, handlers
from core.booking import commands as c
from core.booking.errors import SlotTaken
from core.booking.model import ResourceType, utcnow
from core.booking.venue import Period


def _first_day() -> date:
    """A Monday a fortnight or more ahead: every slot upcoming, all within the booking horizon."""
    today = date.today()
    return today + timedelta(weeks=2, days=(7 - today.weekday()) % 7)


FIRST_DAY = _first_day()
SLOTS_A_DAY = 48  # half hours of a day open round the clock


async def _setup(uow) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    tenant_id, outlet_id = uuid.uuid4(), uuid.uuid4()
    always = tuple(Period(day, 0, 24 * 60) for day in range(7))
    await admin.set_opening_hours(c.SetOpeningHours(tenant_id, outlet_id, always), uow())
    fields = {"name": "Court 1", "type": ResourceType.COURT, "capacity": 4}
    court = await admin.create_resource(c.CreateResource(tenant_id, outlet_id, fields), uow())
    return tenant_id, outlet_id, court.id


async def _round(uow, commands: list[c.CreateBooking]) -> dict:
    async def one(command: c.CreateBooking) -> bool:
        try:
            await handlers.create_booking(command, uow(), utcnow)
        except SlotTaken:
            return False
        return True

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(command) for command in commands))
    seconds = time.perf_counter() - started
    won = sum(outcomes)
    return {"attempts": len(commands), "succeeded": won, "conflicts": len(commands) - won,
            "seconds": round(seconds, 3), "bookings_per_s": round(len(commands) / seconds, 1)}  # fmt: skip


def _commands(ids: tuple[uuid.UUID, uuid.UUID, uuid.UUID], tasks: int) -> dict[str, list]:
    """Overlapping two-hour creates of one afternoon, and distinct half hours of later days."""
    tenant_id, outlet_id, court = ids

    def create(day: date, start: int, minutes: int) -> c.CreateBooking:
        return c.CreateBooking(tenant_id, outlet_id, "+34600000000", day, start,
                               start + minutes, resource_id=court)  # fmt: skip

    return {
        "contention": [create(FIRST_DAY, 12 * 60 + i % 4 * 30, 120) for i in range(tasks)],
        "spread": [
            create(FIRST_DAY + timedelta(days=1 + i // SLOTS_A_DAY), i % SLOTS_A_DAY * 30, 30)
            for i in range(tasks)
        ],
    }


async def run(database_url: str, tasks: int = 200) -> dict:
    """Both rounds on an already migrated database; the totals, and each round's figures."""
    engine = create_async_engine(async_url(database_url), pool_size=20, max_overflow=20)
    sessions = session_factory(engine)

    def uow() -> SqlAlchemyBookingUnitOfWork:
        return SqlAlchemyBookingUnitOfWork(sessions)

    try:
        rounds = _commands(await _setup(uow), tasks)
        figures = {name: await _round(uow, commands) for name, commands in rounds.items()}
    finally:
        await engine.dispose()
    return _totals(figures)


def _totals(rounds: dict[str, dict]) -> dict:
    seconds = sum(r["seconds"] for r in rounds.values())
    attempts = sum(r["attempts"] for r in rounds.values())
    return {
        "bookings_per_s": round(attempts / seconds, 1),
        "conflicts": sum(r["conflicts"] for r in rounds.values()),
        "succeeded": sum(r["succeeded"] for r in rounds.values()),
        "seconds": round(seconds, 3),
        "rounds": rounds,
    }
