"""Dependencies between items and the critical path (关键路径).

`/after #N #M`: N cannot really finish before M. N is at risk when something it waits for,
directly or through other unfinished items, is late or blocked, or when an item it waits
for directly is due after N itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.orm import Session, aliased

from bot.deadlines import format_deadline
from bot.projects.rules import ACTIVE, is_late
from bot.projects.strings import t
from bot.worktime import WorkCalendar
from storage.models import Item, ItemDependency, User

Edges = dict[int, list[int]]  # item id -> the ids of the items it waits for


def edges_of_chats(session: Session, chat_ids: list[int]) -> Edges:
    """Every dependency between the items of these chats, in one query."""
    out: Edges = defaultdict(list)
    if chat_ids:
        for item_id, depends_on_id in session.execute(
                select(ItemDependency.item_id, ItemDependency.depends_on_id)
                .join(Item, Item.id == ItemDependency.item_id).where(Item.chat_id.in_(chat_ids))
                .order_by(ItemDependency.id)):
            out[item_id].append(depends_on_id)
    return dict(out)


def path(edges: Edges, start: int, goal: int) -> list[int] | None:
    """The chain of waits from `start` to `goal` ([start, …, goal]), if there is one."""
    seen, stack = {start}, [[start]]
    while stack:
        chain = stack.pop()
        if chain[-1] == goal:
            return chain
        for nxt in edges.get(chain[-1], []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(chain + [nxt])
    return None


def path_ids(edges: Edges, start: int) -> list[int]:
    """`start` and every item it waits for, directly or not."""
    seen, todo = [start], [start]
    while todo:
        for nxt in edges.get(todo.pop(), []):
            if nxt not in seen:
                seen.append(nxt)
                todo.append(nxt)
    return seen


def add(session: Session, *, item: Item, depends_on: Item, by: User, now: datetime) -> None:
    session.add(ItemDependency(item_id=item.id, depends_on_id=depends_on.id, created_at=now, created_by_id=by.id))
    session.flush()


def remove(session: Session, *, item: Item, depends_on: Item) -> bool:
    return bool(cast(CursorResult[Any], session.execute(delete(ItemDependency).where(
        ItemDependency.item_id == item.id, ItemDependency.depends_on_id == depends_on.id))).rowcount)


def waits_for(session: Session, item: Item) -> list[Item]:
    """What `item` waits for directly, by number."""
    other = aliased(Item)
    return list(session.scalars(select(other).join(ItemDependency, ItemDependency.depends_on_id == other.id)
                                .where(ItemDependency.item_id == item.id).order_by(other.number)))


def neighbours(session: Session, item: Item) -> tuple[list[Item], list[Item]]:
    """(what `item` waits for, what waits for it), by number."""
    other = aliased(Item)
    waits = waits_for(session, item)
    needed = session.scalars(select(other).join(ItemDependency, ItemDependency.item_id == other.id)
                             .where(ItemDependency.depends_on_id == item.id).order_by(other.number))
    return waits, list(needed)


@dataclass(frozen=True)
class Cause:
    kind: str  # "late" | "blocked" | "later"
    item: Item  # the item that puts the other at risk
    via: Item | None = None  # the direct dependency it is reached through, when not direct


def causes(item: Item, edges: Edges, items: dict[int, Item], now: datetime) -> list[Cause]:
    """Why `item` is at risk because of what it waits for; [] when it is not (or is finished).

    `items` holds at least the chat's unfinished items; a finished one no longer holds anyone up.
    """
    if item.status not in ACTIVE:
        return []
    found: list[Cause] = []
    seen = {item.id}
    for first in edges.get(item.id, []):
        dep = items.get(first)
        if dep is None or dep.status not in ACTIVE:
            continue
        if dep.deadline and item.deadline and dep.deadline > item.deadline and not is_late(dep, now):
            found.append(Cause("later", dep))
        stack = [dep]
        while stack:
            cur = stack.pop()
            if cur.id in seen:
                continue
            seen.add(cur.id)
            via = None if cur is dep else dep
            if cur.status == "blocked":
                found.append(Cause("blocked", cur, via))
            elif is_late(cur, now):
                found.append(Cause("late", cur, via))
            stack += [items[n] for n in edges.get(cur.id, []) if n in items and items[n].status in ACTIVE]
    return found


def cause_text(lang: str, cause: Cause, now: datetime, calendar: WorkCalendar) -> str:
    dep = cause.item
    via = t(lang, "via", id=cause.via.number) if cause.via else ""
    if cause.kind == "blocked":
        return t(lang, "cause.blocked", id=dep.number, title=dep.title, reason=dep.blocker_reason or "—", via=via)
    if cause.kind == "late":
        assert dep.deadline is not None
        days = max(1, calendar.working_days_between(dep.deadline, now))
        return t(lang, "cause.late", id=dep.number, title=dep.title, days=days, via=via)
    assert dep.deadline is not None
    return t(lang, "cause.later", id=dep.number, title=dep.title,
             when=format_deadline(dep.deadline, lang=lang, calendar=calendar))


def at_risk(items: list[Item], edges: Edges, now: datetime) -> list[tuple[Item, list[Cause]]]:
    """The items of `items` at risk because of what they wait for, with why, by number."""
    by_id = {i.id: i for i in items}
    found = [(i, causes(i, edges, by_id, now)) for i in items]
    return [(i, c) for i, c in found if c]


def risk_lines(lang: str, items: list[Item], edges: Edges, now: datetime, calendar: WorkCalendar,
               skip: set[int] | None = None) -> list[tuple[Item, str]]:
    """One line per item at risk on the critical path (for digests and reports): (item, line)."""
    out = []
    for item, found in at_risk(items, edges, now):
        if skip and item.id in skip:
            continue
        glue = "；" if lang != "en" else "; "
        out.append((item, t(lang, "risk.line", id=item.number, title=item.title,
                            cause=glue.join(cause_text(lang, c, now, calendar) for c in found))))
    return out
