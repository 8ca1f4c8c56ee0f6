"""What a project looks like: the view (/project show) and the weekly project report (项目周报)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.deadlines import format_deadline
from bot.directory import at
from bot.events import Card
from bot.items.strings import status_label
from bot.projects import critical, rules, store
from bot.projects.strings import STATE, pair, t
from bot.worktime import WorkCalendar
from storage.models import Item, Project

SECTION_LIMIT = 10


@dataclass(frozen=True)
class Snapshot:
    """A project's items (by number) with their milestones, and what they wait for."""

    project: Project
    items: list[Item]
    milestone_of: dict[int, int | None]
    edges: critical.Edges
    known: dict[int, Item]  # the project's items and every item they wait for, directly or not


def snapshot(session: Session, project: Project) -> Snapshot:
    pairs = store.project_items(session, project)
    items = [i for i, _ in pairs]
    edges = critical.edges_of_chats(session, [project.chat_id])
    known = {i.id: i for i in items}
    todo = [d for i in items for d in edges.get(i.id, [])]
    reach: set[int] = set()
    while todo:
        n = todo.pop()
        if n not in reach:
            reach.add(n)
            todo += edges.get(n, [])
    missing = reach - known.keys()
    if missing:
        known.update({i.id: i for i in session.scalars(
            select(Item).where(Item.id.in_(missing)).options(selectinload(Item.owner)))})
    return Snapshot(project, items, {i.id: m for i, m in pairs}, edges, known)


