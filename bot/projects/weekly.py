"""The weekly project report (项目周报), on the weekly report's schedule.

When the sweep finds a chat's weekly report due (its day and time, see the sweep's digests),
each open project of the chat with items gets its report too: in the group, and directly to
the chat's managers and the lead department's head. Its key names the project and the week,
claimed like every digest, so it goes out once whatever restarts or replicas do.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from bot.context import calendar_for
from bot.email import messages as email
from bot.events import Card, OutgoingMessage
from bot.followup.messages import chart_attachment
from bot.policy import Policy
from bot.projects import view
from storage.models import Chat, Department, Project, Reminder
from storage.outbox import dialect_insert, enqueue_many

log = logging.getLogger(__name__)
KIND = "project_weekly"


def report_key(project: Project, due_at: datetime, policy: Policy) -> str:
    week = due_at.astimezone(calendar_for(policy.calendar).tz).isocalendar()
    return f"digest:project:{project.id}:{week.year}-W{week.week:02d}"


def recipients(project: Project, policy: Policy) -> list[str]:
    """Platform user ids told directly: the chat's managers, then the lead department's head."""
    people = list(policy.managers)
    lead = project.lead_department
    if lead is not None and lead.head is not None and lead.head.user_id not in people:
        people.append(lead.head.user_id)
    return people


def messages(project: Project, card: Card, key: str, policy: Policy, now: datetime) -> list[OutgoingMessage]:
    chat = project.chat
    files = (chart_attachment(scope=project.name, policy=policy, now=now, chat_id=chat.id, project_id=project.id),)
    out = [OutgoingMessage(key=key, platform=chat.platform, chat_id=chat.chat_id, card=card, created_at=now,
                           attachments=files)]
    out += [OutgoingMessage(key=f"{key}:dm:{user}", platform=chat.platform, user_id=user, card=card,
                            created_at=now, attachments=files) for user in recipients(project, policy)]
    return out + email.copy_of(chat=chat, policy=policy, record_key=key, card=card, kind=email.WEEKLY, now=now,
                               project=project)


def queue_reports(*, session: Session, due: list[tuple[Chat, Policy, datetime]], now: datetime) -> dict[int, int]:
    """For chats whose weekly report is due (chat, policy, its moment): chat id -> messages queued.

    -1: a project's report could not be made (a bug); the others went out, the chat is looked at again soon.
    """
    if not due:
        return {}
    by_chat = {chat.id: (policy, due_at) for chat, policy, due_at in due}
    projects = list(session.scalars(
        select(Project).where(Project.chat_id.in_(list(by_chat)), Project.status == "open").order_by(Project.id)
        .options(selectinload(Project.chat), selectinload(Project.creator), selectinload(Project.milestones),
                 selectinload(Project.lead_department).selectinload(Department.head))))
    keys = {p.id: report_key(p, by_chat[p.chat_id][1], by_chat[p.chat_id][0]) for p in projects}
    sent = set(session.scalars(select(Reminder.key).where(Reminder.key.in_(list(keys.values()))))) if keys else set()
    done: dict[int, int] = {}
    failed: set[int] = set()  # chats with a report that could not be made: looked at again shortly
    claims: list[dict] = []
    cards: dict[int, Card | None] = {}
    for project in projects:
        if keys[project.id] in sent:
            continue
        policy, due_at = by_chat[project.chat_id]
        try:
            cards[project.id] = view.weekly_card(view.snapshot(session, project), lang=policy.lang, now=now,
                                                 calendar=calendar_for(policy.calendar))
        except SQLAlchemyError:
            raise
        except Exception:
            log.exception("weekly report of project %s failed; the others go on", project.id)
            failed.add(project.chat_id)
            continue
        claims.append(dict(key=keys[project.id], kind=KIND, item_id=None, chat_id=project.chat_id, user_id=None,
                           at=due_at))
    if not claims:
        return {chat_id: -1 for chat_id in failed}
    table = Reminder.__table__
    claimed = set(session.execute(dialect_insert(session)(table).on_conflict_do_nothing(index_elements=[table.c.key])
                                  .returning(table.c.key), claims).scalars())
    msgs, owners = [], []
    for project in projects:
        card = cards.get(project.id)
        if keys[project.id] in claimed and card is not None:
            found = messages(project, card, keys[project.id], by_chat[project.chat_id][0], now)
            msgs += found
            owners += [project.chat_id] * len(found)
    for chat_id, stored in zip(owners, enqueue_many(session=session, msgs=msgs, now=now), strict=True):
        done[chat_id] = done.get(chat_id, 0) + stored
    return done | {chat_id: -1 for chat_id in failed}
