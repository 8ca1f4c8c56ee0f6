"""OutgoingMessage -> the console's plain text."""

from __future__ import annotations

from bot.events import OutgoingMessage, render_mentions


def plain(text: str) -> str:
    return render_mentions(text, lambda user_id, name: "@" + (name or user_id))


def body(msg: OutgoingMessage) -> list[str]:
    """The message's lines: card title, fields, lines, then buttons as [LABEL]."""
    if msg.card is None:
        return plain(msg.text).splitlines() or [""]
    card = msg.card
    out = [plain(card.title)] if card.title else []
    out += [f"  {label}{': ' if label.isascii() else '：'}{plain(value)}" for label, value in card.fields]
    for line in card.lines:
        out += plain(line).splitlines()
    if card.buttons:
        out.append(" ".join(f"[{b.label}]" for b in card.buttons))
    return out


def summary(msg: OutgoingMessage) -> str:
    """One line for an in-place update: the card's title and its status field."""
    if msg.card is None:
        return plain(msg.text).splitlines()[0]
    status = [value for label, value in msg.card.fields if label in ("状态", "Status", "进度", "Progress")]
    return " · ".join([plain(msg.card.title), *status])
