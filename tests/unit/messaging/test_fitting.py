import random

import pytest

from core.messaging.fitting import CHOOSE_PROMPT, ELLIPSIS, MORE_OPTIONS, fit, shorten, split_text
from core.messaging.model import (
    ButtonsPiece,
    ListPiece,
    OutboundContent,
    ReplyOption,
    TextPiece,
)


def within_limits(pieces) -> bool:
    """What Meta accepts: every limit of every piece the Cloud API will see."""
    for piece in pieces:
        match piece:
            case TextPiece(body):
                assert 0 < len(body) <= 4096
            case ButtonsPiece(body, buttons):
                assert 0 < len(body) <= 1024 and 1 <= len(buttons) <= 3
                assert all(0 < len(b.title) <= 20 for b in buttons)
            case ListPiece(body, button, rows):
                assert 0 < len(body) <= 4096 and 0 < len(button) <= 20
                assert 1 <= len(rows) <= 10
                assert all(0 < len(r.title) <= 24 and len(r.description) <= 72 for r in rows)
    return True


def options(count: int, title: str = "Option {n}") -> tuple[ReplyOption, ...]:
    return tuple(ReplyOption(f"opt-{n}", title.format(n=n)) for n in range(1, count + 1))


def words(pieces) -> list[str]:
    return " ".join(p.body for p in pieces).split()


# -- text only ---------------------------------------------------------------------------


def test_empty_text_without_options_sends_nothing():
    assert fit(OutboundContent(text="  \n ")) == []


def test_short_text_is_one_text_piece_trimmed():
    assert fit(OutboundContent(text="  Hello!\n")) == [TextPiece("Hello!")]


def test_text_at_the_limit_stays_whole():
    text = "a" * 4096
    assert fit(OutboundContent(text=text)) == [TextPiece(text)]


def test_long_text_splits_at_a_paragraph():
    first, second = "x " * 1500, "y " * 1500
    pieces = fit(OutboundContent(text=f"{first}\n\n{second}"))
    assert [p.body for p in pieces] == [first.strip(), second.strip()]


def test_without_paragraphs_it_splits_after_a_sentence():
    sentence = "This sentence has exactly fifty characters in it. "
    pieces = fit(OutboundContent(text=sentence * 100))
    assert within_limits(pieces) and len(pieces) == 2
    assert pieces[0].body.endswith("in it.")
    assert pieces[1].body.startswith("This sentence")


def test_without_sentences_it_splits_between_words():
    pieces = fit(OutboundContent(text="word " * 1000))
    assert within_limits(pieces) and len(pieces) == 2
    assert all(p.body.split() == ["word"] * len(p.body.split()) for p in pieces)
    assert words(pieces) == ["word"] * 1000


def test_a_weak_boundary_late_beats_a_strong_one_too_early():
    text = "Intro.\n\n" + "word " * 1000
    pieces = fit(OutboundContent(text=text))
    assert len(pieces[0].body) > 2048


def test_one_unbroken_word_is_cut_hard():
    pieces = fit(OutboundContent(text="a" * 9000))
    assert [len(p.body) for p in pieces] == [4096, 4096, 808]


@pytest.mark.parametrize("seed", range(20))
def test_random_text_always_fits_and_keeps_every_word(seed):
    rng = random.Random(seed)
    tokens = [
        rng.choice(["é", "lorem", "ipsum.", "dolor,", "\n", "\n\n", "🍕", "x" * 50])
        for _ in range(rng.randint(1, 6000))
    ]
    text = " ".join(tokens)
    pieces = fit(OutboundContent(text=text))
    assert within_limits(pieces)
    assert words(pieces) == text.split()


# -- reply buttons -----------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3])
def test_up_to_three_short_options_are_reply_buttons(count):
    content = OutboundContent(text="Pick one", options=options(count))
    assert fit(content) == [ButtonsPiece("Pick one", options(count))]


def test_a_button_title_of_twenty_characters_fits():
    twenty = options(2, title="x" * 19 + "{n}")
    assert fit(OutboundContent(text="Pick", options=twenty)) == [ButtonsPiece("Pick", twenty)]


def test_empty_text_with_options_gets_a_prompt():
    [piece] = fit(OutboundContent(text=" ", options=options(2)))
    assert piece.body == CHOOSE_PROMPT


def test_a_long_body_with_buttons_sends_text_first_and_buttons_last():
    text = "First part. " * 100 + "\n\nLast question?"
    pieces = fit(OutboundContent(text=text, options=options(2)))
    assert within_limits(pieces)
    assert isinstance(pieces[-1], ButtonsPiece) and pieces[-1].body == "Last question?"
    assert all(isinstance(p, TextPiece) for p in pieces[:-1])
    assert words(pieces) == text.split()


