"""Postgres repositories of the catalog: categories, products and their stock history."""

import uuid
from typing import Any

from sqlalchemy import delete, exists, or_, select, update

from core.order.catalog import MAX_STOCK, Category, Product, ProductStatus
from core.order.commands import ListProducts, ListStockAdjustments
from core.order.stock import AdjustmentType, StockAdjustment
from core.shared.errors import InvalidInput
from core.shared.paging import Page, PageQuery

from .models.order import CategoryRow, OrderItemRow, ProductRow, StockAdjustmentRow
from .paging import Keyset
from .table import Table, writable

_NEWEST_FIRST = Keyset(
    StockAdjustmentRow.created_at,
    StockAdjustmentRow.id,
    lambda row: row.created_at,
    descending=True,
)


def _category(row: CategoryRow) -> Category:
    return Category(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        display_order=row.display_order,
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _product(row: ProductRow) -> Product:
    return Product(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        price=row.price,
        description=row.description,
        stock_quantity=row.stock_quantity,
        low_stock_threshold=row.low_stock_threshold,
        category_id=row.category_id,
        category=row.category or "",
        sku=row.sku or "",
        status=ProductStatus(row.status),
        image_url=row.image_url,
        aliases=tuple(row.aliases or ()),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _product_values(product: Product) -> dict[str, Any]:
    # NULL, not "": the per-tenant unique SKU constraint lets any number of NULLs through.
    values = writable(product)
    return {
        **values,
        "sku": product.sku or None,
        "category": product.category or None,
        "aliases": list(product.aliases),
    }


def _adjustment(row: StockAdjustmentRow) -> StockAdjustment:
    return StockAdjustment(
        id=row.id,
        tenant_id=row.tenant_id,
        product_id=row.product_id,
        adjustment_type=AdjustmentType(row.adjustment_type),
        quantity_change=row.quantity_change,
        new_quantity=row.new_quantity,
        order_id=row.order_id,
        adjusted_by=row.adjusted_by,
        reason=row.reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAlchemyCategoryRepository(Table[Category]):
    row = CategoryRow
    to_entity = staticmethod(_category)
    immutable = ("id", "tenant_id")

    async def get(self, tenant_id: uuid.UUID, category_id: uuid.UUID) -> Category | None:
        return await self._one(CategoryRow.tenant_id == tenant_id, CategoryRow.id == category_id)

    async def delete(self, tenant_id: uuid.UUID, category_id: uuid.UUID) -> bool:
        # The foreign key clears category_id; the name kept beside it is cleared here.
        await self._session.execute(
            update(ProductRow)
            .where(ProductRow.tenant_id == tenant_id, ProductRow.category_id == category_id)
            .values(category=None)
        )
        where = (CategoryRow.tenant_id == tenant_id, CategoryRow.id == category_id)
        return (await self._session.execute(delete(CategoryRow).where(*where))).rowcount > 0

    async def list(self, tenant_id: uuid.UUID, page: PageQuery) -> Page[Category]:
        """By display order, then name; the token is an offset (menus are short)."""
        start = _offset(page.token)
        rows = await self._session.scalars(
            select(CategoryRow)
            .where(CategoryRow.tenant_id == tenant_id)
            .order_by(CategoryRow.display_order, CategoryRow.name, CategoryRow.id)
            .offset(start)
            .limit(page.size + 1)
        )
        found = [_category(row) for row in rows]
        more = len(found) > page.size
        return Page(found[: page.size], str(start + page.size) if more else "")


def _offset(token: str) -> int:
    if token and not token.isdigit():
        raise InvalidInput("page.page_token", "is not a token this service issued")
    return int(token or 0)


def _product_filters(query: ListProducts) -> list[Any]:
    where = [ProductRow.tenant_id == query.tenant_id]
    if query.category_id:
        where.append(ProductRow.category_id == query.category_id)
    if query.status:
        where.append(ProductRow.status == query.status.value)
    if query.low_stock_only:
        where.append(ProductRow.stock_quantity <= ProductRow.low_stock_threshold)
    if query.query:
        term = query.query
        where.append(
            or_(
                ProductRow.name.icontains(term, autoescape=True),
                ProductRow.description.icontains(term, autoescape=True),
                ProductRow.sku.icontains(term, autoescape=True),
            )
        )
    return where


class SqlAlchemyProductRepository(Table[Product]):
    row = ProductRow
    to_entity = staticmethod(_product)
    to_values = staticmethod(_product_values)
    immutable = ("id", "tenant_id")

    async def get(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product | None:
        return await self._one(ProductRow.tenant_id == tenant_id, ProductRow.id == product_id)

    async def delete(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> bool:
        where = (ProductRow.tenant_id == tenant_id, ProductRow.id == product_id)
        return (await self._session.execute(delete(ProductRow).where(*where))).rowcount > 0

    async def ordered(self, tenant_id: uuid.UUID, product_id: uuid.UUID) -> bool:
        where = (OrderItemRow.tenant_id == tenant_id, OrderItemRow.product_id == product_id)
        statement = select(exists().where(*where))
        return bool(await self._session.scalar(statement))

    async def list(self, query: ListProducts) -> Page[Product]:
        """In creation order, which is the menu's order when it was entered."""
        return await self._page(query.page, *_product_filters(query))

    async def change_stock(
        self, tenant_id: uuid.UUID, product_id: uuid.UUID, change: int
    ) -> Product | None:
        # One conditional UPDATE: concurrent writers queue on the row lock and each re-checks
        # the condition against the stock the previous one left, so it never goes below zero.
        statement = (
            update(ProductRow)
            .where(
                ProductRow.tenant_id == tenant_id,
                ProductRow.id == product_id,
                (ProductRow.stock_quantity + change).between(0, MAX_STOCK),
            )
            .values(stock_quantity=ProductRow.stock_quantity + change)
            .returning(ProductRow)
            .execution_options(populate_existing=True)
        )
        row = await self._session.scalar(statement)
        return _product(row) if row else None


class SqlAlchemyStockAdjustmentRepository(Table[StockAdjustment]):
    row = StockAdjustmentRow
    to_entity = staticmethod(_adjustment)

    async def list(self, query: ListStockAdjustments) -> Page[StockAdjustment]:
        row = StockAdjustmentRow
        where = [row.tenant_id == query.tenant_id]
        if query.product_id:
            where.append(row.product_id == query.product_id)
        if query.order_id:
            where.append(row.order_id == query.order_id)
        if query.adjustment_type:
            where.append(row.adjustment_type == query.adjustment_type.value)
        return await self._page(query.page, *where, order=_NEWEST_FIRST)
