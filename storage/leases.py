"""Outbox leases: which process may send which row, when.

Replicas claim rows with a short lease (an UPDATE that only one of them can win),
so no key is delivered by two processes at once. Each target (a chat, or one person's
direct messages) is a queue in id order: only its oldest pending rows are ever claimed.
A row per queue (OutboxQueue) says when delivery must next look at it, so a claim reads
the queues that are due and the head of each, not every pending row.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, or_, select, union_all, update
from sqlalchemy.orm import Session

from storage.models import OutboxMessage, OutboxQueue

LEASE = timedelta(minutes=2)


class Claimed(NamedTuple):
    id: int
    target: str
    edit: bool = False  # an update of an earlier message (another API family than a post)


def claim_due(*, session: Session, platform: str, now: datetime, owner: str, limit: int = 10,
              per_target: int | None = None, targets: int | None = None,
              skip: Collection[str] = ()) -> list[Claimed]:
    """Lease to `owner` up to `limit` rows of `platform` that may go now, a run per target. Commit after.

    A row may go when it is due and unleased and so is every earlier pending row of its target:
    the claim is a run from the head of each target's queue. Only queues due by their `next_at`
    are read (at most `targets` of them, oldest moment first, none of `skip`: queues this process
    already holds), and of each only its first `per_target` pending rows; a queue whose head must
    wait gets that moment, an empty one NULL. Queues another replica is claiming are passed over.
    """
    o, q = OutboxMessage, OutboxQueue
    per_target = min(per_target or limit, limit)
    found = select(q.id, q.target).where(q.platform == platform, q.next_at <= now)
    if skip:
        found = found.where(q.target.not_in(list(skip)))
    due = session.execute(found.order_by(q.next_at, q.id).limit(targets or limit)
                          .with_for_update(skip_locked=True)).all()
    if not due:
        return []
    heads = _head_runs(session, platform, [target for _, target in due], per_target)
    runs: list[Claimed] = []
    moments: dict[int, datetime | None] = {}  # queue id -> its next moment
    for queue_id, target in due:
        rows = heads.get(target, [])
        run = list(itertools.takewhile(
            lambda r: r.not_before <= now and (r.claimed_until is None or r.claimed_until < now), rows))
        if not rows:
            moments[queue_id] = None  # nothing pending: idle until the next enqueue
        elif not run:  # the head waits (a retry, or another process's lease)
            head = rows[0]
            moments[queue_id] = max(head.not_before, head.claimed_until or head.not_before)
        elif len(runs) < limit:
            runs += [Claimed(r.id, target, r.edit_of_id is not None) for r in run[:limit - len(runs)]]
            moments[queue_id] = now + LEASE  # ours: looked at again when we are done, or when we die
    if runs:
        won = set(session.execute(
            update(o).where(o.id.in_([c.id for c in runs]), o.status == "pending",
                            or_(o.claimed_until.is_(None), o.claimed_until < now))
            .values(claimed_until=now + LEASE, claimed_by=owner).returning(o.id)
            .execution_options(synchronize_session=False)
        ).scalars())
    else:
        won = set()
    # Another replica won part of a run: keep only what still starts at the head, unbroken.
    kept, broken = [], set()
    for claim in runs:
        if claim.target not in broken and claim.id in won:
            kept.append(claim)
        else:
            broken.add(claim.target)
    release(session=session, row_ids=won - {c.id for c in kept}, owner=owner)
    by_moment: dict[datetime | None, list[int]] = {}
    for queue_id, moment in moments.items():
        by_moment.setdefault(moment, []).append(queue_id)
    for moment, ids in by_moment.items():
        session.execute(update(q).where(q.id.in_(ids)).values(next_at=moment)
                        .execution_options(synchronize_session=False))
    return kept


HEADS_PER_STATEMENT = 100  # SQLite allows 500 terms in one compound SELECT


def _head_runs(session: Session, platform: str, targets: list[str], per_target: int) -> dict[str, list]:
    """The first `per_target` pending rows of each target, in id order: an index range per target."""
    o = OutboxMessage
    runs: dict[str, list] = {target: [] for target in targets}
    for start in range(0, len(targets), HEADS_PER_STATEMENT):
        parts = []
        for target in targets[start:start + HEADS_PER_STATEMENT]:
            head = select(o.id, o.target, o.not_before, o.claimed_until, o.edit_of_id).where(
                o.platform == platform, o.status == "pending", o.target == target).order_by(o.id).limit(per_target)
            parts.append(select(head.subquery()))
        for r in session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            runs[r.target].append(r)
    for rows in runs.values():
        rows.sort(key=lambda r: r.id)
    return runs


def settle(*, session: Session, platform: str, targets: Collection[str], now: datetime) -> set[str]:
    """Have the next claim look at these queues again (a run of ours ended: more may wait behind it,
    or its head must wait; the claim reads which). Returns the targets whose queue a writer holds
    at this moment: settle those again shortly (waiting here could deadlock with it)."""
    q = OutboxQueue
    if not targets:
        return set()
    free = select(q.id).where(q.platform == platform, q.target.in_(list(targets))).with_for_update(skip_locked=True)
    done = set(session.execute(update(q).where(q.id.in_(free)).values(next_at=now)
                               .returning(q.target).execution_options(synchronize_session=False)).scalars())
    return set(targets) - done


def next_due(*, session: Session, platform: str) -> datetime | None:
    """The earliest moment a queue of `platform` must be looked at (None: all idle)."""
    q = OutboxQueue
    return session.scalar(select(func.min(q.next_at)).where(q.platform == platform))


def release(*, session: Session, row_ids, owner: str) -> None:
    """Give back leases `owner` took but will not use this round (the rows wait their turn)."""
    if row_ids:
        session.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_(list(row_ids)), OutboxMessage.claimed_by == owner,
            OutboxMessage.status == "pending",
        ).values(claimed_until=None, claimed_by=None).execution_options(synchronize_session=False))


def release_owner(*, session: Session, owner: str, now: datetime) -> int:
    """Give back every lease `owner` holds (it is starting again) and have its queues looked at now.

    A row it was sending keeps its `sending_since`, so the next attempt checks for the post first.
    """
    targets = session.execute(select(OutboxMessage.platform, OutboxMessage.target).distinct().where(
        OutboxMessage.claimed_by == owner, OutboxMessage.status == "pending")).all()
    released = session.execute(update(OutboxMessage).where(
        OutboxMessage.claimed_by == owner, OutboxMessage.status == "pending",
    ).values(claimed_until=None, claimed_by=None).execution_options(synchronize_session=False)).rowcount
    for platform, target in targets:
        session.execute(update(OutboxQueue).where(OutboxQueue.platform == platform, OutboxQueue.target == target)
                        .values(next_at=now).execution_options(synchronize_session=False))
    return released


def unprepare(*, session: Session, row_id: int, owner: str, maybe_sent: bool) -> None:
    """A send made ready was not made after all (shutting down): the row waits its turn again."""
    values: dict = {"claimed_until": None, "claimed_by": None}
    if not maybe_sent:
        values["sending_since"] = None  # nothing went out: the next attempt is not a "maybe"
    session.execute(update(OutboxMessage).where(
        OutboxMessage.id == row_id, OutboxMessage.claimed_by == owner, OutboxMessage.status == "pending",
    ).values(**values).execution_options(synchronize_session=False))


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
