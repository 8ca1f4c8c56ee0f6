"""What the core asks of the outside world: a way to deliver a message."""

from __future__ import annotations

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
