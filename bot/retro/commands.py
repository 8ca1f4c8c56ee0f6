"""/retro (/复盘): post the report, or `/retro add KIND TEXT` to collect a highlight, problem or improvement."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from bot.commands import grammar
from bot.context import Ctx, UserError
from bot.issues.projects import project_named
from bot.retro.report import retro_card
from bot.retro.strings import NOTE_KIND, t, usage
from storage.models import RetroNote, RetroReport

ADD = ("add", "记", "记录", "添加", "+")
KINDS = {"highlight": ("亮点", "highlight", "highlights", "good"),
         "problem": ("问题", "problem", "problems", "issue"),
         "improvement": ("改进", "improvement", "improvements", "improve", "改进措施")}
SINCE = r"(?<!\S)(?:since|from|自|从)\s*[:：]?"
DATE = re.compile(r"^(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _since(ctx: Ctx, text: str) -> datetime:
    m = DATE.match(text.strip())
    if not m:
        raise UserError(t(ctx.lang, "bad_date", value=text) + "\n" + usage(ctx.lang))
    today = ctx.now.astimezone(ctx.calendar.tz).date()
    year = int(m.group(1)) if m.group(1) else today.year
    try:
        day = date(year, int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UserError(t(ctx.lang, "bad_date", value=text) + "\n" + usage(ctx.lang)) from None
    if day > today and not m.group(1):
        day = day.replace(year=year - 1)  # "12月1日" said in May means last December
    if day > today:
        raise UserError(t(ctx.lang, "future_date", value=text))
    return datetime.combine(day, time.min, tzinfo=ctx.calendar.tz)


def _add(ctx: Ctx, rest: str) -> None:
    word, _, text = rest.strip().partition(" ")
    kind = next((k for k, words in KINDS.items() if word.lower() in words), None)
    if kind is None:
        raise UserError(t(ctx.lang, "need_kind") + "\n" + usage(ctx.lang))
    if not text.strip():
        raise UserError(t(ctx.lang, "need_text") + "\n" + usage(ctx.lang))
    ctx.session.add(RetroNote(chat_id=ctx.chat.id, kind=kind, text=text.strip(), author=ctx.actor, created_at=ctx.now))
    label = NOTE_KIND[kind][1 if ctx.lang == "en" else 0]
    ctx.reply(t(ctx.lang, "noted", kind=label, text=text.strip()))


def cmd_retro(ctx: Ctx, rest: str) -> None:
    word, _, after = rest.strip().partition(" ")
    if word.lower() in ADD:
        _add(ctx, after)
        return
    name, parts = grammar.split_markers(rest, {"since": SINCE})
    if "since" in parts and not parts["since"]:
        raise UserError(t(ctx.lang, "bad_date", value="") + "\n" + usage(ctx.lang))
    since = _since(ctx, parts["since"]) if parts.get("since") else None
    name = re.sub(r"^(?:项目|project)(?:\s*[:：]\s*|\s+)", "", name.strip(), flags=re.IGNORECASE)  # /复盘 项目 618
    if " " in name:
        raise UserError(t(ctx.lang, "one_project", name=name.strip()) + "\n" + usage(ctx.lang))
    project = project_named(ctx, name) if name else None  # an unknown name is refused, naming the chat's
    ctx.session.add(RetroReport(chat_id=ctx.chat.id, project_id=project.id if project else None, since=since,
                                actor_id=ctx.actor.id, posted_at=ctx.now))
    ctx.reply(card=retro_card(ctx.session, chat=ctx.chat, since=since, now=ctx.now, policy=ctx.policy,
                              calendar=ctx.calendar, project=project))
