"""DingTalk's one parse function: a stored envelope -> IncomingEvent (or None).

Both transports store the same envelope, `{"topic": ..., "data": {...}, "push": ...}`: the
topic says what DingTalk sent (a robot message, a card click), `data` is its JSON as
DingTalk sent it (the Stream frame's data, or the HTTP body), and `push` an id of the
delivery itself (the Stream frame's messageId, or an HTTP card callback's signed
timestamp). Pure: whatever needs a look-up (the chat a card lives in, people's names) is
passed in.

Robot messages name the people mentioned only in `atUsers` (staff ids, no names), while
the text shows `@Name`. A mention becomes a token only where one of those people can be
placed in the text: by a name known for them, else by position when every `@word` left in
the text is one of them. Anything else (a typed @所有人, a typed @staffid, `<@id>`) stays
plain text.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from bot.events import INERT_AT, EventKind, IncomingEvent, Mention, mention

PLATFORM = "dingtalk"
MESSAGE_TOPIC = "/v1.0/im/bot/messages/get"  # dingtalk_stream.ChatbotMessage.TOPIC
CARD_TOPIC = "/v1.0/card/instances/callback"  # dingtalk_stream.CallbackHandler.TOPIC_CARD_CALLBACK
BUTTON_PARAM = "genjin"  # the card template's callback parameter holding a Button.value
RENDER_PARAM = "render"  # ... and the one naming the rendering clicked (see render.py)
DIRECT_PREFIX = "direct:"  # a one-to-one chat's id: "direct:<staff id>" (the robot answers by user)
ALL_WORDS = {"所有人", "all", "everyone", "here"}  # never a person, whatever the payload says
CARD_PREFIX = "gj"  # the outTrackId of a card Genjin sent
TRACK_NAMESPACE = uuid.UUID("0b7f3c52-8a8e-4f0e-9d55-3f1c2f7f6a10")  # fixed: same key, same card id forever
AT_WORD = re.compile(r"@([^\s@]+)")
TRAILING = "，。,.!！?？:：;；、)）】」'\""


def envelope(topic: str, data: Mapping, push: str | None = None) -> dict:
    out = {"topic": topic, "data": dict(data)}
    if push:
        out["push"] = str(push)
    return out


def as_dict(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else {}


def out_track_id(key: str) -> str:
    """The card instance id of the message with outbox key `key` (DingTalk allows 64 characters):
    the same key always names the same card, so a retried create cannot post a second one."""
    return CARD_PREFIX + uuid.uuid5(TRACK_NAMESPACE, key).hex


def direct_chat(staff_id: str) -> str:
    return DIRECT_PREFIX + staff_id


def card_content(data: Mapping) -> Mapping:
    """A card callback's `content`, a JSON string on the wire (a dict in some recordings)."""
    content = data.get("content")
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return {}
    return as_dict(content)


def card_params(data: Mapping) -> Mapping:
    return as_dict(as_dict(card_content(data).get("cardPrivateData")).get("params"))


def event_key(env: Mapping) -> str:
    """The inbox key: a message's msgId; for a click, the card, the person, the button and
    the rendering clicked (a double tap or a redelivery is one click; the same button on a
    later rendering of the card is a new one). "" when the envelope names none."""
    data = as_dict(env.get("data"))
    if env.get("topic") == MESSAGE_TOPIC:
        return str(data.get("msgId") or "")
    if env.get("topic") == CARD_TOPIC:
        params = card_params(data)
        parts = (data.get("outTrackId"), data.get("userId"), params.get(BUTTON_PARAM),
                 params.get(RENDER_PARAM) or env.get("push"))
        if not all(parts[:3]):
            return ""
        return "card:" + hashlib.sha256("\x1f".join(str(p or "") for p in parts).encode()).hexdigest()[:40]
    return ""


def _time(stamp: object, fallback: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(stamp) / 1000, UTC)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError, OSError):
        return fallback


def parse(env: Mapping, *, received_at: datetime, chat_id: str | None = None, direct: bool = False,
          names: Mapping[str, str] | None = None) -> IncomingEvent | None:
    """Translate one envelope. `chat_id` / `direct`: where a clicked card lives (the click does
    not say); `names`: display names known for staff ids (to place mentions)."""
    data, key = as_dict(env.get("data")), event_key(env)
    if not key:
        return None
    if env.get("topic") == MESSAGE_TOPIC:
        return _message(data, key, received_at, names or {})
    if env.get("topic") == CARD_TOPIC:
        return _click(data, key, received_at, chat_id, direct)
    return None


def message_text(data: Mapping) -> str | None:
    """The text of a text or rich-text message (typed mention tokens defused); None otherwise,
    and when DingTalk sent no text (over quota it sends an errorMessage instead)."""
    if data.get("msgtype") == "text":
        text = as_dict(data.get("text")).get("content")
        return text.replace("<@", INERT_AT) if isinstance(text, str) else None
    if data.get("msgtype") == "richText":
        parts = [str(p.get("text")) for p in as_dict(data.get("content")).get("richText") or []
                 if isinstance(p, Mapping) and isinstance(p.get("text"), str)]
        # Segments come about one per line, some ending in their own newline.
        joined = "".join(p if p.endswith("\n") or i == len(parts) - 1 else p + "\n" for i, p in enumerate(parts))
        return joined.replace("<@", INERT_AT) if parts else None
    return None


