"""The daily digest (日报) and the weekly report (周报) of one chat."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.deadlines import format_deadline
from bot.directory import at
from bot.events import Card
from bot.followup.strings import t
from bot.items.strings import T as ITEM_T
from bot.worktime import WorkCalendar
from storage.models import Chat, Item, ItemEvent

ACTIVE = ("open", "in_progress", "blocked")
SECTION_LIMIT = 10


def days_late(item: Item, now: datetime, calendar: WorkCalendar) -> int:
    """Whole working days past the deadline (at least 1 once it has passed).

    The same count the escalation rule uses, so a digest and an escalation agree.
    """
    return max(1, calendar.working_days_between(item.deadline, now))


def _section(lang: str, key: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    shown = lines[:SECTION_LIMIT]
    if len(lines) > SECTION_LIMIT:
        shown.append(t(lang, "more", n=len(lines) - SECTION_LIMIT))
    return [f"【{t(lang, key)}】" if lang != "en" else f"*{t(lang, key)}*", *shown]


def _line(lang: str, key: str, item: Item, **kw) -> str:
    return t(lang, key, id=item.id, title=item.title, owner=at(item.owner), **kw)


def _chat_items(session: Session, chat: Chat, *extra) -> list[Item]:
    # Owners in one more query, not one per line: a digest costs the same few statements at any size.
    return list(session.scalars(select(Item).where(Item.chat_id == chat.id, *extra).order_by(Item.id)
                                .options(selectinload(Item.owner))))


def _overdue_and_blocked(lang, items, now, calendar):
    overdue = [i for i in items if i.status in ACTIVE and i.deadline and i.deadline <= now]
    blocked = [i for i in items if i.status == "blocked"]
    return (
        [_line(lang, "line.overdue", i, days=days_late(i, now, calendar)) for i in overdue],
        [_line(lang, "line.blocked", i, reason=i.blocker_reason or "—") for i in blocked],
    )


def daily(*, session: Session, chat: Chat, now: datetime, lang: str, calendar: WorkCalendar,
          as_of: datetime | None = None) -> Card | None:
    """What moved, what is due, what is stuck; None when nothing needs anyone's action.

    `as_of` (the digest's scheduled time) leaves out items created after it: a chat's
    first items at 10:00 don't call for the 09:30 digest late, a restart's backlog does.
    """
    items = _chat_items(session, chat, Item.status.in_((*ACTIVE, "done")), Item.created_at <= (as_of or now))
    overdue, blocked = _overdue_and_blocked(lang, items, now, calendar)
    horizon = calendar.end_of_working_day(calendar.next_working_day(now.astimezone(calendar.tz).date()))
    fmt = lambda d: format_deadline(d, lang=lang, calendar=calendar)  # noqa: E731
    due_soon = [_line(lang, "line.due", i, deadline=fmt(i.deadline)) for i in items
                if i.status in ACTIVE and i.deadline and now < i.deadline <= horizon]
    awaiting = [_line(lang, "line.simple", i) for i in items if i.status == "done"]
    unanswered = [_line(lang, "line.simple", i) for i in items
                  if i.kind == "request" and i.status == "open" and i.acknowledged_at is None]
    if not (overdue or due_soon or blocked or awaiting or unanswered):
        return None
    moved_rows = session.scalars(
        select(ItemEvent).join(Item).where(Item.chat_id == chat.id, ItemEvent.at > now - timedelta(days=1),
                                           ItemEvent.action.in_(("progress", "done", "confirm", "block")))
        .order_by(ItemEvent.id).options(selectinload(ItemEvent.item))
    ).all()
    moved = [t(lang, "line.moved", id=r.item.id, title=r.item.title,
               what=(ITEM_T[f"h.{r.action}"][1 if lang == "en" else 0] + (f" {r.note}" if r.note else "")))
             for r in moved_rows]
    lines = (_section(lang, "s.overdue", overdue) + _section(lang, "s.due_soon", due_soon)
             + _section(lang, "s.blocked", blocked) + _section(lang, "s.awaiting", awaiting)
             + _section(lang, "s.unanswered", unanswered) + _section(lang, "s.moved", moved))
    day = now.astimezone(calendar.tz).strftime("%Y-%m-%d")
    return Card(title=t(lang, "daily.title", date=day), lines=tuple(lines))


def weekly(*, session: Session, chat: Chat, now: datetime, lang: str, calendar: WorkCalendar) -> Card | None:
    """The week's figures and lists for the group and its managers; None for an empty chat."""
    local = now.astimezone(calendar.tz)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, datetime.min.time(), tzinfo=calendar.tz)
    items = _chat_items(session, chat, or_(Item.status.in_((*ACTIVE, "done")), Item.closed_at >= start))
    if not items:
        return None
    completed = [i for i in items if i.status == "confirmed" and i.closed_at and i.closed_at >= start]
    with_deadline = [i for i in completed if i.deadline]
    on_time = [i for i in with_deadline if i.done_at and i.done_at <= i.deadline]
    rate = f"{100 * len(on_time) / len(with_deadline):.0f}%" if with_deadline else t(lang, "rate_none")
    reworks = session.query(ItemEvent).join(Item).where(
        Item.chat_id == chat.id, ItemEvent.action == "reject", ItemEvent.at >= start).count()
    overdue, blocked = _overdue_and_blocked(lang, items, now, calendar)
    active = [i for i in items if i.status in ACTIVE]
    risks = [_line(lang, "line.simple", i) for i in active if i.risk == "high" and i.status != "blocked"]
    awaiting = [_line(lang, "line.simple", i) for i in items if i.status == "done"]
    coordination = [_line(lang, "line.simple", i) for i in items
                    if i.kind == "request" and i.status == "open" and i.acknowledged_at is None]
    figures = t(lang, "figures", done=len(completed), rate=rate, rework=reworks,
                open=len(active), late=len(overdue))
    lines = ([figures] + _section(lang, "s.completed", [_line(lang, "line.simple", i) for i in completed])
             + _section(lang, "s.in_progress", [_line(lang, "line.progress", i, progress=i.progress)
                                                for i in active if i.status == "in_progress"])
             + _section(lang, "s.overdue", overdue) + _section(lang, "s.blocked", blocked)
             + _section(lang, "s.risks", risks) + _section(lang, "s.awaiting", awaiting)
             + _section(lang, "s.coordination", coordination))
    end = local.date()
    return Card(title=t(lang, "weekly.title", start=monday.strftime("%m-%d"), end=end.strftime("%m-%d")),
                lines=tuple(lines))
