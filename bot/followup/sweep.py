"""The periodic sweep: "what is due at `now`?" — answered into the outbox.

The database is the source of truth. Each reminder is claimed by inserting its unique
key, in the same transaction as its messages, so a restart or a second replica never
sends it twice, and a long downtime yields one coalesced message, not one per tick.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from bot.context import calendar_for
from bot.events import Card
from bot.followup import digests, noise, weekly
from bot.followup.due import PERSONAL, RANK, Due, item_dues
from bot.followup.messages import Notice, digest_messages, notices_for
from bot.issues.sweep import due_checks as issue_due_checks
from bot.issues.sweep import sweep_issues
from bot.policy import Policy, for_chat
from bot.projects import critical
from bot.projects import weekly as project_weekly
from bot.projects.retro_reminder import due_check as retro_due_check
from bot.projects.retro_reminder import sweep_retro_reminders
from storage.models import Chat, Department, DepartmentMember, Issue, Item, ItemEvent, Project, Reminder
from storage.outbox import dialect_insert, enqueue_many

log = logging.getLogger(__name__)
DAILY_CATCH_UP = timedelta(hours=2)
PAGE = 500  # rows per transaction: the write lock is never held for long
RETRY = timedelta(minutes=1)  # a chat whose share failed is looked at again this soon
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


def _claim_many(session: Session, rows: list[dict]) -> set[str]:
    """Insert the reminders' keys in one statement; the keys claimed now (the rest were taken)."""
    if not rows:
        return set()
    insert = dialect_insert(session)
    table = Reminder.__table__  # a Core statement with many parameter sets: sent as multi-row INSERTs
    return set(session.execute(insert(table).on_conflict_do_nothing(index_elements=[table.c.key])
                               .returning(table.c.key), rows).scalars())


def _due_items(session: Session, now: datetime, limit: int) -> list[Item]:
    """The items whose moment has come, oldest first; rows another replica holds are skipped."""
    return list(session.scalars(
        select(Item).where(Item.next_due_at <= now).order_by(Item.next_due_at, Item.id).limit(limit)
        .with_for_update(skip_locked=True, of=Item)
        # What the messages and the ladder read, loaded with the page rather than item by item.
        .options(selectinload(Item.chat), selectinload(Item.owner), selectinload(Item.initiator),
                 selectinload(Item.history),
                 selectinload(Item.department).options(selectinload(Department.head),
                                                       selectinload(Department.members)
                                                       .selectinload(DepartmentMember.user)))))


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


def _due_chats(session: Session, now: datetime, limit: int) -> list[Chat]:
    return list(session.scalars(
        select(Chat).where(Chat.next_digest_at <= now).order_by(Chat.next_digest_at, Chat.id).limit(limit)
        .with_for_update(skip_locked=True)))


def _with_digest_matter(session: Session, chats: list[Chat], now: datetime) -> set[int]:
    """Of `chats`, those a digest could be about: open items, or items closed in the last week."""
    recent = now - timedelta(days=8)
    return set(session.scalars(select(Item.chat_id).distinct().where(
        Item.chat_id.in_([c.id for c in chats]),
        or_(Item.status.in_(("open", "in_progress", "blocked", "done")), Item.closed_at >= recent))))


def _isolated(session: Session, label: str, work: Callable[[], int]) -> int:
    """Run one chat's share of the sweep in a savepoint: one chat's failure spares the rest (-1)."""
    try:
        with session.begin_nested():
            return work()
    except SQLAlchemyError:
        raise  # the database itself is in trouble: let the whole sweep roll back and retry
    except Exception:
        log.exception("sweep of %s failed; the other chats go on", label)
        return -1