def _message(data: Mapping, key: str, received_at: datetime, names: Mapping[str, str]) -> IncomingEvent | None:
    raw = message_text(data)
    user = str(data.get("senderStaffId") or data.get("senderId") or "")
    if raw is None or not user:
        return None
    bot = data.get("chatbotUserId")
    people = [str(u["staffId"]) for u in data.get("atUsers") or []
              if isinstance(u, Mapping) and u.get("staffId") and u.get("dingtalkId") != bot]
    text, mentions = resolve_mentions(raw.strip(), list(dict.fromkeys(people)), names,
                                      bot_first=bool(data.get("isInAtList")))
    direct = str(data.get("conversationType")) == "1"
    return IncomingEvent(
        platform=PLATFORM, event_id=key, kind=EventKind.MESSAGE,
        chat_id=direct_chat(user) if direct else str(data.get("conversationId") or ""),
        user_id=user, user_name=str(data.get("senderNick") or "") or None, text=text, mentions=mentions,
        addressed_to_bot=True,  # DingTalk delivers only @robot messages from groups, and direct ones
        is_direct=direct, message_id=str(data.get("msgId") or "") or None,
        quoted_text=quoted_text(data), received_at=_time(data.get("createAt"), received_at),
    )


def quoted_text(data: Mapping) -> str | None:
    """The text of the message a reply quotes (引用回复). DingTalk has no threads; it sends the
    quote as `text.isReplyMsg` and `text.repliedMsg` (undocumented, and dropped by dingtalk-stream's
    classes; the shape other DingTalk integrations read): `content.text`, or `content.richText[].text`."""
    text = as_dict(data.get("text"))
    replied = as_dict(text.get("repliedMsg"))
    if not text.get("isReplyMsg") or not replied:
        return None
    content = as_dict(replied.get("content"))
    if isinstance(content.get("text"), str):
        said = content["text"]
    else:
        said = "".join(str(p.get("text")) for p in content.get("richText") or []
                       if isinstance(p, Mapping) and isinstance(p.get("text"), str))
    return said.replace("<@", INERT_AT) or None


def _candidates(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each `@word` that could be a person: never @所有人 and the like."""
    out = []
    for m in AT_WORD.finditer(text):
        name = m.group(1).rstrip(TRAILING)
        if name and name.lower() not in ALL_WORDS:
            out.append((m.start(), m.start() + 1 + len(name), name))
    return out


def resolve_mentions(text: str, people: list[str], names: Mapping[str, str], *, bot_first: bool = False
                     ) -> tuple[str, tuple[Mention, ...]]:
    """`@Name` -> `<@staffid|Name>` for each of `people` placed in `text` (see the module doc)."""
    spots = _candidates(text)
    placed: dict[int, str] = {}  # index in spots -> staff id
    for person in people:  # first by name, where one is known
        name = names.get(person)
        spot = next((i for i, s in enumerate(spots) if i not in placed and name and s[2] == name), None)
        if spot is not None:
            placed[spot] = person
    rest = [p for p in people if p not in placed.values()]
    free = [i for i in range(len(spots)) if i not in placed]
    lead = bool(bot_first and spots and spots[0][0] == 0)  # "@Robot …" when DingTalk left it in
    if rest and lead and len(free) == len(rest) + 1 and free[0] == 0:
        free = free[1:]
    if rest and len(free) == len(rest):  # else nobody can tell who is where: leave it all as text
        placed.update(zip(free, rest, strict=True))
    out, pos, found = [], 0, []
    for i, (start, end, name) in enumerate(spots):
        if i == 0 and lead and i not in placed:  # the robot's own name: not part of the command
            out.append(text[pos:start])
            pos = end
        if i not in placed:
            continue
        person = placed[i]
        out += [text[pos:start], mention(person, name)]
        pos = end
        if all(m.user_id != person for m in found):
            found.append(Mention(person, name))
    out.append(text[pos:])
    return re.sub(r"[ \t\u2005]{2,}", " ", "".join(out)).strip(), tuple(found)


def _click(data: Mapping, key: str, received_at: datetime, chat_id: str | None, direct: bool) -> IncomingEvent | None:
    value, user = card_params(data).get(BUTTON_PARAM), str(data.get("userId") or "")
    if not chat_id or not user or not isinstance(value, str) or not value:
        return None  # not one of our cards (or not one of its buttons)
    return IncomingEvent(
        platform=PLATFORM, event_id=key, kind=EventKind.BUTTON, chat_id=chat_id, user_id=user,
        button_value=value, target_message_id=str(data.get("outTrackId") or "") or None,
        is_direct=direct or chat_id.startswith(DIRECT_PREFIX), received_at=received_at,
    )
