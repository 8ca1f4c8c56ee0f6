"""The inbox: raw platform payloads, stored before the platform is acknowledged.

A transport stores, then acks; workers (on any replica) lease pending rows, turn
them into events and process them. A row that keeps failing is kept as `failed`
with its error, never dropped.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Result, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import InboxEvent

LEASE = timedelta(minutes=2)


def store(*, session: Session, platform: str, event_id: str, payload: dict, now: datetime) -> int | None:
    """Keep `payload` for processing; None when this event id was stored before (a redelivery)."""
    row = InboxEvent(platform=platform, event_id=event_id, payload=payload, received_at=now,
                     status="pending", attempts=0, not_before=now)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row.id


def claim(*, session: Session, now: datetime, owner: str, row_id: int | None = None, limit: int = 1) -> list[int]:
    """Lease pending rows (oldest first, or just `row_id`) to `owner`; only one process wins each."""
    query = select(InboxEvent.id).where(
        InboxEvent.status == "pending", InboxEvent.not_before <= now,
        or_(InboxEvent.claimed_until.is_(None), InboxEvent.claimed_until < now),
    )
    query = query.where(InboxEvent.id == row_id) if row_id is not None else query.order_by(InboxEvent.id)
    won = []
    for candidate in session.scalars(query.limit(limit)).all():
        taken = _rows(session.execute(
            update(InboxEvent)
            .where(InboxEvent.id == candidate, InboxEvent.status == "pending",
                   or_(InboxEvent.claimed_until.is_(None), InboxEvent.claimed_until < now))
            .values(claimed_until=now + LEASE, claimed_by=owner)
            .execution_options(synchronize_session=False)
        ))
        if taken:
            won.append(candidate)
    return won


def release_owner(*, session: Session, owner: str) -> int:
    """Give back every lease `owner` holds: it is starting again, so its earlier self is gone."""
    return session.execute(
        update(InboxEvent).where(InboxEvent.claimed_by == owner, InboxEvent.status == "pending")
        .values(claimed_until=None, claimed_by=None).execution_options(synchronize_session=False)
    ).rowcount


def finish(*, session: Session, row_id: int, owner: str, now: datetime) -> bool:
    """Mark our leased row done (in the transaction that applied it); False if it is not ours now."""
    return bool(_rows(session.execute(
        update(InboxEvent)
        .where(InboxEvent.id == row_id, InboxEvent.status == "pending", InboxEvent.claimed_by == owner)
        .values(status="done", processed_at=now, claimed_until=None, claimed_by=None)
        .execution_options(synchronize_session=False)
    )))


def fail(*, session: Session, row_id: int, error: str, retry_at: datetime | None) -> int:
    """Record a failed try: wait until `retry_at`, or give up for good (kept) when None. Returns tries so far."""
    row = session.get_one(InboxEvent, row_id)
    row.attempts += 1
    row.last_error = error[:2000]
    row.claimed_until = row.claimed_by = None
    if retry_at is None:
        row.status = "failed"
    else:
        row.not_before = retry_at
    return row.attempts


def prune(*, session: Session, before: datetime) -> int:
    """Forget processed payloads older than `before`; failed ones stay for someone to look at."""
    return _rows(session.execute(
        delete(InboxEvent).where(InboxEvent.status == "done", InboxEvent.processed_at < before)
    ))


def _rows(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (Session.execute is typed as returning a plain Result)."""
    return cast(CursorResult[Any], result).rowcount
