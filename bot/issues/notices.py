"""What an issue's or emergency's reminder says, in the group and to each person told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.context import calendar_for
from bot.deadlines import format_deadline
from bot.directory import at, chat_label
from bot.events import OutgoingMessage
from bot.followup.due import Due
from bot.issues import render, rules
from bot.issues.strings import severity, t
from bot.policy import Policy
from storage.models import Issue, User


def _messages(issue: Issue, due: Due, group: str, dm: str | None, people: list[User],
              now: datetime) -> list[OutgoingMessage]:
    platform = issue.chat.platform
    out = [OutgoingMessage(key=f"remind:{due.key}", platform=platform, chat_id=issue.chat.chat_id, text=group,
                           created_at=now)]
    if issue.room_chat_id:  # an emergency's coordination room hears its reminders too (bot/issues/rooms.py)
        out.append(OutgoingMessage(key=f"remind:{due.key}:room", platform=platform, chat_id=issue.room_chat_id,
                                   text=group, created_at=now))
    if dm is not None:
        out += [OutgoingMessage(key=f"remind:{due.key}:dm:{p.user_id}", platform=platform, user_id=p.user_id,
                                text=dm, created_at=now) for p in people]
    return out


def notice(session: Session, issue: Issue, due: Due, policy: Policy, now: datetime) -> list[OutgoingMessage]:
    """The messages of one claimed reminder; counts an escalation on the issue when someone was told."""
    lang, cal = policy.lang, calendar_for(policy.calendar)
    f = dict(id=issue.number, description=issue.description, chat=chat_label(issue.chat),
             reporter=at(issue.reporter), severity=severity(lang, issue.severity),
             due=format_deadline(issue.due_at, lang=lang, calendar=cal))
    if due.kind == "issue_escalate":
        people = rules.escalation_targets(session, issue, policy)
        handling = rules.owners(session, issue, policy)[1]
        if not people:  # nobody above the owners (management itself, or nobody named): remind them
            text = t(lang, "escalate_top", owners=render.people(handling) or at(issue.reporter), **f)
            if not handling:
                text += "\n" + t(lang, "nobody_above")
            return _messages(issue, due, text, None, [], now)
        issue.escalations += 1
        return _messages(issue, due, t(lang, "escalate_group", who=render.people(people), **f),
                         t(lang, "escalate_dm", owners=render.people(handling) or "—", **f), people, now)
    if due.kind == "emergency_response":
        # The people named and their heads; an emergency that names nobody goes to the managers.
        people = rules.emergency_people(session, issue) or rules.managers(session, issue.chat.platform, policy)
        group, dm, n = "response_group", "response_dm", policy.emergency_response_minutes
    else:
        people = rules.managers(session, issue.chat.platform, policy)
        group, dm, n = "plan_group", "plan_dm", rules.EMERGENCY_PLAN_MINUTES // 60
    if not people:
        return _messages(issue, due, t(lang, group, who="—", n=n, **f) + "\n" + t(lang, "nobody_above"),
                         None, [], now)
    issue.escalations += 1
    return _messages(issue, due, t(lang, group, who=render.people(people), n=n, **f), t(lang, dm, n=n, **f),
                     people, now)
