"""FeishuSender: delivers outbox messages through the IM API, paced and idempotent."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from adapters.feishu import split
from adapters.feishu.api import FeishuApi
from adapters.feishu.bitable import BitableWriter
from adapters.feishu.uploads import share_files
from bot.bitable import sync as bitable_sync
from bot.events import OutgoingMessage
from bot.ports import PermanentFailure

log = logging.getLogger(__name__)

MESSAGES = "/open-apis/im/v1/messages"
CHATS = "/open-apis/im/v1/chats"
ROOM_MEMBERS_MAX = 50  # Feishu takes at most 50 user ids when a chat is created
UUID_NAMESPACE = uuid.UUID("6f1c1f2e-5d0b-4c55-9a57-1f0e6e7a9b21")  # fixed: same key, same uuid forever
UUID_WINDOW = timedelta(minutes=55)  # Feishu dedupes a uuid for one hour; keep a margin
UPDATE_WINDOW = timedelta(days=14) - timedelta(hours=1)  # JSON 2.0 cards can be PATCHed for 14 days


def send_uuid(key: str, part: int = 0) -> str:
    """Feishu drops a second create/reply with the same `uuid` (within an hour), so a
    retry after a lost answer never posts twice. Derived from the outbox key (and the
    part, when a long message takes several)."""
    return str(uuid.uuid5(UUID_NAMESPACE, key if part == 0 else f"{key}#part{part + 1}"))


def wall_clock() -> datetime:
    return datetime.now(UTC)


class Pacer:
    """Sliding one-second windows: at most `per_chat` sends per chat (Feishu: 5 QPS per
    chat, shared by all bots in it) and `per_app` sends in all (50/s per app)."""

    def __init__(self, *, per_chat: int = 5, per_app: int = 50, window: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.per_chat, self.per_app, self.window = per_chat, per_app, window
        self.clock, self.sleep = clock, sleep
        self._sent: dict[str, deque[float]] = defaultdict(deque)
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def _delay(self, stamps: deque[float], limit: int, now: float) -> float:
        while stamps and stamps[0] <= now - self.window:
            stamps.popleft()
        return stamps[0] + self.window - now if len(stamps) >= limit else 0.0

    def wait(self, key: str) -> None:
        """Block until one more send to `key` fits in both windows, then count it."""
        while True:
            with self._lock:
                now = self.clock()
                delay = max(self._delay(self._sent[key], self.per_chat, now),
                            self._delay(self._all, self.per_app, now))
                if delay <= 0:
                    self._sent[key].append(now)
                    self._all.append(now)
                    return
            self.sleep(delay)


class FeishuSender:
    def __init__(self, api: FeishuApi, *, pacer: Pacer | None = None, lang: str = "zh",
                 sent_at: Callable[[str], datetime | None] = lambda _id: None,
                 clock: Callable[[], datetime] = wall_clock, bitable: BitableWriter | None = None) -> None:
        self.api, self.lang, self.sent_at, self.clock = api, lang, sent_at, clock
        self.bitable = bitable
        self.pacer = pacer or Pacer()

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        """Post `msg` (over several messages when long: the first one's id is returned) or
        update `edit_of` in place.

        Every post carries a uuid derived from the outbox key, so a retry after a crash or a
        timeout (`maybe_sent`) is dropped by Feishu as a duplicate: within the hour only.
        Feishu offers no way to look a post up by its uuid, so later than that a retry may
        show the message twice; that beats losing it, and is logged.
        """
        if msg.extra.get("action") == "create_room":
            return self._create_room(msg)
        if msg.extra.get("action") in (bitable_sync.SETUP, bitable_sync.WRITE):
            if self.bitable is None:
                raise PermanentFailure(f"{msg.key}: the Bitable sync is not set up ([bitable] enabled)")
            self.pacer.wait(msg.chat_id or "bitable")
            return self.bitable.send(msg)
        if (msg.chat_id or "").startswith("bitable:"):  # a table's queue (a lost-write notice): no chat
            raise PermanentFailure(f"{msg.key}: {msg.chat_id} is a table, not a chat")
        if edit_of:
            sent = self.sent_at(edit_of)
            if sent is None or self._age(sent) < UPDATE_WINDOW:
                return self._update(msg, edit_of)
            log.info("%s: card %s is too old to update, posting the new version", msg.key, edit_of)
        if maybe_sent and msg.created_at is not None and self._age(msg.created_at) > UUID_WINDOW:
            log.warning("%s may already be posted and Feishu's one-hour duplicate check has passed: "
                        "it may show twice", msg.key)
        posted = [self._post(msg, {"msg_type": msg_type, "content": content, "uuid": send_uuid(msg.key, part)},
                             reply_to)
                  for part, (msg_type, content) in enumerate(split.contents(msg, self.lang))]
        if msg.attachments:  # after the text, where it went (uploads.py: once, by uuid)
            share_files(self.api, msg, post=lambda body: self._post(msg, body, reply_to), uuid_for=send_uuid,
                        lang=self.lang)
        return posted[0]

    def _create_room(self, msg: OutgoingMessage) -> str:
        """Create the emergency's group chat with its people (the bot creating it is its owner and
        a member); returns the new chat_id. The uuid from the outbox key makes Feishu create it
        once however often a lost answer makes us ask again (Feishu keeps it ten hours)."""
        members = [m for m in msg.extra.get("members", "").split(",") if m][:ROOM_MEMBERS_MAX]
        self.pacer.wait(CHATS)
        answer = self.api.call("POST", CHATS, params={"user_id_type": "open_id", "uuid": send_uuid(msg.key)},
                               json={"name": msg.extra.get("name") or msg.text, "user_id_list": members,
                                     "chat_mode": "group", "chat_type": "private"})
        chat_id = (answer.get("data") or {}).get("chat_id")
        if not chat_id:
            raise RuntimeError(f"feishu answered without a chat_id: {answer!r}"[:500])
        return str(chat_id)

    def _age(self, moment: datetime) -> timedelta:
        return self.clock() - (moment if moment.tzinfo else moment.replace(tzinfo=UTC))

    def _update(self, msg: OutgoingMessage, edit_of: str) -> str:
        msg_type, content = split.one_content(msg, self.lang)  # one message can only hold one part
        self.pacer.wait(f"message:{edit_of}")  # PATCH: 5 QPS per message
        if msg_type == "interactive":
            self.api.call("PATCH", f"{MESSAGES}/{edit_of}", json={"content": content})
        else:
            self.api.call("PUT", f"{MESSAGES}/{edit_of}", json={"msg_type": msg_type, "content": content})
        return edit_of

    def _post(self, msg: OutgoingMessage, body: dict, reply_to: str | None) -> str:
        if reply_to:
            self.pacer.wait(msg.chat_id or msg.user_id or reply_to)
            answer = self.api.call("POST", f"{MESSAGES}/{reply_to}/reply", json={**body, "reply_in_thread": True})
        elif msg.chat_id or msg.user_id:
            id_type, target = ("chat_id", msg.chat_id) if msg.chat_id else ("open_id", msg.user_id)
            self.pacer.wait(str(target))
            answer = self.api.call("POST", MESSAGES, params={"receive_id_type": id_type},
                                   json={**body, "receive_id": target})
        else:
            raise PermanentFailure(f"message {msg.key} names neither a chat nor a user")
        message_id = (answer.get("data") or {}).get("message_id")
        if not message_id:
            raise RuntimeError(f"feishu answered without a message_id: {answer!r}"[:500])
        return str(message_id)
