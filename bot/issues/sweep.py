"""The issue log's share of the one sweep (bot/followup/sweep.py calls it on every page).

Issues keep their next moment in issues.next_due_at and chats their monthly summary's in
chats.next_issue_summary_at (the due index); each reminder is claimed by inserting its unique
key in the same transaction as its messages, so it goes out once. Emergencies are never held:
the noise rules keep everything else for working hours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from bot.context import calendar_for
from bot.events import OutgoingMessage
from bot.followup.due import issue_dues, issue_summary_at
from bot.issues import notices, summary
from bot.policy import Policy, for_chat
from storage.models import Chat, Issue, IssueParty, Reminder
from storage.outbox import dialect_insert, enqueue_many

PolicyFor = Callable[[str], Policy]
log = logging.getLogger(__name__)
RETRY = timedelta(minutes=1)  # an issue or chat whose share failed is looked at again this soon


def _claim(session: Session, rows: list[dict]) -> set[str]:
    if not rows:
        return set()
    table = Reminder.__table__
    return set(session.execute(dialect_insert(session)(table).on_conflict_do_nothing(index_elements=[table.c.key])
                               .returning(table.c.key), rows).scalars())


def _policy(chat: Chat, policy_for: PolicyFor) -> Policy:
    return for_chat(policy_for(chat.platform), chat.settings or {})


def due_checks(now: datetime) -> list:
    """The issue log's share of the sweep's one indexed look: is any issue, any monthly summary due?"""
    return [exists().where(Issue.next_due_at <= now), exists().where(Chat.next_issue_summary_at <= now)]


def sweep_issues(*, session: Session, now: datetime, policy_for: PolicyFor, limit: int,
                 due: tuple[bool, bool] | None = None) -> tuple[int, bool]:
    """Queue one page of due issue reminders and monthly summaries: (messages queued, page full).

    `due`: the answers to `due_checks` when the sweep already asked them (with the other shares').
    """
    # One indexed look first: an idle sweep pays a single statement for the issue log.
    any_issue, any_summary = due if due is not None else session.execute(select(*due_checks(now))).one()
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
    msgs: list[OutgoingMessage] = []
    moments: dict[int, datetime | None] = {}
    for issue, policy, cal, dues in ready:
        pending = [d for d in dues if d.key not in issued]
        now_due = [d for d in pending if d.at <= now]
        later = [d.at for d in pending if d.at > now]
        if now_due and issue.kind != "emergency" and not cal.is_working_time(now):
            later.append(cal.next_working_moment(now))  # held: only emergencies go out at night
            now_due = []
        moments[issue.id] = min(later, default=None)
        if now_due:
            said = _isolated(f"issue {issue.id}", _claim_and_say, session, issue, policy, now_due, now)
            if said is None:
                moments[issue.id] = now + RETRY  # its claims were rolled back: look again shortly
            msgs += said or []
    # Set last: a notice changes its issue, and the due index marks a changed issue for review
    # unless its moment is set after that change.
    for issue, *_ in ready:
        issue.next_due_at = moments[issue.id]
    return msgs


def _claim_and_say(session: Session, issue: Issue, policy: Policy, dues: list, now: datetime) -> list[OutgoingMessage]:
    with session.begin_nested():  # a failing notice takes its own claims back with it
        claimed = _claim(session, [dict(key=d.key, kind=d.kind, item_id=None, chat_id=issue.chat_id, user_id=None,
                                        at=now) for d in dues])
        return [m for d in dues if d.key in claimed for m in notices.notice(session, issue, d, policy, now)]


def _isolated(label: str, work: Callable[..., list[OutgoingMessage]], *args) -> list[OutgoingMessage] | None:
    """Run one issue's or chat's share; a bug there spares the rest of the sweep (None)."""
    try:
        return work(*args)
    except SQLAlchemyError:
        raise  # the database itself is in trouble: let the whole sweep roll back and retry
    except Exception:
        log.exception("issue log sweep of %s failed; the others go on", label)
        return None


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
        chat.next_issue_summary_at = issue_summary_at(now, cal)
        if moment <= now < cal.end_of_working_day(moment.date()):
            said = _isolated(f"chat {chat.id}", _monthly, session, chat, moment, policy, now)
            if said is None:
                chat.next_issue_summary_at = now + RETRY
            out += said or []
    return out


def _monthly(session: Session, chat: Chat, moment: datetime, policy: Policy, now: datetime) -> list[OutgoingMessage]:
    month = summary.previous_month(moment.date())
    key = f"issue_summary:{chat.id}:{month[0]:%Y-%m}"
    card = summary.monthly_card(session, chat=chat, month=month, policy=policy, calendar=calendar_for(policy.calendar))
    if card is None or not _claim(session, [dict(key=key, kind="issue_summary", item_id=None, chat_id=chat.id,
                                                 user_id=None, at=now)]):
        return []
    return [OutgoingMessage(key=key, platform=chat.platform, chat_id=chat.chat_id, card=card, created_at=now)]
