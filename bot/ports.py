"""What the core asks of the outside world: a way to deliver a message, links to the web view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.events import OutgoingMessage


class RetryLater(Exception):
    """The platform asked us to wait (429, rate-limit codes); retry after `seconds`."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds}s")
        self.seconds = seconds


class PermanentFailure(Exception):
    """The platform refused the message for good (bad channel, no permission).

    `message_only`: only this message is refused (too large, invalid, edit window closed) and
    the chat still takes others, so delivery may say there that it was lost. Left False, the
    chat (or person) itself is taken to refuse us (gone, archived, bot removed): logged only.
    """

    def __init__(self, *args: object, message_only: bool = False) -> None:
        super().__init__(*args)
        self.message_only = message_only


class Sender(Protocol):
    def send(self, msg: OutgoingMessage, *, outbox_id: int, reply_to: str | None, edit_of: str | None,
             maybe_sent: bool = False) -> str:
        """Deliver `msg`; return the platform's id of the message posted (or edited).

        `outbox_id` is the message's stored id (stable; usable as an idempotency key).
        `reply_to` / `edit_of` are platform message ids of earlier messages, when known.
        `maybe_sent`: an earlier attempt may have reached the platform without its answer being
        recorded (a crash, a timeout); check for that post before posting again.
        Raise RetryLater or PermanentFailure; any other exception is retried with backoff.
        """
        ...


@dataclass(frozen=True)
class ViewScope:
    """What one link to the read-only web view may show: a chat's records, or one project's of it."""

    chat_id: int  # the database's Chat.id (never the platform's chat id)
    project_id: int | None = None  # a project of that chat; None: the whole chat


class ViewLinks(Protocol):
    """Signs links to the read-only web view (genjin/web/links.py).

    A port rather than code in the core: signing needs the deployment's secret, which stays in the
    shell (never in Policy, whose values are stored and logged). It is pure computation, and the
    moment is passed in, so the core still reads no clock and does no I/O.
    """

    days: int  # how long a link stays valid

    def link(self, scope: ViewScope, *, lang: str, now: datetime) -> str:
        """The URL of the page showing `scope` in `lang`, valid `days` from `now`."""
        ...
