"""Parse a WhatsApp Cloud API webhook body into the messaging core's inbound value types."""

import hashlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from core.messaging.model import (
    DeliveryStatus,
    InboundMessage,
    InboundType,
    RejectedMessage,
    StatusUpdate,
    TemplateReview,
    WebhookBatch,
)
from core.messaging.templates import TemplateStatus
from core.shared.errors import InvalidInput
from core.shared.places import Point, described

from .cleaning import clean_json, clean_text

log = logging.getLogger(__name__)

OBJECT = "whatsapp_business_account"
MEDIA = {"image", "audio", "video", "document", "sticker"}
# Wire types that map one to one onto an InboundType; interactive is resolved by its subtype.
DIRECT = {kind.value for kind in InboundType} - {"button_reply", "list_reply"}
INTERACTIVE = {"button_reply": InboundType.BUTTON_REPLY, "list_reply": InboundType.LIST_REPLY}
STATUSES = {status.value for status in DeliveryStatus}
# Meta's template review events, as the registry's statuses.
TEMPLATE_REVIEW = "message_template_status_update"
REVIEWS = {
    "APPROVED": TemplateStatus.APPROVED.value,
    "REJECTED": TemplateStatus.REJECTED.value,
    "PAUSED": TemplateStatus.PAUSED.value,
    "DISABLED": TemplateStatus.DISABLED.value,
    "PENDING": TemplateStatus.PENDING.value,
    "REINSTATED": TemplateStatus.APPROVED.value,
    "FLAGGED": TemplateStatus.APPROVED.value,  # still sendable; quality is falling
}
# A reaction, edit or revoke changes an earlier message, named by this field of its object.
TARGETS = {
    InboundType.REACTION: "message_id",
    InboundType.EDIT: "original_message_id",
    InboundType.REVOKE: "original_message_id",
}
# What the inbox can hold (its columns' lengths); WhatsApp's own limits are well inside them.
MAX_ID, MAX_PHONE, MAX_PHONE_NUMBER_ID, MAX_TYPE = 128, 32, 64, 20
MAX_NAME, MAX_REPLY_ID, MAX_TEXT = 200, 200, 65_536
# Unix seconds from 2000 to 2100: a message from outside that span is not a real one.
EARLIEST, LATEST = 946_684_800, 4_102_444_800


def parse_webhook(raw_body: bytes) -> WebhookBatch:
    """Every message and status the body carries.

    Only a body that is not a WhatsApp webhook at all is InvalidInput. Within it, each message
    is judged on its own: one that breaks the contract is rejected with the path and reason,
    and the others are kept; a malformed status is skipped (it concerns a message already sent).
    """
    root = _load(raw_body)
    if root.get("object") != OBJECT:
        raise InvalidInput("object", f"must be {OBJECT!r}")
    batch = WebhookBatch()
    for e, entry in enumerate(_list(root, "entry", "")):
        try:
            changes = _list(_dict(entry, f"entry[{e}]"), "changes", f"entry[{e}]")
        except InvalidInput as error:
            batch.rejected.append(_rejected(entry, error))
            continue
        for c, change in enumerate(changes):
            path = f"entry[{e}].changes[{c}]"
            try:
                kind = _dict(change, path).get("field")
                value = _dict(change.get("value"), f"{path}.value")
                if kind == "messages":
                    _parse_value(value, f"{path}.value", batch)
                elif kind == TEMPLATE_REVIEW and (review := _review(entry, value)):
                    batch.reviews.append(review)
            except InvalidInput as error:
                batch.rejected.append(_rejected(change, error))
    return batch


def _review(entry: dict[str, Any], value: dict[str, Any]) -> TemplateReview | None:
    """A template's new status; None for an event the registry does not track (a template
    pending deletion is simply gone at the next sync), or one missing its names."""
    status = REVIEWS.get(str(value.get("event", "")).upper())
    fields = [
        str(value.get(k) or "") for k in ("message_template_name", "message_template_language")
    ]
    account = str(entry.get("id") or "")
    if status is None or not all(fields) or not account:
        return None
    reason = str(value.get("reason") or "").removeprefix("NONE")
    return TemplateReview(clean_text(account)[:64], *(clean_text(f)[:512] for f in fields),
                          status, clean_text(reason)[:1000])  # fmt: skip


def _load(raw_body: bytes) -> dict[str, Any]:
    try:
        root = json.loads(raw_body)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidInput("body", f"is not valid JSON ({type(error).__name__})") from error
    return _dict(root, "body")


def _parse_value(value: dict[str, Any], path: str, batch: WebhookBatch) -> None:
    messages, statuses = _list(value, "messages", path), _list(value, "statuses", path)
    if not messages and not statuses:
        return
    phone_number_id = _field(
        _dict(value.get("metadata"), f"{path}.metadata"), "phone_number_id", f"{path}.metadata",
        MAX_PHONE_NUMBER_ID,
    )  # fmt: skip
    names = _contact_names(value)
    for i, message in enumerate(messages):
        at = f"{path}.messages[{i}]"
        try:
            batch.messages.append(_message(_dict(message, at), at, phone_number_id, names))
        except InvalidInput as error:
            batch.rejected.append(_rejected(message, error, phone_number_id))
    for i, status in enumerate(statuses):
        at = f"{path}.statuses[{i}]"
        try:
            update = _status(_dict(status, at), at, phone_number_id)
        except InvalidInput as error:
            log.warning("webhook status skipped: %s", error.message)
            continue
        if update is not None:
            batch.statuses.append(update)


