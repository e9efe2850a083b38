"""Cloud API request bodies for each fitted piece, exactly as POST /{phone_number_id}/messages
takes them."""

from typing import Any

from core.messaging.model import (
    ButtonsPiece,
    ListPiece,
    Piece,
    ReplyOption,
    TemplatePiece,
    TextPiece,
)


def message_payload(to: str, piece: Piece, reply_to: str = "") -> dict[str, Any]:
    """The body that sends `piece` to `to`, as a reply to `reply_to` when given."""
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
    }
    if reply_to:
        payload["context"] = {"message_id": reply_to}
    match piece:
        case TextPiece(body):
            payload.update(type="text", text={"body": body, "preview_url": False})
        case ButtonsPiece() | ListPiece():
            payload.update(type="interactive", interactive=_interactive(piece))
        case TemplatePiece():
            payload.update(type="template", template=_template(piece))
    return payload


def read_payload(whatsapp_message_id: str) -> dict[str, Any]:
    """The body that marks a received message as read (blue ticks)."""
    return {"messaging_product": "whatsapp", "status": "read", "message_id": whatsapp_message_id}


def _interactive(piece: ButtonsPiece | ListPiece) -> dict[str, Any]:
    if isinstance(piece, ButtonsPiece):
        buttons = [
            {"type": "reply", "reply": {"id": b.id, "title": b.title}} for b in piece.buttons
        ]
        return {"type": "button", "body": {"text": piece.body}, "action": {"buttons": buttons}}
    section = {"rows": [_row(row) for row in piece.rows]}
    return {
        "type": "list",
        "body": {"text": piece.body},
        "action": {"button": piece.button, "sections": [section]},
    }


def _row(row: ReplyOption) -> dict[str, str]:
    fields = {"id": row.id, "title": row.title}
    if row.description:
        fields["description"] = row.description
    return fields


def _template(piece: TemplatePiece) -> dict[str, Any]:
    """Variables as body text parameters; each quick-reply button carries our payload."""
    components: list[dict[str, Any]] = []
    if piece.parameters:
        parameters = [{"type": "text", "text": value} for value in piece.parameters]
        components.append({"type": "body", "parameters": parameters})
    components += [
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(index),
            "parameters": [{"type": "payload", "payload": payload}],
        }
        for index, payload in enumerate(piece.button_payloads)
    ]
    return {"name": piece.name, "language": {"code": piece.language}, "components": components}
