"""The outbox sender: delivers claimed rows with retry, backoff and Retry-After.

A failure on one message never blocks the others; a key is never sent twice by
two replicas, because each row is claimed with a lease before it is sent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.ports import PermanentFailure, RetryLater, Sender
from storage import outbox
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
EDIT_WAIT = timedelta(seconds=5)


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... capped at one hour."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 3600))


def _targets(session: Session, row: OutboxMessage) -> tuple[str | None, str | None, bool]:
    """(reply_to, edit_of) platform ids, and whether the row must wait for its original."""
    edit_of = outbox.platform_id_of(session=session, outbox_id=row.edit_of_id)
    if row.edit_of_id is not None and edit_of is None:
        original = session.get(OutboxMessage, row.edit_of_id)
        if original is not None and original.status == "pending":
            return None, None, True  # the card itself has not gone out yet
    return outbox.platform_id_of(session=session, outbox_id=row.reply_to_id), edit_of, False


def deliver_due(*, sessions: sessionmaker[Session], platform: str, sender: Sender, now: datetime,
                worker: str = "main", limit: int = 50) -> int:
    """Send what is due for `platform` at `now`; returns how many were delivered."""
    with sessions.begin() as session:
        claimed = [row.id for row in outbox.claim_due(session=session, platform=platform, now=now,
                                                      owner=worker, limit=limit)]
    delivered = 0
    for row_id in claimed:
        with sessions.begin() as session:
            row = session.get(OutboxMessage, row_id)
            reply_to, edit_of, wait = _targets(session, row)
            if wait:
                outbox.mark_retry(session=session, row=row, error="waiting for the original message",
                                  retry_at=now + EDIT_WAIT, failed_attempt=False)
                continue
            msg = outbox.from_payload(row.payload)
            try:
                platform_id = sender.send(msg, outbox_id=row.id, reply_to=reply_to, edit_of=edit_of)
            except RetryLater as err:
                # The platform asked us to wait: that is pacing, not a failed attempt.
                outbox.mark_retry(session=session, row=row, error=str(err),
                                  retry_at=now + timedelta(seconds=max(err.seconds, 1)), failed_attempt=False)
                continue
            except PermanentFailure as err:
                log.warning("message %s refused by %s: %s", row.key, platform, err)
                outbox.mark_failed(session=session, row=row, error=str(err))
                continue
            except Exception as err:  # network trouble, 5xx: try again later
                log.warning("sending %s failed (attempt %d): %s", row.key, row.attempts + 1, err)
                if row.attempts + 1 >= MAX_ATTEMPTS:
                    outbox.mark_failed(session=session, row=row, error=repr(err))
                else:
                    outbox.mark_retry(session=session, row=row, error=repr(err),
                                      retry_at=now + backoff(row.attempts + 1))
                continue
            outbox.mark_sent(session=session, row=row, platform_message_id=platform_id, now=now)
            delivered += 1
    return delivered
