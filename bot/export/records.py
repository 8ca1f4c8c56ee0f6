"""What an export holds: a chat's (or a project's) records as tables of plain values.

Each table is one record type (items, their history, minutes, issues, retrospective notes) with
headers in the reader's language and cells that are text, numbers, or local (naive) dates and
times, so a workbook can keep real dates. Only tables with rows are returned. File formats are
the shell's business (genjin/export); this module only reads storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.context import calendar_for
from bot.events import render_mentions
from bot.export.strings import headers, label, record_name
from bot.issues.strings import SEVERITY
from bot.items import strings as item_strings
from bot.items.render import history_note
from bot.minutes.parse import FIELDS
from bot.worktime import CalendarConfig, WorkCalendar
from storage.models import (
    Chat,
    Department,
    DepartmentMember,
    Issue,
    Item,
    ItemEvent,
    Minutes,
    Project,
    ProjectItem,
    RetroNote,
    User,
)

Cell = str | int | date | datetime | None
# Changes to what was agreed (调整说明); every other history row is a follow-up record (跟进记录).
ADJUSTMENTS = frozenset({"extend", "reassign", "propose", "approve", "decline", "standard", "raci"})
RECORD_TYPES = ("items", "history", "minutes", "issues", "retro")


@dataclass(frozen=True)
class Scope:
    """What to export: one chat (DB id), one project (DB id), or everything; records since a day."""

    chat_id: int | None = None
    project_id: int | None = None
    since: date | None = None


@dataclass
class Table:
    record: str  # one of RECORD_TYPES
    title: str  # its name in the reader's language (sheet name, file name part)
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def plain(text: str | None) -> str:
    """Text as people read it: a mention token becomes @name (typed markup stays text)."""
    return render_mentions(text or "", lambda uid, name: "@" + (name or uid))


def who(user: User | None) -> str:
    """A person's name (no "@": a spreadsheet would read "@name" as a formula)."""
    return (user.name or user.user_id) if user is not None else ""


def chats_in(session: Session, scope: Scope) -> list[Chat]:
    """The chats a scope covers: the project's, the one named, or every chat."""
    if scope.project_id is not None:
        project = session.get(Project, scope.project_id)
        return [project.chat] if project is not None else []
    if scope.chat_id is not None:
        chat = session.get(Chat, scope.chat_id)
        return [chat] if chat is not None else []
    return list(session.scalars(select(Chat).order_by(Chat.id)))


def owner_name(chat: Chat, project: Project | None) -> str:
    """What the archive is named after: the project, else the chat's name, else its platform id."""
    return project.name if project is not None else (chat.name or chat.chat_id)


def tz_of(chat: Chat, default: str) -> str:
    return (chat.settings or {}).get("timezone") or default


