"""Feishu's one parse function: a decoded v2 event dict -> IncomingEvent (or None).

Used by the HTTP callback and the long connection alike. Pure: whatever needs a
lookup (the chat a reacted-to message lives in, the bot's own open_id) is passed in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from adapters.feishu.bitable import table_edit
from bot.events import INERT_AT, EventKind, IncomingEvent, Mention, mention

PLATFORM = "feishu"
MESSAGE = "im.message.receive_v1"
REACTION_CREATED = "im.message.reaction.created_v1"
REACTION_DELETED = "im.message.reaction.deleted_v1"
CARD_ACTION = "card.action.trigger"
BITABLE_RECORD_CHANGED = "drive.file.bitable_record_changed_v1"
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
ALL_PLACEHOLDER = re.compile(r"@_all\b")  # Feishu's stand-in for @所有人 in message text
NAME_UNSAFE = str.maketrans({"<": "＜", ">": "＞", "|": "｜"})  # would break or forge a token


def reaction_table(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Defaults plus the configured names, keyed case-insensitively."""
    table = {**DEFAULT_REACTIONS, **(extra or {})}
    return {name.lower(): emoji for name, emoji in table.items()}


def epoch_seconds(stamp: str | int | None) -> float:
    """A Feishu `create_time` in seconds. Events give milliseconds, but card.action.trigger
    callbacks give microseconds: told apart by magnitude. Raises TypeError / ValueError."""
    value = int(stamp)  # type: ignore[arg-type]
    return value / 1_000_000 if value >= 10**14 else value / 1000 if value >= 10**11 else float(value)


