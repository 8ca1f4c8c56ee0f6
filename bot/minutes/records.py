"""The minutes' records: numbered per chat, read back with their items. Items are reached only
through their `minutes_id` link; what happens to them is bot.items' business."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Chat, Item, Minutes, User


def next_number(*, session: Session, chat: Chat) -> int:
    """The chat's next minutes number; the chat's row is held until the event commits (PostgreSQL),
    so two minutes posted at once are numbered one after the other (the unique key backs it up)."""
    session.execute(select(Chat.id).where(Chat.id == chat.id).with_for_update())
    last = session.scalar(select(func.max(Minutes.number)).where(Minutes.chat_id == chat.id))
    return (last or 0) + 1


def add(*, session: Session, chat: Chat, title: str, fields: dict[str, str], body: str, poster: User,
        recorder: User | None, now: datetime) -> Minutes:
    record = Minutes(number=next_number(session=session, chat=chat), chat=chat, title=title, fields=fields,
                     body=body, poster=poster, recorder=recorder, created_at=now)
    session.add(record)
    session.flush()
    return record


def in_chat(*, session: Session, chat: Chat) -> list[Minutes]:
    return list(session.scalars(select(Minutes).where(Minutes.chat_id == chat.id).order_by(Minutes.number)))


def by_number(*, session: Session, chat: Chat, number: int) -> Minutes | None:
    return session.scalar(select(Minutes).where(Minutes.chat_id == chat.id, Minutes.number == number))


def by_id(*, session: Session, minutes_id: int) -> Minutes | None:
    return session.get(Minutes, minutes_id)


def items_of(*, session: Session, minutes_ids: list[int]) -> dict[int, list[Item]]:
    """Minutes id -> its action items, in number order."""
    found: dict[int, list[Item]] = {m: [] for m in minutes_ids}
    if minutes_ids:
        for item in session.scalars(select(Item).where(Item.minutes_id.in_(minutes_ids)).order_by(Item.number)):
            found[item.minutes_id or 0].append(item)
    return found
