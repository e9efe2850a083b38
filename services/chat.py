"""`crm chat`: be a customer of the demo outlet; every line goes through the signed webhook."""

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console
from rich.markup import escape

from adapters.local.customer_webhooks import customer_message, signed

from .chat_commands import USAGE, CommandError, command_update
from .seed import DEMO_PHONE_NUMBER_ID
from .settings import Settings

console = Console()
QUIET_SECONDS = 1.5  # a reply is complete once nothing new arrived for this long
PATIENCE_SECONDS = 15.0


@dataclass
class Chat:
    settings: Settings
    customer: str
    name: str
    http: httpx.AsyncClient
    seen: int = -1  # index of the last send we showed
    options: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id, title)

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.settings.gateway_port}"

    async def say(self, line: str) -> None:
        if line.startswith("/"):
            update = await command_update(line, self.settings, self.http, self.customer, self.name)
        else:
            tap = self._tap(line)
            update = customer_message(DEMO_PHONE_NUMBER_ID, self.customer, self.name, line, tap)
        raw, headers = signed(update, self.settings.whatsapp_app_secret)
        answer = await self.http.post(
            f"{self.gateway}/webhooks/whatsapp", content=raw, headers=headers
        )
        if answer.status_code != 200:
            console.print(f"[red]webhook refused: {answer.status_code} {answer.text}[/]")

    def _tap(self, line: str) -> tuple[str, str, str] | None:
        """A number typed after a menu taps that option."""
        if line.isdigit() and 1 <= int(line) <= len(self.options):
            return self.options[int(line) - 1]
        return None

    async def sends(self) -> list[dict[str, Any]]:
        query = {"to": self.customer, "after": self.seen}
        found = (
            await self.http.get(
                f"{self.settings.whatsapp_api_base_url}/_standin/sent", params=query
            )
        ).json()
        return [s for s in found if s.get("type") != "read"]

    async def await_replies(self) -> None:
        loop = asyncio.get_running_loop()
        started = last = loop.time()
        shown = False
        while loop.time() - (last if shown else started) < (
            QUIET_SECONDS if shown else PATIENCE_SECONDS
        ):
            for send in await self.sends():
                self.seen = max(self.seen, send["index"])
                self.show(send["payload"])
                shown, last = True, loop.time()
            await asyncio.sleep(0.1)
        if not shown:
            console.print("[dim](no reply)[/]")

    def show(self, payload: dict[str, Any]) -> None:
        if payload["type"] == "text":
            console.print(f"[green]bot>[/] {payload['text']['body']}")
            return
        interactive = payload["interactive"]
        console.print(f"[green]bot>[/] {interactive['body']['text']}")
        self.options = _options(interactive)
        for number, (_, _, title) in enumerate(self.options, 1):
            console.print(f"      [cyan]{number}[/] {title}")


def _options(interactive: dict[str, Any]) -> list[tuple[str, str, str]]:
    if interactive["type"] == "button":
        return [
            ("button_reply", b["reply"]["id"], b["reply"]["title"])
            for b in interactive["action"]["buttons"]
        ]
    rows = [row for section in interactive["action"]["sections"] for row in section["rows"]]
    return [("list_reply", row["id"], row["title"]) for row in rows]


async def run_chat(settings: Settings, customer: str, name: str) -> int:
    async with httpx.AsyncClient(timeout=10) as http:
        chat = Chat(settings, customer, name, http)
        try:
            chat.seen = max([s["index"] for s in await chat.sends()], default=-1)
        except httpx.TransportError:
            console.print(
                "[red]The mesh is not running. Start it with `make run` in another terminal.[/]"
            )
            return 1
        console.print(f"You are [bold]{name}[/] (+{customer}) writing to the demo outlet. "
                      "Type a message; a number taps a menu option; Ctrl-D quits.\n"
                      f"Commands: {escape(USAGE)}")  # fmt: skip
        while True:
            try:
                line = (await asyncio.to_thread(console.input, "[bold]you> [/]")).strip()
            except (EOFError, KeyboardInterrupt):
                return 0
            if not line:
                continue
            try:
                await chat.say(line)
                await chat.await_replies()
            except CommandError as wrong:
                console.print(f"[yellow]{escape(str(wrong))}[/]")
            except httpx.TransportError as down:
                console.print(
                    f"[red]The mesh stopped answering ({down}). Is `make run` still up?[/]"
                )
