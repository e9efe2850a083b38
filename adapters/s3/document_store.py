"""S3DocumentStore: the DocumentStore port on an S3-compatible object store, so every
knowledge replica reads the same originals (a re-index or a download works from any of them,
and a restart loses nothing). Keys are the store-independent ones (core.knowledge.keys)
under a prefix; credentials come from the standard AWS settings (environment, profile, role).
"""

from collections.abc import AsyncIterator
from typing import Any

from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from core.knowledge.keys import document_key
from core.knowledge.model import Document

_MISSING = {"NoSuchKey", "404", "NotFound"}


class S3DocumentStore:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix

    def path_for(self, document: Document) -> str:
        return document_key(document)

    async def save(self, path: str, content: bytes) -> None:
        await self._client.put_object(Bucket=self._bucket, Key=self._key(path), Body=content)

    async def load(self, path: str) -> bytes:
        try:
            answer = await self._client.get_object(Bucket=self._bucket, Key=self._key(path))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(f"{path} is not in the document store") from error
            raise
        async with answer["Body"] as body:
            return await body.read()

    async def delete(self, path: str) -> None:
        """S3 answers a delete of a missing key with success, as the port wants."""
        await self._client.delete_object(Bucket=self._bucket, Key=self._key(path))

    def _key(self, path: str) -> str:
        if path.startswith("/") or ".." in path.split("/"):
            raise ValueError(f"{path!r} is outside the document store")
        return f"{self._prefix}{path}"


async def s3_document_store(
    bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str = "us-east-1"
) -> AsyncIterator[S3DocumentStore]:
    """A store over one S3 client kept open for the service's life (a resource generator)."""
    session = get_session()
    async with session.create_client(
        "s3", endpoint_url=endpoint_url or None, region_name=region
    ) as client:
        yield S3DocumentStore(client, bucket, prefix)
