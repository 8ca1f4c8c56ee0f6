"""How an issue or emergency looks: its line in /issues, its card in /show, how long it took."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.deadlines import format_deadline
from bot.directory import at
from bot.events import Card
from bot.issues import rules
from bot.issues.projects import project_of
from bot.issues.strings import severity, t
from bot.policy import Policy
from bot.worktime import WorkCalendar
from storage.models import Chat, Issue


def stamp(moment: datetime, calendar: WorkCalendar) -> str:
    return moment.astimezone(calendar.tz).strftime("%Y-%m-%d %H:%M")


def took(issue: Issue, until: datetime, *, lang: str, calendar: WorkCalendar) -> str:
    """Issues count working hours; emergencies wall-clock minutes."""
    if issue.kind == "emergency":
        return t(lang, "took.minutes", n=round((until - issue.created_at).total_seconds() / 60))
    hours = calendar.working_time_between(issue.created_at, until).total_seconds() / 3600
    return t(lang, "took.hours", n=f"{round(hours, 1):g}")


def depts(issue: Issue) -> str:
    return "、".join(p.department.name for p in issue.parties if p.department is not None)


def people(users) -> str:
    return " ".join(at(u) for u in users)


def state(issue: Issue, lang: str) -> str:
    if issue.plan:
        return t(lang, "state.plan", plan=issue.plan)
    return t(lang, "state.no_plan" if issue.responded_at else "state.unanswered")


def list_line(session: Session, issue: Issue, *, lang: str, calendar: WorkCalendar, policy: Policy,
              now: datetime) -> str:
    if issue.kind == "emergency":
        return t(lang, "list.emergency", id=issue.number, description=issue.description, state=state(issue, lang))
    _, handling = rules.owners(session, issue, policy)
    return t(lang, "list.issue", id=issue.number, severity=severity(lang, issue.severity),
             description=issue.description, owners=people(handling) or t(lang, "none"),
             due=format_deadline(issue.due_at, lang=lang, calendar=calendar),
             late=t(lang, "late") if issue.due_at < now else "")


def open_lines(session: Session, *, chat: Chat, project_id: int | None, lang: str, calendar: WorkCalendar,
               policy: Policy, now: datetime) -> list[str]:
    """The open issues and emergencies of the chat (of one project when `project_id` is given),
    emergencies first, each tagged with its project when the whole chat is listed."""
    query = select(Issue).where(Issue.chat_id == chat.id, Issue.status == "open")
    if project_id is not None:
        query = query.where(Issue.project_id == project_id)
    found = session.scalars(query.order_by(Issue.kind, Issue.due_at, Issue.number)).all()
    names: dict[int, str] = {}
    lines = []
    for issue in found:
        line = list_line(session, issue, lang=lang, calendar=calendar, policy=policy, now=now)
        if project_id is None and issue.project_id is not None:
            if issue.project_id not in names:
                project = project_of(session, issue)
                names[issue.project_id] = project.name if project else "?"
            line += t(lang, "list.project", name=names[issue.project_id])
        lines.append(line)
    return lines


def card(session: Session, issue: Issue, *, lang: str, calendar: WorkCalendar, policy: Policy) -> Card:
    """The whole record, as /show #N shows it."""
    emergency = issue.kind == "emergency"
    title = (t(lang, "show.emergency", id=issue.number, description=issue.description) if emergency else
             t(lang, "show.issue", id=issue.number, severity=severity(lang, issue.severity),
               description=issue.description))
    fields = [(t(lang, "f.status"), t(lang, f"status.{issue.status}")),
              (t(lang, "f.reporter"), at(issue.reporter)),
              (t(lang, "f.created"), stamp(issue.created_at, calendar))]
    if emergency:
        fields.append((t(lang, "f.plan_due"), stamp(issue.due_at, calendar)))
        if issue.impact:
            fields.append((t(lang, "f.impact"), issue.impact))
        named = rules.emergency_people(session, issue)
        if named:
            fields.append((t(lang, "f.people"), people(named)))
        if issue.responded_at:
            fields.append((t(lang, "f.responded"), stamp(issue.responded_at, calendar) + " · "
                           + took(issue, issue.responded_at, lang=lang, calendar=calendar)))
    else:
        fields.append((t(lang, "f.due"), format_deadline(issue.due_at, lang=lang, calendar=calendar)))
        if depts(issue):
            fields.append((t(lang, "f.depts"), depts(issue)))
        fields.append((t(lang, "f.owners"), people(rules.owners(session, issue, policy)[1]) or t(lang, "none")))
    for key, value in (("f.plan", issue.plan), ("f.result", issue.result), ("f.lesson", issue.lesson)):
        if value:
            fields.append((t(lang, key), value))
    if issue.escalations:
        fields.append((t(lang, "f.escalations"), str(issue.escalations)))
    return Card(title=title, fields=tuple(fields))
