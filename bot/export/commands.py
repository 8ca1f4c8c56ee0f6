"""/export (/导出) [project NAME] [since DATE]: this chat's records as files, posted in the chat.

The reply names its files (Excel, Markdown, a CSV per record type) as attachments of source
"export"; delivery makes them (genjin/export) and the platform uploads them.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from bot.commands import grammar
from bot.context import Ctx, UserError
from bot.events import Attachment
from bot.export.names import archive_name, record_file_name
from bot.export.records import owner_name, tables
from bot.export.strings import record_name, t, usage
from bot.issues.projects import project_named
from bot.retro.commands import DATE, SINCE

PROJECT_WORD = re.compile(r"^(?:项目|project)(?:\s*[:：]\s*|\s+|$)", re.IGNORECASE)


def parse_since(ctx: Ctx, text: str) -> date:
    """A past (or today's) day: 2026-05-01, 5月1日, 5/1 (a day not yet come this year is last year's)."""
    m = DATE.match(text.strip())
    today = ctx.now.astimezone(ctx.calendar.tz).date()
    try:
        if not m:
            raise ValueError(text)
        day = date(int(m.group(1)) if m.group(1) else today.year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UserError(t(ctx.lang, "bad_date", value=text.strip()) + "\n" + usage(ctx.lang)) from None
    if day > today and not m.group(1):
        day = day.replace(year=day.year - 1)
    if day > today:
        raise UserError(t(ctx.lang, "future_date", value=text.strip()))
    return day


def cmd_export(ctx: Ctx, rest: str) -> None:
    name, parts = grammar.split_markers(rest, {"since": SINCE})
    if "since" in parts and not parts["since"]:
        raise UserError(t(ctx.lang, "bad_date", value="") + "\n" + usage(ctx.lang))
    since = parse_since(ctx, parts["since"]) if parts.get("since") else None
    said_project = PROJECT_WORD.match(name.strip()) is not None
    name = PROJECT_WORD.sub("", name.strip()).strip()
    if said_project and not name:
        raise UserError(t(ctx.lang, "need_project") + "\n" + usage(ctx.lang))
    if " " in name:
        raise UserError(t(ctx.lang, "one_project", name=name) + "\n" + usage(ctx.lang))
    project = project_named(ctx, name) if name else None  # an unknown name is refused, naming the chat's
    lang, tz = ctx.lang, ctx.policy.calendar.timezone
    found = tables(ctx.session, chat=ctx.chat, project=project, since=since, lang=lang, tz=tz)
    scope = (t(lang, "scope.project", name=project.name) if project else t(lang, "scope.chat")) + (
        t(lang, "scope.since", date=since.isoformat()) if since else "")
    if not found:
        ctx.reply(t(lang, "nothing", scope=scope))
        return
    params = {"chat": str(ctx.chat.id), "project": str(project.id) if project else "",
              "since": since.isoformat() if since else "", "lang": lang, "tz": tz}
    owner, day = owner_name(ctx.chat, project), ctx.now.astimezone(ctx.calendar.tz).date()
    files = [Attachment(archive_name(owner, lang=lang, day=day, fmt=fmt), "export",
                        params={**params, "format": fmt, "record": ""}) for fmt in ("xlsx", "md")]
    files += [Attachment(record_file_name(owner, table.record, lang=lang, day=day), "export",
                         params={**params, "format": "csv", "record": table.record}) for table in found]
    counts = t(lang, "sep").join(t(lang, "count", label=record_name(lang, table.record), n=len(table.rows))
                                 for table in found)
    ctx.reply(t(lang, "ready", scope=scope, counts=counts))
    ctx.out[-1] = dataclasses.replace(ctx.out[-1], attachments=tuple(files))
