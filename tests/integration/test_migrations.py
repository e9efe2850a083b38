"""The initial migration builds exactly the models' schema, undoes cleanly, and enforces
the data rules the services rely on (uniqueness, no double booking, value sets, ...)."""

import uuid
from datetime import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.engine import URL
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from adapters.postgres.admin import drop_database, ensure_database
from adapters.postgres.migrate import downgrade, upgrade
from adapters.postgres.models import SCHEMAS, Base

EXPECTED_TABLES = {
    "tenant": {"tenants", "outlets", "users"},
    "billing": {
        "tiers",
        "subscriptions",
        "usage_records",
        "usage_events",
        "deposits",
        "deposit_ledger",
        "statements",
        "statement_lines",
        "alerts",
    },
    "conversation": {"conversations", "messages", "facts_pending"},
    "knowledge": {"knowledge_bases", "documents"},
    "booking": {"resources", "bookings", "opening_hours", "closed_dates", "facts_pending"},
    "orders": {
        "categories",
        "products",
        "stock_adjustments",
        "orders",
        "order_items",
        "facts_pending",
    },
    "analytics": {"events", "event_rollups"},
    "messaging": {
        "inbox_items",
        "outbox_messages",
        "usage_pending",
        "opt_outs",
        "media",
        "message_templates",
    },
    "orchestrator": {"dialogue_states"},
}


async def _schemas(conn: AsyncConnection) -> set[str]:
    rows = await conn.execute(text("SELECT nspname FROM pg_namespace"))
    return {name for (name,) in rows} & set(EXPECTED_TABLES)


async def _tables(conn: AsyncConnection) -> dict[str, set[str]]:
    rows = await conn.execute(
        text(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema = ANY(:schemas)"
        ),
        {"schemas": list(EXPECTED_TABLES)},
    )
    found: dict[str, set[str]] = {}
    for schema, table in rows:
        found.setdefault(schema, set()).add(table)
    return found


async def _constraints(conn: AsyncConnection, kinds: str) -> set[tuple[str, str, str]]:
    """(schema, table, name) of the constraints of the given pg_constraint kinds."""
    rows = await conn.execute(
        text(
            "SELECT n.nspname, t.relname, c.conname FROM pg_constraint c"
            " JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace"
            " WHERE n.nspname = ANY(:schemas) AND strpos(:kinds, c.contype::text) > 0"
        ),
        {"schemas": list(EXPECTED_TABLES), "kinds": kinds},
    )
    return {tuple(row) for row in rows}


async def _catalog(conn: AsyncConnection) -> dict[str, set[tuple[object, ...]]]:
    """Everything that defines the schema, as PostgreSQL itself renders it."""
    params = {"schemas": list(EXPECTED_TABLES)}
    columns = await conn.execute(
        text(
            "SELECT table_schema, table_name, column_name, data_type, character_maximum_length,"
            " numeric_precision, numeric_scale, is_nullable, column_default"
            " FROM information_schema.columns WHERE table_schema = ANY(:schemas)"
        ),
        params,
    )
    constraints = await conn.execute(
        text(
            "SELECT n.nspname, t.relname, c.conname, pg_get_constraintdef(c.oid)"
            " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
            " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = ANY(:schemas)"
        ),
        params,
    )
    indexes = await conn.execute(
        text(
            "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = ANY(:schemas)"
        ),
        params,
    )
    return {
        "columns": {tuple(row) for row in columns},
        "constraints": {tuple(row) for row in constraints},
        "indexes": {tuple(row) for row in indexes},
    }


def _model_constraints(kind: type) -> set[tuple[str, str, str]]:
    return {
        (table.schema, table.name, str(constraint.name))
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, kind)
    }


async def _created_from_models(server_url: URL, name: str) -> dict[str, set[tuple[object, ...]]]:
    """The catalog of a database built by Base.metadata.create_all instead of the migration."""
    url = await ensure_database(server_url, name)
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
            for schema in SCHEMAS:
                await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            await conn.run_sync(Base.metadata.create_all)
        async with engine.connect() as conn:
            return await _catalog(conn)
    finally:
        await engine.dispose()
        await drop_database(server_url, name)


