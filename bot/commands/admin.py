"""Set-up commands: /dept (departments, heads, liaisons) and /settings (this chat)."""

from __future__ import annotations

from datetime import time
from zoneinfo import available_timezones

import holidays
from sqlalchemy import select

from bot.commands import grammar
from bot.commands.items import resolve_target
from bot.commands.strings import t, usage
from bot.context import Ctx, UserError
from bot.directory import at, find_department, liaisons
from bot.events import Card
from storage.models import Department, DepartmentMember, User

ROLE_MARKERS = {
    "head": r"(?:负责人|部门负责人)\s*[:：]?|(?<!\S)head:?(?=\s|$)",
    "liaison": r"(?:对接人|联络人)\s*[:：]?|(?<!\S)liaisons?:?(?=\s|$)",
    "member": r"(?:成员)\s*[:：]?|(?<!\S)members?:?(?=\s|$)",
}
DIGEST_KEYS = {"daily": "daily_digest_at", "digest": "daily_digest_at", "日报": "daily_digest_at",
               "weekly": "weekly_report_at", "周报": "weekly_report_at"}
ROLE_NAMES = {"head": ("负责人", "head"), "liaison": ("对接人", "liaison"), "member": ("成员", "members")}
LANG_WORDS = {"zh": ("zh", "中文", "cn", "chinese"), "en": ("en", "英文", "english")}


def _line(ctx: Ctx, dept: Department) -> str:
    members = [m.user for m in dept.members if m.role == "member"]
    return t(ctx.lang, "dept.line", name=dept.name, head=at(dept.head),
             liaisons=" ".join(at(u) for u in liaisons(dept)) or "—",
             members=" ".join(at(u) for u in members) or "—")


def _people(ctx: Ctx, segment: str, role: str) -> list[User]:
    refs, stray = grammar.take_people(segment)
    name = ROLE_NAMES[role][1 if ctx.lang == "en" else 0]
    if not refs:
        raise UserError(t(ctx.lang, "dept.need_mentions", role=name) + "\n" + usage(ctx.lang, "dept"))
    if stray:  # a word we would otherwise drop: say so rather than guess
        raise UserError(t(ctx.lang, "dept.stray", words=stray, role=name) + "\n" + usage(ctx.lang, "dept"))
    if role == "head" and len(refs) > 1:
        raise UserError(t(ctx.lang, "dept.one_head"))
    people = []
    for ref in refs:
        target = resolve_target(ctx, ref)
        if target.user is None:
            raise UserError(t(ctx.lang, "dept.dept_as_person", name=ref.name))
        people.append(target.user)
    return people


def cmd_dept(ctx: Ctx, rest: str) -> None:
    platform = ctx.event.platform
    if not rest.strip():
        depts = ctx.session.scalars(select(Department).where(Department.platform == platform)
                                    .order_by(Department.name)).all()
        if not depts:
            ctx.reply(t(ctx.lang, "dept.list_empty", usage=usage(ctx.lang, "dept")))
            return
        ctx.reply(card=Card(title=t(ctx.lang, "dept.list_title", n=len(depts)),
                            lines=tuple(_line(ctx, d) for d in depts)))
        return
    name, parts = grammar.split_markers(rest, ROLE_MARKERS)
    name = name.lstrip("@")
    if not name or " " in name:
        raise UserError(usage(ctx.lang, "dept"))
    existing = find_department(session=ctx.session, platform=platform, name=name)
    _require_admin(ctx, head=existing.head if existing else None)
    roles = {role: _people(ctx, segment, role) for role, segment in parts.items()}
    if len(roles.get("liaison", [])) > 2:
        raise UserError(t(ctx.lang, "dept.too_many_liaisons"))
    dept = existing
    if dept is None:
        dept = Department(platform=platform, name=name)
        ctx.session.add(dept)
    if "head" in roles:
        dept.head = roles["head"][0]
    for role in ("liaison", "member"):
        if role in roles:
            # naming a role's people replaces that role; a person has one role per department
            dept.members = [m for m in dept.members if m.role != role and m.user not in roles[role]]
            dept.members += [DepartmentMember(user=u, role=role) for u in dict.fromkeys(roles[role])]
    ctx.session.flush()
    ctx.reply(t(ctx.lang, "dept.saved", line=_line(ctx, dept)))


def _require_admin(ctx: Ctx, *, head: User | None = None) -> None:
    """Departments and settings steer everyone's reminders: admins (if any are set) decide."""
    admins = ctx.policy.admins
    if not admins or ctx.actor.user_id in admins or (head is not None and head.id == ctx.actor.id):
        return
    people = ctx.session.scalars(select(User).where(User.platform == ctx.event.platform,
                                                    User.user_id.in_(admins))).all()
    names = " ".join(at(u) for u in people) or ", ".join(admins)
    raise UserError(t(ctx.lang, "admin_only", admins=names))


def cmd_settings(ctx: Ctx, rest: str) -> None:
    words = rest.split()
    settings = dict(ctx.chat.settings or {})
    if words:
        _require_admin(ctx)
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
        else:
            raise UserError(usage(ctx.lang, "settings"))
        ctx.chat.settings = settings
    lang = settings.get("lang", ctx.policy.lang) if words else ctx.lang
    managers = " ".join(at(u) for u in ctx.session.scalars(select(User).where(
        User.platform == ctx.event.platform, User.user_id.in_(settings.get("managers", []))))) or "—"
    policy = ctx.policy
    show = t(lang, "settings.show", lang=lang, timezone=settings.get("timezone", policy.calendar.timezone),
             managers=managers, country=settings.get("country", policy.calendar.country) or "—",
             daily=settings.get("daily_digest_at", policy.daily_digest_at.strftime("%H:%M")),
             weekly=settings.get("weekly_report_at", policy.weekly_report_at.strftime("%H:%M")))
    ctx.reply(t(lang, "settings.saved", show=show) if words else show)
