"""How an item looks: its card, its one-line summary, its history."""

from __future__ import annotations

from datetime import datetime

from bot.deadlines import format_deadline
from bot.directory import at
from bot.events import Button, Card
from bot.items import roles
from bot.items.strings import KIND, RISK, URGENCY, T, pair, status_label, t
from bot.worktime import WorkCalendar
from storage.models import Item, ItemEvent

OPEN_STATUSES = ("open", "in_progress", "blocked", "done")


def short_time(dt: datetime, calendar: WorkCalendar) -> str:
    return dt.astimezone(calendar.tz).strftime("%Y-%m-%d %H:%M")


def deadline_text(item: Item, *, lang: str, calendar: WorkCalendar, now: datetime) -> str:
    if item.deadline is None:
        return t(lang, "no_deadline", id=item.number)
    text = format_deadline(item.deadline, lang=lang, calendar=calendar)
    if item.status in OPEN_STATUSES and item.status != "done" and item.deadline < now:
        text += t(lang, "overdue_suffix")
    return text


def buttons_for(item: Item, lang: str) -> tuple[Button, ...]:
    """The next steps, as buttons; the core checks who pressed them."""
    if item.status == "open":
        return (Button(t(lang, "b.ack"), f"ack:{item.id}", "primary", item.number),
                Button(t(lang, "b.done"), f"done:{item.id}", number=item.number))
    if item.status in ("in_progress", "blocked"):
        return (Button(t(lang, "b.done"), f"done:{item.id}", "primary", item.number),)
    if item.status == "done":
        return (
            Button(t(lang, "b.confirm"), f"confirm:{item.id}", "primary", item.number),
            Button(t(lang, "b.reject"), f"reject:{item.id}", "danger", item.number),
        )
    return ()


def item_card(item: Item, *, lang: str, calendar: WorkCalendar, now: datetime, lines: tuple[str, ...] = ()) -> Card:
    """The card that stands for the item in the chat; re-rendered in place on each change."""
    kind = pair(lang, KIND, item.kind)
    title = f"#{item.number} {kind}：{item.title}" if lang != "en" else f"#{item.number} {kind}: {item.title}"
    who = "f.counterpart" if item.kind == "request" else "f.owner"
    fields: list[tuple[str, str]] = []
    if item.department is not None:
        fields.append((t(lang, "f.department"), item.department.name))
    fields += [
        (t(lang, who), at(item.owner)),
        (t(lang, "f.initiator"), at(item.initiator)),
        *([(t(lang, "f.approver"), at(item.approver))] if item.approver else []),
        *roles.card_fields(lang, item),
        (t(lang, "f.deadline"), deadline_text(item, lang=lang, calendar=calendar, now=now)),
        (t(lang, "f.status"), status_label(lang, item.kind, item.status)),
    ]
    if item.urgency != "normal":
        fields.append((t(lang, "f.urgency"), pair(lang, URGENCY, item.urgency)))
    if item.progress and item.status not in ("confirmed", "cancelled"):
        fields.append((t(lang, "f.progress"), f"{item.progress}%"))
    fields += [(t(lang, f"f.{name}"), value) for name in ("goal", "partners", "channel")
               if (value := getattr(item, name))]
    if item.standard:
        fields.append((t(lang, "f.standard"), item.standard))
    elif item.kind == "action":
        fields.append((t(lang, "f.standard"), t(lang, "standard_missing", id=item.number)))
    if item.risk != "normal":
        fields.append((t(lang, "f.risk"), pair(lang, RISK, item.risk)))
    if item.status == "blocked" and item.blocker_reason:
        fields.append((t(lang, "f.blocker"), item.blocker_reason))
        if item.blocker_eta:
            fields.append((t(lang, "f.blocker_eta"), format_deadline(item.blocker_eta, lang=lang, calendar=calendar)))
    if item.rework_count:
        fields.append((t(lang, "f.rework"), str(item.rework_count)))
    note = next((row.note for row in item.history if row.action == "created"), None)
    if note:  # words typed at creation that fit no field: shown, never dropped
        fields.append((t(lang, "f.note"), note))
    return Card(title=title, fields=tuple(fields), lines=lines, buttons=buttons_for(item, lang))


def summary_line(item: Item, *, lang: str, calendar: WorkCalendar, now: datetime) -> str:
    return t(
        lang, "list.line", id=item.number, title=item.title, owner=at(item.owner),
        deadline=deadline_text(item, lang=lang, calendar=calendar, now=now) if item.deadline else "—",
        status=status_label(lang, item.kind, item.status),
    )


def _history_note(row: ItemEvent, *, lang: str, calendar: WorkCalendar) -> str | None:
    """The row's detail in the reader's language: dates and risk levels are stored as data."""
    data = row.data or {}
    fmt = lambda iso: format_deadline(datetime.fromisoformat(iso), lang=lang, calendar=calendar) if iso else "—"  # noqa: E731
    if row.action == "created":  # its note, if any, is a field of the card above the history
        return fmt(data["deadline"]) if data.get("deadline") else None
    if row.action in ("extend", "propose") and "new" in data:
        said = f"{fmt(data.get('old'))} → {fmt(data['new'])}: {data.get('reason', '')}"
        if data.get("proposed_by"):  # approved: whose proposal it was
            said += t(lang, "h.proposed_by", who="@" + data["proposed_by"])
        if row.action == "propose" and data.get("late"):
            said += t(lang, "h.late", n=data.get("notice", 2))
        return said
    if row.action == "decline" and "new" in data:
        return f"→ {fmt(data['new'])}" + t(lang, "h.proposed_by", who="@" + str(data.get("proposed_by"))) + (
            f": {row.note}" if row.note else "")
    if row.action == "reassign" and data.get("to_name"):
        return f"{data.get('from_name') or '—'} → {data['to_name']}" + (f": {row.note}" if row.note else "")
    if row.action == "risk" and data.get("risk"):
        return " ".join(filter(None, (pair(lang, RISK, data["risk"]), row.note)))
    return row.note


def history_note(row: ItemEvent, *, lang: str, calendar: WorkCalendar) -> str | None:
    """A history row's detail in the reader's language (the card's history and exports show it)."""
    return _history_note(row, lang=lang, calendar=calendar)


def history_line(row: ItemEvent, *, lang: str, calendar: WorkCalendar) -> str:
    key = f"h.{row.action}"
    action = t(lang, key) if key in T else row.action
    parts = [short_time(row.at, calendar), at(row.actor) if row.actor else "Genjin", action]
    note = _history_note(row, lang=lang, calendar=calendar)
    if note:
        parts.append(note)
    if (row.data or {}).get("via") == "bitable":
        parts.append(t(lang, "h.via_bitable"))
    return " · ".join(parts)
