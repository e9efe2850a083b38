"""The catalog half of crm.order.v1.OrderService: categories, products and stock."""

from collections.abc import Callable

from crm.order.v1 import order_pb2 as pb

from core.order import catalog_handlers as catalog
from core.order import commands as c
from core.order import inventory
from core.order.catalog import ProductStatus
from core.order.ports import OrderUnitOfWork
from core.order.stock import AdjustmentType
from core.shared.ids import parse_id

from .catalog_mapping import (
    CATEGORY_READERS,
    PRODUCT_READERS,
    adjustment_message,
    category_message,
    create_category_command,
    create_product_command,
    product_message,
)
from .convert import (
    amount_in,
    changed_fields,
    enum_to_domain,
    optional_id,
    page_query,
    present,
    tenant_and,
)


def _update(message, mask, readers, entity: str) -> c.Update:
    return c.Update(
        tenant_id=parse_id(message.tenant_id, f"{entity}.tenant_id"),
        entity_id=parse_id(message.id, f"{entity}.id"),
        changes=changed_fields(message, mask, readers),
    )


class CatalogRpcs:
    """Mixed into the OrderService servicer; needs `_uow` and `_currency`."""

    _uow: Callable[[], OrderUnitOfWork]
    _currency: str

    def _product(self, product) -> pb.Product:
        return product_message(product, self._currency)

    async def CreateCategory(self, request, context):
        command = create_category_command(present(request, "category"))
        category = await catalog.create_category(command, self._uow())
        return pb.CreateCategoryResponse(category=category_message(category))

    async def GetCategory(self, request, context):
        category = await catalog.get_category(*tenant_and(request, "category_id"), self._uow())
        return pb.GetCategoryResponse(category=category_message(category))

    async def UpdateCategory(self, request, context):
        command = _update(
            present(request, "category"), request.update_mask, CATEGORY_READERS, "category"
        )
        category = await catalog.update_category(command, self._uow())
        return pb.UpdateCategoryResponse(category=category_message(category))

    async def ListCategories(self, request, context):
        tenant_id = parse_id(request.tenant_id, "tenant_id")
        page = await catalog.list_categories(tenant_id, page_query(request.page), self._uow())
        return pb.ListCategoriesResponse(
            categories=[category_message(x) for x in page.items],
            page={"next_page_token": page.next_token},
        )

    async def DeleteCategory(self, request, context):
        await catalog.delete_category(*tenant_and(request, "category_id"), self._uow())
        return pb.DeleteCategoryResponse()

    async def CreateProduct(self, request, context):
        product = present(request, "product")
        amount_in(product.price, self._currency, "product.price")
        command = create_product_command(product)
        product = await catalog.create_product(command, self._uow())
        return pb.CreateProductResponse(product=self._product(product))

    async def GetProduct(self, request, context):
        product = await catalog.get_product(*tenant_and(request, "product_id"), self._uow())
        return pb.GetProductResponse(product=self._product(product))

    async def UpdateProduct(self, request, context):
        amount_in(present(request, "product").price, self._currency, "product.price")
        command = _update(
            present(request, "product"), request.update_mask, PRODUCT_READERS, "product"
        )
        product = await catalog.update_product(command, self._uow())
        return pb.UpdateProductResponse(product=self._product(product))

    async def ListProducts(self, request, context):
        command = c.ListProducts(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            page=page_query(request.page),
            category_id=optional_id(request.category_id, "category_id"),
            status=enum_to_domain(request, "status", ProductStatus),
            low_stock_only=request.low_stock_only,
            query=request.query.strip(),
        )
        page = await catalog.list_products(command, self._uow())
        return pb.ListProductsResponse(
            products=[self._product(x) for x in page.items],
            page={"next_page_token": page.next_token},
        )

    async def DeleteProduct(self, request, context):
        await catalog.delete_product(*tenant_and(request, "product_id"), self._uow())
        return pb.DeleteProductResponse()

    async def AdjustStock(self, request, context):
        command = c.AdjustStock(
            *tenant_and(request, "product_id"),
            adjustment_type=enum_to_domain(request, "adjustment_type", AdjustmentType),
            quantity_change=request.quantity_change,
            reason=request.reason,
            order_id=optional_id(request.order_id, "order_id"),
            adjusted_by=optional_id(request.adjusted_by, "adjusted_by"),
        )
        adjustment, product = await inventory.adjust_stock(command, self._uow())
        return pb.AdjustStockResponse(
            adjustment=adjustment_message(adjustment), product=self._product(product)
        )

    async def ListStockAdjustments(self, request, context):
        command = c.ListStockAdjustments(
            tenant_id=parse_id(request.tenant_id, "tenant_id"),
            page=page_query(request.page),
            product_id=optional_id(request.product_id, "product_id"),
            order_id=optional_id(request.order_id, "order_id"),
            adjustment_type=enum_to_domain(request, "adjustment_type", AdjustmentType),
        )
        page = await inventory.list_adjustments(command, self._uow())
        return pb.ListStockAdjustmentsResponse(
            adjustments=[adjustment_message(x) for x in page.items],
            page={"next_page_token": page.next_token},
        )
