"""What a handler works with: the event, the clock, the chat, the actor, and what to say."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy.orm import Session

from bot.events import Attachment, Card, IncomingEvent, OutgoingMessage
from bot.policy import Policy
from bot.ports import ViewLinks
from bot.worktime import CalendarConfig, WorkCalendar
from storage.models import Chat, User


class UserError(Exception):
    """A refusal: nothing is changed and the message is the reply."""


@lru_cache(maxsize=64)
def calendar_for(config: CalendarConfig) -> WorkCalendar:
    """Calendars cache their day lookups, so share one per configuration."""
    return WorkCalendar(config)


def card_key(item_id: int) -> str:
    return f"card:{item_id}"


@dataclass
class Ctx:
    session: Session
    event: IncomingEvent
    now: datetime
    chat: Chat
    actor: User
    policy: Policy
    out: list[OutgoingMessage] = field(default_factory=list)
    links: ViewLinks | None = None  # the web view's signed links; None when [web] is not set up

    @property
    def lang(self) -> str:
        return self.policy.lang

    @property
    def calendar(self) -> WorkCalendar:
        return calendar_for(self.policy.calendar)

    def _key(self, kind: str) -> str:
        return f"{kind}:{self.event.platform}:{self.event.event_id}:{len(self.out)}"

    def reply(self, text: str = "", *, card: Card | None = None, item_ids: tuple[int, ...] = (),
              thread_of: int | None = None, attachments: tuple[Attachment, ...] = ()) -> None:
        """Answer in the chat the event came from (threaded under an item's card if given)."""
        self.out.append(OutgoingMessage(
            key=self._key("reply"), platform=self.event.platform,
            chat_id=self.chat.chat_id,
            text=text, card=card, item_ids=item_ids,
            reply_to_key=card_key(thread_of) if thread_of else None,
            thread_id=None if thread_of else self.event.thread_id, created_at=self.now,
            attachments=attachments,
        ))

    def post(self, msg: OutgoingMessage) -> None:
        self.out.append(msg)
