"""The daily digest (日报) of one chat, and what the digests share.

The daily digest covers everything since the previous one (Friday's progress shows on
Monday): what moved, what is due, what is stuck. It is skipped only when there is none
of these.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.deadlines import format_deadline
from bot.directory import at
from bot.events import Card
from bot.followup.strings import t
from bot.items.strings import T as ITEM_T
from bot.projects import critical
from bot.worktime import WorkCalendar
from storage.models import Chat, Item, ItemEvent, Reminder

ACTIVE = ("open", "in_progress", "blocked")
SECTION_LIMIT = 10
# What people did that counts as "moved" (the bot's own reminders do not).
MOVED = ("ack", "progress", "block", "done", "confirm", "reject", "extend", "reassign", "risk", "cancel",
         "standard", "propose", "decline", "note")


def days_late(item: Item, now: datetime, calendar: WorkCalendar) -> int:
    """Whole working days past the deadline (at least 1 once it has passed).

    The same count the escalation rule uses, so a digest and an escalation agree.
    """
    return max(1, calendar.working_days_between(item.deadline, now))


def section(lang: str, key: str, lines: list[str]) -> list[str]:
    if not lines:
        return []
    shown = lines[:SECTION_LIMIT]
    if len(lines) > SECTION_LIMIT:
        shown.append(t(lang, "more", n=len(lines) - SECTION_LIMIT))
    return [f"【{t(lang, key)}】" if lang != "en" else f"*{t(lang, key)}*", *shown]


def line(lang: str, key: str, item: Item, **kw) -> str:
    return t(lang, key, id=item.number, title=item.title, owner=at(item.owner), **kw)


def chat_items(session: Session, chat: Chat, *extra) -> list[Item]:
    # Owners in one more query, not one per line: a digest costs the same few statements at any size.
    return list(session.scalars(select(Item).where(Item.chat_id == chat.id, *extra).order_by(Item.number)
                                .options(selectinload(Item.owner))))


def history_since(session: Session, chat: Chat, since: datetime, actions: tuple[str, ...],
                  until: datetime | None = None) -> list[ItemEvent]:
    """What people did to the chat's items since `since` (the bot's own rows left out), oldest first."""
    window = [ItemEvent.at > since] + ([ItemEvent.at <= until] if until else [])
    return list(session.scalars(
        select(ItemEvent).join(Item).where(Item.chat_id == chat.id, *window,
                                           ItemEvent.actor_id.is_not(None), ItemEvent.action.in_(actions))
        .order_by(ItemEvent.id).options(selectinload(ItemEvent.item))))


def previous_daily(session: Session, chat: Chat, before: datetime) -> datetime | None:
    """When the chat's last daily digest was due (sent, or skipped for having nothing): its `at`."""
    return session.scalar(select(func.max(Reminder.at)).where(
        Reminder.chat_id == chat.id, Reminder.kind == "daily", Reminder.at < before))


def _what(lang: str, row: ItemEvent) -> str:
    label = ITEM_T[f"h.{row.action}"][1 if lang == "en" else 0]
    data = row.data or {}
    if row.action == "extend" and data.get("new"):
        return f"{label} → {datetime.fromisoformat(data['new']):%m-%d}" + (f" {row.note}" if row.note else "")
    if row.action == "propose" and data.get("new"):  # a deadline change asked for, not yet in force
        late = t(lang, "flag.late_proposal", n=data.get("notice", 2)) if data.get("late") else ""
        return f"{label} → {datetime.fromisoformat(data['new']):%m-%d}{late}" + (f" {row.note}" if row.note else "")
    return label + (f" {row.note}" if row.note else "")


def moved_lines(lang: str, rows: list[ItemEvent]) -> list[str]:
    """One line per item: everything that happened to it, in order."""
    per_item: dict[int, list[ItemEvent]] = defaultdict(list)
    for row in rows:
        per_item[row.item_id].append(row)
    glue = "；" if lang != "en" else "; "
    return [t(lang, "line.moved", id=done[0].item.number, title=done[0].item.title,
              what=glue.join(_what(lang, r) for r in done)) for done in per_item.values()]


def overdue_and_blocked(lang, items, now, calendar):
    overdue = [i for i in items if i.status in ACTIVE and i.deadline and i.deadline <= now]
    blocked = [i for i in items if i.status == "blocked" and i not in overdue]
    return (
        [line(lang, "line.overdue", i, days=days_late(i, now, calendar)) for i in overdue],
        [line(lang, "line.blocked", i, reason=i.blocker_reason or "—") for i in blocked],
    )


