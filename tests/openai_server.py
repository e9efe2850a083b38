"""A local server speaking OpenAI's REST API, so the real SDK runs in tests: rules, faults, a log."""

import asyncio
import base64
import contextlib
import hashlib
import json
import re
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import numpy as np
from aiohttp import web

from tests.openai_rules import classify, grounded_reply

ERRORS = {
    429: (
        "Rate limit reached for requests. Please try again later.",
        "requests",
        "rate_limit_exceeded",
    ),
    500: ("The server had an error while processing your request.", "server_error", None),
    400: ("Invalid request.", "invalid_request_error", None),
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
}
NATIVE_DIMENSIONS = {"text-embedding-3-large": 3072}


@dataclass
class OpenAIServerState:
    """Requests received (with the usage answered), and the faults planned for the next ones."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    faults: deque[int | str] = field(default_factory=deque)  # an HTTP status, or "hang"
    raw_replies: deque[str] = field(default_factory=deque)  # next tool arguments / contents
    retry_after: str = "0"
    hang_seconds: float = 2.0
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def fail_next(self, fault: int | str, count: int = 1) -> None:
        self.faults.extend([fault] * count)

    def reset(self) -> None:
        self.requests.clear()
        self.faults.clear()
        self.raw_replies.clear()
        self.retry_after = "0"

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests if r["path"] == path]


STATE = web.AppKey("state", OpenAIServerState)
BODY = web.RequestKey("body", dict)


def _error(status: int, message: str = "", headers: dict[str, str] | None = None) -> web.Response:
    default, kind, code = ERRORS.get(status, ERRORS[500])
    error = {"message": message or default, "type": kind, "param": None, "code": code}
    return web.json_response({"error": error}, status=status, headers=headers)


@web.middleware
async def openai_front(request: web.Request, handler: Any) -> web.StreamResponse:
    """Log every request, then play the planned fault, if any, instead of the handler."""
    state = request.app[STATE]
    raw = await request.read()  # multipart (transcriptions) is kept, and read by its handler
    body = json.loads(raw or b"{}") if request.content_type != "multipart/form-data" else {}
    entry = {"path": request.path, "body": body}
    state.requests.append(entry)
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        return _error(401)
    fault = state.faults.popleft() if state.faults else None
    if fault == "hang":  # past the client's timeout, then answer as usual
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(state.released.wait(), state.hang_seconds)
    elif fault is not None:
        headers = {"Retry-After": state.retry_after} if fault == 429 else None
        return _error(int(fault), headers=headers)
    request[BODY] = body
    response = await handler(request)
    entry["usage"] = json.loads(response.body).get("usage")
    return response


async def chat_completions(request: web.Request) -> web.Response:
    body = request[BODY]
    messages = body.get("messages") or []
    if not body.get("model") or not messages:
        return _error(400, "model and messages are required")
    raw = request.app[STATE].raw_replies
    if body.get("tools"):
        message, output = _tool_call(body["tools"][0]["function"], messages, raw)
    else:
        output = raw.popleft() if raw else json.dumps(grounded_reply(messages[-1]["content"]))
        message = {"role": "assistant", "content": output}
    finish = "tool_calls" if "tool_calls" in message else "stop"
    prompt = _tokens(" ".join(str(m.get("content")) for m in messages))
    return web.json_response(
        {
            "id": f"chatcmpl-{uuid.uuid4().hex[:29]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": f"{body['model']}-2024-07-18",
            "choices": [
                {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
            ],
            "usage": _usage(prompt, _tokens(output)),
            "system_fingerprint": "fp_local",
        }
    )


def _tool_call(
    function: dict[str, Any], messages: list[dict[str, Any]], raw: deque[str]
) -> tuple[dict[str, Any], str]:
    """The assistant message calling the first tool, with arguments by the keyword rules."""
    keys = list(function["parameters"]["properties"]["entities"]["properties"])
    arguments = raw.popleft() if raw else json.dumps(classify(messages, _today(messages), keys))
    call = {"id": f"call_{uuid.uuid4().hex[:24]}", "type": "function"}
    call["function"] = {"name": function["name"], "arguments": arguments}
    return {"role": "assistant", "content": None, "tool_calls": [call]}, arguments


async def embeddings(request: web.Request) -> web.Response:
    body = request[BODY]
    texts = [body["input"]] if isinstance(body.get("input"), str) else body.get("input") or []
    if not texts or any(not isinstance(t, str) or not t for t in texts) or len(texts) > 2048:
        return _error(400, "'input' must be 1 to 2048 non-empty strings")
    size = body.get("dimensions") or NATIVE_DIMENSIONS.get(body.get("model"), 1536)
    vectors = [_hashed_vector(text, int(size)) for text in texts]
    encode = _base64 if body.get("encoding_format") == "base64" else np.ndarray.tolist
    data = [
        {"object": "embedding", "index": i, "embedding": encode(v)} for i, v in enumerate(vectors)
    ]
    prompt = sum(_tokens(t) for t in texts)
    usage = {"prompt_tokens": prompt, "total_tokens": prompt}
    return web.json_response(
        {"object": "list", "data": data, "model": body["model"], "usage": usage}
    )


async def transcriptions(request: web.Request) -> web.Response:
    """The "speech" of a test is its text, UTF-8: what it says is what it holds."""
    form = _multipart(request.headers["Content-Type"], await request.read())
    if "file" not in form or "model" not in form:
        return _error(400, "file and model are required")
    filename, content_type, audio = form["file"]
    request[BODY].update(model=form["model"][2].decode(), filename=filename, type=content_type)
    text = audio.decode("utf-8", "replace")
    usage = {"type": "tokens", "input_tokens": _tokens(text), "output_tokens": _tokens(text)}
    return web.json_response({"text": text, "usage": usage})


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[str, str, bytes]]:
    """A multipart/form-data body (already read by the front) as name -> (filename, type, bytes)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    parsed = BytesParser(policy=HTTP).parsebytes(head + raw)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename() or "",
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in parsed.iter_parts()
    }


def _hashed_vector(text: str, dimensions: int) -> np.ndarray:
    """A bag of hashed words, deliberately not unit length: texts sharing words point alike."""
    vector = np.zeros(dimensions, dtype=np.float32)
    for word in re.findall(r"\w+", text.lower()):
        digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        vector[digest % dimensions] += 3.0 if digest & 1 << 63 else -3.0
    return vector


def _base64(vector: np.ndarray) -> str:
    return base64.b64encode(vector.astype("<f4").tobytes()).decode()


def _tokens(text: str) -> int:
    return max(1, round(len(re.findall(r"\w+|[^\w\s]", text)) * 1.3))


def _usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _today(messages: list[dict[str, Any]]) -> date:
    """The 'Now: YYYY-MM-DD' a system prompt states, else the real date."""
    found = re.search(r"Now: (\d{4}-\d\d-\d\d)", str(messages[0].get("content")))
    return date.fromisoformat(found.group(1)) if found else date.today()


@asynccontextmanager
async def running_openai_server() -> AsyncIterator[tuple[str, OpenAIServerState]]:
    """Serve on a free port in this event loop; yield the base URL (…/v1) and the state."""
    state = OpenAIServerState()
    app = web.Application(middlewares=[openai_front])
    app[STATE] = state
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/v1/embeddings", embeddings)
    app.router.add_post("/v1/audio/transcriptions", transcriptions)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}/v1", state
    finally:
        state.released.set()  # hung handlers end now rather than at hang_seconds
        await runner.cleanup()
