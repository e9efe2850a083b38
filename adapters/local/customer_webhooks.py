"""Webhook updates as Meta sends them for a customer's message: for the chat and load tools."""

import json
import time
import uuid
from typing import Any

from core.messaging.signature import sign


def _update(phone_number_id: str, customer: str, name: str, message: dict[str, Any]) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "0",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "0", "phone_number_id": phone_number_id},
                    "contacts": [{"profile": {"name": name}, "wa_id": customer}],
                    "messages": [message],
                },
            }],
        }],
    }  # fmt: skip


def _message(customer: str) -> dict[str, Any]:
    return {
        "from": customer,
        "id": f"wamid.local.{uuid.uuid4().hex}",
        "timestamp": str(int(time.time())),
    }


def customer_message(
    phone_number_id: str,
    customer: str,
    name: str,
    text: str = "",
    reply: tuple[str, str, str] | None = None,
) -> dict[str, Any]:
    """A text, or with `reply` = (button_reply|list_reply, id, title) a tap on an option."""
    message = _message(customer)
    if reply:
        kind, option_id, title = reply
        message.update(
            type="interactive", interactive={"type": kind, kind: {"id": option_id, "title": title}}
        )
    else:
        message.update(type="text", text={"body": text})
    return _update(phone_number_id, customer, name, message)


def customer_location(
    phone_number_id: str,
    customer: str,
    name: str,
    latitude: float,
    longitude: float,
    place: str = "",
) -> dict[str, Any]:
    """A shared location; with `place`, a shared place (its name)."""
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if place:
        location["name"] = place
    message = {**_message(customer), "type": "location", "location": location}
    return _update(phone_number_id, customer, name, message)  # fmt: skip


def customer_media(
    phone_number_id: str,
    customer: str,
    name: str,
    kind: str,
    media: dict[str, str],
    caption: str = "",
) -> dict[str, Any]:
    """A photo, document or voice note already at the Cloud API: `media` holds its id,
    mime_type and sha256 (and a document's filename)."""
    content = {**media, **({"caption": caption} if caption and kind != "audio" else {})}
    if kind == "audio":
        content["voice"] = True
    message = {**_message(customer), "type": kind, kind: content}
    return _update(phone_number_id, customer, name, message)  # fmt: skip


def signed(update: dict[str, Any], app_secret: str) -> tuple[bytes, dict[str, str]]:
    """The body and the headers Meta would send with it."""
    raw = json.dumps(update).encode()
    return raw, {"Content-Type": "application/json", "X-Hub-Signature-256": sign(app_secret, raw)}
