"""Events go to the log until the analytics service takes them (the port stays the same)."""

import logging

from core.orchestrator.ports import Event

log = logging.getLogger("events")


class LoggedEvents:
    async def emit(self, event: Event) -> None:
        log.debug("%s %s %s %.2f", event.name, event.tenant_id, event.properties, event.value)