def _time(stamp: str | int | None, fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(epoch_seconds(stamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return fallback


def _open_id(ids: object) -> str:
    return str(as_dict(ids).get("open_id") or "")


def as_dict(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def event_type(data: Mapping) -> str:
    return str(as_dict(data.get("header")).get("event_type") or data.get("type") or "")


def event_id(data: Mapping) -> str:
    """The inbox key: header.event_id (card.action.trigger callbacks carry one too)."""
    return str(as_dict(data.get("header")).get("event_id") or "")


def parse(data: Mapping, *, received_at: datetime, bot_open_id: str | None = None,
          chat_id: str | None = None, direct: bool = False,
          reactions: Mapping[str, str] | None = None,
          records: Mapping[str, Mapping | None] | None = None,
          field_names: Mapping[str, str] | None = None) -> IncomingEvent | None:
    """Translate one v2 event. `chat_id` is the resolved chat of a reacted-to message
    (reaction events carry none) or of a bound Bitable table, and `direct` whether a reaction
    or click happened in a one-to-one chat with the bot (neither event says); `reactions` is
    from `reaction_table()`; `records` the changed Bitable rows as read back (None: gone) and
    `field_names` the table's field id -> name."""
    header, event = as_dict(data.get("header")), as_dict(data.get("event"))
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
        return _card_action(event, base, direct)
    if kind == BITABLE_RECORD_CHANGED:
        return _table_edit(event, base, chat_id, bot_open_id, records or {}, field_names)
    return None


def _message(event: Mapping, base: dict, bot_open_id: str | None) -> IncomingEvent | None:
    sender, message = as_dict(event.get("sender")), as_dict(event.get("message"))
    user = _open_id(sender.get("sender_id"))
    if sender.get("sender_type") == "app" or not user or (bot_open_id and user == bot_open_id):
        return None  # the bot's own (or another bot's) messages
    raw = message_text(message)
    if raw is None:
        return None
    mentioned = [m for m in message.get("mentions") or [] if isinstance(m, Mapping)]
    text, mentions, to_bot = _resolve_mentions(raw, mentioned, bot_open_id)
    direct = message.get("chat_type") == "p2p"
    return IncomingEvent(
        **base, kind=EventKind.MESSAGE, chat_id=str(message.get("chat_id") or ""), user_id=user,
        text=text, mentions=mentions, addressed_to_bot=to_bot or direct, is_direct=direct,
        # A reply names its thread's first message (root_id, an om_ id the outbox knows and Feishu
        # can reply to), not the omt_ thread id.
        message_id=message.get("message_id") or None, thread_id=message.get("root_id") or None,
    )


def _typed(text: str) -> str:
    """Text as typed: a `<@ou_x|Bob>` or `<@all>` written by hand stays text (the core does
    the same); only the platform's mentions list makes mention tokens."""
    return text.replace("<@", INERT_AT)


def message_text(message: Mapping) -> str | None:
    """The text of a text or rich-text (post) message, `@_user_N` placeholders kept (the
    mentions list resolves them) and typed mention tokens defused; None for other types."""
    try:
        content = json.loads(message.get("content") or "{}")
    except (TypeError, ValueError):
        return None
    if not isinstance(content, dict):
        return None
    if message.get("message_type") == "text":
        return _typed(str(content.get("text") or ""))
    if message.get("message_type") == "post":
        body = content.get("content") or next(
            (v.get("content") for v in content.values() if isinstance(v, dict)), [])  # per-locale posts
        lines = []
        for paragraph in body if isinstance(body, list) else []:
            parts = []
            for node in paragraph if isinstance(paragraph, list) else []:
                node = as_dict(node)
                if node.get("tag") in ("text", "a"):
                    parts.append(_typed(str(node.get("text") or "")))
                elif node.get("tag") == "at":
                    # Only a placeholder is a real mention; an `at` naming an id itself (all,
                    # an open_id) did not come through the mentions list: show it as text.
                    uid, name = str(node.get("user_id") or ""), str(node.get("user_name") or "")
                    parts.append(uid if PLACEHOLDER.fullmatch(uid) else "@" + (name or uid).translate(NAME_UNSAFE))
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
        uid, name = _open_id(entry.get("id")), str(entry.get("name") or "").translate(NAME_UNSAFE)
        is_bot = uid == bot_open_id if bot_open_id else entry.get("mentioned_type") == "bot"
        if is_bot:
            to_bot = True
            return ""
        if not uid or uid == "all":
            return "@" + (name or "所有人")
        if all(m.user_id != uid for m in found):
            found.append(Mention(uid, name or uid))
        return mention(uid, name or None)

    text = ALL_PLACEHOLDER.sub("@所有人", PLACEHOLDER.sub(replace, text))  # @all stays plain text
    return re.sub(r"[ \t]{2,}", " ", text).strip(), tuple(found), to_bot


def _reaction(event: Mapping, base: dict, kind: str, chat_id: str | None, direct: bool,
              reactions: Mapping[str, str]) -> IncomingEvent | None:
    user = _open_id(event.get("user_id"))
    if event.get("operator_type") == "app" or not user or not chat_id:
        return None  # the bot's own reaction, or a message we never sent
    name = str(as_dict(event.get("reaction_type")).get("emoji_type") or "")
    emoji = reactions.get(name.lower(), name)
    if not emoji:
        return None
    added = kind == REACTION_CREATED
    return IncomingEvent(
        **base, kind=EventKind.REACTION_ADDED if added else EventKind.REACTION_REMOVED,
        chat_id=chat_id, user_id=user, reaction=emoji, target_message_id=event.get("message_id") or None,
        is_direct=direct,
    )


def _card_action(event: Mapping, base: dict, direct: bool) -> IncomingEvent | None:
    context, action = as_dict(event.get("context")), as_dict(event.get("action"))
    user = _open_id(event.get("operator"))
    value = action.get("value")
    if isinstance(value, Mapping):
        value = value.get(BUTTON_KEY)
    chat = context.get("open_chat_id")
    if not user or not chat or not isinstance(value, str) or not value:
        return None
    return IncomingEvent(
        **base, kind=EventKind.BUTTON, chat_id=str(chat), user_id=user, button_value=value,
        target_message_id=context.get("open_message_id") or None, is_direct=direct,
    )


def _table_edit(event: Mapping, base: dict, chat_id: str | None, bot_open_id: str | None,
                records: Mapping[str, Mapping | None], field_names: Mapping[str, str] | None) -> IncomingEvent | None:
    user = _open_id(event.get("operator_id"))
    if not chat_id or not user or user == bot_open_id:
        return None  # a table bound to no chat, or the bot's own write
    return IncomingEvent(**base, kind=EventKind.TABLE_EDIT, chat_id=chat_id, user_id=user,
                         table_edit=table_edit(event, records, field_names))
