"""The names customers may mention (products, resources), from the order and booking services."""

import logging
import uuid

from crm.booking.v1 import booking_pb2, booking_pb2_grpc
from crm.order.v1 import order_pb2, order_pb2_grpc

from core.orchestrator.nlu import NO_VOCABULARY, Vocabulary
from core.shared.errors import DomainError

from .memo import Memo
from .peers import call, open_channel

log = logging.getLogger(__name__)
CACHE_SECONDS = 60.0  # a new product is recognised within a minute


class GrpcVocabulary:
    """VocabularySource; a service that cannot answer contributes no names."""

    def __init__(self, order_address: str, booking_address: str) -> None:
        self._channels = [open_channel(order_address), open_channel(booking_address)]
        self._orders = order_pb2_grpc.OrderServiceStub(self._channels[0])
        self._bookings = booking_pb2_grpc.BookingServiceStub(self._channels[1])
        self._memo: Memo[Vocabulary] = Memo(CACHE_SECONDS)

    async def vocabulary(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> Vocabulary:
        if (known := self._memo.get((tenant_id, outlet_id))) is not None:
            return known
        found = Vocabulary(
            await self._products(tenant_id), await self._resources(tenant_id, outlet_id)
        )
        self._memo.put((tenant_id, outlet_id), found)
        return found

    async def _products(self, tenant_id: uuid.UUID) -> tuple[str, ...]:
        request = order_pb2.ListProductsRequest(
            tenant_id=str(tenant_id),
            page={"page_size": 500},
            status=order_pb2.PRODUCT_STATUS_ACTIVE,
        )
        try:
            reply = await call(self._orders.ListProducts, request)
        except DomainError as failure:
            log.info("no product names for %s: %s", tenant_id, failure)
            return NO_VOCABULARY.products
        return tuple(name for p in reply.products for name in (p.name, *p.aliases))

    async def _resources(self, tenant_id: uuid.UUID, outlet_id: uuid.UUID) -> tuple[str, ...]:
        request = booking_pb2.ListResourcesRequest(
            tenant_id=str(tenant_id), outlet_id=str(outlet_id), page={"page_size": 500}
        )
        try:
            reply = await call(self._bookings.ListResources, request)
        except DomainError as failure:
            log.info("no resource names for %s: %s", tenant_id, failure)
            return NO_VOCABULARY.resources
        return tuple(r.name for r in reply.resources)

    async def aclose(self) -> None:
        for channel in self._channels:
            await channel.close()
