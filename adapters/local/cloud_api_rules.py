"""The checks the Cloud API makes on a /messages body, and its error JSON, for the stand-in."""

import secrets
from typing import Any

SEND_TYPES = frozenset(
    {"text", "image", "audio", "video", "document", "sticker", "location", "contacts",
     "interactive", "template", "reaction"}
)  # fmt: skip
MESSAGES = {
    100: "(#100) Invalid parameter",
    190: "Invalid OAuth access token - Cannot parse access token",
    130429: "(#130429) Rate limit hit",
    131000: "(#131000) Something went wrong",
    131009: "(#131009) Parameter value is not valid",
    131026: "(#131026) Message undeliverable",
    131047: "(#131047) Re-engagement message",
    131056: "(#131056) (Business Account, Consumer Account) pair rate limit hit",
    132000: "(#132000) Number of parameters does not match the expected number of params",
    132001: "(#132001) Template name does not exist in the translation",
    132015: "(#132015) Template is Paused",
    132016: "(#132016) Template is Disabled",
}
# error_subcode as Meta sends for parameter errors; the stand-in uses one value for all.
PARAMETER_SUBCODE = 2494010


class Refusal(Exception):
    """A body the Cloud API would refuse with HTTP 400 and this error."""

    def __init__(self, code: int, details: str, message: str = "") -> None:
        super().__init__(details)
        self.code, self.details = code, details
        # Meta words a parameter error (100) by its details; others have a fixed title.
        self.message = message or (f"(#100) {details}" if code == 100 else MESSAGES[code])


def error_body(code: int, details: str = "", message: str = "") -> dict[str, Any]:
    """Meta's error envelope."""
    error: dict[str, Any] = {
        "message": message or MESSAGES.get(code, f"(#{code}) Error"),
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "A" + secrets.token_urlsafe(16),
    }
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    if code in {100, 131009}:
        error["error_subcode"] = PARAMETER_SUBCODE
    return {"error": error}


def check_message(body: Any) -> None:
    """Raise Refusal where Meta would; return for a send or a mark-as-read it accepts."""
    if not isinstance(body, dict):
        raise Refusal(100, "The request body must be a JSON object")
    if body.get("messaging_product") != "whatsapp":
        raise Refusal(100, "The parameter messaging_product is required.")
    if "status" in body:
        if body["status"] != "read" or not _text(body.get("message_id")):
            raise Refusal(100, "Mark as read needs status 'read' and a message_id.")
        return
    if not _text(body.get("to")):
        raise Refusal(100, "The parameter to is required.")
    context = body.get("context")
    if context is not None and not _text(_get(context, "message_id")):
        raise Refusal(100, "The parameter context['message_id'] is required.")
    _check_content(body, body.get("type", "text"))


def _check_content(body: dict[str, Any], kind: Any) -> None:
    if kind not in SEND_TYPES:
        raise Refusal(100, f"Param type must be one of {{{', '.join(sorted(SEND_TYPES))}}}")
    content = body.get(kind)
    if not isinstance(content, dict) and kind != "contacts":
        raise Refusal(100, f"The parameter {kind} is required.")
    if kind == "text":
        _length(_get(content, "body"), 4096, "text['body']", 1)
    elif kind == "interactive":
        _check_interactive(content)


def _check_interactive(interactive: dict[str, Any]) -> None:
    kind = interactive.get("type")
    action = _get(interactive, "action")
    body_text = _get(_get(interactive, "body"), "text")
    if kind == "button":
        _length(body_text, 1024, "Body text", 1)
        _check_buttons(_get(action, "buttons"))
    elif kind == "list":
        _length(body_text, 4096, "Body text", 1)
        _length(_get(action, "button"), 20, "Button text", 1)
        _check_sections(_get(action, "sections"))
    else:
        raise Refusal(100, "Param interactive['type'] must be one of {button, list, ...}")


def _check_buttons(buttons: Any) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        raise Refusal(131009, "Buttons count is invalid. Min: 1, Max: 3")
    for button in buttons:
        if _get(button, "type") != "reply":
            raise Refusal(100, "Param buttons[]['type'] must be 'reply'")
        _length(_get(_get(button, "reply"), "id"), 256, "Button id", 1)
        _length(_get(_get(button, "reply"), "title"), 20, "Button title", 1)
    _unique([_get(_get(b, "reply"), "id") for b in buttons], "Button id")
    _unique([_get(_get(b, "reply"), "title") for b in buttons], "Button title")


def _check_sections(sections: Any) -> None:
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        raise Refusal(131009, "Sections count is invalid. Min: 1, Max: 10")
    rows = [row for section in sections for row in _get(section, "rows") or []]
    if not 1 <= len(rows) <= 10:
        raise Refusal(131009, "Total row count exceed max rows count. Min: 1, Max: 10")
    if len(sections) > 1 and not all(_text(_get(s, "title")) for s in sections):
        raise Refusal(131009, "Section title is required when there is more than one section")
    for row in rows:
        _length(_get(row, "id"), 200, "Row id", 1)
        _length(_get(row, "title"), 24, "Row title", 1)
        _length(_get(row, "description") or "", 72, "Row description", 0)
    _unique([_get(row, "id") for row in rows], "Row id")


def _length(value: Any, most: int, what: str, least: int) -> None:
    if not isinstance(value, str) or not least <= len(value) <= most:
        raise Refusal(131009, f"{what} length invalid. Min length: {least}, Max length: {most}")


def _unique(values: list[Any], what: str) -> None:
    if len(set(values)) != len(values):
        raise Refusal(131009, f"{what} must be unique")


def _get(node: Any, key: str) -> Any:
    return node.get(key) if isinstance(node, dict) else None


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
