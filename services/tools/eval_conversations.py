"""Scripted customer conversations with the demo restaurant, through the real mesh.

Each conversation of tests/eval/conversations.yaml is a list of customer turns, posted one at a
time as signed WhatsApp webhooks through the gateway (as `crm chat` does) from a phone number of
its own; the bot's reply to each turn (every piece, with button and list titles) is read from the
Cloud API stand-in and checked against the turn's expectations:

    any: [..]        at least one of these appears in the reply (case-insensitive)
    all: [..]        every one of these appears; an item that is itself a list is met by any
                     one of its words ("all: [[9 PM, "21:00"], Tue]")
    none: [..]       none of these appears
    language: es     the reply reads as this language (LinguaDetector on the reply's text)
    handoff: true    the conversation is (true) / is not (false) waiting for a person
    booked: true     the customer has a booking that is not cancelled (false: none); or a
                     mapping {people: 4, at: "21:00", in_days: 1, weekday: sat} that one such
                     booking matches (in_days counts from the outlet's today)
    silent: true     no reply comes back (a person has the conversation)

A turn is `say: <text>`, or `tap: <title>` to tap an option of the previous reply. A reply
passes when all its checks hold; the figures are passed / checked replies and passed / all
conversations. One mesh on a fresh database with the demo business and its documents serves
every conversation; they run a few at a time, each waiting for a reply before its next turn.
"""

import asyncio
import os
import re
import tempfile
import time
import unicodedata
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.engine import URL

from adapters.local.customer_webhooks import customer_message, signed
from adapters.local.language_id import LinguaDetector
from adapters.postgres.admin import drop_database, ensure_database
from adapters.postgres.embedded import start_embedded
from adapters.postgres.migrate import upgrade
from adapters.postgres.urls import async_url, plain
from services.catalog import SERVICES
from services.demo.knowledge import seed_demo_documents
from services.seed import DEMO_PHONE_NUMBER_ID, seed_demo_business
from services.settings import Settings

from .mesh import Mesh, mesh_environment

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = ROOT / "tests" / "eval" / "conversations.yaml"
WEBHOOK = "/webhooks/whatsapp"
# A reply is complete once nothing more came for QUIET seconds after its first piece.
QUIET_SECONDS = 0.8
PATIENCE_SECONDS = 30.0  # for the first piece; the mesh shares two cores with the customers
SILENCE_SECONDS = 6.0  # how long a `silent` turn waits for a reply that must not come
CONCURRENCY = 6  # conversations in flight at once
NO_REPLY = "(no reply)"
# Country codes that make the numbers look like the customers' own.
COUNTRY_CODES = {"en": "44", "es": "34", "id": "62"}
CHECKS = ("any", "all", "none", "language", "handoff", "booked", "silent")
console = Console()


@dataclass(frozen=True, slots=True)
class Turn:
    say: str = ""
    tap: str = ""
    expect: dict[str, Any] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return self.say or f"[tap] {self.tap}"


@dataclass(frozen=True, slots=True)
class Conversation:
    name: str
    language: str
    turns: tuple[Turn, ...]
    customer: str = ""  # phone number, digits only; given by load_conversations
    customer_name: str = "Eval Customer"


@dataclass
class Reply:
    """What the bot sent back to one turn."""

    bodies: list[str] = field(default_factory=list)  # each piece's text
    options: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, id, title)
    extra: list[str] = field(default_factory=list)  # list row descriptions

    @property
    def text(self) -> str:
        """Everything the customer reads: the pieces, then the option titles."""
        return "\n".join([*self.bodies, *(title for _, _, title in self.options), *self.extra])


@dataclass
class TurnResult:
    turn: int
    customer: str
    reply: str
    checked: bool
    failed: list[str]
    seconds: float

    @property
    def passed(self) -> bool:
        return self.checked and not self.failed


@dataclass
class ConversationResult:
    conversation: Conversation
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return sum(t.checked for t in self.turns)

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.turns)

    @property
    def ok(self) -> bool:
        return self.passed == self.checked