def _rejected(node: Any, error: InvalidInput, phone_number_id: str = "") -> RejectedMessage:
    """What is kept of a malformed part: its own id if usable, the reason, a clean copy."""
    payload = clean_json(node if isinstance(node, dict) else {"value": node})
    key = payload.get("id") if isinstance(node, dict) else None
    if not (isinstance(key, str) and _usable(key, MAX_ID)):
        canonical = json.dumps([phone_number_id, payload], sort_keys=True, default=str)
        key = "rejected:" + hashlib.sha256(canonical.encode()).hexdigest()
    sender = payload.get("from")
    return RejectedMessage(
        key=key,
        phone_number_id=clean_text(phone_number_id)[:MAX_PHONE_NUMBER_ID],
        customer_phone=clean_text(str(sender or ""))[:MAX_PHONE],
        reason=error.message,
        payload=payload,
    )


def _contact_names(value: dict[str, Any]) -> dict[str, str]:
    contacts = [c for c in value.get("contacts") or [] if isinstance(c, dict)]
    return {str(c.get("wa_id", "")): str(_obj(c, "profile").get("name", "")) for c in contacts}


def _message(
    message: dict[str, Any], path: str, phone_number_id: str, names: dict[str, str]
) -> InboundMessage:
    sender = _field(message, "from", path, MAX_PHONE)
    if not sender.isdigit():
        raise InvalidInput(f"{path}.from", "must be the sender's number, digits only")
    kind, text, reply_id = _content(message, _field(message, "type", path, MAX_TYPE))
    context_id = _obj(message, "context").get("id", "")
    if kind in TARGETS:  # the message changed reads as the one replied to
        context_id = _obj(message, kind.value).get(TARGETS[kind], "")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{path}.text", f"is longer than {MAX_TEXT} characters")
    return InboundMessage(
        whatsapp_message_id=_field(message, "id", path, MAX_ID),
        phone_number_id=phone_number_id,
        customer_phone=sender,
        type=kind,
        sent_at=_timestamp(message, path),
        customer_name=clean_text(_name(names, sender))[:MAX_NAME],
        text=text,
        reply_id=_bounded(reply_id, f"{path}.reply id", MAX_REPLY_ID),
        context_message_id=_bounded(str(context_id), f"{path}.context.id", MAX_ID),
        payload=clean_json(message),
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
        title, chosen_id = clean_text(str(chosen.get("title", ""))), str(chosen.get("id", ""))
        return INTERACTIVE[subtype], title, chosen_id
    if wire_type not in DIRECT:
        return InboundType.UNSUPPORTED, "", ""
    texts = {
        "text": body.get("body"),
        "button": body.get("text"),
        "reaction": body.get("emoji"),  # empty: the customer removed their reaction
        "order": body.get("text"),
    }
    text = body.get("caption") if wire_type in MEDIA else texts.get(wire_type)
    if wire_type == "location":
        text = _place(body)
    if wire_type == "edit":  # the new text, or a media message's new caption
        edited = _obj(body, "message")
        inner = _obj(edited, str(edited.get("type", "")))
        text = inner.get("body") or inner.get("caption")
    reply_id = body.get("payload", "") if wire_type == "button" else ""
    return InboundType(wire_type), clean_text(str(text or "")), str(reply_id or "")


def _place(location: dict[str, Any]) -> str:
    """A shared location as words: its name and address when it has them, and where it is
    ("Casa Lucio, Calle Cava Baja 35, Madrid (40.41173, -3.70801)")."""
    words = [str(location.get(k) or "").strip() for k in ("name", "address")]
    try:
        point = Point(float(location["latitude"]), float(location["longitude"]))
    except (KeyError, TypeError, ValueError):
        point = None
    return described(", ".join(w for w in words if w), point)


def _status(status: dict[str, Any], path: str, phone_number_id: str) -> StatusUpdate | None:
    """A delivery status; None for a status value this service does not track."""
    name = _field(status, "status", path, MAX_TYPE)
    if name not in STATUSES:
        return None
    errors = [clean_json(e) for e in status.get("errors") or [] if isinstance(e, dict)]
    return StatusUpdate(
        whatsapp_message_id=_field(status, "id", path, MAX_ID),
        phone_number_id=phone_number_id,
        recipient_phone=clean_text(str(status.get("recipient_id", "")))[:MAX_PHONE],
        status=DeliveryStatus(name),
        at=_timestamp(status, path),
        errors=errors,
    )


def _timestamp(node: dict[str, Any], path: str) -> datetime:
    raw = _field(node, "timestamp", path, MAX_ID)
    if not raw.isdigit() or not EARLIEST <= int(raw) <= LATEST:
        raise InvalidInput(f"{path}.timestamp", f"must be unix seconds, got {raw!r}")
    return datetime.fromtimestamp(int(raw), tz=UTC)


def _field(node: dict[str, Any], key: str, path: str, longest: int) -> str:
    """A required scalar field as a string (Meta sends ids and timestamps as strings)."""
    value = node.get(key)
    if value is None or value == "" or isinstance(value, dict | list | bool):
        raise InvalidInput(f"{path}.{key}", "is required")
    return _bounded(str(value), f"{path}.{key}", longest)


def _bounded(value: str, path: str, longest: int) -> str:
    """An identifier kept as sent, or InvalidInput: it is too long or holds control characters."""
    if value and not _usable(value, longest):
        raise InvalidInput(path, f"must be at most {longest} printable characters")
    return value


def _usable(value: str, longest: int) -> bool:
    return len(value) <= longest and value.isprintable() and value == clean_text(value)


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
