"""What Feishu events leave out: the chat of a bot message, whether a chat is one-to-one,
and when a card was sent (JSON 2.0 cards can only be updated for 14 days)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from adapters.feishu.api import FeishuApi
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

CHAT_PATH = "/open-apis/im/v1/chats/{}"


def chat_of_message(sessions: sessionmaker[Session], message_id: str) -> tuple[bool, str | None]:
    """(whether the bot sent `message_id`, the chat it went to when the outbox knows it).

    A direct message sent by open_id has no chat id in the outbox: (True, None).
    """
    with sessions() as session:
        row = session.execute(
            select(OutboxMessage.chat_id).where(OutboxMessage.platform == "feishu",
                                                OutboxMessage.platform_message_id == message_id)
            .order_by(OutboxMessage.chat_id.is_(None)).limit(1)
        ).first()
    return (False, None) if row is None else (True, row[0])


def sent_at_of(sessions: sessionmaker[Session], message_id: str) -> datetime | None:
    """When the bot first posted `message_id` (None if it never did, as far as the outbox knows)."""
    with sessions() as session:
        return session.scalar(select(func.min(OutboxMessage.sent_at)).where(
            OutboxMessage.platform == "feishu", OutboxMessage.platform_message_id == message_id))


class ChatModes:
    """Whether a chat is a one-to-one chat with the bot: learnt from messages (they say
    `chat_type`), else asked once of Feishu (`chat_mode`, needs im:chat:readonly; without
    it the chat counts as a group)."""

    def __init__(self, api: FeishuApi, *, miss_ttl: float = 600,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.api, self.miss_ttl, self.clock = api, miss_ttl, clock
        self._p2p: dict[str, tuple[bool, float]] = {}  # chat -> (one-to-one?, known until)
        self._lock = threading.Lock()

    def learn(self, chat_id: str, p2p: bool, ttl: float = float("inf")) -> None:
        if chat_id:
            with self._lock:
                self._p2p[chat_id] = (p2p, self.clock() + ttl)

    def is_p2p(self, chat_id: str) -> bool:
        with self._lock:
            known = self._p2p.get(chat_id)
        if known is not None and known[1] > self.clock():
            return known[0]
        try:
            data = self.api.call("GET", CHAT_PATH.format(chat_id)).get("data") or {}
        except Exception as err:  # no permission, network: a group for now, asked again later
            log.info("cannot tell whether chat %s is one-to-one: %s", chat_id, err)
            self.learn(chat_id, False, self.miss_ttl)
            return False
        p2p = data.get("chat_mode") == "p2p"
        self.learn(chat_id, p2p)
        return p2p