def load_conversations(path: Path = CONVERSATIONS) -> list[Conversation]:
    """The conversations of the file, each with a phone number of its own."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    conversations = []
    names: set[str] = set()
    for index, raw in enumerate(data["conversations"], start=1):
        name, language = raw["name"], raw.get("language", "en")
        if name in names:
            raise ValueError(f"{path.name}: conversation {name!r} appears twice")
        names.add(name)
        turns = tuple(_turn(name, t) for t in raw["turns"])
        customer = raw.get("phone") or f"{COUNTRY_CODES.get(language, '1')}699{index:06d}"
        conversations.append(
            Conversation(name, language, turns, str(customer), raw.get("customer_name", "Eval"))
        )
    return conversations


def _turn(name: str, raw: dict[str, Any]) -> Turn:
    expect = raw.get("expect") or {}
    if unknown := set(expect) - set(CHECKS):
        raise ValueError(f"{name}: unknown check(s) {sorted(unknown)}; known: {CHECKS}")
    if bool(raw.get("say")) == bool(raw.get("tap")):
        raise ValueError(f"{name}: a turn either says something or taps an option: {raw}")
    if not isinstance(raw.get("say") or raw.get("tap"), str):  # YAML reads a bare yes as True
        raise ValueError(f"{name}: quote the customer's words in {raw}")
    return Turn(str(raw.get("say", "")), str(raw.get("tap", "")), expect)


# ---------------------------------------------------------------- the mesh and its database


def _server() -> URL:
    """DATABASE_URL's server when set, else the embedded PostgreSQL (as `make bench` uses)."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        return async_url(configured)
    return start_embedded(Settings().data_dir / "postgres")


@dataclass
class EvalMesh:
    mesh: Mesh
    tenant_id: str


@asynccontextmanager
async def eval_mesh(server: URL | None = None) -> AsyncIterator[EvalMesh]:
    """Every service behind Envoy on a fresh database holding the demo business and its
    documents (as `make run` has them); the database is dropped afterwards."""
    server = server or _server()
    name = f"crm_eval_{uuid.uuid4().hex[:10]}"
    url = await ensure_database(server, name)
    try:
        await upgrade(url)
        tenant_id, _ = await seed_demo_business(plain(url))
        with tempfile.TemporaryDirectory() as directory:
            logs = Path(directory)
            mesh = Mesh(mesh_environment(url, logs, LOG_LEVEL="WARNING"), logs)
            try:
                try:
                    await mesh.start("cloud-api", "payments", *SERVICES, "gateway")
                    await seed_demo_documents(mesh.settings, tenant_id)
                except Exception:
                    _show_logs(logs)
                    raise
                yield EvalMesh(mesh, str(tenant_id))
            finally:
                await mesh.stop_all()
    finally:
        await drop_database(server, name)


def _show_logs(logs: Path, lines: int = 30) -> None:
    """The end of every process's log, for a mesh that did not come up."""
    for log in sorted(logs.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-lines:]
        if tail:
            console.print(f"[bold]{log.name}[/bold]", highlight=False)
            console.print(escape("\n".join(tail)), highlight=False)


# ---------------------------------------------------------------- talking


class Customer:
    """One customer writing to the demo outlet through the gateway, reading the stand-in."""

    def __init__(self, target: EvalMesh, http: httpx.AsyncClient, conversation: Conversation):
        self.target = target
        self.http = http
        self.conversation = conversation
        self.seen = -1  # index of the last send read
        self.options: list[tuple[str, str, str]] = []

    @property
    def mesh(self) -> Mesh:
        return self.target.mesh

    async def send(self, turn: Turn) -> None:
        tap = self._option(turn.tap) if turn.tap else None
        update = customer_message(
            DEMO_PHONE_NUMBER_ID,
            self.conversation.customer,
            self.conversation.customer_name,
            turn.say or (tap[2] if tap else ""),
            tap,
        )
        raw, headers = signed(update, self.mesh.settings.whatsapp_app_secret)
        answer = await self.http.post(
            f"{self.mesh.gateway_url}{WEBHOOK}", content=raw, headers=headers
        )
        if answer.status_code != 200:
            raise RuntimeError(f"webhook refused: {answer.status_code} {answer.text}")

    def _option(self, title: str) -> tuple[str, str, str]:
        wanted = _fold(title)
        for option in self.options:
            if wanted in _fold(option[2]):
                return option
        raise LookupError(f"no option like {title!r} in {[o[2] for o in self.options]}")

    async def _sends(self) -> list[dict[str, Any]]:
        query = {"to": self.conversation.customer, "after": self.seen}
        found = (await self.http.get(f"{self.mesh.standin_url}/_standin/sent", params=query)).json()
        return [s for s in found if s.get("type") != "read"]

    async def reply(self, patience: float = PATIENCE_SECONDS) -> Reply | None:
        """The pieces sent after the last ones read: None when nothing came within `patience`;
        else once nothing more came for QUIET_SECONDS."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        reply, last = Reply(), None
        while True:
            now = loop.time()
            if last is None and now - started > patience:
                return None
            if last is not None and now - last > QUIET_SECONDS:
                break
            for send in await self._sends():
                self.seen = max(self.seen, send["index"])
                _read(send["payload"], reply)
                last = loop.time()
            await asyncio.sleep(0.1)
        if reply.options:
            self.options = reply.options
        return reply

    async def _customers(self, collection: str) -> list[dict[str, Any]]:
        """This customer's conversations or bookings, as staff see them over REST."""
        found = await self.http.get(
            f"{self.mesh.gateway_url}/v1/tenants/{self.target.tenant_id}/{collection}",
            params={"customer_phone": f"+{self.conversation.customer}"},
            headers=self.mesh.bearer("owner"),
        )
        found.raise_for_status()
        return found.json().get(collection, [])

    async def conversation_state(self) -> dict[str, Any]:
        """The customer's conversation as staff see it over REST."""
        listed = await self._customers("conversations")
        return listed[0] if listed else {}

    async def bookings(self) -> list[dict[str, Any]]:
        """The customer's bookings that are not cancelled, over the admin REST API."""
        return [
            b
            for b in await self._customers("bookings")
            if b.get("status", "") != "BOOKING_STATUS_CANCELLED"
        ]


