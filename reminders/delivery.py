"""The outbox sender: delivers leased rows in order per target, retrying through long outages.

No database transaction is open while the platform is called (SQLite would lock every other
writer out, and a slow API would outlast the lease). Each row's lease is renewed against the
clock just before its send, so however slow a round is, two replicas never send the same key.
Per target (a chat, or one person's direct messages) rows leave in id order: when one cannot
go now, the rest of its target wait. Transient trouble is retried for a day; a message that is
given up is logged and, where a chat can hear it, told there.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.bitable import sync as bitable_sync
from bot.events import OutgoingMessage, mention, render_mentions
from bot.issues import rooms
from bot.jira import create as jira_create
from bot.ports import PermanentFailure, RetryLater, Sender
from reminders import attachments, strings
from storage import leases, outbox
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(hours=24)  # of transient failure, counted from the message's creation
EDIT_WAIT = timedelta(seconds=5)
NOTICE = "undeliverable:"  # key prefix of the notices that say a message was lost
GONE_FOR = timedelta(days=1)  # a chat that refused a notice gets no other for this long
PROCESS_ID = f"genjin-{uuid.uuid4().hex[:12]}"
SKIP, HOLD = "skip", "hold"  # not sent now: the row is settled (its target goes on) / its target waits
# Rows that ask the platform to do something other than post (extra["action"]): what the core
# does with the id the platform gave back, in the transaction that records the row as sent.
ACTIONS = {rooms.CREATE_ROOM: rooms.room_opened, jira_create.CREATE_ISSUE: jira_create.issue_created,
           bitable_sync.SETUP: bitable_sync.setup_done, bitable_sync.WRITE: bitable_sync.written}


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... capped at five minutes (an outage ends, and then we want to be quick)."""
    return min(timedelta(seconds=5 * 2 ** min(max(attempts - 1, 0), 16)), MAX_BACKOFF)


@dataclass(frozen=True)
class Ready:
    row_id: int
    key: str
    msg: OutgoingMessage
    reply_to: str | None
    edit_of: str | None
    maybe_sent: bool


def prepare(session: Session, row_id: int, *, worker: str, now: datetime) -> Ready | str:
    """Renew the lease, resolve thread / edit targets and mark the send in flight; or SKIP / HOLD."""
    row = leases.renew_lease(session=session, row_id=row_id, owner=worker, now=now)
    if row is None:
        return HOLD  # another process has it now: nothing after it may overtake it
    if outbox.superseded(session=session, row=row):
        outbox.mark_failed(row=row, error=outbox.OVERTAKEN, status="superseded")
        return SKIP
    edit_of = outbox.platform_id_of(session=session, outbox_id=row.edit_of_id)
    if row.edit_of_id is not None and edit_of is None:
        original = session.get(OutboxMessage, row.edit_of_id)
        if original is not None and original.status == "pending":  # the card itself is not out yet
            outbox.mark_retry(row=row, error="waiting for the original message", retry_at=now + EDIT_WAIT,
                              failed_attempt=False)
            return HOLD
    msg = outbox.from_payload(row.payload)
    try:
        msg = attachments.with_files(session, outbox_id=row.id, msg=msg, now=now)
    except Exception as err:  # a file that cannot be made yet: the message waits, as for a failed send
        log.warning("attachments of %s could not be produced: %r", row.key, err)
        if now - row.created_at >= GIVE_UP_AFTER:
            _give_up(session, row, reason=f"its files could not be produced: {err!r}", now=now, chat_ok=True)
            return SKIP
        outbox.mark_retry(row=row, error=repr(err), retry_at=now + backoff(row.attempts + 1))
        return HOLD
    maybe_sent = row.sending_since is not None
    if not maybe_sent:
        row.sending_since = now  # committed before the platform is called: a crash leaves it set
    reply_to = outbox.platform_id_of(session=session, outbox_id=row.reply_to_id) or msg.thread_id
    return Ready(row.id, row.key, msg, reply_to, edit_of, maybe_sent)


def record(session: Session, ready: Ready, *, worker: str, now: datetime, platform_id: str | None,
            error: BaseException | None) -> str:
    """Store the outcome of a send; returns the row's status afterwards."""
    row = session.get(OutboxMessage, ready.row_id)
    if row.claimed_by != worker:
        log.warning("lost the lease on %s while sending it", ready.key)
    if error is None:
        outbox.mark_sent(row=row, platform_message_id=platform_id or "", now=now)
        done = ACTIONS.get(ready.msg.extra.get("action", ""))
        if done is not None:
            done(session, ready.msg, platform_id or "", now)
        return row.status
    if isinstance(error, RetryLater | PermanentFailure) and not ready.maybe_sent:
        row.sending_since = None  # the platform answered: this attempt posted nothing
    if isinstance(error, PermanentFailure):
        _give_up(session, row, reason=str(error), now=now, chat_ok=error.message_only)
    elif outbox.superseded(session=session, row=row):
        outbox.mark_failed(row=row, error=outbox.OVERTAKEN, status="superseded")
    elif now - row.created_at >= GIVE_UP_AFTER:
        _give_up(session, row, reason=f"still failing after {GIVE_UP_AFTER}: {error!r}", now=now, chat_ok=True,
                 expired=True)
    elif isinstance(error, RetryLater):  # the platform asked us to wait: pacing, not a failure
        outbox.mark_retry(row=row, error=str(error), retry_at=now + timedelta(seconds=max(error.seconds, 1)),
                          failed_attempt=False)
    else:  # network trouble, 5xx: try again later
        log.warning("sending %s failed (attempt %d): %s", ready.key, row.attempts + 1, error)
        outbox.mark_retry(row=row, error=repr(error), retry_at=now + backoff(row.attempts + 1))
    return row.status


