"""Read-only commands: /list, /show, /help."""

from __future__ import annotations

from sqlalchemy import or_, select

from bot.commands import grammar
from bot.commands.items import item_and_rest, resolve_target
from bot.commands.strings import SUMMARY, USAGE, t, usage
from bot.context import Ctx, UserError
from bot.directory import at
from bot.events import Card
from bot.i18n import render
from bot.items import strings as item_strings
from bot.items.render import OPEN_STATUSES, history_line, item_card, summary_line
from storage.models import Item

LIST_MODES = {"mine": ("我的", "我", "mine", "me"), "overdue": ("逾期", "超期", "overdue", "late"),
              "all": ("全部", "所有", "all")}


def cmd_list(ctx: Ctx, rest: str) -> None:
    word = rest.strip()
    mode = next((m for m, words in LIST_MODES.items() if word.lower() in words), None)
    query = select(Item).where(Item.chat_id == ctx.chat.id)
    title_key, title_kw = "list.title", {}
    if mode != "all":
        query = query.where(Item.status.in_(OPEN_STATUSES))
    if mode == "mine":
        me = ctx.actor.id
        query = query.where(or_(Item.owner_id == me, Item.initiator_id == me, Item.approver_id == me))
        title_key = "list.title_mine"
    elif mode == "overdue":
        query = query.where(Item.deadline < ctx.now, Item.status != "done")
        title_key = "list.title_overdue"
    elif mode == "all":
        title_key = "list.title_all"
    elif word:
        ref, leftover = grammar.take_leading_mention(word)
        if ref is None or leftover:
            raise UserError(usage(ctx.lang, "list"))
        target = resolve_target(ctx, ref)
        if target.department is not None:
            query = query.where(Item.department_id == target.department.id)
            title_kw = {"user": target.department.name}
        else:
            query = query.where(Item.owner_id == target.user.id)
            title_kw = {"user": at(target.user)}
        title_key = "list.title_user"
    items = ctx.session.scalars(query.order_by(Item.deadline.is_(None), Item.deadline, Item.id)).all()
    if not items:
        ctx.reply(item_strings.t(ctx.lang, "list.empty" if title_key == "list.title" else "list.none"))
        return
    limit = ctx.policy.list_limit
    lines = [summary_line(i, lang=ctx.lang, calendar=ctx.calendar, now=ctx.now) for i in items[:limit]]
    if len(items) > limit:
        lines.append(item_strings.t(ctx.lang, "list.more", n=len(items) - limit))
    title = item_strings.t(ctx.lang, title_key, n=len(items), **title_kw)
    # No item ids: a reaction on a list must not confirm or acknowledge what it happens to show.
    ctx.reply(card=Card(title=title, lines=tuple(lines)))


def cmd_show(ctx: Ctx, rest: str) -> None:
    item, _ = item_and_rest(ctx, rest, "show")
    history = [item_strings.t(ctx.lang, "show.history")]
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