def _issued(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found |= set(session.scalars(select(Reminder.key).where(Reminder.key.in_(keys[start:start + 500]))))
    return found


@dataclass(frozen=True)
class Swept:
    queued: int  # messages queued
    more: bool  # a full page: call again (in a new transaction) for the rest


def sweep(*, session: Session, now: datetime, policy_for: PolicyFor, limit: int = PAGE) -> Swept:
    """Queue one page of what is due at `now`, and move each row looked at to its next moment."""
    items = _due_items(session, now, limit)
    chats = _due_chats(session, now, limit)
    queued = _sweep_items(session, items, now, policy_for)
    matter = _with_digest_matter(session, chats, now) if chats else set()
    policies: dict[int, Policy] = {}
    for chat in chats:
        if chat.id not in matter:
            chat.next_digest_at = None  # nothing to report until the chat has items again
            continue
        policies[chat.id] = chat_policy(chat, policy_for)
    page = [c for c in chats if c.id in policies]
    done = _digests_page(session, page, now, policies)
    # Each open project's weekly report (项目周报) goes with its chat's weekly report.
    weeklies = [(d.chat, d.policy, d.due_at) for c in page for d in _digests_due(c, now, policies[c.id])
                if d.kind == "weekly"]
    for chat_id, n in project_weekly.queue_reports(session=session, due=weeklies, now=now).items():
        done[chat_id] = -1 if min(n, done[chat_id]) < 0 else done[chat_id] + n
    for chat in page:
        queued += max(done[chat.id], 0)
        chat.next_digest_at = now + RETRY if done[chat.id] < 0 else _next_digest_at(policies[chat.id], now)
    # One indexed look for the issue log and the projects together: an idle sweep pays one statement.
    any_issue, any_summary, any_retro = session.execute(select(*issue_due_checks(now), retro_due_check(now))).one()
    issues_queued, issues_more = sweep_issues(session=session, now=now, policy_for=policy_for, limit=limit,
                                              due=(any_issue, any_summary))
    retro_queued, retro_more = sweep_retro_reminders(session=session, now=now, policy_for=policy_for, limit=limit,
                                                     due=any_retro)
    return Swept(queued + issues_queued + retro_queued,
                 len(items) == limit or len(chats) == limit or issues_more or retro_more)


def _sweep_items(session: Session, items: list[Item], now: datetime, policy_for: PolicyFor) -> int:
    per_chat: dict[int, list[tuple[Item, Due]]] = defaultdict(list)
    policies: dict[int, Policy] = {}
    marks = _risk_marks(session, items)
    dues = {}
    for item in items:
        if item.chat_id not in policies:
            policies[item.chat_id] = chat_policy(item.chat, policy_for)
        dues[item.id] = item_dues(item, policy=policies[item.chat_id],
                                  calendar=calendar_for(policies[item.chat_id].calendar), risk_mark=marks.get(item.id))
    issued = _issued(session, [d.key for found in dues.values() for d in found])
    for item in items:
        cal = calendar_for(policies[item.chat_id].calendar)
        pending = [d for d in dues[item.id] if d.key not in issued
                   and not (d.kind == "warn" and now >= item.deadline)]  # a warning after the fact is noise
        ready = [d for d in pending if d.at <= now]
        later = [d.at for d in pending if d.at > now]
        if ready and item.urgency != "emergency" and not cal.is_working_time(now):
            later.append(cal.next_working_moment(now))  # held: a restart at night posts nothing
            ready = []
        per_chat[item.chat_id] += [(item, d) for d in ready]
        item.next_due_at = min(later, default=None)
    sent = _sent_today(session, per_chat, now, policies)
    queued = 0
    for chat_id, pairs in per_chat.items():
        done = _isolated(session, f"chat {chat_id}",
                         lambda pairs=pairs: _issue_chat(session, pairs, now, policies, sent))
        if done < 0:  # that chat failed: look at its items again shortly
            for item, _ in pairs:
                item.next_due_at = now + RETRY
        queued += max(done, 0)
    return queued


def _recipient(item: Item, due: Due) -> int | None:
    """Whom a personal reminder addresses: the initiator for a missing standard, else the owner."""
    return item.initiator_id if due.kind == "standard" else item.owner_id


def _sent_today(session: Session, per_chat: dict[int, list[tuple[Item, Due]]], now: datetime,
                policies: dict[int, Policy]) -> dict[int, set[datetime]]:
    """For the page's people the cap could hold back: the moments of their personal reminders today.

    Read once for the page (from the earliest day start of its chats' calendars); what this
    sweep claims is at `now`, which never holds anything back, so reading it first is the same.
    """
    people = {_recipient(item, due) for pairs in per_chat.values() for item, due in pairs
              if due.kind in PERSONAL and not noise.exempt(item.urgency)}
    people.discard(None)
    if not people:
        return {}
    since = min(noise.day_start(now, policies[chat_id]) for chat_id in per_chat)
    return noise.sent_since(session, user_ids=sorted(p for p in people if p is not None), since=since)


def _issue_chat(session: Session, pairs: list[tuple[Item, Due]], now: datetime, policies: dict,
                sent: dict[int, set[datetime]] | None = None) -> int:
    """Claim the due reminders of one chat and queue their messages, bundled per person."""
    best: dict[tuple[int, str], tuple[Item, Due]] = {}
    for item, due in pairs:  # per item and family, only the most advanced reminder speaks
        slot = (item.id, due.family)
        if slot not in best or RANK[due.kind] > RANK[best[slot][1].kind]:
            best[slot] = (item, due)
    chosen = {d.key for _, d in best.values()}
    claims: dict[str, dict] = {}  # key -> the reminder's row, in order
    speakers: list[Notice] = []
    holds: dict[int, datetime | None] = {}
    held: set[tuple[int, str]] = set()
    for item, due in sorted(pairs, key=lambda p: p[1].key not in chosen):  # the speakers first
        policy = policies[item.chat_id]
        person = _recipient(item, due) if due.kind in PERSONAL else None
        if (item.id, due.family) in held:
            continue  # its family's speaker waits: so do the stale ones, to be superseded then
        if due.key in chosen and person is not None and not noise.exempt(item.urgency):
            if person not in holds:
                holds[person] = noise.hold_until(session, user_id=person, now=now, policy=policy,
                                                 sent=(sent or {}).get(person))
            if (until := holds[person]) is not None:  # the gap since the last one, or today's cap
                item.next_due_at = min(item.next_due_at or until, until)
                held.add((item.id, due.family))
                continue
        if due.key in claims:
            continue  # the same reminder twice: claimed once, said once
        claims[due.key] = dict(key=due.key, kind=due.kind, item_id=item.id, chat_id=item.chat_id,
                               user_id=person, at=now)
        if due.key in chosen:
            speakers.append(Notice(item, due, policy))
    claimed = _claim_many(session, list(claims.values()))
    return _queue(session, [n for n in speakers if n.due.key in claimed], now)


def _queue(session: Session, notices: list[Notice], now: datetime) -> int:
    def claim(key: str, kind: str, chat_id: int) -> bool:
        return _claim(session, key=key, kind=kind, now=now, chat_id=chat_id)

    msgs = notices_for(session=session, notices=notices, now=now, claim=claim)
    return sum(enqueue_many(session=session, msgs=msgs, now=now))


@dataclass
class _Digest:
    chat: Chat
    policy: Policy
    kind: str
    key: str
    due_at: datetime  # its scheduled moment (the reminder's `at`)
    card: Card | None = None


def _digests_due(chat: Chat, now: datetime, policy: Policy) -> list[_Digest]:
    """The chat's digests whose moment is now (not yet checked against what was sent)."""
    cal = calendar_for(policy.calendar)
    today = now.astimezone(cal.tz).date()
    if not cal.is_working_time(now):
        return []
    kinds = [("daily", policy.daily_digest_at, today.isoformat())]
    if cal.last_working_day_of_week(today) == today:
        kinds.append(("weekly", policy.weekly_report_at, f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"))
    out = []
    for kind, at_time, period in kinds:
        due_at = datetime.combine(today, at_time, tzinfo=cal.tz)
        # A late daily digest (restart, a chat's first items) is noise past two hours;
        # the weekly report is still worth sending until the working day ends.
        stale_at = due_at + DAILY_CATCH_UP if kind == "daily" else cal.end_of_working_day(today)
        if due_at <= now < stale_at:
            out.append(_Digest(chat, policy, kind, f"digest:{kind}:{chat.id}:{period}", due_at))
    return out


def _build_dailies(session: Session, dailies: list[_Digest], now: datetime) -> None:
    """The cards of the page's daily digests, from a few queries for all of them (not per chat).

    Chats are grouped by their digest moment (and then by the previous digest), so each chat
    reads exactly the items and rows `digests.daily` would: the same cards.
    """
    by_due: dict[datetime, list[_Digest]] = defaultdict(list)
    for d in dailies:
        by_due[d.due_at].append(d)
    for due_at, group in by_due.items():
        ids = [d.chat.id for d in group]
        previous = digests.previous_dailies(session, ids, due_at)
        items = digests.page_items(session, ids, *digests.daily_items_filter(due_at))
        by_since: dict[datetime, list[_Digest]] = defaultdict(list)
        for d in group:
            by_since[previous.get(d.chat.id) or now - timedelta(days=1)].append(d)
        for since, part in by_since.items():
            rows = digests.page_history(session, [d.chat.id for d in part], since, digests.MOVED, due_at)
            edges = critical.edges_of_chats(session, [d.chat.id for d in part])
            for d in part:
                cal = calendar_for(d.policy.calendar)
                try:
                    d.card = digests.daily_card(items=items[d.chat.id], moved_rows=rows[d.chat.id], since=since,
                                                now=now, lang=d.policy.lang, calendar=cal, edges=edges)
                except SQLAlchemyError:
                    raise
                except Exception:
                    log.exception("daily digest of chat %s failed; the other chats go on", d.chat.id)
                    d.card = _FAILED


_FAILED = Card(title="")  # a card that could not be made: its chat is tried again shortly


def _digests_page(session: Session, chats: list[Chat], now: datetime, policies: dict[int, Policy]) -> dict[int, int]:
    """The digests of a page of chats: chat id -> messages queued (-1: its share failed, retry soon).

    The already-sent check, the daily cards' data, the claims and the outbox rows are a few
    statements for the whole page; only a weekly report reads its own chat's data.
    """
    done = {c.id: 0 for c in chats}
    due = [d for c in chats for d in _digests_due(c, now, policies[c.id])]
    issued = _issued(session, [d.key for d in due])
    due = [d for d in due if d.key not in issued]
    if not due:
        return done
    _build_dailies(session, [d for d in due if d.kind == "daily"], now)
    for d in due:
        if d.kind == "weekly":
            cal = calendar_for(d.policy.calendar)
            try:
                d.card = weekly.weekly(session=session, chat=d.chat, now=now, lang=d.policy.lang, calendar=cal)
            except SQLAlchemyError:
                raise
            except Exception:
                log.exception("weekly report of chat %s failed; the other chats go on", d.chat.id)
                d.card = _FAILED
    failed = {d.chat.id for d in due if d.card is _FAILED}
    for chat_id in failed:
        done[chat_id] = -1
    due = [d for d in due if d.chat.id not in failed]
    # Kept at the digest's own moment: the next daily digest covers what happened since.
    claimed = _claim_many(session, [dict(key=d.key, kind=d.kind, item_id=None, chat_id=d.chat.id, user_id=None,
                                         at=d.due_at) for d in due])
    owners: list[int] = []
    msgs = []
    for d in due:
        if d.key in claimed and d.card is not None:
            found = digest_messages(chat=d.chat, card=d.card, key=d.key, kind=d.kind, policy=d.policy, now=now)
            msgs += found
            owners += [d.chat.id] * len(found)
    for chat_id, stored in zip(owners, enqueue_many(session=session, msgs=msgs, now=now), strict=True):
        done[chat_id] += stored
    return done


def _next_digest_at(policy: Policy, after: datetime) -> datetime | None:
    """The next moment after `after` a digest of this chat could fall due (or be caught up)."""
    cal = calendar_for(policy.calendar)
    day = after.astimezone(cal.tz).date()
    for offset in range(0, 15):
        d = day + timedelta(days=offset)
        if not cal.is_working_day(d):
            continue
        times = [policy.daily_digest_at, cal.config.work_start]
        if cal.last_working_day_of_week(d) == d:
            times.append(policy.weekly_report_at)
        later = [m for m in (datetime.combine(d, x, tzinfo=cal.tz) for x in times) if m > after]
        if later:
            return min(later)
    return None


def next_due(*, session: Session, after: datetime) -> datetime | None:
    """The first moment after `after` when the sweep has something to look at (from the index)."""
    moments = [session.scalar(select(func.min(Item.next_due_at)).where(Item.next_due_at > after)),
               session.scalar(select(func.min(Chat.next_digest_at)).where(Chat.next_digest_at > after)),
               session.scalar(select(func.min(Issue.next_due_at)).where(Issue.next_due_at > after)),
               session.scalar(select(func.min(Chat.next_issue_summary_at)).where(Chat.next_issue_summary_at > after)),
               session.scalar(select(func.min(Project.next_due_at)).where(Project.next_due_at > after))]
    return min((m for m in moments if m is not None), default=None)
