"""The launcher relays children's log lines as plain text, whatever brackets they hold."""

import pytest
from rich.console import Console

from services.launcher import relayed


@pytest.mark.parametrize(
    "line",
    ["error in [/crm.conversation.v1.ConversationService/UpdateConversation]",
     "[bold]not markup[/bold] and [/] and [red", "plain"],
)  # fmt: skip
def test_a_line_with_brackets_is_printed_as_written(line):
    console = Console(record=True, width=200, color_system=None)
    console.print(relayed("orchestrator", "cyan", 12, line), highlight=False, soft_wrap=True)
    assert console.export_text().rstrip("\n") == f"{'orchestrator':<12} | {line}"
