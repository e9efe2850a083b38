"""crm.knowledge.v1.KnowledgeService: proto -> command -> use case -> proto."""

from collections.abc import Callable

from crm.knowledge.v1 import knowledge_pb2 as pb
from crm.knowledge.v1 import knowledge_pb2_grpc

from core.billing.limits import PlanLimits
from core.knowledge import commands as c
from core.knowledge import handlers
from core.knowledge.ingestion import reindex_document, upload_document
from core.knowledge.model import KnowledgeBaseStatus, ProcessingStatus
from core.knowledge.ports import KnowledgeUnitOfWork, Pipeline
from core.knowledge.search import search
from core.shared.ids import parse_id
from core.shared.outlets import Outlets

from .convert import changed_fields, enum_to_domain, optional_id, page_query, present, tenant_and
from .knowledge_mapping import (
    KNOWLEDGE_BASE_READERS,
    create_command,
    document_key,
    document_message,
    knowledge_base_message,
    passage_message,
)


class KnowledgeServicer(knowledge_pb2_grpc.KnowledgeServiceServicer):
    def __init__(
        self,
        unit_of_work: Callable[[], KnowledgeUnitOfWork],
        pipeline: Pipeline,
        outlets: Outlets,
        limits: PlanLimits | None = None,
    ) -> None:
        self._uow = unit_of_work
        self._pipeline = pipeline
        self._outlets = outlets
        self._limits = limits  # billing's plan limits; None only where nothing is sold

    # -- knowledge bases -------------------------------------------------------------------

    async def CreateKnowledgeBase(self, request, context):
        command = create_command(present(request, "knowledge_base"))
        created = await handlers.create_knowledge_base(
            command, self._uow(), self._limits, self._outlets
        )
        return pb.CreateKnowledgeBaseResponse(knowledge_base=knowledge_base_message(created))

    async def GetKnowledgeBase(self, request, context):
        found = await handlers.get_knowledge_base(
            *tenant_and(request, "knowledge_base_id"), self._uow()
        )
        return pb.GetKnowledgeBaseResponse(knowledge_base=knowledge_base_message(found))

    async def UpdateKnowledgeBase(self, request, context):
        knowledge_base = present(request, "knowledge_base")
        command = c.UpdateKnowledgeBase(
            tenant_id=parse_id(knowledge_base.tenant_id, "knowledge_base.tenant_id"),
            knowledge_base_id=parse_id(knowledge_base.id, "knowledge_base.id"),
            changes=changed_fields(knowledge_base, request.update_mask, KNOWLEDGE_BASE_READERS),
        )
        updated = await handlers.update_knowledge_base(
            command, self._uow(), self._pipeline, self._outlets
        )
        return pb.UpdateKnowledgeBaseResponse(knowledge_base=knowledge_base_message(updated))

    async def ListKnowledgeBases(self, request, context):
        command = c.ListKnowledgeBases(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            page=page_query(request.page),
            outlet_id=optional_id(request.outlet_id, "outlet_id"),
            status=enum_to_domain(request, "status", KnowledgeBaseStatus),
        )
        page = await handlers.list_knowledge_bases(command, self._uow())
        return pb.ListKnowledgeBasesResponse(
            knowledge_bases=[knowledge_base_message(kb) for kb in page.items],
            page={"next_page_token": page.next_token},
        )

    async def DeleteKnowledgeBase(self, request, context):
        await handlers.delete_knowledge_base(
            *tenant_and(request, "knowledge_base_id"), self._uow(), self._pipeline
        )
        return pb.DeleteKnowledgeBaseResponse()

    # -- documents -------------------------------------------------------------------------

    async def UploadDocument(self, request, context):
        command = c.UploadDocument(
            *tenant_and(request, "knowledge_base_id"),
            filename=request.filename,
            content=request.content,
            content_type=request.content_type,
        )
        document = await upload_document(command, self._uow(), self._pipeline, self._limits)
        return pb.UploadDocumentResponse(document=document_message(document))

    async def GetDocument(self, request, context):
        document = await handlers.get_document(document_key(request), self._uow())
        return pb.GetDocumentResponse(document=document_message(document))

    async def ListDocuments(self, request, context):
        command = c.ListDocuments(
            *tenant_and(request, "knowledge_base_id"),
            page=page_query(request.page),
            status=enum_to_domain(request, "processing_status", ProcessingStatus),
        )
        page = await handlers.list_documents(command, self._uow())
        return pb.ListDocumentsResponse(
            documents=[document_message(d) for d in page.items],
            page={"next_page_token": page.next_token},
        )

    async def DeleteDocument(self, request, context):
        await handlers.delete_document(document_key(request), self._uow(), self._pipeline)
        return pb.DeleteDocumentResponse()

    async def ReindexDocument(self, request, context):
        document = await reindex_document(document_key(request), self._uow(), self._pipeline)
        return pb.ReindexDocumentResponse(document=document_message(document))

    # -- search ----------------------------------------------------------------------------

    async def Search(self, request, context):
        command = c.Search(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            query=request.query,
            outlet_id=optional_id(request.outlet_id, "outlet_id"),
            knowledge_base_ids=tuple(
                parse_id(kb_id, "knowledge_base_ids") for kb_id in request.knowledge_base_ids
            ),
            top_k=request.top_k,
            min_score=request.min_score,
        )
        passages = await search(command, self._uow(), self._pipeline)
        return pb.SearchResponse(passages=[passage_message(p) for p in passages])
