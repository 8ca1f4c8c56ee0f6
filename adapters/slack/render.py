"""OutgoingMessage -> Block Kit blocks plus the fallback text Slack shows in notifications."""

from __future__ import annotations

import re

from bot.commands.grammar import ALIASES
from bot.events import MENTION_TOKEN, Button, Card, OutgoingMessage

SLASH_COMMAND = "/genjin"  # the one slash command the manifest registers

SECTION_LIMIT = 3000  # characters in one section's text
FIELD_LIMIT = 2000  # characters in one section field
FIELDS_PER_SECTION = 10
LABEL_LIMIT = 75  # characters in a button's label
TEXT_LIMIT = 39_000  # a message's text (Slack refuses more than 40,000 as msg_too_long)
MAX_BLOCKS = 50  # blocks in one message
# All blocks' text together: Slack refuses a message at about 13,000 (msg_blocks_too_long).
BLOCKS_BUDGET = 12_000
# Said where a platform limit cut a text (then passed through mrkdwn: "/show" -> "/genjin show").
CUT = {
    "en": "…cut here: Slack shows only so much of one message. /show #N (or /list) has all of it.",
    "zh": "……以下内容超出 Slack 单条消息的长度限制，未显示。请用 /show #N（或 /list）查看全部。",
}


_WORDS = sorted({w for name, aliases in ALIASES.items() for w in (name, *aliases)}, key=len, reverse=True)
CORE_COMMAND = re.compile(r"(?<![\w/<])[/／](" + "|".join(map(re.escape, _WORDS)) + r")(?!\w)", re.IGNORECASE)


def slack_commands(text: str) -> str:
    """The core's "/done #1" is typed "/genjin done #1" on Slack (one registered command);
    an unregistered "/done" would get Slack's "not a valid command"."""
    return CORE_COMMAND.sub(lambda m: f"{SLASH_COMMAND} {m.group(1)}", text)


def _escape(text: str) -> str:
    text = slack_commands(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Core text -> Slack mrkdwn: `<@U1|Name>` tokens become real mentions `<@U1>`,
    everything else is escaped so a user's `<` can't forge a mention or a link."""
    out, pos = [], 0
    for m in MENTION_TOKEN.finditer(text):
        out.append(_escape(text[pos:m.start()]))
        out.append(f"<@{m.group(1)}>")
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


def _note(lang: str) -> str:
    return mrkdwn(CUT.get(lang, CUT["en"]))


def _clip(text: str, limit: int, lang: str) -> str:
    """`text` within `limit`, saying so where it was cut (never mid-entity or mid-mention)."""
    if len(text) <= limit:
        return text
    note = "\n" + _note(lang)
    return _cut(text, limit - len(note)) + note


def _cut(text: str, limit: int) -> str:
    head = text[:limit]
    broken = max(head.rfind("&"), head.rfind("<"))  # an escape or a <@U1> token cut in two
    if broken > head.rfind(";" if head[broken:broken + 1] == "&" else ">"):
        head = head[:broken]
    return head


def _mrkdwn(text: str) -> dict:
    # verbatim: Slack parses no plain "@here" / "#channel" / URL in it; only our escapes count.
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> dict:
    return {"type": "section", "text": _mrkdwn(text)}


def _pieces(line: str) -> list[str]:
    """A line longer than a section, in section-sized pieces split at spaces: nothing lost."""
    pieces = []
    while len(line) > SECTION_LIMIT:
        head = _cut(line, SECTION_LIMIT)
        space = head.rfind(" ")
        head = head[:space] if space > SECTION_LIMIT // 2 else head
        pieces.append(head)
        line = line[len(head):].lstrip(" ")
    return [*pieces, line]


def _chunks(lines: list[str]) -> list[str]:
    """Lines packed into section-sized texts, split between lines (a digest or a long list
    spans several sections instead of being cut mid-line; only an overlong line is split)."""
    chunks: list[str] = []
    for piece in (piece for line in lines for piece in _pieces(line)):
        if chunks and len(chunks[-1]) + 1 + len(piece) <= SECTION_LIMIT:
            chunks[-1] += "\n" + piece
        else:
            chunks.append(piece)
    return chunks


def _button(button: Button) -> dict:
    element = {
        "type": "button", "action_id": f"genjin:{button.value}", "value": button.value,
        "text": {"type": "plain_text", "emoji": True,
                 "text": button.label if len(button.label) <= LABEL_LIMIT else button.label[:LABEL_LIMIT - 1] + "…"},
    }
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def _size(block: dict) -> int:
    texts = [block.get("text") or {}, *block.get("fields", ())]
    return sum(len(t.get("text", "")) for t in texts)


def blocks(card: Card, lang: str = "en") -> list[dict]:
    """Title in bold, fields two by two, free lines, then the buttons; what Slack's limits
    (50 blocks, about 12,000 characters) leave no room for ends in a note saying so."""
    out: list[dict] = []
    if card.title:
        out.append(_section(_clip(f"*{mrkdwn(card.title)}*", SECTION_LIMIT, lang)))
    fields = [_mrkdwn(_clip(f"*{mrkdwn(label)}*\n{mrkdwn(value)}", FIELD_LIMIT, lang))
              for label, value in card.fields]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        out.append({"type": "section", "fields": fields[start:start + FIELDS_PER_SECTION]})
    out += [_section(chunk) for chunk in _chunks([mrkdwn(line) for line in card.lines])]
    actions = [{"type": "actions", "block_id": "genjin-actions",
                "elements": [_button(b) for b in card.buttons]}] if card.buttons else []
    room, budget = MAX_BLOCKS - len(actions), BLOCKS_BUDGET
    if len(out) > room or sum(map(_size, out)) > budget:
        note = _section(_note(lang))
        room, budget = room - 1, budget - _size(note)
        kept = []
        for block in out:
            if len(kept) == room or _size(block) > budget:
                break
            kept.append(block)
            budget -= _size(block)
        out = [*kept, note]
    return out + actions


def fallback_text(card: Card, lang: str = "en") -> str:
    """What notifications and screen readers show: the title and the fields, mentions live."""
    parts = [mrkdwn(card.title)] if card.title else []
    parts += [f"{mrkdwn(label)}: {mrkdwn(value)}" for label, value in card.fields]
    return _clip("\n".join(parts), TEXT_LIMIT, lang) or " "


def render(msg: OutgoingMessage, lang: str = "en") -> tuple[str, list[dict] | None]:
    """(text, blocks); blocks is None for a plain text message."""
    if msg.card is None:
        return _clip(mrkdwn(msg.text), TEXT_LIMIT, lang) or " ", None
    return fallback_text(msg.card, lang), blocks(msg.card, lang)
