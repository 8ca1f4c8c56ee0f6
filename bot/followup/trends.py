"""The figures behind the weekly report's chart: what managers look at instead of a list.

- open work by state at the end of each of the last weeks (the state replayed from history, so
  a past week shows what was true then, not what is true now);
- the on-time rate of each week's confirmed items, judged as the retrospective judges it (the
  accepted /done against the deadline in force at that moment);
- overdue open items by department, now.
Pure: reads the session, renders nothing (genjin/charts.py draws it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.directory import department_of
from bot.followup.digests import ACTIVE
from bot.retro.figures import deadline_in_force
from bot.worktime import WorkCalendar
from storage.models import Item, ProjectItem

OPEN_STATES = (*ACTIVE, "done")  # "done" here: reported, waiting for the initiator's confirmation
WEEKS = 8


@dataclass(frozen=True)
class Week:
    monday: date
    by_state: dict[str, int]  # open work at the week's end (or now, for this week)
    confirmed: int  # confirmed that week, with a deadline
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.confirmed if self.confirmed else None


@dataclass(frozen=True)
class Trends:
    weeks: list[Week]  # oldest first, this week last
    overdue_by_department: list[tuple[str | None, int]]  # most first; None: no department

    @property
    def empty(self) -> bool:
        return not any(sum(w.by_state.values()) or w.confirmed for w in self.weeks) and not self.overdue_by_department


def scope_items(session: Session, *, chat_id: int | None, project_id: int | None) -> list[Item]:
    """A chat's items, or a project's (wherever they were created), with history and department."""
    query = select(Item).options(selectinload(Item.history), selectinload(Item.department),
                                 selectinload(Item.owner)).order_by(Item.id)
    if project_id is not None:
        query = query.join(ProjectItem, ProjectItem.item_id == Item.id).where(ProjectItem.project_id == project_id)
    if chat_id is not None:
        query = query.where(Item.chat_id == chat_id)
    return list(session.scalars(query))


def status_at(item: Item, moment: datetime) -> str | None:
    """The item's status at `moment` (None: not created yet)."""
    if item.created_at > moment:
        return None
    status = "open"
    for row in item.history:
        if row.at > moment:
            break
        if row.to_status:
            status = row.to_status
    return status


def _confirmed_on_time(item: Item) -> tuple[datetime, bool] | None:
    """(when confirmed, on time?) for a confirmed item that had a deadline; else None."""
    confirm = next((h for h in reversed(item.history) if h.action == "confirm"), None)
    if item.status != "confirmed" or confirm is None:
        return None
    accepted = next((h for h in reversed(item.history) if h.action == "done" and h.id < confirm.id), None)
    deadline = deadline_in_force(item, accepted.at) if accepted else None
    if accepted is None or deadline is None:
        return None
    return confirm.at, accepted.at <= deadline


def _department(session: Session, item: Item, found: dict[int, str | None]) -> str | None:
    """The department an item counts for: the one asked, else its owner's own."""
    if item.department is not None:
        return item.department.name
    if item.owner is None:
        return None
    if item.owner.id not in found:
        dept = department_of(session=session, user=item.owner)
        found[item.owner.id] = dept.name if dept else None
    return found[item.owner.id]


def compute(session: Session, items: list[Item], *, now: datetime, calendar: WorkCalendar,
            weeks: int = WEEKS) -> Trends:
    today = now.astimezone(calendar.tz).date()
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    if items:  # no empty weeks from before the first item: a new team's chart starts with it
        first = min(i.created_at for i in items).astimezone(calendar.tz).date()
        mondays = [m for m in mondays if m + timedelta(days=7) > first] or mondays[-1:]
    judged = [j for j in (_confirmed_on_time(i) for i in items) if j is not None]
    out = []
    for monday in mondays:
        start = datetime.combine(monday, time.min, tzinfo=calendar.tz)
        end = min(start + timedelta(weeks=1), now)
        states = Counter(s for s in (status_at(i, end) for i in items) if s in OPEN_STATES)
        week = [on_time for at, on_time in judged if start <= at < end]
        out.append(Week(monday=monday, by_state={s: states[s] for s in OPEN_STATES}, confirmed=len(week),
                        on_time=sum(week)))
    owners: dict[int, str | None] = {}
    overdue = Counter(_department(session, i, owners) for i in items
                      if i.status in ACTIVE and i.deadline is not None and i.deadline < now)
    return Trends(weeks=out, overdue_by_department=sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0] or "")))
