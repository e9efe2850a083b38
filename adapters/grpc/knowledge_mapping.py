"""Knowledge context entities <-> crm.knowledge.v1 messages."""

from typing import Any

from crm.knowledge.v1 import knowledge_pb2 as pb

from core.knowledge import commands as c
from core.knowledge.model import Document, KnowledgeBase, KnowledgeBaseStatus
from core.knowledge.ports import Passage
from core.shared.ids import parse_id

from .convert import enum_to_domain, enum_to_proto, optional_id, timestamp


def knowledge_base_message(knowledge_base: KnowledgeBase) -> pb.KnowledgeBase:
    outlet = knowledge_base.outlet_id
    return pb.KnowledgeBase(
        id=str(knowledge_base.id),
        tenant_id=str(knowledge_base.tenant_id),
        outlet_id=str(outlet) if outlet else "",
        name=knowledge_base.name,
        description=knowledge_base.description,
        status=enum_to_proto(knowledge_base.status, pb.KnowledgeBaseStatus),
        document_count=knowledge_base.document_count,
        total_size_bytes=knowledge_base.total_size_bytes,
        create_time=timestamp(knowledge_base.created_at),
        update_time=timestamp(knowledge_base.updated_at),
    )


def document_message(document: Document) -> pb.Document:
    return pb.Document(
        id=str(document.id),
        knowledge_base_id=str(document.knowledge_base_id),
        tenant_id=str(document.tenant_id),
        filename=document.filename,
        file_type=document.file_type,
        content_type=document.content_type,
        file_size_bytes=document.file_size_bytes,
        storage_path=document.storage_path,
        processing_status=enum_to_proto(document.processing_status, pb.ProcessingStatus),
        failure_reason=document.failure_reason,
        chunk_count=document.chunk_count,
        sha256=document.sha256,
        process_time=timestamp(document.processed_at),
        create_time=timestamp(document.created_at),
        update_time=timestamp(document.updated_at),
    )


def passage_message(passage: Passage) -> pb.Passage:
    return pb.Passage(
        text=passage.text,
        heading=passage.heading,
        score=passage.score,
        document_id=str(passage.document_id),
        filename=passage.filename,
        knowledge_base_id=str(passage.knowledge_base_id),
        chunk_index=passage.position,
    )


def create_command(knowledge_base: pb.KnowledgeBase) -> c.CreateKnowledgeBase:
    return c.CreateKnowledgeBase(
        tenant_id=parse_id(knowledge_base.tenant_id, "knowledge_base.tenant_id"),
        name=knowledge_base.name,
        outlet_id=optional_id(knowledge_base.outlet_id, "knowledge_base.outlet_id"),
        description=knowledge_base.description,
        status=enum_to_domain(knowledge_base, "status", KnowledgeBaseStatus),
    )


def document_key(request: Any) -> c.DocumentKey:
    return c.DocumentKey(
        tenant_id=parse_id(request.tenant_id, "tenant_id"),
        knowledge_base_id=parse_id(request.knowledge_base_id, "knowledge_base_id"),
        document_id=parse_id(request.document_id, "document_id"),
    )


# How each field UpdateKnowledgeBase may change is read from the message.
KNOWLEDGE_BASE_READERS: dict[str, Any] = {
    "name": lambda m: m.name,
    "description": lambda m: m.description,
    "outlet_id": lambda m: optional_id(m.outlet_id, "knowledge_base.outlet_id"),
    "status": lambda m: enum_to_domain(m, "status", KnowledgeBaseStatus),
}