def _read(payload: dict[str, Any], reply: Reply) -> None:
    """A piece's text and options, added to the reply."""
    if payload["type"] == "text":
        reply.bodies.append(payload["text"]["body"])
        return
    interactive = payload["interactive"]
    reply.bodies.append(interactive.get("body", {}).get("text", ""))
    if interactive["type"] == "button":
        reply.options = [
            ("button_reply", b["reply"]["id"], b["reply"]["title"])
            for b in interactive["action"]["buttons"]
        ]
        return
    rows = [row for section in interactive["action"]["sections"] for row in section["rows"]]
    reply.options = [*reply.options, *(("list_reply", r["id"], r["title"]) for r in rows)]
    reply.extra += [r["description"] for r in rows if r.get("description")]


# ---------------------------------------------------------------- checking


def _fold(text: str) -> str:
    """Lower case, typographic apostrophes straightened, runs of spaces made one."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u00a0", " ")
    return " ".join(text.lower().split())


def _has(text: str, words: str | list[str]) -> bool:
    """Whether the folded text holds the words (a list: any one of them) as whole words:
    "tim" is not found in "time", "Order #" is in "Order #1001"."""
    return any(
        _pattern(str(w)).search(text) for w in ([words] if isinstance(words, str) else words)
    )


def _pattern(words: str) -> re.Pattern[str]:
    folded = _fold(words)
    start = r"(?<!\w)" if folded[:1].isalnum() else ""
    end = r"(?!\w)" if folded[-1:].isalnum() else ""
    return re.compile(start + re.escape(folded) + end)


# Something the customer said, quoted back ("Sorry, I couldn't find 'kids menu'", "You also
# asked: "...""): it proves nothing about what the bot knows, so `any` and `all` skip it.
_QUOTED = re.compile(r"""(?<!\w)(?:'([^'\n]+)'|"([^"\n]+)"|“([^”\n]+)”)(?!\w)""")


def _without_echoes(reply: str, said: str) -> str:
    """The folded reply with every quoted piece of the customer's own message taken out."""
    return _QUOTED.sub(lambda m: " " if next(g for g in m.groups() if g) in said else m[0], reply)


class Checker:
    """The checks of one turn against the reply and the state the mesh holds."""

    def __init__(self, languages: LinguaDetector) -> None:
        self.languages = languages

    async def failures(
        self, customer: Customer, said: str, expect: dict, reply: Reply | None
    ) -> list[str]:
        """What fails of `expect` for the reply to `said`; empty when everything holds."""
        failed: list[str] = []
        if expect.get("silent"):
            if reply is not None:
                failed.append("silent: the bot replied")
        elif reply is None:
            return ["no reply"]
        text = _fold(reply.text) if reply else ""
        told = _without_echoes(text, _fold(said))
        if "any" in expect and not _has(told, expect["any"]):
            failed.append(f"any: none of {expect['any']}")
        if missing := [w for w in expect.get("all", []) if not _has(told, w)]:
            failed.append(f"all: missing {missing}")
        if present := [w for w in expect.get("none", []) if _has(text, w)]:
            failed.append(f"none: has {present}")
        if "language" in expect and reply is not None:
            body = "\n".join(reply.bodies)
            found = self.languages.detect(body)
            if found != expect["language"]:
                failed.append(f"language: {found or 'unclear'}, wanted {expect['language']}")
        if "handoff" in expect:
            handed = bool((await customer.conversation_state()).get("handoff_requested"))
            if handed != bool(expect["handoff"]):
                failed.append(f"handoff: {handed}, wanted {bool(expect['handoff'])}")
        if "booked" in expect:
            if problem := _booking_problem(await customer.bookings(), expect["booked"]):
                failed.append(f"booked: {problem}")
        return failed


