"""The agents' own reading of a yes or a no written in words."""

import pytest

from core.shared.yes_no import NO, YES, yes_or_no


@pytest.mark.parametrize(
    ("text", "answer"),
    [("vale", YES), ("sí, perfecto", YES), ("siap kak", YES), ("yes please", YES),
     ("gak jadi", NO), ("no thanks", NO), ("mejor no", NO),
     ("2 pizzas please", ""), ("", ""), ("ok ok ok ok ok ok ok", "")],
)  # fmt: skip
def test_a_message_made_only_of_yes_or_no_words_is_read(text, answer):
    assert yes_or_no(text) == answer
