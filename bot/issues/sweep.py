"""The issue log's share of the one sweep (bot/followup/sweep.py calls it on every page).

Issues keep their next moment in issues.next_due_at and chats their monthly summary's in
chats.next_issue_summary_at (the due index); each reminder is claimed by inserting its unique
key in the same transaction as its messages, so it goes out once. Emergencies are never held:
the noise rules keep everything else for working hours.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from bot.context import calendar_for
from bot.events import OutgoingMessage
from bot.followup.due import issue_dues, issue_summary_at
from bot.issues import notices, summary
from bot.policy import Policy, for_chat
from storage.models import Chat, Issue, IssueParty, Reminder
from storage.outbox import dialect_insert, enqueue_many

PolicyFor = Callable[[str], Policy]


def _claim(session: Session, rows: list[dict]) -> set[str]:
    if not rows:
        return set()
    table = Reminder.__table__
    return set(session.execute(dialect_insert(session)(table).on_conflict_do_nothing(index_elements=[table.c.key])
                               .returning(table.c.key), rows).scalars())


def _policy(chat: Chat, policy_for: PolicyFor) -> Policy:
    return for_chat(policy_for(chat.platform), chat.settings or {})


def sweep_issues(*, session: Session, now: datetime, policy_for: PolicyFor, limit: int) -> tuple[int, bool]:
    """Queue one page of due issue reminders and monthly summaries: (messages queued, page full)."""
    # One indexed look first: an idle sweep pays a single statement for the issue log.
    any_issue, any_summary = session.execute(select(exists().where(Issue.next_due_at <= now),
                                                    exists().where(Chat.next_issue_summary_at <= now))).one()
    if not (any_issue or any_summary):
        return 0, False
    issues = [] if not any_issue else list(session.scalars(
        select(Issue).where(Issue.next_due_at <= now).order_by(Issue.next_due_at, Issue.id).limit(limit)
        .with_for_update(skip_locked=True, of=Issue)
        .options(selectinload(Issue.chat), selectinload(Issue.reporter),
                 selectinload(Issue.parties).selectinload(IssueParty.department))))
    chats = [] if not any_summary else list(session.scalars(
        select(Chat).where(Chat.next_issue_summary_at <= now).order_by(Chat.next_issue_summary_at, Chat.id)
        .limit(limit).with_for_update(skip_locked=True)))
    msgs = _issue_reminders(session, issues, now, policy_for) + _summaries(session, chats, now, policy_for)
    queued = sum(enqueue_many(session=session, msgs=msgs, now=now))
    return queued, len(issues) == limit or len(chats) == limit


def _issue_reminders(session: Session, issues: list[Issue], now: datetime,
                     policy_for: PolicyFor) -> list[OutgoingMessage]:
    ready = []
    keys = []
    for issue in issues:
        policy = _policy(issue.chat, policy_for)
        cal = calendar_for(policy.calendar)
        dues = issue_dues(issue, policy=policy, calendar=cal)
        keys += [d.key for d in dues]
        ready.append((issue, policy, cal, dues))
    issued = set(session.scalars(select(Reminder.key).where(Reminder.key.in_(keys)))) if keys else set()
    rows, said, moments = [], [], {}
    for issue, policy, cal, dues in ready:
        pending = [d for d in dues if d.key not in issued]
        now_due = [d for d in pending if d.at <= now]
        later = [d.at for d in pending if d.at > now]
        if now_due and issue.kind != "emergency" and not cal.is_working_time(now):
            later.append(cal.next_working_moment(now))  # held: only emergencies go out at night
            now_due = []
        moments[issue.id] = min(later, default=None)
        for due in now_due:
            rows.append(dict(key=due.key, kind=due.kind, item_id=None, chat_id=issue.chat_id, user_id=None, at=now))
            said.append((issue, policy, due))
    claimed = _claim(session, rows)
    msgs = [m for issue, policy, due in said if due.key in claimed
            for m in notices.notice(session, issue, due, policy, now)]
    # Set last: a notice changes its issue, and the due index marks a changed issue for review
    # unless its moment is set after that change.
    for issue, *_ in ready:
        issue.next_due_at = moments[issue.id]
    return msgs


def _summaries(session: Session, chats: list[Chat], now: datetime, policy_for: PolicyFor) -> list[OutgoingMessage]:
    out: list[OutgoingMessage] = []
    for chat in chats:
        if session.scalar(select(Issue.id).where(Issue.chat_id == chat.id).limit(1)) is None:
            chat.next_issue_summary_at = None  # no issues at all: nothing to summarise until one is logged
            continue
        policy = _policy(chat, policy_for)
        cal = calendar_for(policy.calendar)
        today = now.astimezone(cal.tz).date()
        moment = issue_summary_at(datetime.combine(today.replace(day=1), datetime.min.time(), tzinfo=cal.tz), cal)
        # This month's summary is due from its moment until that working day ends (a late sweep catches up).
        if moment <= now < cal.end_of_working_day(moment.date()):
            month = summary.previous_month(moment.date())
            key = f"issue_summary:{chat.id}:{month[0]:%Y-%m}"
            card = summary.monthly_card(session, chat=chat, month=month, policy=policy, calendar=cal)
            if card is not None and _claim(session, [dict(key=key, kind="issue_summary", item_id=None,
                                                          chat_id=chat.id, user_id=None, at=now)]):
                out.append(OutgoingMessage(key=key, platform=chat.platform, chat_id=chat.chat_id, card=card,
                                           created_at=now))
        chat.next_issue_summary_at = issue_summary_at(now, cal)
    return out
