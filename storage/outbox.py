"""The outbox: every outgoing message is a row with a unique key, sent after commit.

Writing rows (enqueue), reading them back (payloads, platform ids) and recording what came
of a send live here; who may send which row when (claims and leases) is storage.leases.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from sqlalchemy import insert as sa_insert
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from bot.events import Attachment, Button, Card, OutgoingMessage
from storage.models import Chat, Item, MessageItem, OutboxMessage, OutboxQueue

OVERTAKEN = "a newer update of this card exists"


def target_of(msg: OutgoingMessage) -> str:
    """The queue `msg` waits in (the same rule as migration 0003's backfill)."""
    return msg.chat_id or f"@{msg.user_id or ''}"


def to_payload(msg: OutgoingMessage) -> dict:
    data = dataclasses.asdict(msg)
    data["created_at"] = msg.created_at.isoformat() if msg.created_at else None
    data["attachments"] = [{k: v for k, v in a.items() if k != "data"} for a in data["attachments"]]
    return data


def from_payload(data: dict) -> OutgoingMessage:
    data = dict(data)
    card = data.pop("card")
    if card is not None:
        card = Card(
            title=card["title"], fields=tuple(tuple(f) for f in card["fields"]), lines=tuple(card["lines"]),
            buttons=tuple(Button(**b) for b in card["buttons"]),
        )
    created = data.pop("created_at")
    attachments = tuple(Attachment(**a) for a in data.pop("attachments", ()))
    return OutgoingMessage(
        **{**data, "item_ids": tuple(data["item_ids"])}, card=card, attachments=attachments,
        created_at=datetime.fromisoformat(created) if created else None,
    )


def find(*, session: Session, key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def dialect_insert(session: Session):
    """INSERT with ON CONFLICT for the session's database (imported here: the PostgreSQL dialect
    module costs a tenth of a second at start-up, and the console never needs it)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _id_by_key(key: str | None):
    return select(OutboxMessage.id).where(OutboxMessage.key == key).scalar_subquery() if key else None


def enqueue(*, session: Session, msg: OutgoingMessage, now: datetime,
            not_before: datetime | None = None) -> OutboxMessage | None:
    """Store `msg` for delivery; None when its key was already used (nothing is added).

    Two statements (three with items): the row, INSERT … ON CONFLICT (key) DO NOTHING (a
    concurrent writer of the same key loses quietly, no savepoint needed); its items in one
    multi-row INSERT; its target's queue made due if it was idle.
    """
    insert = dialect_insert(session)
    o, q = OutboxMessage, OutboxQueue
    due = not_before or now
    values = dict(
        key=msg.key, platform=msg.platform, chat_id=msg.chat_id, user_id=msg.user_id, target=target_of(msg),
        payload=to_payload(msg), status="pending", attempts=0, created_at=now, not_before=due,
    )
    stored = session.execute(
        insert(o).values(**values, reply_to_id=_id_by_key(msg.reply_to_key), edit_of_id=_id_by_key(msg.edit_of_key))
        .on_conflict_do_nothing(index_elements=[o.key]).returning(o.id, o.reply_to_id, o.edit_of_id)
    ).first()
    if stored is None:
        return None
    row_id, reply_to_id, edit_of_id = stored
    if msg.item_ids:
        session.execute(sa_insert(MessageItem), [{"outbox_id": row_id, "item_id": item_id}
                                                 for item_id in dict.fromkeys(msg.item_ids)])
    overtook = 0
    if edit_of_id is not None:  # an older update not yet in flight would only hold its chat's queue up
        overtook = session.execute(update(o).where(
            o.edit_of_id == edit_of_id, o.id < row_id, o.status == "pending", o.claimed_by.is_(None),
        ).values(status="superseded", last_error=OVERTAKEN).execution_options(synchronize_session=False)).rowcount
    # An idle queue becomes due; a busy one is looked at anyway (its head goes first). When an
    # older update was overtaken, the queue's head may have gone: look again now.
    excluded = insert(q).excluded
    wake = q.next_at.is_(None) if not overtook else or_(q.next_at.is_(None), q.next_at > excluded.next_at)
    session.execute(insert(q).values(platform=msg.platform, target=values["target"], next_at=due)
                    .on_conflict_do_update(index_elements=[q.platform, q.target],
                                           set_={"next_at": excluded.next_at}, where=wake))
    # The caller gets the row as an ORM object, known to the session without reading it back.
    row = OutboxMessage(id=row_id, **values, reply_to_id=reply_to_id, edit_of_id=edit_of_id, claimed_until=None,
                        claimed_by=None, sending_since=None, sent_at=None, platform_message_id=None,
                        last_error=None)
    make_transient_to_detached(row)
    session.add(row)
    return row


def enqueue_many(*, session: Session, msgs: list[OutgoingMessage], now: datetime) -> list[bool]:
    """`enqueue` for many messages at once, in order: for each, whether it was stored.

    The same rows as calling `enqueue` for each in turn (ids in the same order, a key used before
    or earlier in the list is skipped), in a few multi-row statements; no ORM objects are made.
    Messages that update or answer one stored in the same batch, or edit one, go through
    `enqueue` one by one (their ids and the superseding need the rows before them).
    """
    if not msgs:
        return []  # (an empty list of parameter sets would insert one row of defaults)
    keys = {m.key for m in msgs}
    if any(m.edit_of_key or (m.reply_to_key and m.reply_to_key in keys) for m in msgs):
        return [enqueue(session=session, msg=m, now=now) is not None for m in msgs]
    insert = dialect_insert(session)
    o = OutboxMessage
    refs = list({m.reply_to_key for m in msgs if m.reply_to_key})
    ref_ids: dict[str, int] = {}
    for start in range(0, len(refs), 500):
        ref_ids.update({key: row_id for key, row_id in session.execute(
            select(o.key, o.id).where(o.key.in_(refs[start:start + 500])))})
    first: dict[str, int] = {}  # key -> index of its first message
    rows = []
    for index, msg in enumerate(msgs):
        if msg.key in first:
            continue
        first[msg.key] = index
        rows.append(dict(key=msg.key, platform=msg.platform, chat_id=msg.chat_id, user_id=msg.user_id,
                         target=target_of(msg), payload=to_payload(msg), status="pending", attempts=0,
                         created_at=now, not_before=now,
                         reply_to_id=ref_ids.get(msg.reply_to_key) if msg.reply_to_key else None))
    stored: dict[str, int] = {}
    # One statement, built once, with many parameter sets: SQLAlchemy sends them as multi-row
    # INSERTs ("insertmanyvalues"), in order, and gathers what RETURNING says.
    table = OutboxMessage.__table__
    stored.update({key: row_id for key, row_id in session.execute(
        insert(table).on_conflict_do_nothing(index_elements=[table.c.key]).returning(table.c.key, table.c.id),
        rows)})
    if not stored:
        return [False] * len(msgs)
    links = [{"outbox_id": stored[m.key], "item_id": item_id} for i, m in enumerate(msgs)
             if m.key in stored and first[m.key] == i for item_id in dict.fromkeys(m.item_ids)]
    if links:
        session.execute(sa_insert(MessageItem), links)
    queues = {(r["platform"], r["target"]): r for r in rows if r["key"] in stored}
    wake = [dict(platform=platform, target=target, next_at=now) for platform, target in queues]
    qt = OutboxQueue.__table__
    stmt = insert(qt)
    session.execute(stmt.on_conflict_do_update(index_elements=[qt.c.platform, qt.c.target],
                                               set_={"next_at": stmt.excluded.next_at},
                                               where=qt.c.next_at.is_(None)), wake)
    return [m.key in stored and first[m.key] == i for i, m in enumerate(msgs)]


def items_for_platform_message(*, session: Session, platform: str, platform_message_id: str) -> list[int]:
    """The items a delivered bot message concerns (reactions and buttons apply to them)."""
    rows = session.scalars(
        select(MessageItem.item_id)
        .join(OutboxMessage, OutboxMessage.id == MessageItem.outbox_id)
        .where(OutboxMessage.platform == platform, OutboxMessage.platform_message_id == platform_message_id)
        .distinct()
    )
    return sorted(rows)


def superseded(*, session: Session, row: OutboxMessage) -> bool:
    """An update of a card that a newer update of the same card has overtaken."""
    if row.edit_of_id is None:
        return False
    return session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.edit_of_id == row.edit_of_id, OutboxMessage.id > row.id,
        OutboxMessage.status.in_(("pending", "sent"))).limit(1)) is not None


def mark_sent(*, row: OutboxMessage, platform_message_id: str, now: datetime) -> None:
    row.status, row.sent_at, row.claimed_until, row.claimed_by = "sent", now, None, None
    row.sending_since = None
    row.platform_message_id = platform_message_id
    row.attempts += 1


def mark_retry(*, row: OutboxMessage, error: str, retry_at: datetime, failed_attempt: bool = True) -> None:
    """Hold `row` until `retry_at`; only real failures count towards giving up."""
    row.attempts += failed_attempt
    row.last_error, row.not_before, row.claimed_until, row.claimed_by = error[:2000], retry_at, None, None


def mark_failed(*, row: OutboxMessage, error: str, status: str = "failed") -> None:
    row.attempts += 1
    row.status, row.last_error, row.claimed_until, row.claimed_by = status, error[:2000], None, None


def chats_about(*, session: Session, outbox_id: int) -> list[str]:
    """The chats of the items a message concerns (where a lost direct message can be told)."""
    return sorted(session.scalars(
        select(Chat.chat_id).join(Item, Item.chat_id == Chat.id)
        .join(MessageItem, MessageItem.item_id == Item.id)
        .where(MessageItem.outbox_id == outbox_id).distinct()))


def notice_for(*, session: Session, platform: str, target: str, prefix: str, status: str,
               since: datetime | None = None) -> OutboxMessage | None:
    """The newest notice (key `prefix`...) to `target` in `status`, if any; pending ones only unleased."""
    o = OutboxMessage
    query = select(o).where(o.platform == platform, o.status == status, o.target == target,
                            o.key.startswith(prefix, autoescape=True))
    if status == "pending":
        query = query.where(o.claimed_by.is_(None))
    if since is not None:
        query = query.where(o.created_at >= since)
    return session.scalar(query.order_by(o.id.desc()).limit(1))


def platform_id_of(*, session: Session, outbox_id: int | None) -> str | None:
    """The platform message id of an earlier, delivered message."""
    if outbox_id is None:
        return None
    row = session.get(OutboxMessage, outbox_id)
    return row.platform_message_id if row else None


def latest_version(*, session: Session, outbox_id: int) -> OutgoingMessage | None:
    """Message `outbox_id` as it reads now: its newest in-place edit, or itself."""
    row = session.scalar(
        select(OutboxMessage)
        .where(or_(OutboxMessage.id == outbox_id, OutboxMessage.edit_of_id == outbox_id))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return from_payload(row.payload) if row else None
