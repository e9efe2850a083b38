"""The Cloud API stand-in's media endpoints: upload, media info, download, as Meta serves them.

POST /{version}/{phone_number_id}/media (multipart `file`) answers {"id"}; GET /{version}/{id}
answers {url, mime_type, sha256, file_size, id, messaging_product}; GET on that url gives the
bytes. All three want the bearer token. For tests: POST /_standin/media (the raw body, typed
by its Content-Type) puts media in, and POST /_standin/media/fail {"status", "count"} makes
the next media requests fail.
"""

import hashlib
import secrets
from dataclasses import dataclass, field

from aiohttp import BodyPartReader, web

from .cloud_api_rules import error_body


@dataclass
class StandinMedia:
    token: str
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id -> (MIME, bytes)
    failures: list[int] = field(default_factory=list)  # HTTP statuses for the next requests

    def put(self, mime_type: str, content: bytes) -> str:
        media_id = str(secrets.randbelow(9 * 10**15) + 10**15)  # 16 digits, as Meta's
        self.files[media_id] = (mime_type, content)
        return media_id


MEDIA = web.AppKey("media", StandinMedia)


def _refusal(request: web.Request) -> web.Response | None:
    media = request.app[MEDIA]
    if request.headers.get("Authorization") != f"Bearer {media.token}":
        return web.json_response(error_body(190, "", "Invalid OAuth access token"), status=401)
    if media.failures:
        status = media.failures.pop(0)
        return web.json_response(error_body(131000, "", "Something went wrong"), status=status)
    return None


async def upload(request: web.Request) -> web.Response:
    if refused := _refusal(request):
        return refused
    # Read as a stream: aiohttp's form parsing stops at 1 MB, Meta takes documents of 100 MB.
    async for part in await request.multipart():
        if isinstance(part, BodyPartReader) and part.name == "file":
            mime_type = part.headers.get("Content-Type", "application/octet-stream")
            media_id = request.app[MEDIA].put(mime_type, bytes(await part.read()))
            return web.json_response({"id": media_id})
    return web.json_response(error_body(100, "file is required", "Invalid parameter"), status=400)


async def info(request: web.Request) -> web.Response:
    if refused := _refusal(request):
        return refused
    media_id = request.match_info["media_id"]
    found = request.app[MEDIA].files.get(media_id)
    if found is None:
        return web.json_response(error_body(100, "", "Unsupported get request"), status=400)
    mime_type, content = found
    return web.json_response({
        "messaging_product": "whatsapp",
        "url": str(request.url.with_path(f"/_standin/media/{media_id}").with_query(None)),
        "mime_type": mime_type,
        "sha256": hashlib.sha256(content).hexdigest(),
        "file_size": len(content),
        "id": media_id,
    })  # fmt: skip


async def download(request: web.Request) -> web.Response:
    if refused := _refusal(request):
        return refused
    found = request.app[MEDIA].files.get(request.match_info["media_id"])
    if found is None:
        raise web.HTTPNotFound()
    return web.Response(body=found[1], content_type=found[0])


async def put_media(request: web.Request) -> web.Response:
    media_id = request.app[MEDIA].put(request.content_type, await request.content.read())
    return web.json_response({"id": media_id})


async def plan_failures(request: web.Request) -> web.Response:
    try:
        plan = await request.json()
        status, count = int(plan["status"]), int(plan.get("count", 1))
    except (ValueError, KeyError, TypeError) as error:
        raise web.HTTPBadRequest(text=f"expected {{status, count?}}: {error}") from error
    request.app[MEDIA].failures.extend([status] * count)
    return web.json_response({"planned": len(request.app[MEDIA].failures)})


def add_media_routes(app: web.Application, token: str) -> None:
    """Meta's media paths, after the stand-in's own (a version segment is `v<major>.<minor>`)."""
    app[MEDIA] = StandinMedia(token)
    app.router.add_post("/{version:v[0-9.]+}/{phone_number_id}/media", upload)
    app.router.add_get("/{version:v[0-9.]+}/{media_id:[0-9]+}", info)
    app.router.add_get("/_standin/media/{media_id:[0-9]+}", download)
    app.router.add_post("/_standin/media", put_media)
    app.router.add_post("/_standin/media/fail", plan_failures)
