"""Fakes of the analytics ports: an in-memory event store that records the rollups."""

import pytest


class FakeEventStore:
    def __init__(self) -> None:
        self.events: dict[tuple, object] = {}  # by (tenant, event id)
        self.rollups: list = []

    async def add_new(self, events):
        new = []
        for event in events:
            if (key := (event.tenant_id, event.event_id)) not in self.events:
                self.events[key] = event
                new.append(event)
        return new

    async def add_to_rollups(self, sums) -> None:
        self.rollups.extend(sums)


class FakeAnalyticsUnitOfWork:
    def __init__(self) -> None:
        self.events = FakeEventStore()
        self.commits = 0

    async def __aenter__(self):
        return self

    async def __aexit__(self, *args) -> None:
        pass

    async def commit(self) -> None:
        self.commits += 1


@pytest.fixture
def uow() -> FakeAnalyticsUnitOfWork:
    return FakeAnalyticsUnitOfWork()
