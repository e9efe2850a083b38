"""A local stand-in for the WhatsApp Cloud API: validates and records sends, fails on demand.

    python -m adapters.local.cloud_api_standin --host 127.0.0.1 --port 8090 --token T

Control endpoints for tests: GET/DELETE /_standin/sent (?to=, ?after=<index>),
POST /_standin/fail {"status": 429, "count": 2, "code": 130429}, GET /_standin/health;
templates: see standin_templates.
"""

import argparse
import asyncio
import json
import logging
import signal
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .cloud_api_rules import Refusal, check_message, error_body
from .standin_media import add_media_routes
from .standin_templates import TemplateBook, add_template_routes

log = logging.getLogger("cloud_api_standin")
DEFAULT_CODES = {401: 190, 429: 130429}  # else 5xx -> 131000, other 4xx -> 100


@dataclass
class StandinState:
    """What the stand-in has accepted, and the failures planned for the next requests."""

    token: str
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0  # every POST to /messages, refused ones included
    planned: deque[tuple[int, int]] = field(default_factory=deque)  # (HTTP status, code)
    templates: TemplateBook = field(default_factory=TemplateBook)

    def plan_failures(self, status: int, count: int, code: int | None = None) -> None:
        default = DEFAULT_CODES.get(status, 131000 if status >= 500 else 100)
        self.planned.extend([(status, code or default)] * count)

    def record(self, phone_number_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Keep an accepted body; return the record (with its wamid for a send)."""
        entry = {
            "index": len(self.sent),
            "at": time.time(),  # when it arrived, for end-to-end latency measurements
            "phone_number_id": phone_number_id,
            "payload": payload,
        }
        if "status" in payload:
            entry.update(type="read", message_id=payload["message_id"])
        else:
            # Unique across restarts, like Meta's: a database may outlive this process.
            wamid = f"wamid.STANDIN{uuid.uuid4().hex}"
            entry.update(type=payload.get("type", "text"), to=payload["to"], id=wamid)
        self.sent.append(entry)
        return entry

    def query(self, to: str | None, after: int | None) -> list[dict[str, Any]]:
        start = 0 if after is None else max(after + 1, 0)
        return [e for e in self.sent[start:] if to is None or e.get("to") == to]


STATE = web.AppKey("state", StandinState)


async def messages(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.requests += 1
    if request.headers.get("Authorization") != f"Bearer {state.token}":
        return _error(401, 190)
    if state.planned:
        return _error(*state.planned.popleft())
    try:
        payload = json.loads(await request.read())
        check_message(payload)
        if payload.get("type") == "template":
            state.templates.check_send(request.match_info["phone_number_id"], payload["template"])
    except ValueError:
        return _error(400, 100, "The request body is not valid JSON")
    except Refusal as refusal:
        return _error(400, refusal.code, refusal.details, refusal.message)
    entry = state.record(request.match_info["phone_number_id"], payload)
    return web.json_response(_accepted(entry))


def _accepted(entry: dict[str, Any]) -> dict[str, Any]:
    """Meta's answer to an accepted mark-as-read or send."""
    if entry["type"] == "read":
        return {"success": True}
    to = entry["to"]
    return {
        "messaging_product": "whatsapp",
        "contacts": [{"input": to, "wa_id": "".join(filter(str.isdigit, to))}],
        "messages": [{"id": entry["id"]}],
    }


def _error(status: int, code: int, details: str = "", message: str = "") -> web.Response:
    headers = {"Retry-After": "0"} if status == 429 else None
    return web.json_response(error_body(code, details, message), status=status, headers=headers)


async def list_sent(request: web.Request) -> web.Response:
    after = request.query.get("after")
    if after is not None and not after.lstrip("-").isdigit():
        raise web.HTTPBadRequest(text="after must be an integer index")
    state = request.app[STATE]
    index = int(after) if after is not None else None
    return web.json_response(state.query(request.query.get("to"), index))


async def clear_sent(request: web.Request) -> web.Response:
    request.app[STATE].sent.clear()
    return web.json_response({"cleared": True})


async def plan_failure(request: web.Request) -> web.Response:
    try:
        plan = await request.json()
        status, count, code = int(plan["status"]), int(plan.get("count", 1)), plan.get("code")
    except (ValueError, KeyError, TypeError) as error:
        raise web.HTTPBadRequest(text=f"expected {{status, count?, code?}}: {error}") from error
    request.app[STATE].plan_failures(status, count, code)
    return web.json_response({"planned": len(request.app[STATE].planned)})


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def build_app(state: StandinState) -> web.Application:
    app = web.Application()
    app[STATE] = state
    app.router.add_post("/{version}/{phone_number_id}/messages", messages)
    app.router.add_get("/_standin/sent", list_sent)
    app.router.add_delete("/_standin/sent", clear_sent)
    app.router.add_post("/_standin/fail", plan_failure)
    app.router.add_get("/_standin/health", health)
    add_media_routes(app, state.token)
    add_template_routes(app, state.templates)
    return app


@asynccontextmanager
async def running_standin(
    port: int = 0,
    token: str = "local-access-token",
    host: str = "127.0.0.1",
    numbers: dict[str, str] | None = None,
) -> AsyncIterator[tuple[str, StandinState]]:
    """Serve the stand-in in this event loop; yield its base URL and its state. `numbers`
    maps business numbers to the business accounts holding their templates."""
    state = StandinState(token=token, templates=TemplateBook(numbers=dict(numbers or {})))
    runner = web.AppRunner(build_app(state), access_log=log, access_log_format='"%r" %s %Tfs')
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    try:
        yield f"http://{bound_host}:{bound_port}", state
    finally:
        await runner.cleanup()


async def serve(host: str, port: int, token: str, numbers: dict[str, str]) -> None:
    """Run until SIGTERM or SIGINT, then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with running_standin(port, token, host, numbers) as (base_url, _):
        log.info("Cloud API stand-in listening on %s", base_url)
        await stop.wait()
    log.info("Cloud API stand-in stopped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--token", default="local-access-token")
    parser.add_argument(
        "--number", action="append", default=[], metavar="PHONE_NUMBER_ID=BUSINESS_ACCOUNT_ID",
        help="a business number and the account holding its templates (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    numbers = dict(pair.split("=", 1) for pair in args.number)
    asyncio.run(serve(args.host, args.port, args.token, numbers))


if __name__ == "__main__":
    main()
