"""Webhook payloads shaped exactly as the WhatsApp Cloud API sends them, for any test."""

import itertools
import json
from collections.abc import Sequence
from typing import Any

from core.messaging.signature import sign

PHONE_NUMBER_ID = "106540352242922"
DISPLAY_PHONE = "34600111222"
WABA_ID = "102290129340398"
CUSTOMER = "34611222333"
CUSTOMER_NAME = "Lucía Pérez"
TIMESTAMP = "1735725600"  # 2025-01-01T10:00:00Z
MIME_TYPES = {
    "image": "image/jpeg",
    "audio": "audio/ogg; codecs=opus",
    "video": "video/mp4",
    "document": "application/pdf",
    "sticker": "image/webp",
}
_ids = itertools.count(1)


def wamid() -> str:
    """A fresh message id in Meta's shape."""
    return f"wamid.HBgLMzQ2MTEyMjIzMzMVAgASGBQzQUY{next(_ids):012d}AA=="


def webhook(
    messages: Sequence[dict[str, Any]] = (),
    statuses: Sequence[dict[str, Any]] = (),
    phone_number_id: str = PHONE_NUMBER_ID,
    contacts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A whole delivery: one entry with one "messages" change."""
    return envelope(change(value(messages, statuses, phone_number_id, contacts)))


def value(
    messages: Sequence[dict[str, Any]] = (),
    statuses: Sequence[dict[str, Any]] = (),
    phone_number_id: str = PHONE_NUMBER_ID,
    contacts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The value of one change; contacts default to one per distinct sender."""
    result: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_PHONE, "phone_number_id": phone_number_id},
    }
    if messages:
        senders = dict.fromkeys(m["from"] for m in messages if "from" in m)
        result["contacts"] = contacts if contacts is not None else [contact(s) for s in senders]
        result["messages"] = list(messages)
    if statuses:
        result["statuses"] = list(statuses)
    return result


def envelope(*changes: dict[str, Any], entries: int = 1) -> dict[str, Any]:
    """The outer object with `entries` entries, each holding all of `changes`."""
    entry = {"id": WABA_ID, "changes": list(changes)}
    return {"object": "whatsapp_business_account", "entry": [entry] * entries}


def change(value: dict[str, Any], field: str = "messages") -> dict[str, Any]:
    return {"value": value, "field": field}


def contact(wa_id: str = CUSTOMER, name: str = CUSTOMER_NAME) -> dict[str, Any]:
    return {"profile": {"name": name}, "wa_id": wa_id}


def body(payload: dict[str, Any]) -> bytes:
    """The raw bytes Meta posts (compact JSON, UTF-8)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signed(payload: dict[str, Any], app_secret: str) -> tuple[bytes, str]:
    """The raw body and its X-Hub-Signature-256 header value."""
    raw = body(payload)
    return raw, sign(app_secret, raw)


def message(kind: str, content: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """Any message: `content` goes under the key named by `kind`; `fields` override."""
    base = {"from": CUSTOMER, "id": wamid(), "timestamp": TIMESTAMP, "type": kind}
    if content is not None:
        base[kind] = content
    return {**base, **fields}


def replying_to(msg: dict[str, Any], message_id: str, sender: str = DISPLAY_PHONE) -> dict:
    return {**msg, "context": {"from": sender, "id": message_id}}


def text_message(text: str = "Hola, ¿tenéis mesa para 4 esta noche?", **fields: Any) -> dict:
    return message("text", {"body": text}, **fields)


def button_reply(button_id: str = "book", title: str = "Book a table", **fields: Any) -> dict:
    content = {"type": "button_reply", "button_reply": {"id": button_id, "title": title}}
    return message("interactive", content, **fields)


def list_reply(
    row_id: str = "slot-2030", title: str = "20:30", description: str = "Terrace", **fields: Any
) -> dict:
    chosen = {"id": row_id, "title": title, "description": description}
    return message("interactive", {"type": "list_reply", "list_reply": chosen}, **fields)


def flow_reply(response: dict[str, Any] | None = None, **fields: Any) -> dict:
    reply = {"name": "flow", "body": "Sent", "response_json": json.dumps(response or {})}
    return message("interactive", {"type": "nfm_reply", "nfm_reply": reply}, **fields)


def template_button(text: str = "Confirm", payload: str = "confirm-42", **fields: Any) -> dict:
    return message("button", {"payload": payload, "text": text}, **fields)


def media_message(
    kind: str = "image", media_id: str = "1479537139650973", caption: str = "", **fields: Any
) -> dict:
    """image, audio, video, document or sticker; a caption only where Meta allows one."""
    content: dict[str, Any] = {
        "mime_type": MIME_TYPES[kind],
        "sha256": "K2nQ9z3bFh0yq6fTqJ3zW0p7b7vqkGz1u2hWkWm3p0A=",
        "id": media_id,
    }
    if caption:
        content["caption"] = caption
    if kind == "document":
        content["filename"] = "menu.pdf"
    if kind == "audio":
        content["voice"] = True
    if kind == "sticker":
        content["animated"] = False
    return message(kind, content, **fields)


def location_message(
    latitude: float = 40.4168, longitude: float = -3.7038, name: str = "", address: str = ""
) -> dict:
    content: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if name:
        content.update(name=name, address=address, url="https://maps.example/p")
    return message("location", content)


def contacts_message() -> dict:
    card = {
        "name": {"formatted_name": "Ana Gil", "first_name": "Ana", "last_name": "Gil"},
        "phones": [{"phone": "+34 622 333 444", "wa_id": "34622333444", "type": "CELL"}],
    }
    return message("contacts", None, contacts=[card])


def reaction_message(message_id: str = "wamid.ours", emoji: str = "👍", **fields: Any) -> dict:
    content: dict[str, Any] = {"message_id": message_id}
    if emoji:
        content["emoji"] = emoji
    return message("reaction", content, **fields)


def edit_message(original_id: str, text: str = "Mesa para 5, perdón") -> dict:
    """A customer's edit (WhatsApp Business app numbers): the new message under `edit`."""
    edited = {"type": "text", "text": {"body": text}}
    return message("edit", {"original_message_id": original_id, "message": edited})


def revoke_message(original_id: str) -> dict:
    return message("revoke", {"original_message_id": original_id})


def order_message(text: str = "For tonight, please") -> dict:
    item = {"product_retailer_id": "paella-2", "quantity": 1, "item_price": 32, "currency": "EUR"}
    return message("order", {"catalog_id": "983247", "text": text, "product_items": [item]})


def unsupported_message(kind: str = "unsupported") -> dict:
    error = {
        "code": 131051,
        "title": "Message type unknown",
        "message": "Message type unknown",
        "error_data": {"details": "Message type is currently not supported."},
    }
    return message(kind, None, errors=[error])


def status(
    status_name: str = "delivered",
    message_id: str = "wamid.ours",
    recipient: str = CUSTOMER,
    timestamp: str = TIMESTAMP,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A status of one of our messages; sent/delivered carry conversation and pricing."""
    update: dict[str, Any] = {
        "id": message_id,
        "status": status_name,
        "timestamp": timestamp,
        "recipient_id": recipient,
    }
    if status_name in {"sent", "delivered"}:
        update["conversation"] = {"id": "c0ffee", "origin": {"type": "service"}}
        update["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "service"}
    if errors:
        update["errors"] = errors
    return update


def send_error(code: int = 131047, title: str = "Re-engagement message") -> dict[str, Any]:
    """A failure as a status carries it."""
    return {
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": "More than 24 hours have passed since the customer replied."},
        "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
    }