def _section(lang: str, key: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    shown = lines[:SECTION_LIMIT] + ([f"…… +{len(lines) - SECTION_LIMIT}"] if len(lines) > SECTION_LIMIT else [])
    return [f"【{t(lang, key)}】" if lang != "en" else f"*{t(lang, key)}*", *shown]


def _line(lang: str, key: str, item: Item, **kw) -> str:
    return t(lang, key, id=item.number, title=item.title, owner=at(item.owner), **kw)


def late_reason(lang: str, item: Item) -> str:
    """Why a late item is late, as people said it: the blocker, else the latest risk or extension note."""
    if item.blocker_reason:
        return item.blocker_reason
    said = [r.note for r in item.history if r.action in ("block", "risk", "extend") and r.note and r.actor_id]
    return said[-1] if said else t(lang, "reason_none")


def _risk_reason(lang: str, item: Item) -> str:
    """"：why" from the latest risk mark, if one was given."""
    said = [r.note for r in item.history if r.action in ("risk", "block") and r.note and r.actor_id]
    return ("：" if lang != "en" else ": ") + said[-1] if said else ""


def _days(item: Item, now: datetime, calendar: WorkCalendar) -> int:
    assert item.deadline is not None
    return max(1, calendar.working_days_between(item.deadline, now))


def attention(snap: Snapshot, *, lang: str, now: datetime, calendar: WorkCalendar) -> list[str]:
    """Late items with reasons, risks (the critical path included), what needs coordination; each item once."""
    active = [i for i in snap.items if i.status in rules.ACTIVE]
    listed: set[int] = set()

    def take(pairs: list[tuple[Item, str]]) -> list[str]:
        out = [text for item, text in pairs if item.id not in listed]
        listed.update(item.id for item, _ in pairs)
        return out

    late = take([(i, _line(lang, "line.late", i, days=_days(i, now, calendar), reason=late_reason(lang, i)))
                 for i in active if rules.is_late(i, now)])
    # At risk because of what they wait for (the project's items only; the cause may lie outside it).
    chained = critical.risk_lines(lang, list(snap.known.values()), snap.edges, now, calendar)
    marked = [(i, _line(lang, "line.high", i, reason=_risk_reason(lang, i)))
              for i in active if i.risk == "high" and i.status != "blocked"]
    risks = take(sorted([(i, text) for i, text in chained if i.id in snap.milestone_of], key=lambda p: p[0].number)
                 + marked)
    unanswered = [i for i in active if i.kind == "request" and i.status == "open" and i.acknowledged_at is None]
    coordination = take([(i, _line(lang, "line.blocked", i, reason=i.blocker_reason or "—"))
                         for i in active if i.status == "blocked"]
                        + [(i, _line(lang, "line.unanswered", i)) for i in unanswered])
    return _section(lang, "s.late", late) + _section(lang, "s.risks", risks) + _section(lang, "s.coordination", coordination)


def fields(snap: Snapshot, lang: str, calendar: WorkCalendar) -> list[tuple[str, str]]:
    """Goal, lead department (and its head), deadline, creator, progress, on-time rate."""
    p = snap.project
    percent, done, total = rules.progress(snap.items)
    out = [(t(lang, "f.goal"), p.goal)] if p.goal else []
    if p.lead_department is not None:
        head = f" · {at(p.lead_department.head)}" if p.lead_department.head else ""
        out.append((t(lang, "f.lead"), p.lead_department.name + head))
    if p.deadline is not None:
        out.append((t(lang, "f.deadline"), format_deadline(p.deadline, lang=lang, calendar=calendar)))
    out += [(t(lang, "f.creator"), at(p.creator)),
            (t(lang, "f.progress"), t(lang, "progress", percent=percent, done=done, total=total)),
            (t(lang, "f.on_time"), rules.rate(lang, snap.items))]
    if p.status != "open":
        out.append((t(lang, "f.status"), t(lang, "status.closed")))
    return out


def _milestone_lines(snap: Snapshot, *, lang: str, now: datetime, calendar: WorkCalendar,
                     with_items: bool) -> list[str]:
    out = []
    groups = [(m, [i for i in snap.items if snap.milestone_of.get(i.id) == m.id]) for m in snap.project.milestones]
    for milestone, items in groups:
        _, done, total = rules.progress(items)
        state = pair(lang, STATE, rules.milestone_state(milestone, items, now))
        due = milestone.due_at.astimezone(calendar.tz).strftime("%m-%d")
        out.append(t(lang, "milestone.line", name=milestone.name, due=due, done=done, total=total, state=state))
        if with_items:
            out += [_item_line(lang, i) for i in items]
    loose = [i for i in snap.items if snap.milestone_of.get(i.id) is None]
    if with_items and loose:
        if snap.project.milestones:
            out.append(t(lang, "milestone.none"))
        out += [_item_line(lang, i) for i in loose]
    return out


def _item_line(lang: str, item: Item) -> str:
    shown = f" {item.progress}%" if item.progress and item.status in rules.ACTIVE else ""
    return t(lang, "item.line", id=item.number, title=item.title, owner=at(item.owner),
             status=status_label(lang, item.kind, item.status), progress=shown)


def project_card(snap: Snapshot, *, lang: str, now: datetime, calendar: WorkCalendar,
                 issues: list[str] | None = None) -> Card:
    """/project show: goal, lead, milestones with their items and progress, what needs attention
    (with the project's open issues, as the issue log lists them)."""
    lines = _milestone_lines(snap, lang=lang, now=now, calendar=calendar, with_items=True)
    lines = (_section(lang, "s.milestones" if snap.project.milestones else "s.items", lines) if lines
             else [t(lang, "empty")])
    lines += attention(snap, lang=lang, now=now, calendar=calendar)
    lines += _section(lang, "s.issues", ["  " + line for line in issues or []])
    return Card(title=t(lang, "show.title", name=snap.project.name), fields=tuple(fields(snap, lang, calendar)),
                lines=tuple(lines))


def week_start(now: datetime, calendar: WorkCalendar) -> datetime:
    local = now.astimezone(calendar.tz)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime.combine(monday, datetime.min.time(), tzinfo=calendar.tz)


def weekly_card(snap: Snapshot, *, lang: str, now: datetime, calendar: WorkCalendar) -> Card | None:
    """The weekly project report; None for a project with no items."""
    if not snap.items:
        return None
    start = week_start(now, calendar)
    percent, done, total = rules.progress(snap.items)
    week = [i for i in snap.items if i.status == "confirmed" and i.closed_at and i.closed_at >= start]
    late = [i for i in snap.items if rules.is_late(i, now)]
    figures = t(lang, "weekly.figures", percent=percent, done=done, total=total, week=len(week), late=len(late),
                rate=rules.rate(lang, snap.items))
    lines = [figures]
    lines += _section(lang, "s.milestones", _milestone_lines(snap, lang=lang, now=now, calendar=calendar,
                                                             with_items=False))
    lines += _section(lang, "s.week_done", [_line(lang, "line.simple", i) for i in week])
    lines += attention(snap, lang=lang, now=now, calendar=calendar)
    title = t(lang, "weekly.title", name=snap.project.name, start=start.strftime("%m-%d"),
              end=now.astimezone(calendar.tz).strftime("%m-%d"))
    return Card(title=title, lines=tuple(lines))