def page_items(session: Session, chat_ids: list[int], *extra) -> dict[int, list[Item]]:
    """`chat_items` for many chats in one query (and one for the owners): chat id -> its items."""
    out: dict[int, list[Item]] = {c: [] for c in chat_ids}
    if chat_ids:
        for item in session.scalars(select(Item).where(Item.chat_id.in_(chat_ids), *extra)
                                    .order_by(Item.chat_id, Item.number).options(selectinload(Item.owner))):
            out[item.chat_id].append(item)
    return out


def page_history(session: Session, chat_ids: list[int], since: datetime, actions: tuple[str, ...],
                 until: datetime | None = None) -> dict[int, list[ItemEvent]]:
    """`history_since` for many chats in one query (and one for the rows' items): chat id -> its rows."""
    out: dict[int, list[ItemEvent]] = {c: [] for c in chat_ids}
    if chat_ids:
        window = [ItemEvent.at > since] + ([ItemEvent.at <= until] if until else [])
        for chat_id, row in session.execute(
                select(Item.chat_id, ItemEvent).join(Item, ItemEvent.item_id == Item.id)
                .where(Item.chat_id.in_(chat_ids), *window, ItemEvent.actor_id.is_not(None),
                       ItemEvent.action.in_(actions))
                .order_by(ItemEvent.id).options(selectinload(ItemEvent.item))):
            out[chat_id].append(row)
    return out


def previous_dailies(session: Session, chat_ids: list[int], before: datetime) -> dict[int, datetime]:
    """`previous_daily` for many chats in one query: chat id -> when its last daily digest was due."""
    if not chat_ids:
        return {}
    return {chat_id: when for chat_id, when in session.execute(
        select(Reminder.chat_id, func.max(Reminder.at)).where(
            Reminder.chat_id.in_(chat_ids), Reminder.kind == "daily", Reminder.at < before)
        .group_by(Reminder.chat_id)) if when is not None}


def daily_items_filter(as_of: datetime) -> tuple:
    return Item.status.in_((*ACTIVE, "done")), Item.created_at <= as_of


def daily(*, session: Session, chat: Chat, now: datetime, lang: str, calendar: WorkCalendar,
          as_of: datetime | None = None, since: datetime | None = None) -> Card | None:
    """What moved since the previous digest, what is due, what is stuck; None when there is nothing.

    `as_of` (the digest's scheduled time) leaves out items created after it: a chat's
    first items at 10:00 don't call for the 09:30 digest late, a restart's backlog does.
    `since`: the previous digest (default: the last one on record, else a day ago).
    """
    since = since or previous_daily(session, chat, as_of or now) or now - timedelta(days=1)
    items = chat_items(session, chat, *daily_items_filter(as_of or now))
    moved = history_since(session, chat, since, MOVED, as_of or now)
    return daily_card(items=items, moved_rows=moved, since=since, now=now, lang=lang, calendar=calendar,
                      edges=critical.edges_of_chats(session, [chat.id]))


def daily_card(*, items: list[Item], moved_rows: list[ItemEvent], since: datetime, now: datetime, lang: str,
               calendar: WorkCalendar, edges: critical.Edges | None = None) -> Card | None:
    """The daily digest from what was loaded: the chat's items (by number) and its moved rows (by id).

    `edges`: the dependencies between items (projects' critical path), to say who is at risk because of whom.
    """
    overdue, blocked = overdue_and_blocked(lang, items, now, calendar)
    horizon = calendar.end_of_working_day(calendar.next_working_day(now.astimezone(calendar.tz).date()))
    fmt = lambda d: format_deadline(d, lang=lang, calendar=calendar)  # noqa: E731
    due_soon = [line(lang, "line.due", i, deadline=fmt(i.deadline)) for i in items
                if i.status in ACTIVE and i.deadline and now < i.deadline <= horizon]
    awaiting = [line(lang, "line.simple", i) for i in items if i.status == "done"]
    unanswered = [line(lang, "line.simple", i) for i in items
                  if i.kind == "request" and i.status == "open" and i.acknowledged_at is None]
    moved = moved_lines(lang, moved_rows)
    chained = [text for _, text in critical.risk_lines(lang, items, edges or {}, now, calendar)]
    if not (overdue or due_soon or blocked or awaiting or unanswered or moved or chained):
        return None
    lines = (section(lang, "s.moved", moved) + section(lang, "s.overdue", overdue)
             + section(lang, "s.due_soon", due_soon) + section(lang, "s.blocked", blocked)
             + section(lang, "s.critical", chained)
             + section(lang, "s.awaiting", awaiting) + section(lang, "s.unanswered", unanswered))
    day = now.astimezone(calendar.tz).strftime("%Y-%m-%d")
    local_since = since.astimezone(calendar.tz).strftime("%m-%d %H:%M")
    return Card(title=t(lang, "daily.title", date=day), lines=(t(lang, "daily.since", since=local_since), *lines))
