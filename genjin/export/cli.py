"""`genjin export`: write a chat's, a project's or every chat's records to a folder."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from tqdm import tqdm

from genjin.config import ConfigError, Settings
from genjin.export import FORMATS, Scope, count_rows, export_files
from storage.models import Chat, Project


class ExportError(ConfigError):
    """A bad argument: said in one line, exit code 2 (as a bad setting)."""


def parse_formats(text: str | None) -> list[str]:
    wanted = [f.strip().lower().lstrip(".") for f in (text or ",".join(FORMATS)).split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        raise ExportError(f"unknown format {bad[0] if bad else text!r}: use one or more of {','.join(FORMATS)}")
    return list(dict.fromkeys(wanted))


def parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ExportError(f"--since wants a date as YYYY-MM-DD, got {text!r}") from None


def find_chat(session: Session, ref: str) -> Chat:
    """A chat by its database id or by the platform's chat id (e.g. demo, C0123, oc_…)."""
    query = select(Chat).where(or_(Chat.chat_id == ref, Chat.id == int(ref)) if ref.isdigit() else Chat.chat_id == ref)
    found = list(session.scalars(query.order_by(Chat.id)))
    if len(found) == 1:
        return found[0]
    known = ", ".join(f"{c.id} ({c.platform}:{c.chat_id})" for c in session.scalars(select(Chat).limit(10)))
    if not found:
        raise ExportError(f"no chat {ref!r}; chats: {known or 'none yet'}")
    raise ExportError(f"{ref!r} names several chats; give the database id: {known}")


def find_project(session: Session, name: str, chat: Chat | None) -> Project:
    query = select(Project).where(func.lower(Project.name) == name.strip().lower())
    if chat is not None:
        query = query.where(Project.chat_id == chat.id)
    found = list(session.scalars(query))
    if len(found) == 1:
        return found[0]
    if found:
        chats = ", ".join(str(p.chat_id) for p in found)
        raise ExportError(f"several chats have a project {name!r} (chats {chats}): add --chat ID")
    names = session.scalars(select(Project.name).where(Project.chat_id == chat.id) if chat else select(Project.name))
    listed = ", ".join(sorted(set(names))[:20])
    raise ExportError(f"no project {name!r}{' in that chat' if chat else ''}; projects: {listed or 'none yet'}")


def _show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def run(settings: Settings, *, db: str | None, out: str, chat: str | None, project: str | None,
        since: str | None, formats: str | None, lang: str | None, now: datetime | None = None) -> int:
    from storage.db import make_engine, session_factory, upgrade

    wanted, day = parse_formats(formats), parse_day(since)
    engine = make_engine(db or settings.db_url())
    try:
        upgrade(engine)
        with session_factory(engine)() as session:
            found_chat = find_chat(session, chat) if chat else None
            found_project = find_project(session, project, found_chat) if project else None
            scopes = ([Scope(project_id=found_project.id, since=day)] if found_project else
                      [Scope(chat_id=c.id, since=day) for c in ([found_chat] if found_chat else
                                                                 session.scalars(select(Chat).order_by(Chat.id)))])
            written = _write(session, scopes, Path(out), wanted, settings=settings, lang=lang,
                             now=now or datetime.now(UTC))
    finally:
        engine.dispose()
    if not written:
        print("genjin export: nothing to export (no items, minutes, issues or retrospective notes)", file=sys.stderr)
    return 0


def _write(session: Session, scopes: Sequence[Scope], folder: Path, formats: list[str], *, settings: Settings,
           lang: str | None, now: datetime) -> list[Path]:
    def lang_of(scope: Scope) -> str:
        chat = session.get(Chat, scope.chat_id) if scope.chat_id else session.get(Project, scope.project_id).chat  # type: ignore[union-attr]
        return lang or (chat.settings or {}).get("lang") or settings.lang  # type: ignore[union-attr]

    tz = None  # each chat's own zone (its /settings), else Asia/Shanghai
    total = sum(count_rows(session, s, lang=lang_of(s), tz=tz) for s in scopes) * len(formats)
    written: list[Path] = []
    with tqdm(total=total, unit="rows", desc="export", disable=not _show_progress(), file=sys.stderr) as bar:
        for scope in scopes:
            files = export_files(session, scope, formats=formats, now=now, lang=lang_of(scope), tz=tz,
                                 progress=bar.update)
            if files:
                folder.mkdir(parents=True, exist_ok=True)
            for f in files:
                path = folder / f.name
                if path in written:  # two chats of the same name in one run
                    path = path.with_stem(f"{path.stem}-{scope.chat_id or scope.project_id}")
                path.write_bytes(f.data)
                written.append(path)
    for path in written:
        print(path)
    return written
