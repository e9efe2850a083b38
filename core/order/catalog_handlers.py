"""Use cases of the catalog: categories and products, each inside one unit of work."""

import uuid
from dataclasses import replace

from core.shared.errors import NotFound
from core.shared.paging import Page, PageQuery
from core.shared.validation import optional_text, required_text, validated

from . import commands as c
from .catalog import (
    CATEGORY_FIELDS,
    PRODUCT_FIELDS,
    Category,
    Product,
    ProductStatus,
    aliases,
    money,
    non_negative,
    writable_status,
)
from .ports import OrderUnitOfWork


async def _category(uow: OrderUnitOfWork, tenant_id: uuid.UUID, category_id: uuid.UUID):
    category = await uow.categories.get(tenant_id, category_id)
    if category is None:
        raise NotFound("category", category_id)
    return category


async def _product(uow: OrderUnitOfWork, tenant_id: uuid.UUID, product_id: uuid.UUID) -> Product:
    product = await uow.products.get(tenant_id, product_id)
    if product is None:
        raise NotFound("product", product_id)
    return product


async def create_category(cmd: c.CreateCategory, uow: OrderUnitOfWork) -> Category:
    category = Category(
        tenant_id=cmd.tenant_id,
        name=required_text(cmd.name, "category.name"),
        display_order=cmd.display_order,
        description=optional_text(2000)(cmd.description, "category.description"),
    )
    async with uow:
        category = await uow.categories.add(category)
        await uow.commit()
    return category


async def get_category(tenant_id: uuid.UUID, category_id: uuid.UUID, uow: OrderUnitOfWork):
    async with uow:
        return await _category(uow, tenant_id, category_id)


async def update_category(cmd: c.Update, uow: OrderUnitOfWork) -> Category:
    changes = validated(dict(cmd.changes), CATEGORY_FIELDS, mask_field="update_mask")
    async with uow:
        category = await _category(uow, cmd.tenant_id, cmd.entity_id)
        category = await uow.categories.update(replace(category, **changes))
        await uow.commit()
    return category


async def list_categories(tenant_id: uuid.UUID, page: PageQuery, uow: OrderUnitOfWork):
    async with uow:
        return await uow.categories.list(tenant_id, page)


async def delete_category(tenant_id: uuid.UUID, category_id: uuid.UUID, uow: OrderUnitOfWork):
    """Its products become uncategorised (the foreign key sets NULL)."""
    async with uow:
        if not await uow.categories.delete(tenant_id, category_id):
            raise NotFound("category", category_id)
        await uow.commit()


async def _categorised(uow: OrderUnitOfWork, product: Product) -> Product:
    """The product with its category's name beside the id (a foreign tenant's is not found)."""
    if product.category_id is None:
        return replace(product, category="")
    category = await _category(uow, product.tenant_id, product.category_id)
    return replace(product, category=category.name)


async def create_product(cmd: c.CreateProduct, uow: OrderUnitOfWork) -> Product:
    product = Product(
        tenant_id=cmd.tenant_id,
        name=required_text(cmd.name, "product.name"),
        price=money(cmd.price, "product.price"),
        description=optional_text(2000)(cmd.description, "product.description"),
        stock_quantity=non_negative(cmd.stock_quantity, "product.stock_quantity"),
        low_stock_threshold=non_negative(cmd.low_stock_threshold, "product.low_stock_threshold"),
        category_id=cmd.category_id,
        sku=optional_text(64)(cmd.sku.strip(), "product.sku"),
        status=writable_status(cmd.status or ProductStatus.ACTIVE, "product.status"),
        image_url=optional_text(2000)(cmd.image_url, "product.image_url"),
        aliases=aliases(cmd.aliases, "product.aliases"),
    )
    async with uow:
        product = await uow.products.add(await _categorised(uow, product.with_stock_status()))
        await uow.commit()
    return product


async def get_product(tenant_id: uuid.UUID, product_id: uuid.UUID, uow: OrderUnitOfWork):
    async with uow:
        return await _product(uow, tenant_id, product_id)


async def update_product(cmd: c.Update, uow: OrderUnitOfWork) -> Product:
    changes = validated(dict(cmd.changes), PRODUCT_FIELDS, mask_field="update_mask")
    async with uow:
        product = await _product(uow, cmd.tenant_id, cmd.entity_id)
        changed = await _categorised(uow, replace(product, **changes).with_stock_status())
        product = await uow.products.update(changed)
        await uow.commit()
    return product


async def list_products(cmd: c.ListProducts, uow: OrderUnitOfWork) -> Page[Product]:
    async with uow:
        return await uow.products.list(cmd)


async def delete_product(tenant_id: uuid.UUID, product_id: uuid.UUID, uow: OrderUnitOfWork):
    """Soft (INACTIVE) when orders refer to it, so their history keeps it; hard otherwise."""
    async with uow:
        product = await _product(uow, tenant_id, product_id)
        if await uow.products.ordered(tenant_id, product_id):
            await uow.products.update(replace(product, status=ProductStatus.INACTIVE))
        else:
            await uow.products.delete(tenant_id, product_id)
        await uow.commit()
