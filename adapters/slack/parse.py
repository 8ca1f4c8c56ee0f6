"""Slack's one parse function: a payload (event envelope, slash command or
block_actions) -> IncomingEvent, or None when it means nothing to the core.

Both transports store the payload as Slack sent it (HTTP: the decoded body, Socket
Mode: the envelope's `payload`) under `event_key`, then `to_event` reads it on a
worker. Message ids are "<channel>:<ts>", the same form SlackSender returns, so
reactions and clicks find the card they were made on.
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


def event_key(payload: dict) -> str | None:
    """The inbox key of a payload: the same for every delivery of one user action, so a
    redelivery dedupes; None for what can never matter (not stored, just acknowledged).

    A message is keyed by channel and ts, not event id: an @genjin message arrives twice,
    as `message` and `app_mention` (two event ids); whichever comes first acts. In group
    DMs (mpim) only the `message` copy may come, so neither copy can be dropped.
    """
    if payload.get("type") == "event_callback":
        event = payload.get("event") or {}
        kind = event.get("type")
        if kind in ("app_mention", "message"):
            human = event.get("user") and not event.get("bot_id") and event.get("subtype") in HUMAN_SUBTYPES
            return f"msg:{event.get('channel')}:{event.get('ts')}" if human and event.get("ts") else None
        if kind in ("reaction_added", "reaction_removed") and (event.get("item") or {}).get("type") != "message":
            return None
        if kind in ("reaction_added", "reaction_removed", "app_uninstalled", "tokens_revoked"):
            return payload.get("event_id")
        return None
    if payload.get("type") == "block_actions":
        # Clicks carry no event id; the click's own timestamp per user is stable across resends.
        action = next((a for a in payload.get("actions", ()) if a.get("value")), None)
        user = (payload.get("user") or {}).get("id")
        stamp = (action or {}).get("action_ts") or payload.get("trigger_id")
        return f"action:{user}:{stamp}" if action and user and stamp else None
    if "command" in payload and payload.get("trigger_id"):
        return f"command:{payload['trigger_id']}"  # a slash command has no event id either
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
    "#general", `<!here>` plain "@here" (renderers keep it inert), a link "label (url)",
    and `&lt;` etc. their characters.
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
        else:  # a link: keep the address unless the label is (part of) it, as auto-links are
            url, shown = _unescape(body), _unescape(label)
            out.append(shown if shown and shown in url else f"{shown} ({url})" if shown else url)
    out.append(_unescape(text[pos:]))
    joined = re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()
    return joined, tuple(mentions.values()), bot_mentioned


def to_event(payload: dict, *, now: datetime, bot_user_id: str | None,
             name_of: NameOf = _no_name, tenant: str | None = None) -> IncomingEvent | None:
    """Translate one Slack payload; None for what the core need not see.

    `tenant` is the workspace (team id) it came from when the deployment serves several
    (None for one: departments made before stay where they are); `event_id` is `event_key`.
    """
    key = event_key(payload)
    if key is None:
        return None
    base = dict(platform=PLATFORM, event_id=key, received_at=now, tenant=tenant)
    if payload.get("type") == "event_callback":
        return _from_event(payload.get("event") or {}, base, bot_user_id=bot_user_id, name_of=name_of)
    if payload.get("type") == "block_actions":
        return _from_block_actions(payload, base, name_of=name_of)
    return _from_slash_command(payload, base, bot_user_id=bot_user_id, name_of=name_of)


def _from_slash_command(p: dict, base: dict, *, bot_user_id: str | None, name_of: NameOf) -> IncomingEvent:
    # "/genjin todo @lee X" is the core's "/todo @lee X"; a bare "/genjin" asks for help.
    text, mentions, _ = translate_text(p.get("text", ""), bot_user_id=bot_user_id, name_of=name_of)
    channel, user = p["channel_id"], p["user_id"]
    return IncomingEvent(
        **base, chat_id=channel, user_id=user, user_name=name_of(user) or p.get("user_name"),
        kind=EventKind.COMMAND, text="/" + (text.lstrip("/") or "help"), mentions=mentions,
        addressed_to_bot=True, is_direct=channel.startswith("D") or p.get("channel_name") == "directmessage",
    )


def _from_block_actions(p: dict, base: dict, *, name_of: NameOf) -> IncomingEvent | None:
    action = next(a for a in p.get("actions", ()) if a.get("value"))  # event_key found one
    channel = (p.get("channel") or {}).get("id") or (p.get("container") or {}).get("channel_id")
    ts = (p.get("message") or {}).get("ts") or (p.get("container") or {}).get("message_ts")
    if not channel:
        return None
    user = p["user"]
    return IncomingEvent(
        **base, chat_id=channel, user_id=user["id"], user_name=name_of(user["id"]) or user.get("name"),
        kind=EventKind.BUTTON, button_value=action["value"], target_message_id=message_id(channel, ts),
        is_direct=channel.startswith("D"),
    )


def _from_event(event: dict, base: dict, *, bot_user_id: str | None, name_of: NameOf) -> IncomingEvent | None:
    kind, user = event.get("type"), event.get("user")
    if not user or user == bot_user_id or event.get("bot_id"):
        return None  # our own messages and other bots' never drive the core
    base = dict(base, user_id=user, user_name=name_of(user))
    if kind in ("reaction_added", "reaction_removed"):
        item = event["item"]  # a message's (event_key passes no other)
        name = event.get("reaction", "").split("::")[0]
        return IncomingEvent(
            **base, chat_id=item["channel"], reaction=REACTIONS.get(name, name),
            kind=EventKind.REACTION_ADDED if kind == "reaction_added" else EventKind.REACTION_REMOVED,
            target_message_id=message_id(item["channel"], item.get("ts")),
            is_direct=item["channel"].startswith("D"),  # a reminder sent to the person directly
        )
    if kind not in ("app_mention", "message"):
        return None  # app_uninstalled, tokens_revoked: the transport's business, not the core's
    text, mentions, bot_mentioned = translate_text(event.get("text", ""), bot_user_id=bot_user_id,
                                                   name_of=name_of)
    direct = event.get("channel_type") == "im"  # "mpim", a group DM, is a group chat like a channel
    channel = event["channel"]
    return IncomingEvent(
        **base, chat_id=channel, kind=EventKind.MESSAGE, text=text, mentions=mentions,
        addressed_to_bot=kind == "app_mention" or bot_mentioned or direct, is_direct=direct,
        message_id=message_id(channel, event.get("ts")), thread_id=message_id(channel, event.get("thread_ts")),
    )
