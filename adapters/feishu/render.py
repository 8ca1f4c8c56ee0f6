"""OutgoingMessage -> Feishu message content: an interactive card (JSON 2.0) or plain text.

Only the core's mention tokens (`<@id|name>`, made from the platform's mentions list)
become real mentions. Anything else a user typed is shown as inert text. A `<` that
could open a tag (`<at`, `< AT`, `</b>`) becomes a full-width `＜` everywhere: text
messages and plain_text have no escape, and in card markdown this holds even if
Feishu decoded its `&#60;` escape before looking for tags. For the same reason a typed
entity (`&#60;at ...`) gets a full-width `＆`. Other markdown syntax is escaped with the
entities Feishu documents for its markdown component (`&#60;`, `&#42;`...).
"""

from __future__ import annotations

import json
import re

from adapters.feishu.parse import BUTTON_KEY
from bot.events import MENTION_TOKEN, Button, Card, OutgoingMessage, render_mentions

BUTTON_TYPES = {"primary": "primary", "danger": "danger"}
# Characters Feishu card markdown would read as markup (or as an <at> tag).
MD_ESCAPES = str.maketrans({"<": "&#60;", ">": "&#62;", "*": "&#42;", "~": "&#126;", "[": "&#91;", "]": "&#93;"})
TAG_OPEN = re.compile(r"<(?=\s*[A-Za-z/!?])")
ENTITY = re.compile(r"&(?=#?\w+;)")
MENTIONABLE = re.compile(r"[A-Za-z0-9_-]+")  # an open_id; never "all", never anything with quotes


def defuse(text: str) -> str:
    """User text where no tag may open, nor an entity decode into one."""
    return TAG_OPEN.sub("＜", ENTITY.sub("＆", text))


def _real(user_id: str) -> bool:
    return user_id != "all" and MENTIONABLE.fullmatch(user_id) is not None


def _tokens(text: str, literal, at) -> str:
    """`literal` for the text between mention tokens, `at(user_id, name)` for each token."""
    out, pos = [], 0
    for m in MENTION_TOKEN.finditer(text):
        out.append(literal(text[pos:m.start()]))
        out.append(at(m.group(1), m.group(2) or ""))
        pos = m.end()
    out.append(literal(text[pos:]))
    return "".join(out)


def text_content(text: str) -> str:
    """A text message's text: mention tokens become `<at user_id="ou_x">Name</at>`."""
    return _tokens(text, defuse, lambda uid, name: f'<at user_id="{uid}">{defuse(name)}</at>' if _real(uid)
                   else defuse("@" + (name or uid)))


def plain(text: str) -> str:
    """Text where no markup works (card titles, button labels): mentions become @Name."""
    return defuse(render_mentions(text, lambda uid, name: "@" + (name or uid)))


def markdown(text: str) -> str:
    """Card markdown: user text escaped, mention tokens turned into real card mentions."""
    return _tokens(text, lambda s: defuse(s).translate(MD_ESCAPES),
                   lambda uid, name: f"<at id={uid}></at>" if _real(uid) else defuse("@" + (name or uid)).translate(MD_ESCAPES))


def button(b: Button) -> dict:
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": plain(b.label)},
        "type": BUTTON_TYPES.get(b.style, "default"),
        "behaviors": [{"type": "callback", "value": {BUTTON_KEY: b.value}}],
    }


def card_json(card: Card) -> dict:
    """The card as Feishu JSON 2.0; `update_multi` lets later PATCHes replace it for everyone.

    The lines share one markdown element: JSON 2.0 caps a card at 200 components, and a
    long digest has a line per item.
    """
    elements: list[dict] = []
    if card.fields:
        rows = [f"**{markdown(label)}**：{markdown(value)}" for label, value in card.fields]
        elements.append({"tag": "markdown", "content": "\n".join(rows)})
    lines = [markdown(line) for line in card.lines if line]
    if lines:
        elements.append({"tag": "markdown", "content": "\n".join(lines)})
    if card.buttons:
        elements.append({
            "tag": "column_set", "flex_mode": "flow", "horizontal_spacing": "8px",
            "columns": [{"tag": "column", "width": "auto", "elements": [button(b)]} for b in card.buttons],
        })
    if not elements:  # Feishu refuses a card without a body
        elements.append({"tag": "markdown", "content": markdown(card.title or " ")})
    out: dict = {"schema": "2.0", "config": {"update_multi": True}, "body": {"elements": elements}}
    if card.title:
        out["header"] = {"title": {"tag": "plain_text", "content": plain(card.title)}, "template": "blue"}
    return out


def dumps(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def content(msg: OutgoingMessage) -> tuple[str, str]:
    """(msg_type, content JSON string) as the message APIs take them, unsplit (see split.py)."""
    if msg.card is not None:
        return "interactive", dumps(card_json(msg.card))
    return "text", dumps({"text": text_content(msg.text)})
