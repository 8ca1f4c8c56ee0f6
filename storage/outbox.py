"""The outbox: every outgoing message is a row with a unique key, sent after commit.

Replicas claim rows with a short lease (an UPDATE that only one of them can win),
so no key is delivered by two processes at once. Each target (a chat, or one person's
direct messages) is a queue in id order: only its oldest pending rows are ever claimed.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.events import Button, Card, OutgoingMessage
from storage.models import Chat, Item, MessageItem, OutboxMessage

LEASE = timedelta(minutes=2)
OVERTAKEN = "a newer update of this card exists"


class Claimed(NamedTuple):
    id: int
    target: str


def target_of(msg: OutgoingMessage) -> str:
    """The queue `msg` waits in (the same rule as migration 0003's backfill)."""
    return msg.chat_id or f"@{msg.user_id or ''}"


def to_payload(msg: OutgoingMessage) -> dict:
    data = dataclasses.asdict(msg)
    data["created_at"] = msg.created_at.isoformat() if msg.created_at else None
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
    return OutgoingMessage(
        **{**data, "item_ids": tuple(data["item_ids"])}, card=card,
        created_at=datetime.fromisoformat(created) if created else None,
    )


def find(*, session: Session, key: str) -> OutboxMessage | None:
    return session.scalar(select(OutboxMessage).where(OutboxMessage.key == key))


def enqueue(*, session: Session, msg: OutgoingMessage, now: datetime,
            not_before: datetime | None = None) -> OutboxMessage | None:
    """Store `msg` for delivery; None when its key was already used (nothing is added)."""
    if find(session=session, key=msg.key) is not None:
        return None
    reply_to = find(session=session, key=msg.reply_to_key) if msg.reply_to_key else None
    edit_of = find(session=session, key=msg.edit_of_key) if msg.edit_of_key else None
    row = OutboxMessage(
        key=msg.key, platform=msg.platform, chat_id=msg.chat_id, user_id=msg.user_id, target=target_of(msg),
        payload=to_payload(msg), reply_to_id=reply_to.id if reply_to else None,
        edit_of_id=edit_of.id if edit_of else None, status="pending", attempts=0,
        created_at=now, not_before=not_before or now,
    )
    try:
        with session.begin_nested():  # a concurrent writer of the same key loses quietly
            session.add(row)
            session.flush()
            for item_id in msg.item_ids:
                session.add(MessageItem(outbox_id=row.id, item_id=item_id))
            if edit_of is not None:  # an older update not yet in flight would only hold its chat's queue up
                session.execute(update(OutboxMessage).where(
                    OutboxMessage.edit_of_id == edit_of.id, OutboxMessage.id < row.id,
                    OutboxMessage.status == "pending", OutboxMessage.claimed_by.is_(None),
                ).values(status="superseded", last_error=OVERTAKEN))
            session.flush()
    except IntegrityError:
        return None
    return row


def items_for_platform_message(*, session: Session, platform: str, platform_message_id: str) -> list[int]:
    """The items a delivered bot message concerns (reactions and buttons apply to them)."""
    rows = session.scalars(
        select(MessageItem.item_id)
        .join(OutboxMessage, OutboxMessage.id == MessageItem.outbox_id)
        .where(OutboxMessage.platform == platform, OutboxMessage.platform_message_id == platform_message_id)
        .distinct()
    )
    return sorted(rows)


def claim_due(*, session: Session, platform: str, now: datetime, owner: str, limit: int = 10) -> list[Claimed]:
    """Lease to `owner` up to `limit` rows of `platform` that may go now, oldest first. Commit after.

    A row may go when it is due and unleased and so is every earlier pending row of its target:
    the claim is a run from the head of each target's queue. One pass over the pending rows in
    ix_outbox_queue order counts, per target, the rows so far that must wait.
    """
    o = OutboxMessage
    waits = case((or_(o.not_before > now, o.claimed_until >= now), 1), else_=0)
    queue = select(o.id, o.target, func.sum(waits).over(partition_by=o.target, order_by=o.id).label("held")) \
        .where(o.platform == platform, o.status == "pending").subquery()
    runs = [Claimed(r.id, r.target) for r in session.execute(
        select(queue.c.id, queue.c.target).where(queue.c.held == 0).order_by(queue.c.id).limit(limit))]
    if not runs:
        return []
    won = set(session.execute(
        update(o).where(o.id.in_([c.id for c in runs]), o.status == "pending",
                        or_(o.claimed_until.is_(None), o.claimed_until < now))
        .values(claimed_until=now + LEASE, claimed_by=owner).returning(o.id)
        .execution_options(synchronize_session=False)
    ).scalars())
    # Another replica won part of a run: keep only what still starts at the head, unbroken.
    kept, broken = [], set()
    for claim in runs:
        if claim.target not in broken and claim.id in won:
            kept.append(claim)
        else:
            broken.add(claim.target)
    release(session=session, row_ids=won - {c.id for c in kept}, owner=owner)
    return kept


def release(*, session: Session, row_ids, owner: str) -> None:
    """Give back leases `owner` took but will not use this round (the rows wait their turn)."""
    if row_ids:
        session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(list(row_ids)), OutboxMessage.claimed_by == owner,
            OutboxMessage.status == "pending",
        ).values(claimed_until=None, claimed_by=None).execution_options(synchronize_session=False))


def _lease(session: Session, row_id: int, *, owner: str, now: datetime, renew: bool) -> bool:
    """Take (or, with renew, extend our own) lease on a pending row; only one process wins."""
    held = OutboxMessage.claimed_by == owner if renew else or_(
        OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    won = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending", held)
        .values(claimed_until=now + LEASE, claimed_by=owner)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(won)


def renew_lease(*, session: Session, row_id: int, owner: str, now: datetime) -> OutboxMessage | None:
    """Our row, freshly leased just before sending it; None if another process has it now."""
    if not _lease(session, row_id, owner=owner, now=now, renew=True):
        return None
    return session.get(OutboxMessage, row_id, populate_existing=True)


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
