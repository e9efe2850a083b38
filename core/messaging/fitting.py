"""Fit a reply to the Cloud API's published limits, so that Meta never rejects it.

Rules, in order:
- No options: the text goes out as text messages of at most 4,096 characters, split at
  paragraph, line, sentence or word boundaries (a hard cut only for one unbroken word).
- 1-3 options whose titles fit a reply button (20 characters): a buttons message. Its body
  is the longest tail of the text that fits 1,024 characters at the strongest boundary
  (usually the last paragraph); the text before it goes out first as text messages.
- More than 3 options, or a title too long for a button: list messages of at most 10 rows
  each. Options past the tenth go into further lists (each a tap away, and the reply still
  comes back as a list row id) whose body is MORE_OPTIONS.
- A row title past 24 characters is shortened with an ellipsis; the full title then moves
  into the empty description (72 characters), else the description is shortened too.
- Text that is empty while options exist gets CHOOSE_PROMPT as its body.
Lengths count Python characters (code points).
"""

from .model import ButtonsPiece, ListPiece, OutboundContent, Piece, ReplyOption, TextPiece

TEXT_MAX = 4096
BUTTONS_BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
LIST_BUTTON_MAX = 20
ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ELLIPSIS = "…"
CHOOSE_PROMPT = "Please choose an option."
MORE_OPTIONS = "More options ({page}/{pages})"
DEFAULT_LIST_BUTTON = "Choose"

# Strongest boundary first; a boundary counts only past half the limit, so pieces stay full.
_BOUNDARIES = ("\n\n", "\n", ". ", "! ", "? ", "; ", ", ", " ")


def fit(content: OutboundContent) -> list[Piece]:
    """The messages that carry `content` within the Cloud API's limits, in sending order."""
    text = content.text.strip()
    options = tuple(_titled(option) for option in content.options)
    if not options:
        return [TextPiece(chunk) for chunk in split_text(text, TEXT_MAX)]
    body = text or CHOOSE_PROMPT
    if len(options) <= BUTTONS_MAX and all(len(o.title) <= BUTTON_TITLE_MAX for o in options):
        lead, last = _lead_and_last(body, BUTTONS_BODY_MAX)
        return [*lead, ButtonsPiece(last, options)]
    lead, last = _lead_and_last(body, TEXT_MAX)
    return [*lead, *_lists(last, _button_label(content.list_button), options)]


def split_text(text: str, limit: int) -> list[str]:
    """`text` in chunks of at most `limit` characters, cut at the strongest boundary."""
    chunks: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        chunks.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return [*chunks, rest] if rest else chunks


def shorten(text: str, limit: int) -> str:
    """`text` itself when it fits, else cut at a word boundary with an ellipsis appended."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    space = text.rfind(" ", 0, room + 1)
    cut = space if space > room // 2 else room
    return text[:cut].rstrip(" ,;:.-") + ELLIPSIS


def _cut_point(text: str, limit: int) -> int:
    for boundary in _BOUNDARIES:
        at = text.rfind(boundary, 0, limit + 1 - len(boundary))
        if at > limit // 2:
            return at + len(boundary)
    return limit


def _lead_and_last(body: str, last_max: int) -> tuple[list[TextPiece], str]:
    """Text pieces to send first, and the final chunk (at most `last_max`) to carry options."""
    if len(body) <= last_max:
        return [], body
    cut = _tail_cut(body, last_max)
    return [TextPiece(chunk) for chunk in split_text(body[:cut], TEXT_MAX)], body[cut:].strip()


def _tail_cut(text: str, limit: int) -> int:
    """Where the longest tail of at most `limit` characters starts, at the strongest boundary;
    the last paragraph usually holds the question the options answer."""
    start = len(text) - limit
    for boundary in _BOUNDARIES:
        at = text.find(boundary, max(start - len(boundary), 0))
        if at >= 0:
            return at + len(boundary)
    return start


def _lists(body: str, button: str, options: tuple[ReplyOption, ...]) -> list[ListPiece]:
    rows = tuple(_row(option) for option in options)
    pages = [rows[i : i + ROWS_MAX] for i in range(0, len(rows), ROWS_MAX)]
    return [
        ListPiece(
            body if page == 1 else MORE_OPTIONS.format(page=page, pages=len(pages)), button, chunk
        )
        for page, chunk in enumerate(pages, start=1)
    ]


def _row(option: ReplyOption) -> ReplyOption:
    title, description = option.title, option.description.strip()
    if len(title) > ROW_TITLE_MAX and not description:
        description = title
    return ReplyOption(
        option.id, shorten(title, ROW_TITLE_MAX), shorten(description, ROW_DESCRIPTION_MAX)
    )


def _titled(option: ReplyOption) -> ReplyOption:
    """Meta refuses empty titles; an option without one shows its id."""
    title = " ".join(option.title.split()) or option.id
    return ReplyOption(option.id, title, option.description)


def _button_label(label: str) -> str:
    return shorten(label.strip() or DEFAULT_LIST_BUTTON, LIST_BUTTON_MAX)
