"""Uploaded files kept under one directory: <tenant>/<knowledge base>/<document>/<safe name>."""

import asyncio
from pathlib import Path

from core.knowledge.keys import document_key
from core.knowledge.model import Document


class LocalDocumentStore:
    """DocumentStore port on the local disk; paths are relative to the root directory."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    def path_for(self, document: Document) -> str:
        return document_key(document)

    def _file(self, path: str) -> Path:
        file = (self._root / path).resolve()
        if not file.is_relative_to(self._root):
            raise ValueError(f"{path!r} is outside the document store")
        return file

    async def save(self, path: str, content: bytes) -> None:
        await asyncio.to_thread(self._write, self._file(path), content)

    async def load(self, path: str) -> bytes:
        return await asyncio.to_thread(self._file(path).read_bytes)

    async def delete(self, path: str) -> None:
        await asyncio.to_thread(self._remove, self._file(path))

    @staticmethod
    def _write(file: Path, content: bytes) -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        partial = file.with_name(file.name + ".partial")
        partial.write_bytes(content)
        partial.replace(file)  # readers never see half a file

    def _remove(self, file: Path) -> None:
        file.unlink(missing_ok=True)
        # Folders emptied by the removal go too, up to (not including) the root.
        for folder in file.parents:
            if folder == self._root:
                break
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
