"""The retrospective as posted: figures with their targets, the emergencies, the team's notes."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.directory import at
from bot.events import Card
from bot.issues.rules import DUE_WORKING_DAYS
from bot.issues.strings import severity
from bot.policy import Policy
from bot.projects import project_items
from bot.retro import figures as fig
from bot.retro.strings import NOTE_KIND, t
from bot.worktime import WorkCalendar
from storage.models import Chat, Issue, IssueParty, Item, Project, RetroNote

NOTE_REF = re.compile(r"(?<![\w#＃])[#＃](\d{1,9})\b")


def _num(value: float) -> str:
    return f"{round(value, 1):g}"


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%"


def _mark(lang: str, ok: bool) -> str:
    return t(lang, "ok" if ok else "miss")


def figure_lines(f: fig.Figures, *, lang: str, policy: Policy) -> list[str]:
    hours, urgent = _num(policy.response_hours), _num(policy.urgent_response_hours)
    lines = [t(lang, "figures")]
    r = f.response
    if r.hours or r.counted:
        lines.append(t(lang, "response", median=_num(fig.median(r.hours)) if r.hours else "—",
                       p90=_num(fig.p90(r.hours)) if r.hours else "—", within=r.within, counted=r.counted,
                       share=_pct(r.within, r.counted) if r.counted else "—", hours=hours, urgent=urgent,
                       mark=_mark(lang, r.within == r.counted)))
    else:
        lines.append(t(lang, "response.none", hours=hours, urgent=urgent))
    e = f.emergencies
    if e.counted or e.minutes:
        lines.append(t(lang, "emergency", median=_num(fig.median(e.minutes)) if e.minutes else "—", within=e.within,
                       counted=e.counted, minutes=policy.emergency_response_minutes,
                       mark=_mark(lang, e.within == e.counted)))
    if f.confirmed:
        rate = f.on_time / f.confirmed
        lines.append(t(lang, "on_time", on_time=f.on_time, confirmed=f.confirmed, rate=_pct(f.on_time, f.confirmed),
                       mark=_mark(lang, rate >= fig.ON_TIME_TARGET))
                     + (t(lang, "no_deadline", n=f.no_deadline) if f.no_deadline else ""))
    else:
        lines.append(t(lang, "on_time.none"))
    if f.done_reports:
        lines.append(t(lang, "rework", rejections=f.rejections, done=f.done_reports,
                       rate=_pct(f.rejections, f.done_reports),
                       mark=_mark(lang, f.rejections / f.done_reports < fig.REWORK_TARGET)))
    else:
        lines.append(t(lang, "rework.none"))
    lines.append(t(lang, "others", escalations=f.escalations, blocked=_num(f.blocked_hours),
                   changes=f.deadline_changes))
    if any(i.logged for i in f.issues.values()):
        lines.append(t(lang, "issues"))
        for level, i in f.issues.items():
            if not i.logged:
                continue
            target = DUE_WORKING_DAYS[level]
            lines.append(t(lang, "issue_line", severity=severity(lang, level), logged=i.logged, resolved=i.resolved,
                           on_time=i.on_time, median=_num(fig.median(i.days)) if i.days else "—", target=target,
                           late=t(lang, "issue_late", n=i.open_late) if i.open_late else "",
                           mark=_mark(lang, i.on_time == i.logged) if i.resolved or i.open_late else ""))
    return lines


def _emergency_lines(emergencies: list[Issue], notes: list[RetroNote], lang: str) -> list[str]:
    reviewed = {int(n) for note in notes for n in NOTE_REF.findall(note.text)}
    lines = []
    for e in emergencies:
        state = (t(lang, "em.resolved", n=round((e.resolved_at - e.created_at).total_seconds() / 60))
                 if e.resolved_at else t(lang, "em.open"))
        review = "" if e.number in reviewed or not e.resolved_at else t(lang, "em.no_review", id=e.number)
        lines.append(t(lang, "emergency_line", id=e.number, description=e.description, state=state, review=review))
    return [t(lang, "emergencies"), *lines] if lines else []


def _note_lines(notes: list[RetroNote], lang: str) -> list[str]:
    if not notes:
        return [t(lang, "no_notes")]
    lines = []
    for kind in NOTE_KIND:
        mine = [n for n in notes if n.kind == kind]
        if mine:
            label = NOTE_KIND[kind][1 if lang == "en" else 0]
            lines.append(t(lang, "notes", kind=label))
            lines += [t(lang, "note_line", text=n.text, author=at(n.author)) for n in mine]
    return lines


def _items(session: Session, chat: Chat, project: Project | None, since: datetime | None) -> list[Item]:
    """The chat's items, or the project's (as the projects domain places them), created since `since`."""
    if project is not None:
        return [i for i, _ in project_items(session, project) if since is None or i.created_at >= since]
    query = select(Item).where(Item.chat_id == chat.id)
    if since is not None:
        query = query.where(Item.created_at >= since)
    return list(session.scalars(query.options(selectinload(Item.history)).order_by(Item.number)))


def _scope(lang: str, project: Project | None, since: datetime | None, calendar: WorkCalendar) -> str:
    when = t(lang, "scope.since", date=f"{since.astimezone(calendar.tz):%Y-%m-%d}") if since else ""
    if project is None:
        return when or t(lang, "scope.all")
    return t(lang, "scope.project", name=project.name) + (t(lang, "scope.sep") + when if when else "")


def retro_card(session: Session, *, chat: Chat, since: datetime | None, now: datetime, policy: Policy,
               calendar: WorkCalendar, note: str = "", project: Project | None = None) -> Card:
    """The report over the chat's items, issues and notes created since `since` (all when None);
    with `project`, over that project's items and issues only (and the notes not kept for another one)."""
    lang = policy.lang

    def scoped(query, column):
        return query.where(column >= since) if since is not None else query

    items = _items(session, chat, project, since)
    issue_query = select(Issue).where(Issue.chat_id == chat.id)
    note_query = select(RetroNote).where(RetroNote.chat_id == chat.id)
    if project is not None:
        issue_query = issue_query.where(Issue.project_id == project.id)
        note_query = note_query.where(or_(RetroNote.project_id.is_(None), RetroNote.project_id == project.id))
    issues = list(session.scalars(scoped(issue_query, Issue.created_at)
                                  .options(selectinload(Issue.parties).selectinload(IssueParty.department))
                                  .order_by(Issue.number)))
    notes = list(session.scalars(scoped(note_query, RetroNote.created_at)
                                 .options(selectinload(RetroNote.author)).order_by(RetroNote.id)))
    f = fig.compute(items=items, issues=issues, policy=policy, calendar=calendar, now=now)
    scope = _scope(lang, project, since, calendar)
    emergencies = [i for i in issues if i.kind == "emergency"]
    lines = [t(lang, "items", n=len(items), issues=len(issues) - len(emergencies), emergencies=len(emergencies))
             + note]
    lines += figure_lines(f, lang=lang, policy=policy)
    lines += _emergency_lines(emergencies, notes, lang)
    lines += _note_lines(notes, lang)
    return Card(title=t(lang, "title", scope=scope), lines=tuple(lines))