async def test_upgrade_matches_models_and_downgrade_removes_everything(
    empty_database_url: URL, pg_server_url: URL
) -> None:
    assert set(SCHEMAS) == set(EXPECTED_TABLES)
    assert {(t.schema, t.name) for t in Base.metadata.tables.values()} == {
        (schema, table) for schema, tables in EXPECTED_TABLES.items() for table in tables
    }

    await upgrade(empty_database_url)
    engine = create_async_engine(empty_database_url)
    try:
        async with engine.connect() as conn:
            assert await _schemas(conn) == set(EXPECTED_TABLES)
            assert await _tables(conn) == EXPECTED_TABLES

            def diff(sync_conn):
                context = MigrationContext.configure(
                    sync_conn,
                    opts={
                        "include_schemas": True,
                        "compare_type": True,
                        "target_metadata": Base.metadata,
                    },
                )
                return compare_metadata(context, Base.metadata)

            # Columns, types, nullability, PKs, FKs, unique constraints, (partial) indexes.
            assert await conn.run_sync(diff) == []
            # Autogenerate ignores CHECK and EXCLUDE constraints: compare them by name.
            assert await _constraints(conn, "c") == _model_constraints(CheckConstraint)
            assert await _constraints(conn, "x") == _model_constraints(ExcludeConstraint)
            migrated = await _catalog(conn)

        # Stricter still: the migration and create_all() yield the same catalog, definition
        # for definition (defaults, CHECK bodies, the exclusion, partial index predicates).
        from_models = await _created_from_models(
            pg_server_url, f"crm_models_{uuid.uuid4().hex[:12]}"
        )
        for part in ("columns", "constraints", "indexes"):
            assert migrated[part] == from_models[part], part

        await downgrade(empty_database_url)
        async with engine.connect() as conn:
            assert await _schemas(conn) == set()
            version = await conn.scalar(text("SELECT count(*) FROM public.alembic_version"))
            assert version == 0
            extensions = await conn.execute(text("SELECT extname FROM pg_extension"))
            # Extensions stay (pgcrypto only exists where the server ships it).
            assert "btree_gist" in {name for (name,) in extensions}

        # And up again: the downgrade left nothing behind that would collide.
        await upgrade(empty_database_url)
        async with engine.connect() as conn:
            assert await _tables(conn) == EXPECTED_TABLES
    finally:
        await engine.dispose()


# --- constraints, on the session's migrated database ------------------------------------


def _t(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


async def _exec(engine: AsyncEngine, sql: str, **params: object) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(sql), params)


async def _rejected(engine: AsyncEngine, sql: str, constraint: str, **params: object) -> None:
    with pytest.raises(IntegrityError) as caught:
        await _exec(engine, sql, **params)
    assert constraint in str(caught.value)


async def _tenant(engine: AsyncEngine, slug: str = "acme") -> uuid.UUID:
    async with engine.begin() as conn:
        return await conn.scalar(
            text("INSERT INTO tenant.tenants (name, slug) VALUES ('Acme', :slug) RETURNING id"),
            {"slug": slug},
        )


async def test_duplicate_slug_rejected(db: AsyncEngine) -> None:
    await _tenant(db, "acme")
    await _rejected(
        db,
        "INSERT INTO tenant.tenants (name, slug) VALUES ('Other', 'acme')",
        "uq_tenants_slug",
    )


async def test_duplicate_outlet_phone_number_id_rejected(db: AsyncEngine) -> None:
    tenant_id = await _tenant(db)
    insert = (
        "INSERT INTO tenant.outlets (tenant_id, name, waba_phone_number_id)"
        " VALUES (:tenant_id, 'Main', '1234567890')"
    )
    await _exec(db, insert, tenant_id=tenant_id)
    await _rejected(db, insert, "uq_outlets_waba_phone_number_id", tenant_id=tenant_id)


