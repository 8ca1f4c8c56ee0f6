"""Read-only commands: /list, /show, /help."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import or_, select

from bot.commands import grammar
from bot.commands.items import item_and_rest, resolve_target
from bot.commands.strings import SUMMARY, USAGE, t, usage
from bot.context import Ctx, UserError
from bot.directory import at, find_department
from bot.events import Card
from bot.i18n import render
from bot.items import roles
from bot.items import strings as item_strings
from bot.items.render import OPEN_STATUSES, history_line, item_card, summary_line
from bot.jira import links as jira_links
from bot.projects.joining import show_lines
from storage.models import Item

LIST_MODES = {"mine": ("我的", "我", "mine", "me"), "overdue": ("逾期", "超期", "overdue", "late"),
              "all": ("全部", "所有", "all"), "blocked": ("受阻", "需支持", "卡住", "blocked", "stuck"),
              "awaiting": ("待确认", "待验收", "awaiting", "unconfirmed"),
              "week": ("本周", "本周到期", "这周", "week", "this-week", "thisweek")}
# "this week", "due this week": two words people type as one filter
_PHRASES = {"this week": "this-week", "due this week": "this-week", "本周截止": "本周", "本周内": "本周"}


def _filters(ctx: Ctx, words: str) -> tuple[list, list[tuple[str, str]], bool]:
    """Each word (or @mention) of /list narrows the list: (conditions, title parts, all statuses?)."""
    text = words.lower()
    for phrase, word in _PHRASES.items():
        text = text.replace(phrase, word)
    refs = grammar.find_mentions(text)
    for ref in reversed(refs):
        text = text[:ref.span[0]] + " " + text[ref.span[1]:]
    conditions, titles, everything = [], [], False
    for word in text.split():
        mode = next((m for m, names in LIST_MODES.items() if word in names), None)
        dept = None if mode else find_department(session=ctx.session, platform=ctx.event.platform,
                                                 tenant=ctx.event.tenant, name=word)
        if mode is None and dept is None:
            raise UserError(item_strings.t(ctx.lang, "list.unknown_filter", word=word) + "\n" + usage(ctx.lang, "list"))
        if dept is not None:
            conditions.append(Item.department_id == dept.id)
            titles.append(("user", dept.name))
            continue
        everything |= mode == "all"
        conditions += _mode_conditions(ctx, mode)
        titles.append((mode, item_strings.t(ctx.lang, f"list.f.{mode}")))
    for ref in refs:
        target = resolve_target(ctx, ref)
        if target.department is not None:
            conditions.append(Item.department_id == target.department.id)
            titles.append(("user", target.department.name))
        else:
            conditions.append(Item.owner_id == target.user.id)
            titles.append(("user", at(target.user)))
    return conditions, titles, everything


def _mode_conditions(ctx: Ctx, mode: str) -> list:
    me = ctx.actor.id
    if mode == "mine":
        return [or_(Item.owner_id == me, Item.initiator_id == me, Item.approver_id == me,
                    Item.id.in_(roles.informed_item_ids(me)))]
    if mode == "overdue":
        return [Item.deadline < ctx.now, Item.status != "done"]
    if mode == "blocked":
        return [Item.status == "blocked"]
    if mode == "awaiting":
        return [Item.status == "done"]
    if mode == "week":
        cal = ctx.calendar
        today = ctx.now.astimezone(cal.tz).date()
        monday = today - timedelta(days=today.weekday())
        return [Item.deadline >= datetime.combine(monday, time.min, tzinfo=cal.tz),
                Item.deadline < datetime.combine(monday + timedelta(days=7), time.min, tzinfo=cal.tz)]
    return []


def cmd_list(ctx: Ctx, rest: str) -> None:
    conditions, titles, everything = _filters(ctx, rest.strip())
    query = select(Item).where(Item.chat_id == ctx.chat.id, *conditions)
    if not everything:
        query = query.where(Item.status.in_(OPEN_STATUSES))
    items = ctx.session.scalars(query.order_by(Item.deadline.is_(None), Item.deadline, Item.number)).all()
    if not items:
        ctx.reply(item_strings.t(ctx.lang, "list.empty" if not rest.strip() else "list.none"))
        return
    limit = ctx.policy.list_limit
    lines = [summary_line(i, lang=ctx.lang, calendar=ctx.calendar, now=ctx.now) for i in items[:limit]]
    if len(items) > limit:
        lines.append(item_strings.t(ctx.lang, "list.more", n=len(items) - limit))
    title = _title(ctx, titles, len(items))
    # No item ids: a reaction on a list must not confirm or acknowledge what it happens to show.
    ctx.reply(card=Card(title=title, lines=tuple(lines)))


def _title(ctx: Ctx, titles: list[tuple[str, str]], n: int) -> str:
    """"我的事项（2）" for one filter, "本群事项 · 技术部 · 受阻（1）" for several."""
    if not titles:
        return item_strings.t(ctx.lang, "list.title", n=n)
    if len(titles) == 1:
        kind, text = titles[0]
        return item_strings.t(ctx.lang, f"list.title_{kind}", n=n, user=text)
    return item_strings.t(ctx.lang, "list.title_filtered", what=" · ".join(text for _, text in titles), n=n)


def cmd_show(ctx: Ctx, rest: str) -> None:
    item, _ = item_and_rest(ctx, rest, "show")
    history = show_lines(ctx, item) + [item_strings.t(ctx.lang, "show.history")]  # project, dependencies
    jira = jira_links.line(ctx.session, ctx.policy, item)
    history = ([jira] if jira else []) + history
    history += ["· " + history_line(row, lang=ctx.lang, calendar=ctx.calendar) for row in item.history]
    card = item_card(item, lang=ctx.lang, calendar=ctx.calendar, now=ctx.now, lines=tuple(history))
    ctx.reply(card=card, item_ids=(item.id,))


def cmd_help(ctx: Ctx, rest: str) -> None:
    word = rest.strip().lstrip("/／")
    if word:
        name = grammar.split_command("/" + word, addressed=True)
        if name is None or not name.name:
            raise UserError(t(ctx.lang, "unknown", word=word, hint=t(ctx.lang, "hint")))
        ctx.reply(usage(ctx.lang, name.name))
        return
    lines = []
    for name in USAGE:
        alias = grammar.ALIASES[name][0]
        lines.append(t(ctx.lang, "help.line", name=name, alias=alias, summary=render(SUMMARY, ctx.lang, name)))
    lines.append(t(ctx.lang, "help.footer"))
    ctx.reply(card=Card(title=t(ctx.lang, "help.title"), lines=tuple(lines)))
