"""OutgoingMessage -> Feishu message content: an interactive card (JSON 2.0) or plain text."""

from __future__ import annotations

import json

from adapters.feishu.parse import BUTTON_KEY
from bot.events import MENTION_TOKEN, Button, Card, OutgoingMessage, render_mentions

BUTTON_TYPES = {"primary": "primary", "danger": "danger"}
# Characters Feishu card markdown would read as markup (or as an <at> tag).
MD_ESCAPES = str.maketrans({"<": "&#60;", ">": "&#62;", "*": "&#42;", "~": "&#126;", "[": "&#91;", "]": "&#93;"})


def text_content(text: str) -> str:
    """A text message's text: mention tokens become `<at user_id="ou_x">Name</at>`.

    An `<at` typed by a user (say in an item title) is defused first, so a reminder that
    quotes it can't @everyone.
    """
    out, pos = [], 0
    for m in MENTION_TOKEN.finditer(text):
        out.append(text[pos:m.start()].replace("<at", "‹at"))
        out.append(f'<at user_id="{m.group(1)}">{m.group(2) or ""}</at>')
        pos = m.end()
    out.append(text[pos:].replace("<at", "‹at"))
    return "".join(out)


def plain(text: str) -> str:
    """Text where no markup works (card titles, button labels): mentions become @Name."""
    return render_mentions(text, lambda uid, name: "@" + (name or uid))


def markdown(text: str) -> str:
    """Card markdown: user text escaped, mention tokens turned into real card mentions."""
    out, pos = [], 0
    for m in MENTION_TOKEN.finditer(text):
        out.append(text[pos:m.start()].translate(MD_ESCAPES))
        out.append(f"<at id={m.group(1)}></at>")
        pos = m.end()
    out.append(text[pos:].translate(MD_ESCAPES))
    return "".join(out)


def button(b: Button) -> dict:
    return {
        "tag": "button",
        "text": {"tag": "plain_text", "content": plain(b.label)},
        "type": BUTTON_TYPES.get(b.style, "default"),
        "behaviors": [{"type": "callback", "value": {BUTTON_KEY: b.value}}],
    }


def card_json(card: Card) -> dict:
    """The card as Feishu JSON 2.0; `update_multi` lets later PATCHes replace it for everyone."""
    elements: list[dict] = []
    if card.fields:
        rows = [f"**{label.translate(MD_ESCAPES)}**：{markdown(value)}" for label, value in card.fields]
        elements.append({"tag": "markdown", "content": "\n".join(rows)})
    elements += [{"tag": "markdown", "content": markdown(line)} for line in card.lines if line]
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


def content(msg: OutgoingMessage) -> tuple[str, str]:
    """(msg_type, content JSON string) as the message APIs take them."""
    if msg.card is not None:
        return "interactive", json.dumps(card_json(msg.card), ensure_ascii=False)
    return "text", json.dumps({"text": text_content(msg.text)}, ensure_ascii=False)
