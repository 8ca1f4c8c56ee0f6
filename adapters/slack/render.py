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


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, SECTION_LIMIT)}}


def _chunks(lines: list[str]) -> list[str]:
    """Lines packed into section-sized texts, split only between lines (a digest or a long
    list spans several sections instead of being cut mid-line)."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= SECTION_LIMIT:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks


def _button(button: Button) -> dict:
    element = {
        "type": "button", "action_id": f"genjin:{button.value}", "value": button.value,
        "text": {"type": "plain_text", "text": _clip(button.label, LABEL_LIMIT), "emoji": True},
    }
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def blocks(card: Card) -> list[dict]:
    """Title in bold, fields two by two, free lines, then the buttons."""
    out: list[dict] = []
    if card.title:
        out.append(_section(f"*{mrkdwn(card.title)}*"))
    fields = [{"type": "mrkdwn", "text": _clip(f"*{mrkdwn(label)}*\n{mrkdwn(value)}", FIELD_LIMIT)}
              for label, value in card.fields]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        out.append({"type": "section", "fields": fields[start:start + FIELDS_PER_SECTION]})
    out += [_section(chunk) for chunk in _chunks([mrkdwn(line) for line in card.lines])]
    if card.buttons:
        out.append({"type": "actions", "block_id": "genjin-actions",
                    "elements": [_button(b) for b in card.buttons]})
    return out


def fallback_text(card: Card) -> str:
    """What notifications and screen readers show: the title and the fields, mentions live."""
    parts = [mrkdwn(card.title)] if card.title else []
    parts += [f"{mrkdwn(label)}: {mrkdwn(value)}" for label, value in card.fields]
    return "\n".join(parts) or " "


def render(msg: OutgoingMessage) -> tuple[str, list[dict] | None]:
    """(text, blocks); blocks is None for a plain text message."""
    if msg.card is None:
        return _clip(mrkdwn(msg.text), TEXT_LIMIT) or " ", None
    return _clip(fallback_text(msg.card), TEXT_LIMIT), blocks(msg.card)
