"""The weekly report (周报): to the group and its managers.

Figures (completed, on-time rate, rework), then the items that need someone: late ones with
their reasons, those needing coordination, risks, deadline changes with their reasons, work
awaiting confirmation, completed work, items nobody touched all week. An item appears once,
in the first section that fits it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.events import Card
from bot.followup.digests import ACTIVE, chat_items, days_late, history_since, line, section
from bot.followup.strings import t
from bot.projects import critical
from bot.worktime import WorkCalendar
from storage.models import Chat, Item, ItemEvent

# What counts as someone touching an item (the bot's reminders do not).
TOUCHED = ("ack", "progress", "block", "done", "confirm", "reject", "extend", "reassign", "risk", "cancel",
           "standard", "snooze", "created", "reject_reason", "propose", "decline", "note")


def _late_reason(lang: str, item: Item, rows: list[ItemEvent]) -> str:
    """Why a late item is late, as people said it: the blocker, else the latest risk or extension note."""
    if item.blocker_reason:
        return item.blocker_reason
    said = [r.note for r in rows if r.item_id == item.id and r.action in ("block", "risk", "extend") and r.note]
    return said[-1] if said else t(lang, "reason_none")


def weekly(*, session: Session, chat: Chat, now: datetime, lang: str, calendar: WorkCalendar) -> Card | None:
    """The week's figures and lists; None for a chat with nothing open and nothing closed this week."""
    local = now.astimezone(calendar.tz)
    monday = local.date() - timedelta(days=local.weekday())
    start = datetime.combine(monday, datetime.min.time(), tzinfo=calendar.tz)
    items = chat_items(session, chat, or_(Item.status.in_((*ACTIVE, "done")), Item.closed_at >= start))
    if not items:
        return None
    rows = history_since(session, chat, start, TOUCHED)
    all_rows = list(session.scalars(select(ItemEvent).where(
        ItemEvent.item_id.in_([i.id for i in items]), ItemEvent.actor_id.is_not(None)).order_by(ItemEvent.id)))
    completed = [i for i in items if i.status == "confirmed" and i.closed_at and i.closed_at >= start]
    with_deadline = [i for i in completed if i.deadline]
    on_time = [i for i in with_deadline if i.done_at and i.deadline and i.done_at <= i.deadline]
    rate = f"{100 * len(on_time) / len(with_deadline):.0f}%" if with_deadline else t(lang, "rate_none")
    reworks = sum(1 for r in rows if r.action == "reject")
    active = [i for i in items if i.status in ACTIVE]
    late = [i for i in active if i.deadline and i.deadline <= now]
    listed: set[int] = set()
    # Items whose deadline moved more than once (ever) are flagged wherever they are listed.
    moves = Counter(r.item_id for r in all_rows if r.action == "extend")

    def flag(item_id: int, text: str) -> str:
        return text + t(lang, "flag.moved_often", n=moves[item_id]) if moves[item_id] > 1 else text

    # Items at risk because of what they wait for (projects' dependencies): said with the cause.
    chained = critical.risk_lines(lang, items, critical.edges_of_chats(session, [chat.id]), now, calendar)
    chained_text = {i.id: text for i, text in chained}

    def take(candidates: list[Item], render) -> list[str]:
        out = [flag(i.id, render(i)) for i in candidates if i.id not in listed]
        listed.update(i.id for i in candidates)
        return out

    sections = [
        ("s.late", take(late, lambda i: line(lang, "line.late", i, days=days_late(i, now, calendar),
                                              reason=_late_reason(lang, i, all_rows)))),
        ("s.coordination", take(
            [i for i in active if i.status == "blocked"
             or (i.kind == "request" and i.status == "open" and i.acknowledged_at is None)],
            lambda i: line(lang, "line.blocked", i, reason=i.blocker_reason) if i.status == "blocked"
            else line(lang, "line.unanswered", i))),
        ("s.critical", take([i for i, _ in chained], lambda i: chained_text[i.id])),
        ("s.risks", take([i for i in active if i.risk == "high"], lambda i: line(lang, "line.simple", i))),
        ("s.changed", _changes(lang, [r for r in rows if r.action == "extend" and r.item_id not in listed], calendar,
                               flag)),
    ]
    listed.update(r.item_id for r in rows if r.action == "extend")
    sections += [
        ("s.awaiting", take([i for i in items if i.status == "done"], lambda i: line(lang, "line.simple", i))),
        ("s.completed", take(completed, lambda i: line(lang, "line.simple", i))),
        ("s.untouched", take([i for i in active if i.created_at < start
                              and not any(r.item_id == i.id for r in rows)],
                             lambda i: line(lang, "line.simple", i))),
        ("s.in_progress", take([i for i in active if i.status == "in_progress"],
                               lambda i: line(lang, "line.progress", i, progress=i.progress))),
    ]
    figures = t(lang, "figures", done=len(completed), rate=rate, rework=reworks, open=len(active), late=len(late))
    lines = [figures]
    for key, found in sections:
        lines += section(lang, key, found)
    return Card(title=t(lang, "weekly.title", start=monday.strftime("%m-%d"), end=local.date().strftime("%m-%d")),
                lines=tuple(lines))


def _changes(lang: str, rows: list[ItemEvent], calendar: WorkCalendar, flag=lambda _id, text: text) -> list[str]:
    """One line per item whose deadline moved this week: first → last, with every reason."""
    per_item: dict[int, list[ItemEvent]] = {}
    for row in rows:
        per_item.setdefault(row.item_id, []).append(row)

    def day(iso: str | None) -> str:
        return datetime.fromisoformat(iso).astimezone(calendar.tz).strftime("%m-%d") if iso else "—"

    glue = "；" if lang != "en" else "; "
    return [flag(moves[0].item_id, line(lang, "line.changed", moves[0].item, old=day((moves[0].data or {}).get("old")),
                                        new=day((moves[-1].data or {}).get("new")),
                                        reason=glue.join((m.data or {}).get("reason") or m.note or "—" for m in moves)))
            for moves in per_item.values()]