def _booking_problem(bookings: list[dict[str, Any]], wanted: bool | dict) -> str:
    """Why the customer's live bookings do not meet `wanted`; empty when they do."""
    shown = ", ".join(
        f"{b.get('party_size')}p {b.get('booking_date')} {b.get('start_time')}" for b in bookings
    )
    if wanted is False:
        return f"has {shown}, wanted none" if bookings else ""
    if not bookings:
        return "no booking"
    if wanted is True:
        return ""
    today = datetime.now(UTC).date()  # the demo outlet keeps UTC
    day = None
    if "in_days" in wanted:
        day = (today + timedelta(days=int(wanted["in_days"]))).isoformat()
    weekday = str(wanted.get("weekday", ""))[:3].lower()
    for booking in bookings:
        booked_on = date.fromisoformat(booking.get("booking_date", "1970-01-01"))
        if (
            ("people" not in wanted or int(booking.get("party_size", 0)) == int(wanted["people"]))
            and ("at" not in wanted or booking.get("start_time") == wanted["at"])
            and (day is None or booked_on.isoformat() == day)
            and (not weekday or booked_on.strftime("%a").lower() == weekday)
        ):
            return ""
    return f"has {shown}, wanted {wanted}"


# ---------------------------------------------------------------- running


async def run_conversation(
    target: EvalMesh, http: httpx.AsyncClient, checker: Checker, conversation: Conversation
) -> ConversationResult:
    customer = Customer(target, http, conversation)
    result = ConversationResult(conversation)
    for number, turn in enumerate(conversation.turns, start=1):
        started = time.monotonic()
        try:
            await customer.send(turn)
        except LookupError as missing:  # a tap on an option the bot never offered
            result.turns.append(
                TurnResult(number, turn.shown, "", bool(turn.expect), [str(missing)], 0.0)
            )
            continue
        patience = SILENCE_SECONDS if turn.expect.get("silent") else PATIENCE_SECONDS
        reply = await customer.reply(patience)
        seconds = time.monotonic() - started
        failed = (
            await checker.failures(customer, turn.say or turn.tap, turn.expect, reply)
            if turn.expect
            else []
        )
        text = reply.text if reply else NO_REPLY
        result.turns.append(
            TurnResult(number, turn.shown, text, bool(turn.expect), failed, round(seconds, 2))
        )
    return result


async def run_all(
    target: EvalMesh,
    conversations: Sequence[Conversation],
    concurrency: int = CONCURRENCY,
    checker: Checker | None = None,
) -> list[ConversationResult]:
    """Every conversation, `concurrency` at a time; results in the order given.

    Those that book a table run one after another, in one of the slots: two customers
    proposed the same free table at once would race for it, and the loser's script would
    no longer fit what the bot says (the eval measures understanding, not that race)."""
    checker = checker or Checker(LinguaDetector())
    gate = asyncio.Semaphore(concurrency)
    results: dict[str, ConversationResult] = {}
    async with httpx.AsyncClient(timeout=30) as http:

        async def one(conversation: Conversation) -> None:
            results[conversation.name] = await run_conversation(target, http, checker, conversation)

        async def alone(conversation: Conversation) -> None:
            async with gate:
                await one(conversation)

        async def lane(queue: list[Conversation]) -> None:
            async with gate:
                for conversation in queue:
                    await one(conversation)

        booking = [c for c in conversations if books(c)]
        await asyncio.gather(lane(booking), *(alone(c) for c in conversations if not books(c)))
    return [results[c.name] for c in conversations]


def books(conversation: Conversation) -> bool:
    """Whether the conversation is meant to leave a booking at some turn."""
    return any(t.expect.get("booked") not in (None, False) for t in conversation.turns)


