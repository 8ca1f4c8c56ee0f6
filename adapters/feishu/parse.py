"""Feishu's one parse function: a decoded v2 event dict -> IncomingEvent (or None).

Used by the HTTP callback and the long connection alike. Pure: whatever needs a
lookup (the chat a reacted-to message lives in, the bot's own open_id) is passed in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.events import EventKind, IncomingEvent, Mention, mention

PLATFORM = "feishu"
MESSAGE = "im.message.receive_v1"
REACTION_CREATED = "im.message.reaction.created_v1"
REACTION_DELETED = "im.message.reaction.deleted_v1"
CARD_ACTION = "card.action.trigger"
BUTTON_KEY = "genjin"  # the key under which render.py stores a Button.value in the card

# Feishu emoji_type -> the core's neutral emoji. Settings may add or override names.
# 👍 / OK mean "收到" (got it) in Feishu groups, so they acknowledge; confirming a delivery
# takes an explicit DONE / check mark.
DEFAULT_REACTIONS: dict[str, str] = {
    "DONE": "✅", "CheckMark": "✅", "Yes": "✅", "LGTM": "✅",
    "CrossMark": "❌", "No": "❌", "ThumbsDown": "❌", "THUMBSDOWN": "❌",
    "GLANCE": "👀", "Get": "👀", "EYES": "👀", "OnIt": "👀", "THUMBSUP": "👀", "OK": "👀",
}
PLACEHOLDER = re.compile(r"@_user_\d+")


def reaction_table(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Defaults plus the configured names, keyed case-insensitively."""
    table = {**DEFAULT_REACTIONS, **(extra or {})}
    return {name.lower(): emoji for name, emoji in table.items()}


def _time(millis: str | int | None, fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(millis) / 1000, UTC)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return fallback


def _open_id(ids: Mapping | None) -> str:
    return str((ids or {}).get("open_id") or "")


def event_type(data: Mapping) -> str:
    return str((data.get("header") or {}).get("event_type") or data.get("type") or "")


def parse(data: Mapping, *, received_at: datetime, bot_open_id: str | None = None,
          chat_id: str | None = None, direct: bool = False,
          reactions: Mapping[str, str] | None = None) -> IncomingEvent | None:
    """Translate one v2 event. `chat_id` is the resolved chat of a reacted-to message
    (reaction events carry none) and `direct` whether it is a one-to-one chat with the bot;
    `reactions` is a table from `reaction_table()`."""
    header, event = data.get("header") or {}, data.get("event") or {}
    kind = event_type(data)
    base = dict(platform=PLATFORM, event_id=str(header.get("event_id") or ""),
                received_at=_time(header.get("create_time"), received_at))
    if not base["event_id"]:
        return None
    if kind == MESSAGE:
        return _message(event, base, bot_open_id)
    if kind in (REACTION_CREATED, REACTION_DELETED):
        return _reaction(event, base, kind, chat_id, direct,
                         reactions if reactions is not None else reaction_table())
    if kind == CARD_ACTION:
        return _card_action(event, base)
    return None


def _message(event: Mapping, base: dict, bot_open_id: str | None) -> IncomingEvent | None:
    sender, message = event.get("sender") or {}, event.get("message") or {}
    user = _open_id(sender.get("sender_id"))
    if sender.get("sender_type") == "app" or not user or (bot_open_id and user == bot_open_id):
        return None  # the bot's own (or another bot's) messages
    raw = message_text(message)
    if raw is None:
        return None
    text, mentions, to_bot = _resolve_mentions(raw, message.get("mentions") or [], bot_open_id)
    direct = message.get("chat_type") == "p2p"
    return IncomingEvent(
        **base, kind=EventKind.MESSAGE, chat_id=str(message.get("chat_id") or ""), user_id=user,
        text=text, mentions=mentions, addressed_to_bot=to_bot or direct, is_direct=direct,
        message_id=message.get("message_id") or None, thread_id=message.get("thread_id") or None,
    )


def message_text(message: Mapping) -> str | None:
    """The text of a text or rich-text (post) message, placeholders kept; None for other types."""
    try:
        content = json.loads(message.get("content") or "{}")
    except (TypeError, ValueError):
        return None
    if message.get("message_type") == "text":
        return str(content.get("text") or "")
    if message.get("message_type") == "post":
        body = content.get("content") or next(
            (v.get("content") for v in content.values() if isinstance(v, dict)), [])  # per-locale posts
        lines = []
        for paragraph in body or []:
            parts = []
            for node in paragraph:
                if node.get("tag") in ("text", "a"):
                    parts.append(str(node.get("text") or ""))
                elif node.get("tag") == "at":
                    uid, name = str(node.get("user_id") or ""), node.get("user_name")
                    parts.append(uid if uid.startswith("@_") else mention(uid, name))
            lines.append("".join(parts))
        return "\n".join(lines)
    return None


def _resolve_mentions(text: str, raw_mentions: list, bot_open_id: str | None
                      ) -> tuple[str, tuple[Mention, ...], bool]:
    """`@_user_N` placeholders -> `<@open_id|name>` tokens; the bot's own mention removed."""
    by_key = {m.get("key"): m for m in raw_mentions if m.get("key")}
    found: list[Mention] = []
    to_bot = False

    def replace(match: re.Match) -> str:
        nonlocal to_bot
        entry = by_key.get(match.group(0))
        if entry is None:
            return match.group(0)
        uid, name = _open_id(entry.get("id")), str(entry.get("name") or "")
        is_bot = uid == bot_open_id if bot_open_id else entry.get("mentioned_type") == "bot"
        if is_bot:
            to_bot = True
            return ""
        if not uid:
            return "@" + name
        if all(m.user_id != uid for m in found):
            found.append(Mention(uid, name or uid))
        return mention(uid, name or None)

    text = PLACEHOLDER.sub(replace, text)
    return re.sub(r"[ \t]{2,}", " ", text).strip(), tuple(found), to_bot


def _reaction(event: Mapping, base: dict, kind: str, chat_id: str | None, direct: bool,
              reactions: Mapping[str, str]) -> IncomingEvent | None:
    user = _open_id(event.get("user_id"))
    if event.get("operator_type") == "app" or not user or not chat_id:
        return None  # the bot's own reaction, or a message we never sent
    name = str((event.get("reaction_type") or {}).get("emoji_type") or "")
    emoji = reactions.get(name.lower(), name)
    if not emoji:
        return None
    added = kind == REACTION_CREATED
    return IncomingEvent(
        **base, kind=EventKind.REACTION_ADDED if added else EventKind.REACTION_REMOVED,
        chat_id=chat_id, user_id=user, reaction=emoji, target_message_id=event.get("message_id") or None,
        is_direct=direct,
    )


def _card_action(event: Mapping, base: dict) -> IncomingEvent | None:
    context, action = event.get("context") or {}, event.get("action") or {}
    user = _open_id(event.get("operator"))
    value = action.get("value")
    if isinstance(value, Mapping):
        value = value.get(BUTTON_KEY)
    chat = context.get("open_chat_id")
    if not user or not chat or not isinstance(value, str) or not value:
        return None
    return IncomingEvent(
        **base, kind=EventKind.BUTTON, chat_id=str(chat), user_id=user, button_value=value,
        target_message_id=context.get("open_message_id") or None,
    )
