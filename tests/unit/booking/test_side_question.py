"""A question asked beside a booking is noticed; a booking request phrased as a question is not."""

import pytest

from core.booking.reading import side_question


def test_the_second_half_of_a_two_part_message_is_the_side_question():
    assert side_question("book for 4 at 8 and do you have vegan food?") == "do you have vegan food?"


@pytest.mark.parametrize(
    "text",
    ["mau booking buat 15 orang hari jumat bisa?", "can I book a table for 2 tonight?",
     "¿tenéis mesa para 4 mañana?"],
)  # fmt: skip
def test_a_booking_asked_as_one_question_has_no_side_question(text):
    assert side_question(text) == ""


def test_a_greeting_then_a_booking_asked_as_a_question_has_no_side_question():
    assert side_question("hola, tienen mesa para 4 mñana a las 21h?") == ""