def figures_of(results: Sequence[ConversationResult], seconds: dict[str, float]) -> dict[str, Any]:
    """Pass rates overall and per language, every conversation's score and each failed reply."""
    checked = sum(r.checked for r in results)
    passed = sum(r.passed for r in results)
    languages: dict[str, dict[str, int]] = {}
    for r in results:
        figures = languages.setdefault(
            r.conversation.language,
            {"conversations": 0, "conversations_passed": 0, "replies_checked": 0,
             "replies_passed": 0},
        )  # fmt: skip
        figures["conversations"] += 1
        figures["conversations_passed"] += r.ok
        figures["replies_checked"] += r.checked
        figures["replies_passed"] += r.passed
    return {
        "conversations": len(results),
        "conversations_passed": sum(r.ok for r in results),
        "conversation_pass_rate": _rate(sum(r.ok for r in results), len(results)),
        "replies_checked": checked,
        "replies_passed": passed,
        "reply_pass_rate": _rate(passed, checked),
        "turns": sum(len(r.turns) for r in results),
        "reply_latency_s": _latency([t for r in results for t in r.turns]),
        "by_language": languages,
        "seconds": seconds,
        "per_conversation": [
            {
                "name": r.conversation.name,
                "language": r.conversation.language,
                "turns": len(r.turns),
                "checked": r.checked,
                "passed": r.passed,
            }
            for r in results
        ],
        "failures": [
            {
                "conversation": r.conversation.name,
                "turn": t.turn,
                "customer": t.customer,
                "reply": t.reply,
                "failed": t.failed,
            }
            for r in results
            for t in r.turns
            if t.failed
        ],
    }


def _latency(turns: list[TurnResult]) -> dict[str, float]:
    """Seconds from posting a turn to its whole reply (the quiet wait included), answered
    turns only."""
    answered = sorted(t.seconds for t in turns if t.reply and t.reply != NO_REPLY)
    if not answered:
        return {}
    return {"p50": answered[len(answered) // 2], "max": answered[-1]}


def _rate(passed: int, total: int) -> float:
    return round(passed / total, 4) if total else 0.0


async def evaluate_conversations(
    names: Sequence[str] = (), path: Path = CONVERSATIONS, server: URL | None = None
) -> dict[str, Any]:
    """Start the mesh once, run the conversations (those named, else all), and score them."""
    conversations = load_conversations(path)
    if names:
        conversations = [c for c in conversations if c.name in names]
    started = time.monotonic()
    async with eval_mesh(server) as target:
        ready = time.monotonic()
        checker = Checker(await asyncio.to_thread(LinguaDetector))
        results = await run_all(target, conversations, checker=checker)
        talked = time.monotonic()
    seconds = {
        "mesh_start": round(ready - started, 1),
        "conversations": round(talked - ready, 1),
        "total": round(time.monotonic() - started, 1),
    }
    return figures_of(results, seconds)


def print_figures(figures: dict[str, Any]) -> None:
    table = Table(title="conversations with the demo restaurant", box=box.SIMPLE, padding=(0, 1))
    for column in ("conversation", "lang", "turns", "passed/checked"):
        table.add_column(column, justify="left" if column == "conversation" else "right")
    for c in figures["per_conversation"]:
        style = "green" if c["passed"] == c["checked"] else "red"
        table.add_row(escape(c["name"]), c["language"], str(c["turns"]),
                      f"[{style}]{c['passed']}/{c['checked']}[/{style}]")  # fmt: skip
    console.print(table)
    for failure in figures["failures"]:
        console.print(
            f"[red]FAIL[/red] [bold]{escape(failure['conversation'])}[/bold] turn "
            f"{failure['turn']}: {escape(repr(failure['customer']))}\n"
            f"      bot: {escape(repr(failure['reply']))}\n"
            f"      [red]{escape('; '.join(failure['failed']))}[/red]",
            highlight=False,
        )
    by_language = ", ".join(
        f"{code} {f['replies_passed']}/{f['replies_checked']} replies, "
        f"{f['conversations_passed']}/{f['conversations']} conversations"
        for code, f in figures["by_language"].items()
    )
    seconds = figures["seconds"]
    console.print(
        f"[bold]conversations[/bold]: replies {figures['replies_passed']}/"
        f"{figures['replies_checked']} passed ({figures['reply_pass_rate']:.1%}), conversations "
        f"{figures['conversations_passed']}/{figures['conversations']} passed "
        f"({figures['conversation_pass_rate']:.1%}); {by_language}; mesh start "
        f"{seconds['mesh_start']} s, conversations {seconds['conversations']} s, reply p50 "
        f"{figures['reply_latency_s'].get('p50', '-')} s"
    )


def conversations() -> dict[str, Any]:
    """The `conversations` part of services/tools/evaluate.py; EVAL_CONVERSATIONS=name,name
    runs only those."""
    names = [n for n in os.environ.get("EVAL_CONVERSATIONS", "").split(",") if n.strip()]
    figures = asyncio.run(evaluate_conversations([n.strip() for n in names]))
    print_figures(figures)
    return figures
