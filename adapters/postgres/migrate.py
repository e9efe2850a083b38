"""Run Alembic migrations programmatically (no alembic.ini): upgrade, downgrade, current."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from .urls import async_url, plain

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | URL) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic reads the URL back through ConfigParser, which treats % specially.
    config.set_main_option("sqlalchemy.url", plain(async_url(url)).replace("%", "%%"))
    return config


async def upgrade(url: str | URL, revision: str = "head") -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(url), revision)


async def downgrade(url: str | URL, revision: str = "base") -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(url), revision)
