"""The queue drainer: bounded concurrency, woken by new work, and nothing left behind."""

import asyncio

from core.messaging.drain import Drainer


class Queue:
    def __init__(self, items: list[int]) -> None:
        self.items = items
        self.claims = 0
        self.in_hand = 0
        self.most_in_hand = 0
        self.done: list[int] = []

    async def claim(self, limit: int) -> list[int]:
        self.claims += 1
        taken, self.items = self.items[:limit], self.items[limit:]
        return taken

    async def handle(self, item: int) -> None:
        self.in_hand += 1
        self.most_in_hand = max(self.most_in_hand, self.in_hand)
        await asyncio.sleep(0.01)
        self.in_hand -= 1
        self.done.append(item)


async def run_until(queue: Queue, drainer: Drainer, count: int) -> None:
    stopping = asyncio.Event()
    task = asyncio.create_task(drainer.run(stopping))
    for _ in range(500):
        if len(queue.done) >= count:
            break
        await asyncio.sleep(0.01)
    stopping.set()
    await task


async def test_a_backlog_is_worked_with_bounded_concurrency():
    queue = Queue(list(range(50)))
    await run_until(
        queue, Drainer("t", queue.claim, queue.handle, concurrency=8, poll_seconds=5), 50
    )
    assert sorted(queue.done) == list(range(50))
    assert queue.most_in_hand == 8


async def test_new_work_is_taken_when_woken_not_at_the_next_poll():
    queue = Queue([])
    drainer = Drainer("t", queue.claim, queue.handle, concurrency=4, poll_seconds=30)
    stopping = asyncio.Event()
    task = asyncio.create_task(drainer.run(stopping))
    await asyncio.sleep(0.05)
    queue.items.append(7)
    drainer.wake()
    await asyncio.sleep(0.1)
    stopping.set()
    await task
    assert queue.done == [7]


async def test_idle_drainer_does_not_hammer_the_queue():
    queue = Queue([1, 2])
    await run_until(
        queue, Drainer("t", queue.claim, queue.handle, concurrency=4, poll_seconds=0.2), 2
    )
    await asyncio.sleep(0)
    assert queue.claims <= 3
