"""/settings (this chat), and who may change set-up at all (admins)."""

from __future__ import annotations

from datetime import time
from zoneinfo import available_timezones

import holidays
from sqlalchemy import select

from bot.commands import grammar
from bot.commands.items import resolve_target
from bot.commands.strings import t, usage
from bot.context import Ctx, UserError
from bot.directory import at
from bot.email import commands as email_commands
from bot.suggest import flow as suggest_flow
from bot.suggest import strings as suggest_strings
from storage.models import User

DIGEST_KEYS = {"daily": "daily_digest_at", "digest": "daily_digest_at", "日报": "daily_digest_at",
               "weekly": "weekly_report_at", "周报": "weekly_report_at"}
LANG_WORDS = {"zh": ("zh", "中文", "cn", "chinese"), "en": ("en", "英文", "english")}
# The chat's own name (exports, charts and emails are named after it); platforms' events carry none.
NAME_KEYS = ("name", "名称", "群名", "群名称")
MAX_CHAT_NAME = 60
SUGGEST_KEYS = ("suggest", "suggestions", "建议", "跟进建议")
OPEN_ENDED_KEYS = ("open-ended", "open_ended", "openended", "无截止", "不设截止")
SWITCH = {True: ("on", "yes", "true", "允许", "可以", "开", "是"), False: ("off", "no", "false", "不允许", "关", "否")}


def require_admin(ctx: Ctx) -> None:
    """Departments and settings steer everyone's reminders: admins (if any are set) decide."""
    admins = ctx.policy.admins
    if not admins or ctx.actor.user_id in admins:
        return
    raise UserError(t(ctx.lang, "admin_only", admins=admin_names(ctx)))


def admin_names(ctx: Ctx) -> str:
    """The admins as the chat knows them ("" when none are set)."""
    admins = ctx.policy.admins
    people = ctx.session.scalars(select(User).where(User.platform == ctx.event.platform,
                                                    User.user_id.in_(admins))).all() if admins else []
    return " ".join(at(u) for u in people) or ", ".join(admins)


def cmd_settings(ctx: Ctx, rest: str) -> None:
    words = rest.split()
    if words and words[0].lower() in email_commands.KEYS:  # /settings email …: a list of its own
        email_commands.settings_email(ctx, rest.strip()[len(words[0]):], may_change=require_admin)
        return
    settings = dict(ctx.chat.settings or {})
    if words:
        require_admin(ctx)
        key, value = words[0].lower(), " ".join(words[1:])
        if key in ("lang", "language", "语言"):
            lang = next((code for code, names in LANG_WORDS.items() if value.lower() in names), None)
            if lang is None:
                raise UserError(t(ctx.lang, "settings.bad_lang"))
            settings["lang"] = lang
        elif key in ("timezone", "tz", "时区"):
            if value not in available_timezones():
                raise UserError(t(ctx.lang, "settings.bad_timezone", tz=value))
            settings["timezone"] = value
        elif key in DIGEST_KEYS:
            try:
                when = time.fromisoformat(value)
            except ValueError:
                raise UserError(t(ctx.lang, "settings.bad_time", value=value)) from None
            cal = ctx.calendar.config
            if not cal.work_start <= when < cal.work_end:  # nothing is posted after hours
                raise UserError(t(ctx.lang, "settings.after_hours", value=value,
                                  start=cal.work_start.strftime("%H:%M"), end=cal.work_end.strftime("%H:%M")))
            settings[DIGEST_KEYS[key]] = when.strftime("%H:%M")
        elif key in ("country", "国家", "日历"):
            code = value.upper()
            if code not in ("", "CN") and code not in holidays.list_supported_countries():
                raise UserError(t(ctx.lang, "settings.bad_country", value=value))
            settings["country"] = code
        elif key in ("managers", "manager", "管理者", "经理", "上级"):
            refs, stray = grammar.take_people(" ".join(words[1:]))
            people = [resolve_target(ctx, r).user for r in refs]
            if not refs or stray or None in people:
                raise UserError(usage(ctx.lang, "settings"))
            settings["managers"] = [u.user_id for u in people]
        elif key in OPEN_ENDED_KEYS:
            allowed = next((on for on, names in SWITCH.items() if value.lower() in names), None)
            if allowed is None:
                raise UserError(t(ctx.lang, "settings.bad_switch"))
            settings["open_ended"] = allowed
        elif key in NAME_KEYS:
            name = " ".join(words[1:])
            if not name or len(name) > MAX_CHAT_NAME or "@" in name:
                raise UserError(t(ctx.lang, "settings.bad_name", n=MAX_CHAT_NAME))
            ctx.chat.name = name
        elif key in SUGGEST_KEYS:
            on = next((on for on, names in SWITCH.items() if value.lower() in names), None)
            if on is None:
                raise UserError(suggest_strings.t(ctx.lang, "settings.bad_switch"))
            settings[suggest_flow.SETTING] = on
        else:
            raise UserError(usage(ctx.lang, "settings"))
        ctx.chat.settings = settings
    lang = settings.get("lang", ctx.policy.lang) if words else ctx.lang
    managers = " ".join(at(u) for u in ctx.session.scalars(select(User).where(
        User.platform == ctx.event.platform, User.user_id.in_(settings.get("managers", []))))) or "—"
    policy = ctx.policy
    show = t(lang, "settings.show", name=ctx.chat.name or t(lang, "settings.no_name"), lang=lang, timezone=settings.get("timezone", policy.calendar.timezone),
             managers=managers, country=settings.get("country", policy.calendar.country) or "—",
             daily=settings.get("daily_digest_at", policy.daily_digest_at.strftime("%H:%M")),
             weekly=settings.get("weekly_report_at", policy.weekly_report_at.strftime("%H:%M")),
             open_ended=t(lang, "settings.open_ended" if settings.get("open_ended", policy.allow_open_ended)
                          else "settings.deadline_required"))
    suggesting = suggest_strings.t(lang, "settings.on" if settings.get(suggest_flow.SETTING) else "settings.off")
    show += suggest_strings.t(lang, "settings.show", cap=policy.suggestions_per_chat_per_day, state=suggesting)
    ctx.reply(t(lang, "settings.saved", show=show) if words else show)
