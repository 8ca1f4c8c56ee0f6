"""Slack's one parse function: a payload (event envelope, slash command or
block_actions) -> IncomingEvent, or None when it means nothing to the core.

Both transports call `to_event`: HTTP with the decoded request body, Socket Mode
with the envelope's `payload`. Message ids are "<channel>:<ts>", the same form
SlackSender returns, so reactions and clicks find the card they were made on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from bot.events import EventKind, IncomingEvent, Mention, mention

PLATFORM = "slack"
NameOf = Callable[[str], str | None]

# Slack reaction names -> the core's neutral emoji (skin tones are cut off first).
REACTIONS = {
    "white_check_mark": "✅", "heavy_check_mark": "✅", "ballot_box_with_check": "✅",
    "x": "❌", "heavy_multiplication_x": "❌", "negative_squared_cross_mark": "❌",
    "eyes": "👀",
}
# Message subtypes that are still a person talking; the rest (edits, deletions,
# joins, bot_message ...) are not commands.
HUMAN_SUBTYPES = (None, "thread_broadcast", "file_share")
TOKEN = re.compile(r"<([^<>]*)>")
ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def _no_name(_user_id: str) -> str | None:
    return None


def message_id(channel: str, ts: str | None) -> str | None:
    return f"{channel}:{ts}" if ts else None


def _unescape(text: str) -> str:
    for entity, char in ENTITIES:
        text = text.replace(entity, char)
    # A typed "<@U9>" reached us escaped; it must not turn into a real mention token.
    return text.replace("<@", "‹@")


def _clean_name(name: str | None) -> str | None:
    name = re.sub(r"[<>|]", "", name or "").strip().lstrip("@")
    return name or None


def translate_text(text: str, *, bot_user_id: str | None, name_of: NameOf
                   ) -> tuple[str, tuple[Mention, ...], bool]:
    """Slack mrkdwn -> core text: (text, mentions of others, whether the bot was mentioned).

    `<@U1>` / `<@U1|name>` become `<@U1|Display Name>` tokens, `<#C1|general>` becomes
    "#general", links their label, and `&lt;` etc. their characters.
    """
    out: list[str] = []
    mentions: dict[str, Mention] = {}
    bot_mentioned, pos = False, 0
    for m in TOKEN.finditer(text):
        out.append(_unescape(text[pos:m.start()]))
        pos = m.end()
        body, _, label = m.group(1).partition("|")
        if body.startswith("@"):
            user_id = body[1:]
            if user_id == bot_user_id:
                bot_mentioned = True
                continue
            name = _clean_name(name_of(user_id)) or _clean_name(label)
            mentions.setdefault(user_id, Mention(user_id, name or user_id))
            out.append(mention(user_id, name))
        elif body.startswith("#"):
            out.append("#" + (label or body[1:]))
        elif body.startswith("!"):  # <!here>, <!subteam^S1|@team>, <!date^…|fallback>
            out.append(label or "@" + body[1:].split("^")[0])
        else:
            out.append(_unescape(label or body))
    out.append(_unescape(text[pos:]))
    joined = re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()
    return joined, tuple(mentions.values()), bot_mentioned


def to_event(payload: dict, *, now: datetime, bot_user_id: str | None,
             name_of: NameOf = _no_name) -> IncomingEvent | None:
    """Translate one Slack payload; None for what the core need not see."""
    if payload.get("type") == "event_callback":
        return _from_event(payload, now=now, bot_user_id=bot_user_id, name_of=name_of)
    if payload.get("type") == "block_actions":
        return _from_block_actions(payload, now=now, name_of=name_of)
    if "command" in payload and "trigger_id" in payload:
        return _from_slash_command(payload, now=now, bot_user_id=bot_user_id, name_of=name_of)
    return None


def _from_slash_command(p: dict, *, now: datetime, bot_user_id: str | None, name_of: NameOf) -> IncomingEvent:
    # "/genjin todo @lee X" is the core's "/todo @lee X"; a bare "/genjin" asks for help.
    text, mentions, _ = translate_text(p.get("text", ""), bot_user_id=bot_user_id, name_of=name_of)
    channel, user = p["channel_id"], p["user_id"]
    return IncomingEvent(
        platform=PLATFORM, event_id=f"command:{p['trigger_id']}", chat_id=channel, user_id=user,
        user_name=name_of(user) or p.get("user_name"), kind=EventKind.COMMAND, received_at=now,
        text="/" + (text.lstrip("/") or "help"), mentions=mentions, addressed_to_bot=True,
        is_direct=channel.startswith("D") or p.get("channel_name") == "directmessage",
    )


def _from_block_actions(p: dict, *, now: datetime, name_of: NameOf) -> IncomingEvent | None:
    actions = [a for a in p.get("actions", ()) if a.get("value")]
    channel = (p.get("channel") or {}).get("id") or (p.get("container") or {}).get("channel_id")
    ts = (p.get("message") or {}).get("ts") or (p.get("container") or {}).get("message_ts")
    if not actions or not channel:
        return None
    action, user = actions[0], p["user"]
    return IncomingEvent(
        # Clicks carry no event id; the click's own timestamp per user is stable across resends.
        platform=PLATFORM, event_id=f"action:{user['id']}:{action.get('action_ts') or p.get('trigger_id')}",
        chat_id=channel, user_id=user["id"], user_name=name_of(user["id"]) or user.get("name"),
        kind=EventKind.BUTTON, received_at=now, button_value=action["value"],
        target_message_id=message_id(channel, ts), is_direct=channel.startswith("D"),
    )


def _from_event(envelope: dict, *, now: datetime, bot_user_id: str | None, name_of: NameOf
                ) -> IncomingEvent | None:
    event = envelope.get("event") or {}
    kind, user = event.get("type"), event.get("user")
    if not user or user == bot_user_id or event.get("bot_id"):
        return None  # our own messages and other bots' never drive the core
    base = dict(platform=PLATFORM, event_id=envelope["event_id"], user_id=user, user_name=name_of(user),
                received_at=now)
    if kind in ("reaction_added", "reaction_removed"):
        item = event.get("item") or {}
        if item.get("type") != "message":
            return None
        name = event.get("reaction", "").split("::")[0]
        return IncomingEvent(
            **base, chat_id=item["channel"], reaction=REACTIONS.get(name, name),
            kind=EventKind.REACTION_ADDED if kind == "reaction_added" else EventKind.REACTION_REMOVED,
            target_message_id=message_id(item["channel"], item.get("ts")),
            is_direct=item["channel"].startswith("D"),  # a reminder sent to the person directly
        )
    if kind not in ("app_mention", "message") or event.get("subtype") not in HUMAN_SUBTYPES:
        return None
    text, mentions, bot_mentioned = translate_text(event.get("text", ""), bot_user_id=bot_user_id,
                                                   name_of=name_of)
    direct = event.get("channel_type") == "im"
    if kind == "message" and bot_mentioned and not direct:
        return None  # Slack sends it again as app_mention (with another event id): act once
    channel = event["channel"]
    return IncomingEvent(
        **base, chat_id=channel, kind=EventKind.MESSAGE, text=text, mentions=mentions,
        addressed_to_bot=kind == "app_mention" or bot_mentioned or direct, is_direct=direct,
        message_id=message_id(channel, event.get("ts")), thread_id=message_id(channel, event.get("thread_ts")),
    )