def _give_up(session: Session, row: OutboxMessage, *, reason: str, now: datetime, chat_ok: bool,
             expired: bool = False) -> None:
    outbox.mark_failed(row=row, error=reason)
    log.warning("message %s (%s, to %s) is undeliverable: %s", row.key, row.platform, row.target, reason)
    _tell(session, row, reason=reason, now=now, chat_ok=chat_ok, expired=expired)


def _tell(session: Session, row: OutboxMessage, *, reason: str, now: datetime, chat_ok: bool, expired: bool) -> None:
    """Say in a chat that `row` was lost: its own chat, or for a direct message the one group it was about.

    Not when the chat itself refused us (`chat_ok` False), nor for a lost notice (it would never end).
    """
    if row.key.startswith(NOTICE) or (row.chat_id and not chat_ok):
        return
    chats = [row.chat_id] if row.chat_id else outbox.chats_about(session=session, outbox_id=row.id)
    if len(chats) != 1:
        return  # no chat (or no single chat) to tell: the log has it
    chat = chats[0]
    if outbox.notice_for(session=session, platform=row.platform, target=chat, prefix=NOTICE, status="failed",
                         since=now - GONE_FOR):
        return  # this chat refused our last notice: it is gone or closed to us
    waiting = outbox.notice_for(session=session, platform=row.platform, target=chat, prefix=NOTICE,
                                status="pending")
    if waiting is not None:  # one notice per chat until it goes out: count, don't spam
        info = {**waiting.payload["extra"], "count": str(int(waiting.payload["extra"]["count"]) + 1)}
        waiting.payload = {**waiting.payload, "extra": info, "text": _notice_text(info)}
        return
    info = {"count": "1", "title": _title(outbox.from_payload(row.payload)), "reason": reason,
            "who": "" if row.chat_id else mention(row.user_id or "", None), "expired": "1" if expired else ""}
    outbox.enqueue(session=session, now=now, msg=OutgoingMessage(
        key=f"{NOTICE}{row.id}", platform=row.platform, chat_id=chat, text=_notice_text(info), extra=info,
        created_at=now))


def _notice_text(info: dict[str, str]) -> str:
    return strings.undeliverable(count=int(info["count"]), title=info["title"], who=info["who"],
                                 reason=info["reason"], expired=bool(info["expired"]))


def _title(msg: OutgoingMessage) -> str:
    """A short, mention-free name for a lost message: its card's title or its first line."""
    text = msg.card.title if msg.card else (msg.text.strip().splitlines() or [""])[0]
    text = render_mentions(text, lambda user_id, name: "@" + (name or user_id))
    return text if len(text) <= 60 else text[:59] + "…"


def attempt_send(sender: Sender, ready: Ready) -> tuple[str | None, Exception | None]:
    """Call the platform: its message id, or the exception to judge in record."""
    try:
        return sender.send(ready.msg, outbox_id=ready.row_id, reply_to=ready.reply_to, edit_of=ready.edit_of,
                           maybe_sent=ready.maybe_sent), None
    except Exception as err:  # judged in record: wait, give up, or back off
        return None, err


def send_one(sessions: sessionmaker[Session], claim: leases.Claimed, sender: Sender, *,
             clock: Callable[[], datetime], worker: str) -> str:
    """Lease, send and record one claimed row; its status afterwards, or SKIP / HOLD."""
    with sessions.begin() as session:
        ready = prepare(session, claim.id, worker=worker, now=clock())
    if not isinstance(ready, Ready):
        return ready
    platform_id, error = attempt_send(sender, ready)
    with sessions.begin() as session:
        return record(session, ready, worker=worker, now=clock(), platform_id=platform_id, error=error)


GOES_ON = frozenset({"sent", "failed", "superseded", SKIP})  # the row is settled: its target's next may go


def deliver_due(*, sessions: sessionmaker[Session], platform: str, sender: Sender,
                clock: Callable[[], datetime], worker: str = PROCESS_ID, limit: int = 10) -> int:
    """One round, unpaced, on this thread: send what is due for `platform` (up to `limit` rows);
    returns how many were delivered. Tests, the console and tools use it; `genjin run` runs a
    `Deliverer`, which paces to the platform's limits.

    `clock` (aware UTC) is read afresh for every lease and record: a round may be slow.
    """
    with sessions.begin() as session:
        claimed = leases.claim_due(session=session, platform=platform, now=clock(), owner=worker, limit=limit)
    delivered, held, unused = 0, set(), []
    for claim in claimed:
        if claim.target in held:
            unused.append(claim.id)
            continue
        status = send_one(sessions, claim, sender, clock=clock, worker=worker)
        delivered += status == "sent"
        if status not in GOES_ON:
            held.add(claim.target)
    if claimed:
        with sessions.begin() as session:
            leases.release(session=session, row_ids=unused, owner=worker)
            leases.settle(session=session, platform=platform, targets={c.target for c in claimed}, now=clock())
    return delivered
