"""What DingTalk payloads leave out, read from Genjin's own records (no API call, no permission).

- Where a clicked card lives: a card callback names only the card (outTrackId) and the
  person; the outbox knows which chat (or person) each card went to.
- People's names: atUsers carry staff ids only; names Genjin already knows (from senders'
  nicknames and earlier mentions) place mentions in the text.
- Who did what on an item, shown on its card.
- Session webhooks: each robot message brings a short-lived reply URL for its conversation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adapters.dingtalk.parse import PLATFORM, direct_chat, out_track_id
from bot.events import OutgoingMessage
from storage import outbox
from storage.models import Item, ItemEvent, OutboxMessage, User

SHOWN_ACTIONS = {  # the steps a card's buttons take, as the card tells them
    "zh": {"ack": "收到", "done": "完成", "confirm": "确认", "reject": "驳回", "cancel": "关闭"},
    "en": {"ack": "acknowledged", "done": "done", "confirm": "confirmed", "reject": "rejected", "cancel": "cancelled"},
}
SHOWN = 3  # the last few steps; /详情 has the whole history


def _card_row(session: Session, track: str) -> OutboxMessage | None:
    found = session.scalar(select(OutboxMessage).where(
        OutboxMessage.platform == PLATFORM, OutboxMessage.platform_message_id == track,
        OutboxMessage.edit_of_id.is_(None)).order_by(OutboxMessage.id).limit(1))
    if found is not None:
        return found
    # Clicked before delivery recorded the send (DingTalk answered, the row is not marked yet):
    # the id is derived from the key, so the cards in flight can be told by it.
    sending = session.scalars(select(OutboxMessage).where(
        OutboxMessage.platform == PLATFORM, OutboxMessage.status == "pending",
        OutboxMessage.sending_since.is_not(None), OutboxMessage.edit_of_id.is_(None)))
    return next((row for row in sending if out_track_id(row.key) == track), None)


def card_home(sessions: sessionmaker[Session], track: str) -> str | None:
    """The chat a card of ours went to (a person's: "direct:<staff id>"); None if not ours."""
    with sessions() as session:
        row = _card_row(session, track)
        if row is None:
            return None
        return row.chat_id or (direct_chat(row.user_id) if row.user_id else None)


def latest_card(sessions: sessionmaker[Session], track: str) -> OutgoingMessage | None:
    """The newest version of a card, written but maybe not sent yet (a click's answer shows it)."""
    with sessions() as session:
        row = _card_row(session, track)
        return outbox.latest_version(session=session, outbox_id=row.id) if row else None


def names_of(sessions: sessionmaker[Session], staff_ids: Iterable[str]) -> dict[str, str]:
    ids = [i for i in dict.fromkeys(staff_ids) if i]
    if not ids:
        return {}
    with sessions() as session:
        rows = session.execute(select(User.user_id, User.name).where(User.platform == PLATFORM,
                                                                      User.user_id.in_(ids)))
        return {uid: name for uid, name in rows if name and name != uid}


def steps(sessions: sessionmaker[Session], item_id: int, *, lang: str, tz: str) -> str:
    """The item's last few steps, one a line: "05-11 10:02 李雷 完成"."""
    shown = SHOWN_ACTIONS.get(lang, SHOWN_ACTIONS["zh"])
    with sessions() as session:
        rows = session.execute(
            select(ItemEvent.at, ItemEvent.action, User.name, User.user_id)
            .outerjoin(User, ItemEvent.actor_id == User.id)
            .where(ItemEvent.item_id == item_id, ItemEvent.action.in_(list(shown)))
            .order_by(ItemEvent.id.desc()).limit(SHOWN)).all()
    zone = ZoneInfo(tz)
    lines = []
    for at, action, name, user_id in reversed(rows):
        when = at.astimezone(zone).strftime("%m-%d %H:%M") if at.tzinfo else at.strftime("%m-%d %H:%M")
        lines.append(f"{when} {name or user_id or 'Genjin'} {shown[action]}")
    return "\n".join(lines)


def say_once(sessions: sessionmaker[Session], msg: OutgoingMessage, now: datetime) -> bool:
    """Queue `msg` unless its key was ever used: a notice a chat hears once, whichever process
    or restart comes to say it (the outbox's unique key decides)."""
    with sessions.begin() as session:
        return outbox.enqueue(session=session, msg=msg, now=now) is not None


class Webhooks:
    """The newest sessionWebhook of each chat, until shortly before it expires (memory only:
    it is a credential, and it dies within hours anyway)."""

    MARGIN = 120.0  # seconds: an answer must not reach DingTalk after the webhook died

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._hooks: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def learn(self, chat_id: str, url: str, expires_ms: object) -> None:
        try:
            until = int(expires_ms) / 1000 - self.MARGIN  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return
        if chat_id and url.startswith(("https://", "http://")) and until > self.clock():
            with self._lock:
                now = self.clock()
                self._hooks = {c: h for c, h in self._hooks.items() if h[1] > now}  # drop the dead
                self._hooks[chat_id] = (url, until)

    def get(self, chat_id: str) -> str | None:
        with self._lock:
            hook = self._hooks.get(chat_id)
        return hook[0] if hook and hook[1] > self.clock() else None


def is_emergency(sessions: sessionmaker[Session], item_ids: Iterable[int]) -> bool:
    """Whether a message concerns an emergency (特急) item."""
    ids = list(item_ids)
    if not ids:
        return False
    with sessions() as session:
        return session.scalar(select(Item.id).where(Item.id.in_(ids), Item.urgency == "emergency").limit(1)) is not None
