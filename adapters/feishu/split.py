"""Long content over several messages: Feishu refuses a card or post request body over
30 KB and a text body over 150 KB (code 230025, which no retry can fix).

A card keeps its title (numbered "(2/3)"...) on every part; fields and buttons stay on
the first part, whose message id is the one recorded, so item buttons, reactions and
later in-place updates keep pointing at it. Lines are never cut between parts; a single
line too long for any part is clipped, and says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from adapters.feishu.render import card_json, dumps, markdown, text_content
from bot.events import Card, OutgoingMessage

CARD_BUDGET = 28_000  # bytes of content in the request body; 30 KB less room for the other fields
TEXT_BUDGET = 140_000
PART_SUFFIX = " ({n}/{total})"
CLIPPED = {"zh": "…（过长已截断，完整内容请发送「/详情 #编号」）", "en": "… (too long, cut here: /show #N has all of it)"}
TRUNCATED = {"zh": "…（另有 {n} 行未显示）", "en": "… ({n} more lines not shown)"}
OPEN_TOKEN = re.compile(r"<@[^>]*$")  # a mention token cut in half by clipping


def body_bytes(content: str) -> int:
    """What a content string adds to the request body, where it is a JSON string."""
    return len(json.dumps(content, ensure_ascii=False).encode()) - 2


def nested_bytes(text: str) -> int:
    """What `text` adds as a string inside the content JSON: escaped twice."""
    return body_bytes(json.dumps(text, ensure_ascii=False)[1:-1])


NEWLINE = nested_bytes("\n")


def _card_bytes(card: Card) -> int:
    return body_bytes(dumps(card_json(card)))


def _md_bytes(line: str) -> int:
    return nested_bytes(markdown(line))


def clip(line: str, budget: int, lang: str, cost=nested_bytes) -> str:
    """`line` cut to at most `budget` bytes of body (as `cost` counts), saying it was cut."""
    if cost(line) <= budget:
        return line
    note = CLIPPED.get(lang, CLIPPED["zh"])
    keep = len(line)
    while keep and cost(cut := OPEN_TOKEN.sub("", line[:keep]) + note) > budget:
        keep = min(keep * 3 // 4, budget // 2)
    return cut if keep else note


def _pack(lines: list[str], first_room: int, room: int, cost) -> list[list[str]]:
    """Greedy: consecutive lines into parts, the first with `first_room` bytes, the others `room`."""
    parts: list[list[str]] = [[]]
    used, limit = 0, first_room
    for line in lines:
        size = cost(line) + NEWLINE
        if used + size > limit and (parts[-1] or len(parts) == 1 and first_room < room):
            parts.append([])
            used, limit = 0, room
        parts[-1].append(line)
        used += size
    return parts


def card_parts(card: Card, lang: str = "zh", *, budget: int = CARD_BUDGET) -> list[Card]:
    """`card` as one or more cards, each within `budget`."""
    if _card_bytes(card) <= budget:
        return [card]
    title = card.title + PART_SUFFIX.format(n=99, total=99) if card.title else ""
    head = replace(card, title=title, lines=("x",))  # "x": the empty lines element has a fixed cost
    while _card_bytes(head) > budget // 2 and any(len(v) > 40 for _, v in head.fields):  # a huge item
        head = replace(head, fields=tuple((k, clip(v, _md_bytes(v) // 2, lang, _md_bytes)) for k, v in head.fields))
    first_room = budget - _card_bytes(head) + 1  # + the "x"
    room = budget - _card_bytes(replace(head, fields=(), buttons=())) + 1
    lines = [clip(line, room - 64, lang, _md_bytes) for line in card.lines if line]
    chunks = _pack(lines, first_room, room, _md_bytes)
    total = len(chunks)
    return [replace(card, title=card.title + PART_SUFFIX.format(n=i + 1, total=total) if card.title else "",
                    fields=head.fields if i == 0 else (), buttons=card.buttons if i == 0 else (),
                    lines=tuple(chunk))
            for i, chunk in enumerate(chunks)]


def text_parts(text: str, lang: str = "zh", *, budget: int = TEXT_BUDGET) -> list[str]:
    if body_bytes(dumps({"text": text_content(text)})) <= budget:
        return [text]
    cost = lambda line: nested_bytes(text_content(line))  # noqa: E731
    lines = [clip(line, budget - 256, lang, cost) for line in text.split("\n")]
    return ["\n".join(chunk) for chunk in _pack(lines, budget - 64, budget - 64, cost)]


def contents(msg: OutgoingMessage, lang: str = "zh") -> list[tuple[str, str]]:
    """(msg_type, content) for each message `msg` takes, in order."""
    if msg.card is not None:
        return [("interactive", dumps(card_json(c))) for c in card_parts(msg.card, lang)]
    return [("text", dumps({"text": text_content(t)})) for t in text_parts(msg.text, lang)]


def one_content(msg: OutgoingMessage, lang: str = "zh") -> tuple[str, str]:
    """For an in-place update, which can only replace one message: the first part, saying
    how many lines did not fit."""
    if msg.card is None:
        parts = text_parts(msg.text, lang)
        more = sum(p.count("\n") + 1 for p in parts[1:])
        text = parts[0] + ("\n" + TRUNCATED.get(lang, TRUNCATED["zh"]).format(n=more) if more else "")
        return "text", dumps({"text": text_content(text)})
    parts = card_parts(msg.card, lang, budget=CARD_BUDGET - 200)
    first = parts[0]
    if len(parts) > 1:
        more = sum(len(p.lines) for p in parts[1:])
        first = replace(first, title=msg.card.title,
                        lines=first.lines + (TRUNCATED.get(lang, TRUNCATED["zh"]).format(n=more),))
    return "interactive", dumps(card_json(first))
