"""Fakes shared by the delivery tests: a hand-moved clock, a scripted platform, a rate-limited
platform, one round."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.events import OutgoingMessage
from bot.ports import RetryLater
from reminders.delivery import deliver_due
from storage.models import Item, OutboxMessage
from storage.outbox import enqueue

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class FakeClock:
    """The time a test says it is; moves only when told."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def monotonic(self) -> float:
        """Seconds since T0: the pacer's clock, moved by the same hand."""
        return (self.now - T0).total_seconds()


class ServerError(Exception):
    """What an HTTP 5xx or a dropped connection looks like to the delivery loop."""


class FakePlatform:
    """A sender: `outcome(msg)` returns None (the post lands) or the exception to raise."""

    def __init__(self, outcome: Callable[[OutgoingMessage], BaseException | None] = lambda msg: None,
                 during: Callable[[OutgoingMessage], None] = lambda msg: None) -> None:
        self.outcome, self.during = outcome, during
        self.calls: list[tuple[str, bool]] = []  # (key, maybe_sent) of every attempt
        self.posted: list[OutgoingMessage] = []  # what the platform accepted, in order

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to, edit_of, maybe_sent=False) -> str:
        self.calls.append((msg.key, maybe_sent))
        self.during(msg)
        error = self.outcome(msg)
        if error is not None:
            raise error
        self.posted.append(msg)
        return edit_of or f"p{outbox_id}"

    def keys(self) -> list[str]:
        return [m.key for m in self.posted]


class LimitedPlatform:
    """A platform that counts calls in sliding windows, as Feishu and Slack do, and answers 429
    (RetryLater) past `per_chat` calls per `seconds` to one chat or `per_app` in all.

    `clock`: monotonic seconds (a FakeClock's, or the real one). Records what it accepted, in
    order per chat, and every refusal.
    """

    def __init__(self, *, per_chat: int, per_app: int, seconds: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, limits=None) -> None:
        self.per_chat, self.per_app, self.seconds, self.clock = per_chat, per_app, seconds, clock
        if limits is not None:
            self.limits = limits  # what delivery paces to (reminders.pacing.limits_for reads it)
        self._chats: dict[str, deque[float]] = defaultdict(deque)
        self._app: deque[float] = deque()
        self._lock = threading.Lock()
        self.accepted: list[tuple[float, str]] = []  # (moment, key)
        self.by_chat: dict[str, list[str]] = defaultdict(list)
        self.refused = 0

    def _full(self, calls: deque[float], limit: int, now: float) -> bool:
        while calls and calls[0] <= now - self.seconds:
            calls.popleft()
        return len(calls) >= limit

    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to, edit_of, maybe_sent=False) -> str:
        target = msg.chat_id or f"@{msg.user_id}"
        with self._lock:
            now = self.clock()
            chat = self._chats[target]
            if self._full(chat, self.per_chat, now) or self._full(self._app, self.per_app, now):
                self.refused += 1
                raise RetryLater(max(1, math.ceil(self.seconds)), "429 too many requests")
            chat.append(now)
            self._app.append(now)
            self.accepted.append((now, msg.key))
            self.by_chat[target].append(msg.key)
        return f"p{outbox_id}"

    def keys(self) -> list[str]:
        return [key for _, key in self.accepted]


def new_item(session, *, chat_id: int, initiator_id: int, title: str = "t", number: int = 1) -> Item:
    """An open action item (its per-chat number too, where the model has one)."""
    extra = {"number": number} if "number" in Item.__table__.c else {}
    item = Item(kind="action", chat_id=chat_id, title=title, initiator_id=initiator_id, status="open",
                created_at=T0, updated_at=T0, **extra)
    session.add(item)
    session.flush()
    return item


def put(app, key: str, *, now: datetime = T0, chat: str | None = "c", user: str | None = None, **kw) -> int:
    with app.sessions.begin() as s:
        row = enqueue(session=s, msg=OutgoingMessage(key=key, platform="test", chat_id=chat, user_id=user,
                                                     text=key, **kw), now=now)
        return row.id


def row(app, key: str) -> OutboxMessage:
    with app.sessions() as s:
        return s.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def rows(app) -> list[OutboxMessage]:
    with app.sessions() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def deliver(app, platform: FakePlatform, clock: FakeClock, *, worker: str = "A", limit: int = 10) -> int:
    return deliver_due(sessions=app.sessions, platform="test", sender=platform, clock=clock, worker=worker,
                       limit=limit)
