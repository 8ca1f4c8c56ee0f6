"""How minutes look: the card posted when they are taken, their line in a list, the whole record."""

from __future__ import annotations

from datetime import datetime

from bot.deadlines import format_deadline
from bot.directory import at
from bot.events import Button, Card, render_mentions
from bot.items.render import deadline_text, short_time
from bot.items.strings import status_label
from bot.minutes.strings import label, t
from bot.worktime import WorkCalendar
from storage.models import Item, Minutes, User

# A button per line up to this many (Slack takes 25 in a row); beyond it, /ack #N and the items' cards.
MAX_BUTTONS = 10
FIELD_ORDER = ("time", "place", "host", "recorder", "attendees", "topics", "decisions", "notes")


def plain(text: str) -> str:
    """Typed text with its mentions as plain @names: quoted back, it pings nobody."""
    return render_mentions(text, lambda user_id, name: "@" + (name or user_id))


def _fields(record: Minutes, lang: str, *, quiet: bool = False) -> tuple[tuple[str, str], ...]:
    """The field lines given; `quiet`: their mentions as plain names (a record read again pings nobody)."""
    shown = plain if quiet else (lambda text: text)
    return tuple((label(lang, name), shown(record.fields[name])) for name in FIELD_ORDER if record.fields.get(name))


def _action_line(item: Item, lang: str, calendar: WorkCalendar) -> str:
    deadline = format_deadline(item.deadline, lang=lang, calendar=calendar) if item.deadline else "—"
    standard = t(lang, "line.standard", standard=item.standard) if item.standard else ""
    return t(lang, "line", id=item.number, title=item.title, owner=at(item.owner), deadline=deadline,
             standard=standard)


def _name(user: User | None) -> str:
    """A person named without a ping (lists and records read again)."""
    return "@" + user.name if user else "—"


def posted_card(record: Minutes, items: list[Item], *, lang: str, calendar: WorkCalendar, notes: tuple[str, ...],
                confirm_days: int) -> Card:
    """The one reply to /minutes: the record, every new item #N, and how owners confirm."""
    lines = [t(lang, "actions", n=len(items)) if items else t(lang, "no_actions")]
    lines += ["· " + _action_line(item, lang, calendar) for item in items]
    lines += list(notes)
    if items:
        lines.append(t(lang, "confirm_hint", days=confirm_days))
    buttons = tuple(Button(t(lang, "b.ack", id=item.number), f"ack:{item.id}", number=item.number) for item in items[:MAX_BUTTONS])
    return Card(title=t(lang, "title", n=record.number, title=record.title), fields=_fields(record, lang),
                lines=tuple(lines), buttons=buttons)


def dispute_of(item: Item) -> str | None:
    """The reason of the owner's latest dispute, unless they confirmed the item after it."""
    for row in reversed(item.history):
        if row.action == "dispute":
            return row.note or ""
        if row.action == "ack":
            return None
    return None


def _confirmation(item: Item, lang: str, calendar: WorkCalendar) -> str:
    if item.acknowledged_at is not None:
        return t(lang, "show.confirmed", when=short_time(item.acknowledged_at, calendar))
    reason = dispute_of(item)
    return t(lang, "show.disputed", reason=reason) if reason is not None else t(lang, "show.pending")


def unconfirmed(items: list[Item]) -> list[Item]:
    """The lines whose owner has not confirmed them (closed ones need nothing more)."""
    return [i for i in items if i.acknowledged_at is None and i.status not in ("confirmed", "cancelled")]


def list_line(record: Minutes, items: list[Item], *, lang: str, calendar: WorkCalendar) -> str:
    return t(lang, "list.line", n=record.number, title=record.title, when=short_time(record.created_at, calendar),
             poster=_name(record.poster), items=len(items), pending=len(unconfirmed(items)))


def record_card(record: Minutes, items: list[Item], *, lang: str, calendar: WorkCalendar, now: datetime) -> Card:
    """/minutes show N: the whole record, every item's current state, who has not confirmed."""
    fields = _fields(record, lang, quiet=True) + ((label(lang, "poster"), t(
        lang, "show.posted", poster=_name(record.poster), when=short_time(record.created_at, calendar))),)
    lines = [t(lang, "actions", n=len(items)) if items else t(lang, "no_actions")]
    for item in items:
        lines.append("· " + t(lang, "show.line", id=item.number, title=item.title, owner=_name(item.owner),
                              deadline=deadline_text(item, lang=lang, calendar=calendar, now=now),
                              status=status_label(lang, item.kind, item.status),
                              confirmed=_confirmation(item, lang, calendar)))
    waiting = unconfirmed(items)
    if items:
        names = "、".join(dict.fromkeys(_name(i.owner) for i in waiting))
        lines.append(t(lang, "show.waiting", names=names) if waiting else t(lang, "show.all_confirmed"))
    return Card(title=t(lang, "title", n=record.number, title=record.title), fields=fields, lines=tuple(lines))
