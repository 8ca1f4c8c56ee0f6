"""Export and archive: a chat's or a project's records as Excel, CSV and Markdown files.

Public API (the CLI, /export's attachments, the dashboard's buttons and email call it):
- `Scope(chat_id=None, project_id=None, since=None)`: DB ids of a Chat / Project, a first day;
- `export_files(session, scope, formats=…, now=…, lang=…) -> list[ExportFile]`: xlsx is one
  workbook with a sheet per record type, csv one file per record type, md one file with a table
  per record type; named 项目名称-文档类型-YYYYMMDD.ext;
- `register_producer()`: makes "export" an attachment source (reminders/attachments.py), with
  params {"chat", "project", "since", "format", "record", "lang"[, "tz"]}; genjin/app.py calls it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.export.names import archive_name, record_file_name
from bot.export.records import RECORD_TYPES, Scope, Table, chats_in, owner_name, tables, tz_of
from bot.export.strings import ARCHIVE
from genjin.export.formats import Progress, to_csv, to_md, to_xlsx
from reminders import attachments
from storage.models import Chat, Project

FORMATS = ("xlsx", "csv", "md")
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8"}
DEFAULT_TZ = "Asia/Shanghai"

__all__ = ["FORMATS", "RECORD_TYPES", "ExportFile", "Scope", "export_files", "produce", "register_producer"]


@dataclass(frozen=True)
class ExportFile:
    name: str
    data: bytes
    media_type: str


def _render(fmt: str, found: Sequence[Table], *, owner: str, lang: str, day: date,
            progress: Progress | None) -> list[ExportFile]:
    if fmt == "xlsx":
        return [ExportFile(archive_name(owner, lang=lang, day=day, fmt="xlsx"), to_xlsx(found, progress=progress),
                           MEDIA_TYPES["xlsx"])]
    if fmt == "md":
        title = f"{owner} · {ARCHIVE[1] if lang == 'en' else ARCHIVE[0]} · {day:%Y-%m-%d}"
        return [ExportFile(archive_name(owner, lang=lang, day=day, fmt="md"),
                           to_md(found, title=title, progress=progress), MEDIA_TYPES["md"])]
    return [ExportFile(record_file_name(owner, table.record, lang=lang, day=day), to_csv(table, progress=progress),
                       MEDIA_TYPES["csv"]) for table in found]


def _unique(files: list[ExportFile]) -> list[ExportFile]:
    """Two chats of the same name exported together: the second's files get " (2)"."""
    seen: set[str] = set()
    out = []
    for f in files:
        name, n = f.name, 1
        while name in seen:
            n += 1
            stem, _, ext = f.name.rpartition(".")
            name = f"{stem} ({n}).{ext}"
        seen.add(name)
        out.append(ExportFile(name, f.data, f.media_type))
    return out


def export_files(session: Session, scope: Scope, *, formats: Sequence[str], now: datetime, lang: str,
                 tz: str | None = None, progress: Progress | None = None) -> list[ExportFile]:
    """Every file of the scope's records in `formats`; nothing for a scope without records.

    `tz`: the zone dates are shown in (default: each chat's own, else Asia/Shanghai).
    `progress` is told the rows written, table by table (a terminal progress bar).
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format {unknown[0]!r}; use {', '.join(FORMATS)}")
    project = session.get(Project, scope.project_id) if scope.project_id is not None else None
    if scope.project_id is not None and project is None:
        raise LookupError(f"no project with id {scope.project_id}")
    files: list[ExportFile] = []
    for chat in chats_in(session, scope):
        zone = tz or tz_of(chat, DEFAULT_TZ)
        found = tables(session, chat=chat, project=project, since=scope.since, lang=lang, tz=zone)
        if not found:
            continue
        day = now.astimezone(ZoneInfo(zone)).date()
        for fmt in dict.fromkeys(formats):
            files += _render(fmt, found, owner=owner_name(chat, project), lang=lang, day=day, progress=progress)
    return _unique(files)


def count_rows(session: Session, scope: Scope, *, lang: str, tz: str | None = None) -> int:
    """How many rows the scope's tables hold (sizes a progress bar)."""
    project = session.get(Project, scope.project_id) if scope.project_id is not None else None
    return sum(len(t.rows) for chat in chats_in(session, scope)
               for t in tables(session, chat=chat, project=project, since=scope.since, lang=lang,
                               tz=tz or tz_of(chat, DEFAULT_TZ)))


def produce(session: Session, params: Mapping[str, str], now: datetime) -> bytes:
    """The "export" attachment: one file of one chat's (or project's) records, made at delivery."""
    fmt, lang = params.get("format", "xlsx"), params.get("lang") or "zh"
    chat = session.get(Chat, int(params["chat"])) if params.get("chat") else None
    project = session.get(Project, int(params["project"])) if params.get("project") else None
    if chat is None and project is None:
        raise LookupError(f"export attachment names no chat or project it can find: {dict(params)!r}")
    chat = chat or project.chat  # type: ignore[union-attr]
    since = date.fromisoformat(params["since"]) if params.get("since") else None
    found = tables(session, chat=chat, project=project, since=since, lang=lang,
                   tz=params.get("tz") or tz_of(chat, DEFAULT_TZ))
    if fmt == "csv":
        record = params.get("record", "items")
        table = next((t for t in found if t.record == record), None)
        if table is None:  # its records went away between the command and the delivery: headers only
            from bot.export.strings import headers, record_name
            table = Table(record, record_name(lang, record), headers(lang, record))
        return to_csv(table)
    day = now.astimezone(ZoneInfo(params.get("tz") or tz_of(chat, DEFAULT_TZ))).date()
    return _render(fmt, found, owner=owner_name(chat, project), lang=lang, day=day, progress=None)[0].data


def register_producer() -> None:
    """Make "export" a source of attachments (idempotent); called when the app is built."""
    attachments.register("export", produce)
