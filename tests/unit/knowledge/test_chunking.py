"""chunk(): headings become context, paragraphs stay whole, long text overlaps."""

from itertools import pairwise

from core.knowledge.chunking import OVERLAP_CHARS, TARGET_CHARS, chunk


def sentences(count: int, word: str = "pasta") -> str:
    return " ".join(f"Sentence {i} is about {word} and sauce." for i in range(count))


def test_a_short_text_is_one_chunk_without_heading():
    [only] = chunk("We open at nine.\n\nWe close at five.", "txt")
    assert only.text == "We open at nine.\n\nWe close at five."
    assert (only.heading, only.position) == ("", 0)


def test_markdown_headings_make_sections_with_their_path():
    text = "# Menu\nIntro.\n## Drinks\nCoffee 2 EUR.\n## Food\nPasta 9 EUR.\n# Hours\nNine to five."
    chunks = chunk(text, "md")
    assert [(c.heading, c.text) for c in chunks] == [
        ("Menu", "Intro."),
        ("Menu > Drinks", "Coffee 2 EUR."),
        ("Menu > Food", "Pasta 9 EUR."),
        ("Hours", "Nine to five."),
    ]
    assert [c.position for c in chunks] == [0, 1, 2, 3]
    assert chunks[1].contextual == "Menu > Drinks\nCoffee 2 EUR."


def test_a_heading_without_text_yields_no_chunk():
    assert [c.heading for c in chunk("# A\n\n## B\ntext", "md")] == ["A > B"]


def test_hashes_in_plain_text_are_text_not_headings():
    [only] = chunk("# not a heading\nbody", "txt")
    assert only.heading == "" and only.text.startswith("# not a heading")


def test_long_text_is_cut_near_the_target_with_overlap():
    paragraphs = "\n\n".join(sentences(4, f"dish{i}") for i in range(24))
    chunks = chunk(paragraphs, "txt")
    assert len(chunks) > 3
    assert all(len(c.text) <= TARGET_CHARS + OVERLAP_CHARS + 2 for c in chunks)
    for before, after in pairwise(chunks):
        tail = after.text[: OVERLAP_CHARS // 2]
        assert tail in before.text, "each chunk opens with the end of the previous one"


def test_paragraphs_are_not_split_when_they_fit():
    paragraphs = [sentences(3, f"topic{i}") for i in range(6)]
    for piece in chunk("\n\n".join(paragraphs), "txt"):
        whole = [p for p in paragraphs if p in piece.text]
        assert whole, "every chunk holds at least one whole paragraph"


def test_a_paragraph_longer_than_a_chunk_is_cut_at_sentences():
    chunks = chunk(sentences(60), "txt")
    assert len(chunks) > 1
    assert all(c.text.rstrip().endswith(".") for c in chunks)


def test_a_word_longer_than_a_chunk_is_cut():
    chunks = chunk("x" * (TARGET_CHARS * 2), "txt")
    assert all(len(c.text) <= TARGET_CHARS + OVERLAP_CHARS + 2 for c in chunks)


def test_empty_and_blank_text_give_no_chunks():
    assert chunk("", "md") == []
    assert chunk("\n\n   \n", "txt") == []
