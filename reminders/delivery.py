"""The outbox sender: delivers leased rows with retry, backoff and Retry-After.

No database transaction is open while the platform is called (SQLite would lock
every other writer out, and a slow API would outlast the lease). Each row's lease
is renewed just before its send, so two replicas never send the same key; a
failure on one message never blocks the others.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.events import OutgoingMessage
from bot.ports import PermanentFailure, RetryLater, Sender
from storage import outbox
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
EDIT_WAIT = timedelta(seconds=5)
PROCESS_ID = f"genjin-{uuid.uuid4().hex[:12]}"


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... capped at one hour."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 3600))


@dataclass(frozen=True)
class Ready:
    row_id: int
    key: str
    msg: OutgoingMessage
    reply_to: str | None
    edit_of: str | None


def _prepare(session: Session, row_id: int, *, worker: str, now: datetime) -> Ready | None:
    """Renew the lease and resolve thread / edit targets; None when the row must not go now."""
    row = outbox.renew_lease(session=session, row_id=row_id, owner=worker, now=now)
    if row is None:
        return None  # another process holds it now
    if outbox.superseded(session=session, row=row):
        outbox.mark_failed(row=row, error="a newer update of this card exists", status="superseded")
        return None
    edit_of = outbox.platform_id_of(session=session, outbox_id=row.edit_of_id)
    if row.edit_of_id is not None and edit_of is None:
        original = session.get(OutboxMessage, row.edit_of_id)
        if original is not None and original.status == "pending":  # the card itself is not out yet
            outbox.mark_retry(row=row, error="waiting for the original message", retry_at=now + EDIT_WAIT,
                              failed_attempt=False)
            return None
    msg = outbox.from_payload(row.payload)
    reply_to = outbox.platform_id_of(session=session, outbox_id=row.reply_to_id) or msg.thread_id
    return Ready(row.id, row.key, msg, reply_to, edit_of)


def _record(session: Session, ready: Ready, *, worker: str, now: datetime, platform_id: str | None,
            error: BaseException | None) -> bool:
    row = session.get(OutboxMessage, ready.row_id)
    if row.claimed_by != worker:
        log.warning("lost the lease on %s while sending it", ready.key)
    if error is None:
        outbox.mark_sent(row=row, platform_message_id=platform_id or "", now=now)
        return True
    if isinstance(error, RetryLater):  # the platform asked us to wait: pacing, not a failure
        outbox.mark_retry(row=row, error=str(error), retry_at=now + timedelta(seconds=max(error.seconds, 1)),
                          failed_attempt=False)
    elif isinstance(error, PermanentFailure):
        log.warning("message %s refused by %s: %s", ready.key, row.platform, error)
        outbox.mark_failed(row=row, error=str(error))
    elif row.attempts + 1 >= MAX_ATTEMPTS:
        outbox.mark_failed(row=row, error=repr(error))
    else:  # network trouble, 5xx: try again later
        log.warning("sending %s failed (attempt %d): %s", ready.key, row.attempts + 1, error)
        outbox.mark_retry(row=row, error=repr(error), retry_at=now + backoff(row.attempts + 1))
    return False


def deliver_due(*, sessions: sessionmaker[Session], platform: str, sender: Sender, now: datetime,
                worker: str = PROCESS_ID, limit: int = 10) -> int:
    """Send what is due for `platform` at `now`; returns how many were delivered."""
    with sessions.begin() as session:
        claimed = outbox.claim_due(session=session, platform=platform, now=now, owner=worker, limit=limit)
    delivered = 0
    for row_id in claimed:
        with sessions.begin() as session:
            ready = _prepare(session, row_id, worker=worker, now=now)
        if ready is None:
            continue
        platform_id, error = None, None
        try:
            platform_id = sender.send(ready.msg, outbox_id=ready.row_id, reply_to=ready.reply_to,
                                      edit_of=ready.edit_of)
        except Exception as err:  # judged in _record: wait, give up, or back off
            error = err
        with sessions.begin() as session:
            delivered += _record(session, ready, worker=worker, now=now, platform_id=platform_id, error=error)
    return delivered
