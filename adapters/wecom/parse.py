"""WeCom's one parse function: a stored envelope -> IncomingEvent (or None).

The envelope is `{"source": "app" | "robot", "data": {...}}`: `data` is the decrypted
callback as WeCom sent it, the self-built app's XML as a flat dict (MsgType, Content,
MsgId, FromUserName, Event, EventKey, TaskId ...) or the smart robot's JSON (msgid,
chattype, chatid, from.userid, text.content). Pure: where a clicked card lives is passed in.

- The app hears one-to-one chats only (WeCom does not give apps group messages): every
  message is addressed to the bot, in the chat "direct:<userid>".
- The smart robot hears @mentions in groups (and its own one-to-one chats). Its text
  starts with "@RobotName", which is dropped.
- WeCom callbacks carry no list of the people mentioned (the text shows `@Name` only). An
  `@word` becomes a mention only where it names exactly one person Genjin knows on WeCom
  (`known`: their userid, or a name on record for them); anything else (@所有人, a name
  nobody or several people have, a typed `<@id>`) stays plain text.
- A template_card button press (Event template_card_event) carries the button's key
  (a Button.value) and the card's TaskId: a BUTTON event.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.events import INERT_AT, EventKind, IncomingEvent, Mention, mention

PLATFORM = "wecom"
APP, ROBOT = "app", "robot"
DIRECT_PREFIX = "direct:"
CLICK_EVENT = "template_card_event"
TASK_PREFIX = "gj"
TASK_NAMESPACE = uuid.UUID("6a0f3e1c-47d2-4b8e-9a3b-5c1d2e7f8a90")  # fixed: same key, same task id forever
LEADING_AT = re.compile(r"^\s*@\S+\s*")
AT_WORD = re.compile(r"(?<!‹)@([^\s@<>|]+)")  # not a typed "<@" (made inert)
TRAILING = "，。,.!！?？:：;；、)）】」'\""
ALL_WORDS = {"所有人", "all", "everyone", "here"}  # never a person, whatever is on record


def envelope(source: str, data: Mapping) -> dict:
    return {"source": source, "data": dict(data)}


def as_dict(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def task_id(key: str) -> str:
    """The template card's task_id for outbox key `key` (WeCom: at most 128 of [A-Za-z0-9_-@])."""
    return TASK_PREFIX + uuid.uuid5(TASK_NAMESPACE, key).hex


def direct_chat(user_id: str) -> str:
    return DIRECT_PREFIX + user_id


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p or "") for p in parts).encode()).hexdigest()[:40]


def event_key(env: Mapping) -> str:
    """The inbox key: a message's MsgId (msgid for the robot); for a press, the person, the
    time, the card and the button (WeCom's advice for events: FromUserName + CreateTime).
    "" when the envelope names none."""
    data = as_dict(env.get("data"))
    if env.get("source") == ROBOT:
        return "robot:" + str(data["msgid"]) if data.get("msgid") else ""
    if env.get("source") != APP:
        return ""
    if data.get("MsgType") == "event":
        if data.get("Event") != CLICK_EVENT or not (data.get("FromUserName") and data.get("TaskId")):
            return ""
        return "click:" + _digest(data.get("FromUserName"), data.get("CreateTime"), data.get("TaskId"),
                                  data.get("EventKey"))
    return "msg:" + str(data["MsgId"]) if data.get("MsgId") else ""


def _time(stamp: object, fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(stamp), UTC)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError, OSError):
        return fallback


def parse(env: Mapping, *, received_at: datetime, chat_id: str | None = None,
          known: Mapping[str, str] | None = None) -> IncomingEvent | None:
    """Translate one envelope. `chat_id`: where a clicked card lives (the press does not say);
    `known`: userid or name -> userid of the people Genjin knows on WeCom (to place mentions)."""
    data, key = as_dict(env.get("data")), event_key(env)
    if not key:
        return None
    if env.get("source") == ROBOT:
        return _robot_message(data, key, received_at, known or {})
    if data.get("MsgType") == "event":
        return _click(data, key, received_at, chat_id)
    return _app_message(data, key, received_at, known or {})


def resolve_mentions(text: str, known: Mapping[str, str]) -> tuple[str, tuple[Mention, ...]]:
    """`@word` -> `<@userid|word>` where `word` names one known person (see the module doc)."""
    found: list[Mention] = []

    def place(m: re.Match) -> str:
        word = m.group(1).rstrip(TRAILING)
        person = known.get(word) if word.lower() not in ALL_WORDS else None
        if not person:
            return m.group(0)
        if all(f.user_id != person for f in found):
            found.append(Mention(person, word))
        return mention(person, word if word != person else None) + m.group(1)[len(word):]

    return AT_WORD.sub(place, text.replace("<@", INERT_AT)), tuple(found)


def _app_message(data: Mapping, key: str, received_at: datetime, known: Mapping[str, str]) -> IncomingEvent | None:
    raw, user = data.get("Content"), str(data.get("FromUserName") or "")
    if data.get("MsgType") != "text" or not isinstance(raw, str) or not user:
        return None  # pictures, voice, location ...: nothing to read
    text, mentions = resolve_mentions(raw.strip(), known)
    return IncomingEvent(
        platform=PLATFORM, event_id=key, kind=EventKind.MESSAGE, chat_id=direct_chat(user), user_id=user,
        text=text, mentions=mentions, addressed_to_bot=True, is_direct=True,
        message_id=str(data.get("MsgId") or "") or None, received_at=_time(data.get("CreateTime"), received_at),
    )


def _robot_message(data: Mapping, key: str, received_at: datetime, known: Mapping[str, str]) -> IncomingEvent | None:
    user = str(as_dict(data.get("from")).get("userid") or "")
    raw = as_dict(data.get("text")).get("content")
    if data.get("msgtype") != "text" or not isinstance(raw, str) or not user:
        return None
    group = data.get("chattype") == "group"
    if group:
        raw = LEADING_AT.sub("", raw, count=1)  # "@RobotName /todo ...": the robot's own name
    text, mentions = resolve_mentions(raw.strip(), known)
    chat = str(data.get("chatid") or "") if group else direct_chat(user)
    if not chat:
        return None
    return IncomingEvent(
        platform=PLATFORM, event_id=key, kind=EventKind.MESSAGE, chat_id=chat, user_id=user,
        text=text, mentions=mentions, addressed_to_bot=True, is_direct=not group,
        message_id=str(data.get("msgid")), received_at=received_at,
    )


def _click(data: Mapping, key: str, received_at: datetime, chat_id: str | None) -> IncomingEvent | None:
    value, user = data.get("EventKey"), str(data.get("FromUserName") or "")
    if not chat_id or not user or not isinstance(value, str) or not value:
        return None  # not one of our cards (or not one of its buttons)
    return IncomingEvent(
        platform=PLATFORM, event_id=key, kind=EventKind.BUTTON, chat_id=chat_id, user_id=user,
        button_value=value, target_message_id=str(data.get("TaskId") or "") or None,
        is_direct=chat_id.startswith(DIRECT_PREFIX), received_at=_time(data.get("CreateTime"), received_at),
    )