async def test_bookings_never_overlap_while_active(db: AsyncEngine) -> None:
    tenant_id, outlet_id = uuid.uuid4(), uuid.uuid4()
    async with db.begin() as conn:
        resource_id = await conn.scalar(
            text(
                "INSERT INTO booking.resources (tenant_id, outlet_id, name, type, capacity)"
                " VALUES (:t, :o, 'Court 1', 'court', 4) RETURNING id"
            ),
            {"t": tenant_id, "o": outlet_id},
        )
    insert = (
        "INSERT INTO booking.bookings (tenant_id, outlet_id, resource_id, customer_phone,"
        " booking_date, start_time, end_time, status)"
        " VALUES (:t, :o, :r, '+6281234567890', '2030-01-15', :start, :end, :status)"
    )

    async def book(start: time, end: time, status: str) -> None:
        await _exec(
            db, insert, t=tenant_id, o=outlet_id, r=resource_id, start=start, end=end, status=status
        )

    await book(_t("10:00"), _t("11:00"), "confirmed")
    # Overlaps an active booking: rejected whether pending or confirmed.
    for status in ("pending", "confirmed"):
        await _rejected(
            db,
            insert,
            "ex_bookings_resource_id_no_overlap",
            t=tenant_id,
            o=outlet_id,
            r=resource_id,
            start=_t("10:30"),
            end=_t("11:30"),
            status=status,
        )
    # Back to back is fine (half-open ranges), and a cancelled booking may overlap.
    await book(_t("11:00"), _t("12:00"), "pending")
    await book(_t("10:30"), _t("11:30"), "cancelled")
    # Cancelling frees the slot for a new booking.
    await _exec(
        db,
        "UPDATE booking.bookings SET status = 'cancelled'"
        " WHERE resource_id = :r AND start_time = '10:00'",
        r=resource_id,
    )
    await book(_t("09:30"), _t("10:30"), "confirmed")
    # The same hours on another resource never conflict.
    async with db.begin() as conn:
        other = await conn.scalar(
            text(
                "INSERT INTO booking.resources (tenant_id, outlet_id, name, type)"
                " VALUES (:t, :o, 'Court 2', 'court') RETURNING id"
            ),
            {"t": tenant_id, "o": outlet_id},
        )
    await _exec(
        db,
        insert,
        t=tenant_id,
        o=outlet_id,
        r=other,
        start=_t("11:00"),
        end=_t("12:00"),
        status="confirmed",
    )
    # end_time must follow start_time.
    await _rejected(
        db,
        insert,
        "ck_bookings_end_after_start",
        t=tenant_id,
        o=outlet_id,
        r=other,
        start=_t("15:00"),
        end=_t("14:00"),
        status="pending",
    )


async def test_negative_stock_rejected(db: AsyncEngine) -> None:
    tenant_id = uuid.uuid4()
    await _rejected(
        db,
        "INSERT INTO orders.products (tenant_id, name, price, stock_quantity)"
        " VALUES (:t, 'Latte', 4.50, -1)",
        "ck_products_stock_quantity_non_negative",
        t=tenant_id,
    )
    async with db.begin() as conn:
        product_id = await conn.scalar(
            text(
                "INSERT INTO orders.products (tenant_id, name, price, stock_quantity)"
                " VALUES (:t, 'Latte', 4.50, 1) RETURNING id"
            ),
            {"t": tenant_id},
        )
    # A decrement below zero (an oversell) fails too.
    await _rejected(
        db,
        "UPDATE orders.products SET stock_quantity = stock_quantity - 2 WHERE id = :p",
        "ck_products_stock_quantity_non_negative",
        p=product_id,
    )


async def test_bad_status_rejected(db: AsyncEngine) -> None:
    tenant_id = uuid.uuid4()
    await _rejected(
        db,
        "INSERT INTO orders.orders (tenant_id, outlet_id, order_number, status)"
        " VALUES (:t, :o, 'ORD-1', 'shipped')",
        "ck_orders_status_allowed",
        t=tenant_id,
        o=uuid.uuid4(),
    )
    await _rejected(
        db,
        "INSERT INTO conversation.conversations (tenant_id, outlet_id, customer_phone, status)"
        " VALUES (:t, :o, '+6281234567890', 'pending')",
        "ck_conversations_status_allowed",
        t=tenant_id,
        o=uuid.uuid4(),
    )
    await _rejected(
        db,
        "INSERT INTO tenant.tenants (name, slug, status) VALUES ('X', 'x-co', 'deleted')",
        "ck_tenants_status_allowed",
    )


async def test_order_number_unique_per_tenant(db: AsyncEngine) -> None:
    insert = (
        "INSERT INTO orders.orders (tenant_id, outlet_id, order_number) VALUES (:t, :o, 'ORD-1')"
    )
    first, second = uuid.uuid4(), uuid.uuid4()
    await _exec(db, insert, t=first, o=uuid.uuid4())
    await _exec(db, insert, t=second, o=uuid.uuid4())
    await _rejected(db, insert, "uq_orders_tenant_id_order_number", t=first, o=uuid.uuid4())