class _Reader:
    """One chat's records within a scope, read once and shaped into tables."""

    def __init__(self, session: Session, *, chat: Chat, project: Project | None, since: date | None,
                 lang: str, tz: str) -> None:
        self.session, self.chat, self.project, self.lang = session, chat, project, lang
        self.calendar: WorkCalendar = calendar_for(CalendarConfig(timezone=tz))
        self.zone = ZoneInfo(tz)
        self.since = datetime.combine(since, time.min, tzinfo=self.zone) if since else None

    def local(self, moment: datetime | None) -> datetime | None:
        """A stored instant as the chat's wall-clock time (Excel has no time zones)."""
        return moment.astimezone(self.zone).replace(tzinfo=None, microsecond=0) if moment else None

    def items(self) -> list[Item]:
        query = select(Item).where(Item.chat_id == self.chat.id).options(  # a few queries, not a few per item
            selectinload(Item.history).selectinload(ItemEvent.actor), selectinload(Item.owner),
            selectinload(Item.initiator), selectinload(Item.approver), selectinload(Item.department))
        if self.project is not None:
            query = query.join(ProjectItem, ProjectItem.item_id == Item.id).where(
                ProjectItem.project_id == self.project.id)
        if self.since is not None:
            query = query.where(Item.updated_at >= self.since)  # created or changed since
        return list(self.session.scalars(query.order_by(Item.number)))

    def projects_of(self, items: list[Item]) -> dict[int, str]:
        ids = [i.id for i in items]
        if not ids:
            return {}
        rows = self.session.execute(select(ProjectItem.item_id, Project.name).join(
            Project, Project.id == ProjectItem.project_id).where(ProjectItem.item_id.in_(ids)))
        return {item_id: name for item_id, name in rows}

    def departments_of(self, user_ids: Iterable[int]) -> dict[int, str]:
        """Each person's department (the first they belong to), for the requesting department."""
        ids = sorted(set(user_ids))
        if not ids:
            return {}
        heads: list[tuple[int | None, str]] = [(r[0], r[1]) for r in self.session.execute(
            select(Department.head_id, Department.name).where(
                Department.head_id.in_(ids), Department.platform == self.chat.platform))]
        rows: list[tuple[int | None, str]] = [(r[0], r[1]) for r in self.session.execute(
            select(DepartmentMember.user_id, Department.name).join(Department)
            .where(DepartmentMember.user_id.in_(ids), Department.platform == self.chat.platform)
            .order_by(DepartmentMember.id))]
        found: dict[int, str] = {}
        for user_id, name in [*heads, *rows]:
            if user_id is not None:
                found.setdefault(user_id, name)
        return found

    def item_table(self, items: list[Item]) -> Table:
        lang, pair = self.lang, item_strings.pair
        projects = self.projects_of(items)
        departments = self.departments_of(i.initiator_id for i in items)
        table = Table("items", record_name(lang, "items"), headers(lang, "items"))
        for item in items:
            confirmations = [label(lang, "confirmed_by", who=who(row.actor),
                                   at=f"{self.local(row.at):%Y-%m-%d %H:%M}")
                             for row in item.history if row.action == "confirm"]
            table.rows.append([
                f"#{item.number}", pair(lang, item_strings.KIND, item.kind), projects.get(item.id, ""),
                departments.get(item.initiator_id, ""), item.department.name if item.department else "",
                plain(item.goal), plain(item.title), who(item.initiator), who(item.owner), who(item.approver),
                plain(item.partners), plain(item.standard),
                pair(lang, item_strings.URGENCY, item.urgency) if item.urgency in item_strings.URGENCY else "",
                plain(item.channel), self.local(item.created_at), self.local(item.deadline),
                item_strings.status_label(lang, item.kind, item.status), item.progress,
                pair(lang, item_strings.RISK, item.risk) if item.risk in item_strings.RISK else item.risk,
                plain(item.blocker_reason), self.local(item.blocker_eta), self.local(item.done_at),
                "\n".join(confirmations), item.rework_count, self.local(item.closed_at),
            ])
        return table

    def history_table(self, items: list[Item]) -> Table:
        lang = self.lang
        table = Table("history", record_name(lang, "history"), headers(lang, "history"))
        rows: list[tuple[datetime, int, Item, ItemEvent]] = [
            (row.at, row.id, item, row) for item in items for row in item.history
            if self.since is None or row.at >= self.since]
        def status(kind: str, value: str | None) -> str:
            return item_strings.status_label(lang, kind, value) if value in item_strings.STATUS else (value or "")

        for _at, _id, item, row in sorted(rows, key=lambda r: (r[2].number, r[0], r[1])):
            action_key = f"h.{row.action}"
            table.rows.append([
                f"#{item.number}", plain(item.title),
                label(lang, "adjustment" if row.action in ADJUSTMENTS else "follow_up"), self.local(row.at),
                who(row.actor) or "Genjin",
                item_strings.t(lang, action_key) if action_key in item_strings.T else row.action,
                status(item.kind, row.from_status), status(item.kind, row.to_status),
                plain(history_note(row, lang=lang, calendar=self.calendar)),
            ])
        return table

    def minutes_table(self, items: list[Item]) -> Table:
        query = select(Minutes).where(Minutes.chat_id == self.chat.id)
        if self.project is not None:
            query = query.where(Minutes.id.in_([i.minutes_id for i in items if i.minutes_id]))
        if self.since is not None:
            query = query.where(Minutes.created_at >= self.since)
        found = list(self.session.scalars(query.order_by(Minutes.number)))
        actions: dict[int, list[str]] = {}
        if found:
            for item in self.session.scalars(select(Item).where(Item.minutes_id.in_([m.id for m in found]))
                                             .order_by(Item.number)):
                actions.setdefault(item.minutes_id or 0, []).append(
                    f"#{item.number} {plain(item.title)} ({who(item.owner)})")
        table = Table("minutes", record_name(self.lang, "minutes"), headers(self.lang, "minutes"))
        for m in found:
            fields = {name: plain((m.fields or {}).get(name)) for name in FIELDS}
            table.rows.append([
                f"#{m.number}", plain(m.title), fields["time"], fields["place"], fields["host"],
                who(m.recorder) or fields["recorder"], fields["attendees"], fields["topics"], fields["decisions"],
                "\n".join(actions.get(m.id, [])), who(m.poster), self.local(m.created_at), plain(m.body)])
        return table

    def issue_table(self) -> Table:
        lang = self.lang
        query = select(Issue).where(Issue.chat_id == self.chat.id)
        if self.project is not None:
            query = query.where(Issue.project_id == self.project.id)
        if self.since is not None:
            query = query.where(or_(Issue.created_at >= self.since, Issue.resolved_at >= self.since))
        table = Table("issues", record_name(lang, "issues"), headers(lang, "issues"))
        for issue in self.session.scalars(query.order_by(Issue.number)):
            parties = [p.department.name if p.department else who(p.user) for p in issue.parties]
            severity = SEVERITY.get(issue.severity or "")
            table.rows.append([
                f"#{issue.number}", label(lang, issue.kind if issue.kind in ("issue", "emergency") else "issue"),
                (severity[1] if lang == "en" else severity[0]) if severity else "", plain(issue.description),
                "、".join(parties) if lang != "en" else ", ".join(parties), plain(issue.impact), who(issue.reporter),
                self.local(issue.created_at), self.local(issue.due_at),
                label(lang, "resolved" if issue.status == "resolved" else "open"), plain(issue.plan),
                plain(issue.result), plain(issue.lesson), who(issue.resolver), self.local(issue.resolved_at),
                issue.escalations,
            ])
        return table

    def retro_table(self) -> Table:
        from bot.retro.strings import NOTE_KIND

        query = select(RetroNote).where(RetroNote.chat_id == self.chat.id)
        if self.project is not None:
            query = query.where(RetroNote.project_id == self.project.id)
        if self.since is not None:
            query = query.where(RetroNote.created_at >= self.since)
        table = Table("retro", record_name(self.lang, "retro"), headers(self.lang, "retro"))
        for note in self.session.scalars(query.order_by(RetroNote.id)):
            kind = NOTE_KIND.get(note.kind)
            table.rows.append([(kind[1] if self.lang == "en" else kind[0]) if kind else note.kind, plain(note.text),
                               who(note.author), self.local(note.created_at)])
        return table


def tables(session: Session, *, chat: Chat, project: Project | None = None, since: date | None = None,
           lang: str = "zh", tz: str = "Asia/Shanghai") -> list[Table]:
    """The chat's (or the project's) records since `since`, one table per record type that has any."""
    reader = _Reader(session, chat=chat, project=project, since=since, lang=lang, tz=tz)
    items = reader.items()
    found = [reader.item_table(items), reader.history_table(items), reader.minutes_table(items),
             reader.issue_table(), reader.retro_table()]
    return [table for table in found if table.rows]
