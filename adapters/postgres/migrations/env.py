"""Alembic environment: async engine, every service schema, one version table."""

import asyncio

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import async_engine_from_config

from adapters.postgres.models import Base

config = context.config
target_metadata = Base.metadata
PLATFORM_SCOPE = text("SELECT set_config('app.platform', 'on', true)")


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_schemas=True,
        version_table_schema="public",
        compare_type=True,
    )
    with context.begin_transaction():
        # Migrations span tenants: FORCE ROW LEVEL SECURITY holds the owner to the policies
        # too, and a data migration must see every tenant's rows.
        connection.execute(PLATFORM_SCOPE)
        context.run_migrations()


async def _run_online() -> None:
    engine = async_engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    async with engine.connect() as connection:
        await connection.run_sync(_configure_and_run)
    await engine.dispose()


def _run() -> None:
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(_run_online())


_run()