async def test_second_active_subscription_rejected(db: AsyncEngine) -> None:
    tenant_id = uuid.uuid4()
    insert = (
        "INSERT INTO billing.subscriptions (tenant_id, tier, status, message_quota,"
        " outlet_limit, knowledge_base_limit, storage_limit_mb, monthly_price, overage_rate)"
        " VALUES (:t, 'pro', :status, 1000, 3, 3, 500, 49.00, 0.05)"
    )
    await _exec(
        db,
        "INSERT INTO billing.tiers (name, message_quota, outlet_limit, knowledge_base_limit,"
        " storage_limit_mb, monthly_price, overage_rate) VALUES ('pro', 1000, 3, 3, 500, 49, 0.05)",
    )
    await _exec(db, insert, t=tenant_id, status="active")
    await _rejected(db, insert, "uq_subscriptions_tenant_id_active", t=tenant_id, status="active")
    # Past subscriptions pile up freely; another tenant has its own active one.
    await _exec(db, insert, t=tenant_id, status="cancelled")
    await _exec(db, insert, t=tenant_id, status="expired")
    await _exec(db, insert, t=uuid.uuid4(), status="active")


async def _conversation(db: AsyncEngine, tenant_id: uuid.UUID) -> uuid.UUID:
    async with db.begin() as conn:
        return await conn.scalar(
            text(
                "INSERT INTO conversation.conversations (tenant_id, outlet_id, customer_phone)"
                " VALUES (:t, :o, '+6281234567890') RETURNING id"
            ),
            {"t": tenant_id, "o": uuid.uuid4()},
        )


async def test_duplicate_whatsapp_message_id_rejected(db: AsyncEngine) -> None:
    tenant_id, other = uuid.uuid4(), uuid.uuid4()
    conversation_id = await _conversation(db, tenant_id)
    insert = (
        "INSERT INTO conversation.messages (tenant_id, conversation_id, sender_type, content,"
        " whatsapp_message_id, metadata)"
        " VALUES (:t, :c, 'customer', 'hi', :wamid, '{\"intent\": \"greeting\"}')"
    )
    await _exec(db, insert, t=tenant_id, c=conversation_id, wamid="wamid.ABC")
    await _rejected(
        db,
        insert,
        "uq_messages_tenant_id_whatsapp_message_id",
        t=tenant_id,
        c=conversation_id,
        wamid="wamid.ABC",
    )
    # Per tenant: another tenant's message with that id is no duplicate.
    await _exec(db, insert, t=other, c=await _conversation(db, other), wamid="wamid.ABC")
    # Bot replies not yet sent have no WhatsApp id: any number of NULLs.
    await _exec(db, insert, t=tenant_id, c=conversation_id, wamid=None)
    await _exec(db, insert, t=tenant_id, c=conversation_id, wamid=None)

    inbox = (
        "INSERT INTO messaging.inbox_items (whatsapp_message_id, phone_number_id,"
        " customer_phone, conversation_key, payload)"
        " VALUES ('wamid.ABC', '1234567890', '+6281234567890', '1234567890:+6281234567890',"
        " '{}')"
    )
    await _exec(db, inbox)
    await _rejected(db, inbox, "uq_inbox_items_whatsapp_message_id")


async def test_one_open_conversation_per_outlet_and_phone(db: AsyncEngine) -> None:
    tenant_id, outlet_id = uuid.uuid4(), uuid.uuid4()
    insert = (
        "INSERT INTO conversation.conversations (tenant_id, outlet_id, customer_phone, status)"
        " VALUES (:t, :o, '+6281234567890', :status)"
    )
    await _exec(db, insert, t=tenant_id, o=outlet_id, status="open")
    await _rejected(
        db,
        insert,
        "uq_conversations_tenant_id_outlet_id_customer_phone_open",
        t=tenant_id,
        o=outlet_id,
        status="open",
    )
    await _exec(db, insert, t=tenant_id, o=outlet_id, status="closed")
    await _exec(db, insert, t=tenant_id, o=uuid.uuid4(), status="open")
    await _exec(db, insert, t=uuid.uuid4(), o=outlet_id, status="open")


