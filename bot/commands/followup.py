"""Follow-up commands: /digest (/日报 /周报) on demand and /snooze (/稍后)."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.commands.items import item_and_rest
from bot.commands.strings import usage
from bot.context import Ctx, UserError
from bot.followup import digests
from bot.followup import weekly as weekly_report
from bot.followup.messages import chart_attachment
from bot.followup.strings import t
from bot.items import actions

DURATION = re.compile(r"^(\d{1,4})\s*(m|min|分钟|h|小时|d|天)$", re.IGNORECASE)
UNIT = {"m": "minutes", "min": "minutes", "分钟": "minutes", "h": "hours", "小时": "hours", "d": "days", "天": "days"}
WEEKLY_WORDS = ("weekly", "week", "周报", "周")


def cmd_digest(ctx: Ctx, rest: str, *, weekly: bool = False) -> None:
    word = rest.strip().lower()
    if word and word not in (*WEEKLY_WORDS, "daily", "day", "日报", "日"):
        raise UserError(usage(ctx.lang, "digest"))
    weekly = weekly or word in WEEKLY_WORDS
    build = weekly_report.weekly if weekly else digests.daily
    card = build(session=ctx.session, chat=ctx.chat, now=ctx.now, lang=ctx.lang, calendar=ctx.calendar)
    if card is None:
        ctx.reply(t(ctx.lang, "nothing"))
    else:
        chart = chart_attachment(scope=ctx.chat.name or ctx.chat.chat_id, policy=ctx.policy, now=ctx.now,
                                 chat_id=ctx.chat.id)
        ctx.reply(card=card, attachments=(chart,) if weekly else ())


def cmd_weekly(ctx: Ctx, rest: str) -> None:
    cmd_digest(ctx, rest, weekly=True)


def cmd_snooze(ctx: Ctx, rest: str) -> None:
    item, rest = item_and_rest(ctx, rest, "snooze")
    m = DURATION.match(rest.strip().replace(" ", ""))
    if not m:
        raise UserError(usage(ctx.lang, "snooze"))
    actions.check_allowed(ctx, item, "snooze")
    until = ctx.now + timedelta(**{UNIT[m.group(2).lower()]: int(m.group(1))})
    days = ctx.policy.snooze_max_working_days
    latest = ctx.calendar.add_working_days(ctx.now, days)
    stamp = lambda d: d.astimezone(ctx.calendar.tz).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    if until > latest:  # a pause that long is really a new deadline, with its reason on record
        raise UserError(t(ctx.lang, "snooze_too_long", n=days, latest=stamp(latest), id=item.number))
    item.snoozed_until = until
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="snooze", now=ctx.now,
                   from_status=item.status, note=rest.strip())
    ctx.reply(t(ctx.lang, "snoozed", id=item.number, until=stamp(until)), item_ids=(item.id,), thread_of=item.id)
