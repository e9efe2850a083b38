"""Where an uploaded file is kept, the same in every document store, so a store can be
swapped without moving rows: <tenant>/<knowledge base>/<document>/<safe name>."""

import re

from .model import Document

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(filename: str) -> str:
    """Letters, digits, dot, dash and underscore only, never hidden, never empty."""
    name = _UNSAFE.sub("_", filename).lstrip(".")[-120:]
    return name or "file"


def document_key(document: Document) -> str:
    parts = (document.tenant_id, document.knowledge_base_id, document.id)
    return "/".join([*(str(part) for part in parts), safe_name(document.filename)])
