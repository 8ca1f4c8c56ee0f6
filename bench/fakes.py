"""In-process platforms with real rate limits and a real clock: they answer 429 (RetryLater) when exceeded."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque

from bot.events import OutgoingMessage
from bot.ports import RetryLater


class Window:
    """At most `limit` calls per `seconds` (a sliding window, as the platforms count)."""

    def __init__(self, limit: int, seconds: float = 1.0) -> None:
        self.limit, self.seconds = limit, seconds
        self.calls: deque[float] = deque()

    def wait(self, now: float) -> float:
        """0 when a call may go at `now`, else how long until it may."""
        while self.calls and self.calls[0] <= now - self.seconds:
            self.calls.popleft()
        if len(self.calls) < self.limit:
            return 0.0
        return self.calls[0] + self.seconds - now

    def take(self, now: float) -> None:
        self.calls.append(now)


class LimitedPlatform:
    """A sender with a per-chat limit and an optional app-wide one (None: no app-wide limit).

    Feishu: 5/s per chat, 50/s per app. Slack (chat.postMessage): about 1/s per channel.
    A refused call raises RetryLater with a whole number of seconds, as a Retry-After header does.
    Records when each message was accepted, and whether any chat saw its messages out of order.
    """

    def __init__(self, *, per_chat: int, per_app: int | None, latency: float = 0.0) -> None:
        self.per_chat, self.per_app, self.latency = per_chat, per_app, latency
        self._chats: dict[str, Window] = defaultdict(lambda: Window(self.per_chat))
        self._app = Window(per_app) if per_app else None
        self._lock = threading.Lock()
        self.accepted: list[tuple[float, str]] = []  # (monotonic time, key)
        self.refused = 0  # answers of 429
        self.out_of_order = 0  # a message accepted after a later one of its chat
        self._last_seq: dict[str, int] = {}
        self.keys: set[str] = set()
        self.duplicates = 0

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to, edit_of, maybe_sent=False) -> str:
        if self.latency:
            time.sleep(self.latency)  # the API's round trip
        target = msg.chat_id or f"@{msg.user_id}"
        with self._lock:
            now = time.monotonic()
            wait = max(self._chats[target].wait(now), self._app.wait(now) if self._app else 0.0)
            if wait > 0:
                self.refused += 1
                raise RetryLater(max(1, math.ceil(wait)), "429 too many requests")
            self._chats[target].take(now)
            if self._app:
                self._app.take(now)
            self.accepted.append((now, msg.key))
            if msg.key in self.keys:
                self.duplicates += 1
            self.keys.add(msg.key)
            seq = outbox_id
            if seq < self._last_seq.get(target, -1):
                self.out_of_order += 1
            self._last_seq[target] = max(seq, self._last_seq.get(target, -1))
        return f"p{outbox_id}"

    @property
    def delivered(self) -> int:
        return len(self.accepted)
