"""Fakes shared by the delivery tests: a hand-moved clock, a scripted platform, one round."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.events import OutgoingMessage
from reminders.delivery import deliver_due
from storage.models import OutboxMessage
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
