"""The monthly issue summary (问题台账月报): last month's issues by severity and department.

Posted on a month's first working day at 10:00 to each chat that logged issues; it names the
departments most conflicts came from, so the next month's coordination can start there.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.events import Card
from bot.issues.strings import t
from bot.policy import Policy
from bot.worktime import WorkCalendar
from storage.models import Chat, Issue, IssueParty


def previous_month(day: date) -> tuple[date, date]:
    """[first day of the month before `day`'s, first day of `day`'s month)."""
    start = day.replace(day=1)
    return (start - timedelta(days=1)).replace(day=1), start


def monthly_card(session: Session, *, chat: Chat, month: tuple[date, date], policy: Policy,
                 calendar: WorkCalendar) -> Card | None:
    """The summary of `month` for `chat`; None when nothing was logged then and nothing is open."""
    lang = policy.lang
    start, end = (datetime.combine(d, datetime.min.time(), tzinfo=calendar.tz) for d in month)
    logged = session.scalars(select(Issue).where(Issue.chat_id == chat.id, Issue.created_at >= start,
                                                 Issue.created_at < end)
                             .options(selectinload(Issue.parties).selectinload(IssueParty.department))).all()
    still_open = len(session.scalars(select(Issue.id).where(Issue.chat_id == chat.id, Issue.status == "open")).all())
    if not logged and not still_open:
        return None
    issues = [i for i in logged if i.kind == "issue"]
    emergencies = [i for i in logged if i.kind == "emergency"]
    by_severity = Counter(i.severity for i in issues)
    resolved = [i for i in issues if i.resolved_at is not None]
    on_time = [i for i in resolved if i.resolved_at <= i.due_at]  # type: ignore[operator]
    by_dept = Counter(p.department.name for i in issues for p in i.parties if p.department is not None)
    lines = [t(lang, "summary.total", n=len(issues), minor=by_severity["minor"], medium=by_severity["medium"],
               major=by_severity["major"], resolved=len(resolved), on_time=len(on_time))]
    if by_dept:
        ranked = sorted(by_dept.items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append(t(lang, "summary.depts", depts="、".join(f"{name} {n}" for name, n in ranked)))
        top = ranked[0][1]
        lines.append(t(lang, "summary.top", depts="、".join(name for name, n in ranked if n == top), n=top))
    if emergencies:
        limit = timedelta(minutes=policy.emergency_response_minutes)
        fast = [e for e in emergencies if e.responded_at is not None and e.responded_at - e.created_at <= limit]
        lines.append(t(lang, "summary.emergencies", n=len(emergencies), fast=len(fast)))
    if still_open:
        lines.append(t(lang, "summary.open", n=still_open))
    return Card(title=t(lang, "summary.title", month=f"{month[0]:%Y-%m}"), lines=tuple(lines))