async def test_billing_rules(db: AsyncEngine) -> None:
    tenant_id = uuid.uuid4()
    usage = (
        "INSERT INTO billing.usage_records (tenant_id, usage_type, count, period_start,"
        " period_end) VALUES (:t, 'messages_in', 1, '2030-01-01', '2030-01-31')"
    )
    await _exec(db, usage, t=tenant_id)
    await _rejected(db, usage, "uq_usage_records_tenant_type_period", t=tenant_id)

    event = (
        "INSERT INTO billing.usage_events (tenant_id, usage_type, idempotency_key)"
        " VALUES (:t, 'messages_in', 'wamid.ABC')"
    )
    await _exec(db, event, t=tenant_id)
    await _rejected(db, event, "uq_usage_events_tenant_id_idempotency_key", t=tenant_id)

    await _rejected(
        db,
        "INSERT INTO billing.deposits (tenant_id, amount, balance) VALUES (:t, 100.00, -0.01)",
        "ck_deposits_balance_non_negative",
        t=tenant_id,
    )


# An insert of one row keyed by tenant :t (and outlet :o), and the rule a repeat in one tenant
# meets; the same row in another tenant is no repeat.
PER_TENANT_KEYS = {
    "opening_hours": (
        "INSERT INTO booking.opening_hours (tenant_id, outlet_id, weekday, opens_at, closes_at)"
        " VALUES (:t, :o, 0, '09:00', '17:00')",
        "uq_opening_hours_tenant_id_outlet_id_weekday_opens_at",
    ),
    "closed_dates": (
        "INSERT INTO booking.closed_dates (tenant_id, outlet_id, closed_on)"
        " VALUES (:t, :o, '2031-12-25')",
        "uq_closed_dates_tenant_id_outlet_id_closed_on",
    ),
    "outbox_messages": (
        "INSERT INTO messaging.outbox_messages (tenant_id, outlet_id, phone_number_id, to_phone,"
        " payload, idempotency_key) VALUES (:t, :o, '100000000000001', '34600111222', '{}',"
        " 'reply:wamid.ABC:0')",
        "uq_outbox_messages_tenant_id_idempotency_key",
    ),
    "deposit_ledger": (
        "INSERT INTO billing.deposit_ledger (tenant_id, kind, amount, period_start,"
        " idempotency_key) VALUES (:t, 'top_up', 10.00, '2031-01-01', 'top-up-1')",
        "uq_deposit_ledger_tenant_id_idempotency_key",
    ),
    "events": (
        "INSERT INTO analytics.events (tenant_id, outlet_id, event_id, event_type, occurred_at)"
        " VALUES (:t, :o, 'event-1', 'message.received', now())",
        "uq_events_tenant_id_event_id",
    ),
}


@pytest.mark.parametrize(("insert", "rule"), PER_TENANT_KEYS.values(), ids=PER_TENANT_KEYS)
async def test_keys_are_unique_within_a_tenant_only(db: AsyncEngine, insert, rule) -> None:
    tenant_id, other, outlet_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await _exec(db, insert, t=tenant_id, o=outlet_id)
    await _rejected(db, insert, rule, t=tenant_id, o=outlet_id)
    await _exec(db, insert, t=other, o=outlet_id)


async def test_order_item_quantity_positive(db: AsyncEngine) -> None:
    tenant_id = uuid.uuid4()
    async with db.begin() as conn:
        product_id = await conn.scalar(
            text(
                "INSERT INTO orders.products (tenant_id, name, price) VALUES (:t, 'Latte', 4.50)"
                " RETURNING id"
            ),
            {"t": tenant_id},
        )
        order_id = await conn.scalar(
            text(
                "INSERT INTO orders.orders (tenant_id, outlet_id, order_number)"
                " VALUES (:t, :o, 'ORD-9') RETURNING id"
            ),
            {"t": tenant_id, "o": uuid.uuid4()},
        )
    await _rejected(
        db,
        "INSERT INTO orders.order_items (tenant_id, order_id, product_id, product_name,"
        " product_price, quantity, subtotal) VALUES (:t, :o, :p, 'Latte', 4.50, 0, 0)",
        "ck_order_items_quantity_positive",
        t=tenant_id,
        o=order_id,
        p=product_id,
    )


async def test_money_is_numeric_12_2(db: AsyncEngine) -> None:
    async with db.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT table_schema, table_name, column_name, numeric_precision, numeric_scale"
                " FROM information_schema.columns"
                " WHERE column_name IN ('price', 'total', 'amount', 'balance', 'subtotal',"
                " 'product_price', 'hourly_rate', 'total_price', 'monthly_price',"
                " 'overage_rate')"
                " AND table_schema = ANY(:schemas)"
            ),
            {"schemas": list(EXPECTED_TABLES)},
        )
        found = {(s, t, c): (p, sc) for s, t, c, p, sc in rows}
    assert len(found) == 19
    assert set(found.values()) == {(12, 2)}
