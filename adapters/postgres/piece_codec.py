"""Outbound pieces <-> the JSON kept in the outbox's payload column."""

from typing import Any

from core.messaging.model import (
    ButtonsPiece,
    ListPiece,
    Piece,
    ReplyOption,
    TemplatePiece,
    TextPiece,
)


def _options(options: tuple[ReplyOption, ...]) -> list[dict[str, str]]:
    return [{"id": o.id, "title": o.title, "description": o.description} for o in options]


def _from_options(raw: list[dict[str, str]]) -> tuple[ReplyOption, ...]:
    return tuple(ReplyOption(**option) for option in raw)


def encode(piece: Piece) -> dict[str, Any]:
    if isinstance(piece, ButtonsPiece):
        return {"kind": "buttons", "body": piece.body, "options": _options(piece.buttons)}
    if isinstance(piece, ListPiece):
        return {"kind": "list", "body": piece.body, "button": piece.button,
                "options": _options(piece.rows)}  # fmt: skip
    if isinstance(piece, TemplatePiece):
        return {"kind": "template", "name": piece.name, "language": piece.language,
                "category": piece.category, "parameters": list(piece.parameters),
                "button_payloads": list(piece.button_payloads), "body": piece.text}  # fmt: skip
    return {"kind": "text", "body": piece.body}


def decode(raw: dict[str, Any]) -> Piece:
    if raw["kind"] == "buttons":
        return ButtonsPiece(raw["body"], _from_options(raw["options"]))
    if raw["kind"] == "list":
        return ListPiece(raw["body"], raw["button"], _from_options(raw["options"]))
    if raw["kind"] == "template":
        return TemplatePiece(
            raw["name"], raw["language"], raw["category"], tuple(raw["parameters"]),
            tuple(raw["button_payloads"]), raw["body"],
        )  # fmt: skip
    return TextPiece(raw["body"])
