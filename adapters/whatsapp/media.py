"""CloudApiMedia: the MediaSource port over the Cloud API's media endpoints."""

import hashlib

import httpx

from core.messaging.media import Download, MediaGone, MediaTooLarge

from .responses import GraphClient

# Meta answers 400 (code 100) for a media id it does not know, 404 for an expired URL.
GONE = frozenset({400, 404, 410})


class CloudApiMedia(GraphClient):
    """`GET {base_url}/{version}/{media_id}` for the URL, then the bytes from that URL, both
    with the bearer token. Nothing past `limit` is read; a digest that differs from Meta's
    sha256 is an error, as is any other refusal: the inbox worker tries again later."""

    def __init__(
        self,
        base_url: str = "https://graph.facebook.com",
        version: str = "v23.0",
        token: str = "",
        client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(base_url, version, token, client, timeout=30.0)

    async def fetch(self, media_id: str, limit: int) -> Download:
        answer = await self._client.get(f"{self._base}/{media_id}", headers=self._headers)
        _check(answer, media_id)
        info = answer.json()
        declared = int(info.get("file_size") or 0)
        if declared > limit:
            raise MediaTooLarge(declared, limit)
        content = await self._download(str(info["url"]), media_id, limit)
        digest = hashlib.sha256(content).hexdigest()
        if info.get("sha256") and info["sha256"] != digest:
            raise ValueError(f"media {media_id}: sha256 {digest} is not Meta's {info['sha256']}")
        return Download(str(info.get("mime_type") or "application/octet-stream"), content, digest)

    async def _download(self, url: str, media_id: str, limit: int) -> bytes:
        chunks, size = [], 0
        async with self._client.stream("GET", url, headers=self._headers) as answer:
            _check(answer, media_id)
            async for chunk in answer.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise MediaTooLarge(size, limit)
                chunks.append(chunk)
        return b"".join(chunks)


def _check(answer: httpx.Response, media_id: str) -> None:
    if answer.status_code in GONE:
        raise MediaGone(f"the Cloud API has no media {media_id} (HTTP {answer.status_code})")
    answer.raise_for_status()
