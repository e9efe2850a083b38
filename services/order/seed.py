"""The demo restaurant's catalog (services/demo/documents/menu.md), seeded idempotently."""

import uuid

from adapters.postgres.database import units_of_work
from adapters.postgres.order_repository import SqlAlchemyOrderUnitOfWork
from core.order import catalog_handlers as catalog
from core.order import commands as c
from core.shared.paging import MAX_PAGE_SIZE, PageQuery

STOCK = 50
# Category -> (name, price, SKU, description, stock); prices as on the printed menu.
DEMO_MENU: dict[str, list[tuple[str, str, str, str, int]]] = {
    "Starters": [
        ("Patatas bravas", "6.50", "ST-BRAVAS", "Crispy potatoes, spicy tomato, aioli", STOCK),
        ("Burrata", "11.00", "ST-BURRATA", "Heirloom tomatoes and basil oil", STOCK),
        ("Croquetas de jamón", "8.00", "ST-CROQUETAS", "Six ham croquettes", STOCK),
        ("Garlic prawns", "12.50", "ST-PRAWNS", "Olive oil, garlic and chilli", STOCK),
    ],
    "Mains": [
        ("Pizza Margherita", "12.00", "MN-MARGHERITA", "Tomato, mozzarella, basil", STOCK),
        ("Pizza Diavola", "14.00", "MN-DIAVOLA", "Tomato, mozzarella, spicy salami", STOCK),
        ("Seafood paella for two", "42.00", "MN-PAELLA", "Allow 30 minutes", 10),
        ("Bistro burger", "15.50", "MN-BURGER", "Beef, cheddar, onion, fries", STOCK),
        ("Mushroom risotto", "14.50", "MN-RISOTTO", "Vegetarian and gluten-free", STOCK),
    ],
    "Desserts": [
        ("Tarta de queso", "6.50", "DS-TARTA", "Baked cheesecake", STOCK),
        ("Chocolate fondant", "7.00", "DS-FONDANT", "With vanilla ice cream", STOCK),
    ],
    "Drinks": [
        ("Soft drink", "3.00", "DR-SOFT", "", STOCK),
        ("Fresh orange juice", "4.00", "DR-ORANGE", "", STOCK),
        ("House wine", "4.50", "DR-WINE", "By the glass", STOCK),
        ("Draught beer", "3.50", "DR-BEER", "", STOCK),
        ("Coffee", "2.00", "DR-COFFEE", "", STOCK),
    ],
}
# What the demo's customers also call a product, in English, Spanish and Indonesian: the
# owner's words, as a business would fill them in.
DEMO_ALIASES: dict[str, tuple[str, ...]] = {
    "DR-SOFT": ("coke", "coca cola", "cola", "fanta", "soda", "refresco", "minuman soda"),
    "DR-ORANGE": ("orange juice", "oj", "zumo de naranja", "zumo", "jus jeruk", "es jeruk"),
    "DR-WINE": ("wine", "vino", "vino de la casa", "anggur"),
    "DR-BEER": ("beer", "cerveza", "caña", "bir"),
    "DR-COFFEE": ("café", "kopi", "espresso"),
    "MN-MARGHERITA": ("margarita",),
    "DS-TARTA": ("cheesecake", "kue keju"),
}


async def _category_ids(uow, tenant_id: uuid.UUID) -> dict[str, uuid.UUID]:
    """The demo categories by name, created where missing."""
    page = await catalog.list_categories(tenant_id, PageQuery(MAX_PAGE_SIZE), uow())
    found = {category.name: category.id for category in page.items}
    for order, name in enumerate(DEMO_MENU, start=1):
        if name not in found:
            command = c.CreateCategory(tenant_id, name, order)
            found[name] = (await catalog.create_category(command, uow())).id
    return found


async def _products(uow, tenant_id: uuid.UUID, categories: dict[str, uuid.UUID]) -> None:
    """The demo products by SKU, created where missing."""
    listed = await catalog.list_products(c.ListProducts(tenant_id, PageQuery(MAX_PAGE_SIZE)), uow())
    skus = {product.sku for product in listed.items}
    for category, rows in DEMO_MENU.items():
        for name, price, sku, description, stock in rows:
            if sku not in skus:
                command = c.CreateProduct(
                    tenant_id,
                    name,
                    price,
                    description,
                    stock,
                    low_stock_threshold=5,
                    category_id=categories[category],
                    sku=sku,
                    aliases=DEMO_ALIASES.get(sku, ()),
                )
                await catalog.create_product(command, uow())


async def seed_demo_catalog(database_url: str, tenant_id: uuid.UUID) -> None:
    """Categories by name and products by SKU: what exists already is left alone."""
    async with units_of_work(database_url, SqlAlchemyOrderUnitOfWork) as uow:
        await _products(uow, tenant_id, await _category_ids(uow, tenant_id))
