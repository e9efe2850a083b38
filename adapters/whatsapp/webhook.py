"""Parse a WhatsApp Cloud API webhook body into the messaging core's inbound value types."""

import json
from datetime import UTC, datetime
from typing import Any

from core.messaging.model import (
    DeliveryStatus,
    InboundMessage,
    InboundType,
    StatusUpdate,
    WebhookBatch,
)
from core.shared.errors import InvalidInput

OBJECT = "whatsapp_business_account"
MEDIA = {"image", "audio", "video", "document", "sticker"}
# Wire types that map one to one onto an InboundType; interactive is resolved by its subtype.
DIRECT = {kind.value for kind in InboundType} - {"button_reply", "list_reply"}
INTERACTIVE = {"button_reply": InboundType.BUTTON_REPLY, "list_reply": InboundType.LIST_REPLY}
STATUSES = {status.value for status in DeliveryStatus}


def parse_webhook(raw_body: bytes) -> WebhookBatch:
    """Every message and status the body carries; InvalidInput names the first bad path."""
    root = _load(raw_body)
    if root.get("object") != OBJECT:
        raise InvalidInput("object", f"must be {OBJECT!r}")
    batch = WebhookBatch()
    for e, entry in enumerate(_list(root, "entry", "")):
        for c, change in enumerate(_list(_dict(entry, f"entry[{e}]"), "changes", f"entry[{e}]")):
            path = f"entry[{e}].changes[{c}]"
            if _dict(change, path).get("field") == "messages":
                _parse_value(_dict(change.get("value"), f"{path}.value"), f"{path}.value", batch)
    return batch


def _load(raw_body: bytes) -> dict[str, Any]:
    try:
        root = json.loads(raw_body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput("body", f"is not valid JSON ({error})") from error
    return _dict(root, "body")


def _parse_value(value: dict[str, Any], path: str, batch: WebhookBatch) -> None:
    messages, statuses = _list(value, "messages", path), _list(value, "statuses", path)
    if not messages and not statuses:
        return
    phone_number_id = _text(
        _dict(value.get("metadata"), f"{path}.metadata"), "phone_number_id", f"{path}.metadata"
    )
    names = _contact_names(value)
    for i, message in enumerate(messages):
        at = f"{path}.messages[{i}]"
        batch.messages.append(_message(_dict(message, at), at, phone_number_id, names))
    for i, status in enumerate(statuses):
        at = f"{path}.statuses[{i}]"
        update = _status(_dict(status, at), at, phone_number_id)
        if update is not None:
            batch.statuses.append(update)


def _contact_names(value: dict[str, Any]) -> dict[str, str]:
    contacts = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
    return {str(c.get("wa_id", "")): _obj(c, "profile").get("name", "") for c in contacts}


def _message(
    message: dict[str, Any], path: str, phone_number_id: str, names: dict[str, str]
) -> InboundMessage:
    sender = _text(message, "from", path)
    kind, text, reply_id = _content(message, _text(message, "type", path))
    context_id = _obj(message, "context").get("id", "")
    if kind is InboundType.REACTION:  # the message reacted to reads as the one replied to
        context_id = _obj(message, "reaction").get("message_id", "")
    return InboundMessage(
        whatsapp_message_id=_text(message, "id", path),
        phone_number_id=phone_number_id,
        customer_phone=sender,
        type=kind,
        sent_at=_timestamp(message, path),
        customer_name=_name(names, sender),
        text=text,
        reply_id=reply_id,
        context_message_id=str(context_id),
        payload=message,
    )


def _name(names: dict[str, str], sender: str) -> str:
    # Meta may normalise `from` (e.g. Brazil's ninth digit); a lone contact is the sender.
    if sender in names:
        return names[sender]
    return next(iter(names.values())) if len(names) == 1 else ""


def _content(message: dict[str, Any], wire_type: str) -> tuple[InboundType, str, str]:
    """The inbound type, its text (body, caption, chosen title, emoji) and chosen id."""
    body = _obj(message, wire_type)
    if wire_type == "interactive":
        subtype = body.get("type", "")
        if subtype not in INTERACTIVE:  # nfm_reply (Flows) and future kinds: not for the bot
            return InboundType.UNSUPPORTED, "", ""
        chosen = _obj(body, subtype)
        return INTERACTIVE[subtype], str(chosen.get("title", "")), str(chosen.get("id", ""))
    if wire_type not in DIRECT:
        return InboundType.UNSUPPORTED, "", ""
    texts = {
        "text": body.get("body"),
        "button": body.get("text"),
        "reaction": body.get("emoji"),  # empty: the customer removed their reaction
        "order": body.get("text"),
    }
    text = body.get("caption") if wire_type in MEDIA else texts.get(wire_type)
    reply_id = body.get("payload", "") if wire_type == "button" else ""
    return InboundType(wire_type), str(text or ""), str(reply_id or "")


def _status(status: dict[str, Any], path: str, phone_number_id: str) -> StatusUpdate | None:
    """A delivery status; None for a status value this service does not track."""
    name = _text(status, "status", path)
    if name not in STATUSES:
        return None
    errors = [e for e in status.get("errors") or [] if isinstance(e, dict)]
    return StatusUpdate(
        whatsapp_message_id=_text(status, "id", path),
        phone_number_id=phone_number_id,
        recipient_phone=str(status.get("recipient_id", "")),
        status=DeliveryStatus(name),
        at=_timestamp(status, path),
        errors=errors,
    )


def _timestamp(node: dict[str, Any], path: str) -> datetime:
    raw = _text(node, "timestamp", path)
    if not raw.isdigit():
        raise InvalidInput(f"{path}.timestamp", f"must be unix seconds, got {raw!r}")
    return datetime.fromtimestamp(int(raw), tz=UTC)


def _text(node: dict[str, Any], key: str, path: str) -> str:
    """A required scalar field as a string (Meta sends ids and timestamps as strings)."""
    value = node.get(key)
    if value is None or value == "" or isinstance(value, dict | list | bool):
        raise InvalidInput(f"{path}.{key}", "is required")
    return str(value)


def _list(node: dict[str, Any], key: str, path: str) -> list[Any]:
    value = node.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidInput(f"{path}.{key}".lstrip("."), "must be a list")
    return value


def _dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(path, "must be an object")
    return value


def _obj(node: dict[str, Any], key: str) -> dict[str, Any]:
    """An optional nested object; anything else reads as empty."""
    value = node.get(key)
    return value if isinstance(value, dict) else {}
