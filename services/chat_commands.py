"""`crm chat`'s commands: share a location, or send a photo, document or voice note (uploaded
to the Cloud API stand-in first, as a phone would, then announced by a signed webhook)."""

import asyncio
import hashlib
import mimetypes
from pathlib import Path
from typing import Any

import httpx

from adapters.local.customer_webhooks import customer_location, customer_media

from .seed import DEMO_PHONE_NUMBER_ID
from .settings import Settings

USAGE = (
    "/location LAT LON [place name] · /image PATH [caption] · /document PATH [caption] · "
    "/voice PATH"
)
KINDS = {"image": "image", "document": "document", "voice": "audio"}


class CommandError(ValueError):
    """A command the chat cannot send, with what to type instead."""


async def command_update(
    line: str, settings: Settings, http: httpx.AsyncClient, customer: str, name: str
) -> dict[str, Any]:
    """The webhook update a `/command` line stands for."""
    command, _, rest = line[1:].partition(" ")
    if command == "location":
        latitude, longitude, place = _coordinates(rest)
        return customer_location(DEMO_PHONE_NUMBER_ID, customer, name, latitude, longitude, place)
    if command in KINDS:
        path, _, caption = rest.strip().partition(" ")
        media = await _upload(*await asyncio.to_thread(_read, path), settings, http)
        kind = KINDS[command]
        return customer_media(DEMO_PHONE_NUMBER_ID, customer, name, kind, media, caption.strip())
    raise CommandError(f"unknown command /{command}. Try {USAGE}")


def _coordinates(rest: str) -> tuple[float, float, str]:
    parts = rest.split(maxsplit=2)
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        raise CommandError("usage: /location LAT LON [place name]") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise CommandError("latitude is -90..90 and longitude -180..180")
    return latitude, longitude, parts[2] if len(parts) > 2 else ""


def _read(path_text: str) -> tuple[str, bytes]:
    path = Path(path_text).expanduser()
    if not path_text or not path.is_file():
        raise CommandError(f"no file at {path_text!r}")
    return path.name, path.read_bytes()


async def _upload(
    filename: str, content: bytes, settings: Settings, http: httpx.AsyncClient
) -> dict[str, str]:
    """Upload to `POST /{version}/{phone_number_id}/media`; the webhook's media object."""
    mime_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    answer = await http.post(
        f"{settings.whatsapp_api_base_url}/{settings.whatsapp_api_version}"
        f"/{DEMO_PHONE_NUMBER_ID}/media",
        files={"file": (filename, content, mime_type)},
        data={"messaging_product": "whatsapp", "type": mime_type},
        headers={"Authorization": f"Bearer {settings.whatsapp_token}"},
    )
    if answer.status_code != 200:
        raise CommandError(f"the Cloud API stand-in refused the upload: {answer.text}")
    media = {"id": answer.json()["id"], "mime_type": mime_type}
    media["sha256"] = hashlib.sha256(content).hexdigest()
    if mime_type.split("/")[0] not in ("image", "audio", "video"):
        media["filename"] = filename
    return media
