"""LLM token usage goes to the log until billing meters it (the port stays the same)."""

import logging

from core.orchestrator.nlu import Usage

log = logging.getLogger("usage")


class LoggedUsage:
    async def record(self, usage: Usage) -> None:
        log.info(
            "llm usage tenant=%s model=%s prompt=%d completion=%d",
            usage.tenant_id,
            usage.model,
            usage.prompt_tokens,
            usage.completion_tokens,
        )
