"""The periodic sweep: "what is due at `now`?" — answered into the outbox.

The database is the source of truth. Each reminder is claimed by inserting its unique
key, in the same transaction as its messages, so a restart or a second replica never
sends it twice, and a long downtime yields one coalesced message, not one per tick.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from bot.context import calendar_for
from bot.followup import digests
from bot.followup.due import PERSONAL, RANK, Due, item_dues
from bot.followup.messages import Notice, digest_messages, notices_for
from bot.policy import Policy, for_chat
from storage.models import Chat, Item, ItemEvent, Reminder
from storage.outbox import enqueue

log = logging.getLogger(__name__)
DAILY_CATCH_UP = timedelta(hours=2)
PolicyFor = Callable[[str], Policy]  # platform -> the organisation's policy there


def chat_policy(chat: Chat, policy_for: PolicyFor) -> Policy:
    return for_chat(policy_for(chat.platform), chat.settings or {})


def _claim(session: Session, *, key: str, kind: str, now: datetime, item_id: int | None = None,
           chat_id: int | None = None, user_id: int | None = None) -> bool:
    """Insert the reminder's key; False if someone (a replica, an earlier sweep) already did."""
    try:
        with session.begin_nested():
            session.add(Reminder(key=key, kind=kind, item_id=item_id, chat_id=chat_id, user_id=user_id, at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def _open_items(session: Session) -> list[Item]:
    # Chats eagerly (one query, not one per item); history is read only for high-risk items.
    return list(session.scalars(select(Item).where(Item.status.in_(("open", "in_progress", "blocked")))
                                .options(selectinload(Item.chat)).order_by(Item.id)))


def _risk_marks(session: Session, items: list[Item]) -> dict[int, tuple[int, datetime]]:
    """Item id -> (id, time) of its latest block/risk row, for the high-risk items, in one query."""
    ids = [i.id for i in items if i.risk == "high"]
    if not ids:
        return {}
    latest = (select(func.max(ItemEvent.id)).where(ItemEvent.item_id.in_(ids),
                                                   ItemEvent.action.in_(("block", "risk")))
              .group_by(ItemEvent.item_id))
    rows = session.execute(select(ItemEvent.item_id, ItemEvent.id, ItemEvent.at).where(ItemEvent.id.in_(latest)))
    return {item_id: (row_id, at) for item_id, row_id, at in rows}


def _digest_chats(session: Session, now: datetime) -> list[Chat]:
    """Chats a digest could be about: with open items, or items closed in the last week."""
    recent = now - timedelta(days=8)
    wanted = select(Item.chat_id).where(or_(Item.status.in_(("open", "in_progress", "blocked", "done")),
                                            Item.closed_at >= recent))
    return list(session.scalars(select(Chat).where(Chat.id.in_(wanted)).order_by(Chat.id)))


def _isolated(session: Session, label: str, work: Callable[[], int]) -> int:
    """Run one chat's share of the sweep in a savepoint: one chat's failure spares the rest."""
    try:
        with session.begin_nested():
            return work()
    except SQLAlchemyError:
        raise  # the database itself is in trouble: let the whole sweep roll back and retry
    except Exception:
        log.exception("sweep of %s failed; the other chats go on", label)
        return 0


def _issued(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found |= set(session.scalars(select(Reminder.key).where(Reminder.key.in_(keys[start:start + 500]))))
    return found


def _reminded_today(session: Session, user_id: int, now: datetime, policy: Policy) -> int:
    """Reminder messages the person got today: one per sweep, as a sweep bundles them."""
    cal = calendar_for(policy.calendar)
    day_start = datetime.combine(now.astimezone(cal.tz).date(), time(0), tzinfo=cal.tz)
    return session.scalar(select(func.count(func.distinct(Reminder.at))).where(
        Reminder.user_id == user_id, Reminder.at >= day_start, Reminder.kind.in_(tuple(PERSONAL)))) or 0


def sweep(*, session: Session, now: datetime, policy_for: PolicyFor) -> int:
    """Queue every reminder and digest due at `now`; returns how many messages were queued."""
    queued = 0
    per_chat: dict[int, list[tuple[Item, Due]]] = defaultdict(list)
    items = _open_items(session)
    marks = _risk_marks(session, items)
    policies = {}
    for item in items:
        if item.chat_id not in policies:
            policies[item.chat_id] = chat_policy(item.chat, policy_for)
        policy = policies[item.chat_id]
        cal = calendar_for(policy.calendar)
        if item.urgency != "emergency" and not cal.is_working_time(now):
            continue  # held for the next working moment (a restart at night posts nothing)
        dues = [d for d in item_dues(item, policy=policy, calendar=cal, risk_mark=marks.get(item.id)) if d.at <= now
                and not (d.kind == "warn" and now >= item.deadline)]  # a warning after the fact is noise
        per_chat[item.chat_id] += [(item, d) for d in dues]
    issued = _issued(session, [d.key for pairs in per_chat.values() for _, d in pairs])
    for chat_id, pairs in per_chat.items():
        fresh = [(i, d) for i, d in pairs if d.key not in issued]
        if fresh:
            queued += _isolated(session, f"chat {chat_id}",
                                lambda fresh=fresh: _issue_chat(session, fresh, now, policies))
    for chat in _digest_chats(session, now):
        policy = policies.get(chat.id) or chat_policy(chat, policy_for)
        queued += _isolated(session, f"digests of chat {chat.id}",
                            lambda chat=chat, policy=policy: _digests(session, chat, now, policy))
    return queued


def _issue_chat(session: Session, pairs: list[tuple[Item, Due]], now: datetime, policies: dict) -> int:
    """Claim the due reminders of one chat and queue their messages, coalesced."""
    best: dict[tuple[int, str], tuple[Item, Due]] = {}
    for item, due in pairs:  # per item and family, only the most advanced reminder speaks
        slot = (item.id, due.family)
        if slot not in best or RANK[due.kind] > RANK[best[slot][1].kind]:
            best[slot] = (item, due)
    chosen = {d.key for _, d in best.values()}
    notices: list[Notice] = []
    over_cap: dict[int, bool] = {}
    for item, due in pairs:
        policy = policies[item.chat_id]
        speaks = due.key in chosen
        if speaks and due.kind in PERSONAL and item.owner_id:
            if item.owner_id not in over_cap:
                used = _reminded_today(session, item.owner_id, now, policy)
                over_cap[item.owner_id] = used >= policy.nudges_per_person_per_day
            if over_cap[item.owner_id]:
                continue  # today's cap is reached: it stays due and goes out on a later day
        if not _claim(session, key=due.key, kind=due.kind, now=now, item_id=item.id,
                      chat_id=item.chat_id, user_id=item.owner_id):
            continue
        if speaks:
            notices.append(Notice(item, due, policy))
    return _queue(session, notices, now)


def _queue(session: Session, notices: list[Notice], now: datetime) -> int:
    count = 0
    for msg in notices_for(session=session, notices=notices, now=now):
        count += enqueue(session=session, msg=msg, now=now) is not None
    return count


def _digests(session: Session, chat: Chat, now: datetime, policy: Policy) -> int:
    cal = calendar_for(policy.calendar)
    today = now.astimezone(cal.tz).date()
    if not cal.is_working_time(now):
        return 0
    count = 0
    kinds = [("daily", policy.daily_digest_at, today.isoformat())]
    if cal.last_working_day_of_week(today) == today:
        kinds.append(("weekly", policy.weekly_report_at, f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"))
    for kind, at_time, period in kinds:
        due_at = datetime.combine(today, at_time, tzinfo=cal.tz)
        # A late daily digest (restart, a chat's first items) is noise past two hours;
        # the weekly report is still worth sending until the working day ends.
        stale_at = due_at + DAILY_CATCH_UP if kind == "daily" else cal.end_of_working_day(today)
        if not due_at <= now < stale_at:
            continue
        key = f"digest:{kind}:{chat.id}:{period}"
        if session.scalar(select(Reminder.id).where(Reminder.key == key)) is not None:
            continue
        if kind == "daily":
            card = digests.daily(session=session, chat=chat, now=now, lang=policy.lang, calendar=cal, as_of=due_at)
        else:
            card = digests.weekly(session=session, chat=chat, now=now, lang=policy.lang, calendar=cal)
        if not _claim(session, key=key, kind=kind, now=now, chat_id=chat.id) or card is None:
            continue
        for msg in digest_messages(chat=chat, card=card, key=key, kind=kind, policy=policy, now=now):
            count += enqueue(session=session, msg=msg, now=now) is not None
    return count


def next_due(*, session: Session, after: datetime, policy_for: PolicyFor) -> datetime | None:
    """The first moment after `after` when the sweep would have something to do."""
    candidates: list[datetime] = []
    items = _open_items(session)
    marks = _risk_marks(session, items)
    for item in items:
        policy = chat_policy(item.chat, policy_for)
        candidates += [d.at for d in item_dues(item, policy=policy, calendar=calendar_for(policy.calendar),
                                               risk_mark=marks.get(item.id)) if d.at > after]
    for chat in _digest_chats(session, after):
        policy = chat_policy(chat, policy_for)
        cal = calendar_for(policy.calendar)
        day = after.astimezone(cal.tz).date()
        for offset in range(0, 8):
            d = day + timedelta(days=offset)
            if not cal.is_working_day(d):
                continue
            times = [policy.daily_digest_at, cal.config.work_start]
            if cal.last_working_day_of_week(d) == d:
                times.append(policy.weekly_report_at)
            later = [m for m in (datetime.combine(d, x, tzinfo=cal.tz) for x in times) if m > after]
            if later:
                candidates.append(min(later))
                break
    return min(candidates) if candidates else None

