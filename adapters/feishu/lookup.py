"""Which chat a bot message lives in: reaction events name only the message."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import OutboxMessage


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
