"""/jira: link an item to a Jira issue, show or remove the link, or have the bot create the issue."""

from __future__ import annotations

from bot.commands import grammar
from bot.commands.items import load_item
from bot.context import Ctx, UserError
from bot.i18n import render
from bot.issues.commands import find_issue
from bot.items import actions
from bot.jira import create, keys
from bot.jira.links import line, link_of, shown
from bot.jira.strings import CREATE, REMOVE, USAGE, t
from storage.models import Item, JiraLink


def usage(lang: str) -> str:
    return render(USAGE, lang, "jira")


def cmd_jira(ctx: Ctx, rest: str) -> None:
    words = rest.split()
    creating = bool(words) and words[0].lower() in CREATE  # /jira create #N PROJECT
    number, after = grammar.take_item_ref(" ".join(words[creating:]))
    if number is None:
        raise UserError(t(ctx.lang, "e.extra", word=words[0], usage=usage(ctx.lang)) if words and not creating
                        else usage(ctx.lang))
    item = _item(ctx, number)
    args = after.split()
    if not creating and args and args[0].lower() in CREATE:  # /jira #N create PROJECT
        creating, args = True, args[1:]
    if creating:
        _create(ctx, item, args)
    elif not args:
        _show(ctx, item)
    elif len(args) == 1 and args[0].lower() in REMOVE:
        _remove(ctx, item)
    elif len(args) == 1:
        key = keys.issue_key(args[0])
        if key is None:
            raise UserError(t(ctx.lang, "e.bad_key", word=args[0]) + "\n" + usage(ctx.lang))
        _link(ctx, item, key)
    else:
        raise UserError(t(ctx.lang, "e.extra", word=" ".join(args[1:]), usage=usage(ctx.lang)))


def _item(ctx: Ctx, number: int) -> Item:
    """Item #number here; an issue of the issue log with that number is told apart."""
    try:
        return load_item(ctx, number)
    except UserError:
        if find_issue(ctx, number) is not None:
            raise UserError(t(ctx.lang, "e.issue", id=number)) from None
        raise


def _show(ctx: Ctx, item: Item) -> None:
    link = link_of(ctx.session, item)
    if link is None:
        ctx.reply(t(ctx.lang, "none", id=item.number), item_ids=(item.id,))
        return
    ctx.reply(t(ctx.lang, "shown", id=item.number, title=item.title, line=line(ctx.session, ctx.policy, item)),
              item_ids=(item.id,))


def _link(ctx: Ctx, item: Item, key: str) -> None:
    link = link_of(ctx.session, item)
    if link is not None and link.key is None:
        raise UserError(t(ctx.lang, "e.still_creating", id=item.number, project=link.project))
    if link is not None and link.key == key:
        raise UserError(t(ctx.lang, "same", id=item.number, link=shown(ctx.policy, key)))
    old = link.key if link is not None else None
    if link is None:
        link = JiraLink(item_id=item.id, key=key, linked_at=ctx.now, linked_by=ctx.actor)
        ctx.session.add(link)
    else:
        link.key, link.status, link.project, link.linked_at, link.linked_by = key, None, None, ctx.now, ctx.actor
    ctx.session.flush()
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="jira_link", now=ctx.now,
                   from_status=item.status, note=f"{old} → {key}" if old else key, data={"key": key, "old": old})
    text = (t(ctx.lang, "relinked", id=item.number, old=old, link=shown(ctx.policy, key)) if old
            else t(ctx.lang, "linked", id=item.number, link=shown(ctx.policy, key)))
    actions.say(ctx, item, text)


def _remove(ctx: Ctx, item: Item) -> None:
    link = link_of(ctx.session, item)
    if link is None:
        raise UserError(t(ctx.lang, "e.nothing_to_remove", id=item.number))
    what = link.key or link.project or ""
    ctx.session.delete(link)
    ctx.session.flush()
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="jira_unlink", now=ctx.now,
                   from_status=item.status, note=what, data={"key": link.key, "project": link.project})
    actions.say(ctx, item, t(ctx.lang, "removed", id=item.number,
                             link=shown(ctx.policy, link.key) if link.key else link.project))


def _create(ctx: Ctx, item: Item, args: list[str]) -> None:
    if not args:
        raise UserError(t(ctx.lang, "e.need_project", id=item.number))
    project = keys.project_key(args[0])
    if project is None:
        raise UserError(t(ctx.lang, "e.bad_project", word=args[0]) + "\n" + usage(ctx.lang))
    if len(args) > 1:
        raise UserError(t(ctx.lang, "e.extra", word=" ".join(args[1:]), usage=usage(ctx.lang)))
    if not ctx.policy.jira_create:
        raise UserError(t(ctx.lang, "e.no_api", id=item.number))
    link = link_of(ctx.session, item)
    if link is not None and link.key is None:
        raise UserError(t(ctx.lang, "e.still_creating", id=item.number, project=link.project))
    if link is not None:
        raise UserError(t(ctx.lang, "e.already", id=item.number, link=shown(ctx.policy, link.key or "")))
    link = JiraLink(item_id=item.id, key=None, project=project, linked_at=ctx.now, linked_by=ctx.actor)
    ctx.session.add(link)
    ctx.session.flush()
    actions.record(session=ctx.session, item=item, actor=ctx.actor, action="jira_create", now=ctx.now,
                   from_status=item.status, note=project, data={"project": project})
    ctx.post(create.request(ctx, item, link))
    actions.say(ctx, item, t(ctx.lang, "creating", id=item.number, project=project))