def test_a_very_long_body_with_buttons_takes_several_text_pieces():
    text = "Sentence here. " * 700
    pieces = fit(OutboundContent(text=text, options=options(3)))
    assert within_limits(pieces) and len(pieces) == 4
    assert words(pieces) == text.split()


def test_blank_titles_show_the_option_id_and_whitespace_collapses():
    content = OutboundContent(
        text="Pick", options=(ReplyOption("yes", " "), ReplyOption("no", "N\no"))
    )
    [piece] = fit(content)
    assert [b.title for b in piece.buttons] == ["yes", "N o"]


# -- lists -------------------------------------------------------------------------------


def test_four_options_become_a_list():
    content = OutboundContent(text="Pick a slot", options=options(4), list_button="Slots")
    assert fit(content) == [ListPiece("Pick a slot", "Slots", options(4))]


def test_a_button_title_too_long_makes_a_list_without_truncating():
    long = (ReplyOption("a", "Terrace table at 20:30"), ReplyOption("b", "Inside"))
    [piece] = fit(OutboundContent(text="Where?", options=long))
    assert isinstance(piece, ListPiece)
    assert piece.rows == long


def test_a_row_title_too_long_moves_whole_into_the_empty_description():
    option = ReplyOption("a", "Deluxe double room with sea view")
    [piece] = fit(OutboundContent(text="Room?", options=(option,) * 4))
    row = piece.rows[0]
    assert row.title == "Deluxe double room with" + ELLIPSIS
    assert row.description == "Deluxe double room with sea view"


def test_a_row_with_its_own_description_shortens_both():
    option = ReplyOption("a", "t" * 30, "d" * 100)
    [piece] = fit(OutboundContent(text="?", options=(option,) * 4))
    assert piece.rows[0] == ReplyOption("a", "t" * 23 + ELLIPSIS, "d" * 71 + ELLIPSIS)
    assert within_limits([piece])


def test_ten_options_are_one_list_eleven_are_two():
    [one] = fit(OutboundContent(text="Pick", options=options(10)))
    assert len(one.rows) == 10
    first, second = fit(OutboundContent(text="Pick", options=options(11)))
    assert (first.body, len(first.rows)) == ("Pick", 10)
    assert second.body == MORE_OPTIONS.format(page=2, pages=2)
    assert second.rows == (ReplyOption("opt-11", "Option 11"),)


def test_twenty_five_options_become_three_lists_in_order():
    pieces = fit(OutboundContent(text="Pick", options=options(25), list_button="See all"))
    assert within_limits(pieces) and [len(p.rows) for p in pieces] == [10, 10, 5]
    assert [r.id for p in pieces for r in p.rows] == [f"opt-{n}" for n in range(1, 26)]
    assert {p.button for p in pieces} == {"See all"}


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("", "Choose"),
        ("  ", "Choose"),
        ("Available time slots", "Available time slots"),
        ("See every available slot", "See every available…"),
    ],
)
def test_list_button_label_fits(label, expected):
    [piece] = fit(OutboundContent(text="Pick", options=options(5), list_button=label))
    assert piece.button == expected


def test_a_list_with_a_long_body_sends_text_first():
    text = "Menu line. " * 500
    pieces = fit(OutboundContent(text=text, options=options(5)))
    assert within_limits(pieces) and isinstance(pieces[-1], ListPiece)
    assert len(pieces) == 2 and words(pieces) == text.split()


def test_reply_to_does_not_change_the_pieces():
    plain = OutboundContent(text="Pick", options=options(5))
    replying = OutboundContent(text="Pick", options=options(5), reply_to="wamid.x")
    assert fit(plain) == fit(replying)


# -- helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 20, "short"),
        ("exactly twenty chars", 20, "exactly twenty chars"),
        ("Reserve a table, now please", 20, "Reserve a table…"),
        ("Supercalifragilistic expialidocious", 20, "Supercalifragilisti…"),
        ("a bcdefghijklmnopqrstuvwxyz", 10, "a bcdefgh…"),
    ],
)
def test_shorten(text, limit, expected):
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


def test_split_text_of_nothing_is_nothing():
    assert split_text("   ", 10) == []


def test_an_unbroken_body_too_long_for_buttons_is_cut_hard_keeping_the_tail_full():
    pieces = fit(OutboundContent(text="a" * 1500, options=options(2)))
    assert [len(p.body) for p in pieces] == [476, 1024]
    assert isinstance(pieces[-1], ButtonsPiece)
