"""Knowledge bases, their documents and the states a document's ingestion goes through."""

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import PurePosixPath

from core.shared.errors import InvalidInput
from core.shared.validation import optional_text, required_text

MAX_FILE_BYTES = 20 * 1024 * 1024

# By extension; a specific content type wins over the extension (see file_type_of).
FILE_TYPES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
_SPECIFIC_CONTENT_TYPES = {
    "text/markdown": "md",
    "text/html": "html",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f]")


class KnowledgeBaseStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class ProcessingStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    tenant_id: uuid.UUID
    name: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    outlet_id: uuid.UUID | None = None  # None: shared by every outlet of the tenant
    description: str = ""
    status: KnowledgeBaseStatus = KnowledgeBaseStatus.ACTIVE
    document_count: int = 0  # derived from its documents, never written
    total_size_bytes: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Document:
    tenant_id: uuid.UUID
    knowledge_base_id: uuid.UUID
    filename: str
    file_type: str
    sha256: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    content_type: str = ""
    file_size_bytes: int = 0
    storage_path: str = ""
    processing_status: ProcessingStatus = ProcessingStatus.PENDING
    failure_reason: str = ""
    chunk_count: int = 0
    processed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def processing(self) -> "Document":
        return replace(self, processing_status=ProcessingStatus.PROCESSING, failure_reason="")

    def ready(self, chunk_count: int, now: datetime) -> "Document":
        return replace(
            self,
            processing_status=ProcessingStatus.READY,
            chunk_count=chunk_count,
            failure_reason="",
            processed_at=now,
        )

    def failed(self, reason: str, now: datetime) -> "Document":
        """Failed, with nothing searchable: its chunks were removed from the index."""
        return replace(
            self,
            processing_status=ProcessingStatus.FAILED,
            chunk_count=0,
            failure_reason=reason,
            processed_at=now,
        )


def valid_filename(value: str, field_name: str = "filename") -> str:
    value = required_text(value, field_name, 255)
    if _UNSAFE_NAME.search(value) or value in {".", ".."}:
        raise InvalidInput(field_name, f"{value!r} must be a plain file name, without folders")
    return value


def file_type_of(filename: str, content_type: str) -> str:
    """txt, md, html, pdf or docx: a specific content type decides, else the extension."""
    specific = _SPECIFIC_CONTENT_TYPES.get(content_type.split(";")[0].strip().lower())
    file_type = specific or FILE_TYPES.get(PurePosixPath(filename).suffix.lower())
    if file_type is None:
        supported = ", ".join(sorted(set(FILE_TYPES.values())))
        raise InvalidInput("filename", f"{filename!r} is not a supported type ({supported})")
    return file_type


def valid_content(content: bytes) -> bytes:
    if not content:
        raise InvalidInput("content", "is empty")
    if len(content) > MAX_FILE_BYTES:
        raise InvalidInput("content", f"must be at most {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return content


def _status(value: KnowledgeBaseStatus | None, _: str) -> KnowledgeBaseStatus:
    return value or KnowledgeBaseStatus.ACTIVE


# Writable fields of a knowledge base and the rule each must pass (create and update alike).
KNOWLEDGE_BASE_FIELDS = {
    "name": required_text,
    "description": optional_text(2000),
    "outlet_id": lambda value, _: value,
    "status": _status,
}
