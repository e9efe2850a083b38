"""Load generator: signed webhooks from many distinct customers, latencies from both ends.

Runs as its own process (`python -m services.tools.loadgen ...`) and prints one JSON
object: acknowledgement latency (POST to 200), end-to-end latency (POST to the reply
recorded by the Cloud API stand-in) and the sustained rate of answered messages.
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from typing import Any

import httpx

from adapters.local.customer_webhooks import customer_message, signed


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    """Milliseconds: p50, p99, mean, max."""
    ms = [v * 1000 for v in values]
    return {
        "p50_ms": round(percentile(ms, 0.50), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
        "max_ms": round(max(ms), 2) if ms else float("nan"),
    }


async def _post_all(args, http: httpx.AsyncClient, customers: list[str]) -> tuple[dict, list]:
    """POST one message per customer at the target rate; when each was posted, ack latencies."""
    posted: dict[str, float] = {}
    acks: list[float] = []
    gate = asyncio.Semaphore(args.concurrency)
    interval = 1.0 / args.rate if args.rate else 0.0
    start = time.perf_counter()

    async def one(i: int, customer: str) -> None:
        if interval:
            await asyncio.sleep(max(0.0, start + i * interval - time.perf_counter()))
        update = customer_message(args.phone_number_id, customer, "Load", "What time do you open?")
        raw, headers = signed(update, args.app_secret)
        async with gate:
            posted[customer] = time.time()
            began = time.perf_counter()
            response = await http.post(
                f"{args.gateway}/webhooks/whatsapp", content=raw, headers=headers
            )
            acks.append(time.perf_counter() - began)
        response.raise_for_status()

    await asyncio.gather(*(one(i, c) for i, c in enumerate(customers)))
    return posted, acks


async def _replies(args, http: httpx.AsyncClient, posted: dict[str, float]) -> dict[str, float]:
    """When the first reply to each customer reached the stand-in (waits up to --timeout)."""
    deadline = time.monotonic() + args.timeout
    first: dict[str, float] = {}
    after = -1
    while len(first) < len(posted) and time.monotonic() < deadline:
        sends = (await http.get(f"{args.standin}/_standin/sent", params={"after": after})).json()
        for send in sends:
            after = max(after, send["index"])
            if send.get("to") in posted:
                first.setdefault(send["to"], send["at"])
        await asyncio.sleep(0.2)
    return first


async def run(args) -> dict[str, Any]:
    run_id = uuid.uuid4().int % 10**6
    customers = [f"9{run_id:06d}{i:06d}" for i in range(args.messages)]
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        began = time.time()
        posted, acks = await _post_all(args, http, customers)
        posted_in = time.time() - began
        first = await _replies(args, http, posted)
    e2e = [first[c] - posted[c] for c in first]
    answered_in = (max(first.values()) - began) if first else float("nan")
    return {
        "messages": args.messages,
        "answered": len(first),
        "target_rate_per_s": args.rate or "unbounded",
        "concurrency": args.concurrency,
        "ack_latency": summary(acks),
        "end_to_end_latency": summary(e2e),
        "posted_per_s": round(args.messages / posted_in, 1),
        "sustained_answered_per_s": round(len(first) / answered_in, 1) if first else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--standin", required=True)
    parser.add_argument("--app-secret", required=True)
    parser.add_argument("--phone-number-id", required=True)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument(
        "--rate", type=float, default=0.0, help="messages/s; 0 = as fast as allowed"
    )
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--timeout", type=float, default=120.0)
    result = asyncio.run(run(parser.parse_args(argv)))
    json.dump(result, sys.stdout)
    return 0 if result["answered"] == result["messages"] else 1


if __name__ == "__main__":
    sys.exit(main())
