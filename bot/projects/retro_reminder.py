"""The retrospective reminder of a closed project: the projects' share of the one sweep.

A closed project keeps the moment of its reminder in projects.next_due_at (the due index), five
working days after it closed (bot/followup/due.py `project_dues`). When that moment comes and
no `/retro PROJECT` was posted since it closed, its lead (the lead department's head, else its
creator) is reminded once in the project's chat: the key is claimed in the reminders table in the
same transaction as the message. Held to working time like an item's reminders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from bot.context import calendar_for
from bot.directory import at
from bot.events import OutgoingMessage
from bot.followup.due import Due, project_dues
from bot.policy import Policy, for_chat
from bot.projects.store import lead_of
from bot.retro import rules as retro
from storage.models import Department, Project, Reminder
from storage.outbox import dialect_insert, enqueue_many

PolicyFor = Callable[[str], Policy]
log = logging.getLogger(__name__)
RETRY = timedelta(minutes=1)  # a project whose reminder failed is looked at again this soon


def due_check(now: datetime):
    """This share of the sweep's one indexed look: is any closed project's reminder due?"""
    return exists().where(Project.next_due_at <= now)


def sweep_retro_reminders(*, session: Session, now: datetime, policy_for: PolicyFor, limit: int,
                          due: bool | None = None) -> tuple[int, bool]:
    """Queue one page of due retrospective reminders: (messages queued, page full).

    `due`: the answer to `due_check` when the sweep already asked it (with the other shares').
    """
    if not (due if due is not None else session.scalar(select(due_check(now)))):
        return 0, False
    projects = list(session.scalars(
        select(Project).where(Project.next_due_at <= now).order_by(Project.next_due_at, Project.id).limit(limit)
        .with_for_update(skip_locked=True, of=Project)
        .options(selectinload(Project.chat), selectinload(Project.creator),
                 selectinload(Project.lead_department).selectinload(Department.head))))
    msgs: list[OutgoingMessage] = []
    moments: dict[int, datetime | None] = {}
    for project in projects:
        try:
            with session.begin_nested():  # a failing reminder takes its own claim back with it
                moment, said = _look_at(session, project, now, policy_for)
        except SQLAlchemyError:
            raise
        except Exception:
            log.exception("retrospective reminder of project %s failed; the others go on", project.id)
            moment, said = now + RETRY, []
        moments[project.id] = moment
        msgs += said
    for project in projects:  # set last, after any change the due index would mark for review
        project.next_due_at = moments[project.id]
    return sum(enqueue_many(session=session, msgs=msgs, now=now)), len(projects) == limit


def _look_at(session: Session, project: Project, now: datetime,
             policy_for: PolicyFor) -> tuple[datetime | None, list[OutgoingMessage]]:
    """(the project's next moment, the messages of a reminder claimed now)."""
    policy = for_chat(policy_for(project.chat.platform), project.chat.settings or {})
    cal = calendar_for(policy.calendar)
    dues = project_dues(project, calendar=cal)
    if not dues or project.closed_at is None:
        return None, []
    [due] = dues
    if session.scalar(select(Reminder.key).where(Reminder.key == due.key)) is not None:
        return None, []  # said already
    if retro.retro_posted(session, project_id=project.id, since=project.closed_at):
        return None, []  # the retrospective came in time: nothing to remind
    if due.at > now:
        return due.at, []
    if not cal.is_working_time(now):
        return cal.next_working_moment(now), []  # held: a late sweep at night waits for the morning
    return None, _claim_and_say(session, project, due, policy, now)


def _claim_and_say(session: Session, project: Project, due: Due, policy: Policy,
                   now: datetime) -> list[OutgoingMessage]:
    table = Reminder.__table__
    claimed = session.execute(dialect_insert(session)(table).on_conflict_do_nothing(index_elements=[table.c.key])
                              .returning(table.c.key), [dict(key=due.key, kind=due.kind, item_id=None,
                                                             chat_id=project.chat_id, user_id=None, at=now)]).scalars()
    if not list(claimed):
        return []
    text = retro.reminder_text(policy.lang, lead=at(lead_of(project)), project=project.name)
    return [OutgoingMessage(key=f"remind:{due.key}", platform=project.chat.platform, chat_id=project.chat.chat_id,
                            text=text, created_at=now)]
