"""Database URL handling: one place that turns any Postgres URL into the driver we use."""

from sqlalchemy.engine import URL, make_url

ASYNC_DRIVER = "postgresql+asyncpg"


def async_url(url: str | URL) -> URL:
    """The URL with the asyncpg driver, whatever driver (if any) it named."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.set(drivername=ASYNC_DRIVER)


def with_database(url: str | URL, database: str) -> URL:
    """The same server, another database."""
    return async_url(url).set(database=database)


def plain(url: URL) -> str:
    """A URL string with the password kept (SQLAlchemy's str() hides it)."""
    return url.render_as_string(hide_password=False)
